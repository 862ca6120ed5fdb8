"""The examples of docs/operations.md, run in order against the local cloud."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from pyrax_image import exceptions as exc
from tests.integration.helpers import python_blocks, run_blocks


def test_operations_guide_examples_run(cloud: Dict[str, Any]) -> None:
    namespace: Dict[str, Any] = {
        "KEYSTONE_URL": cloud["keystone_v3_url"],
        "ALICE_PASSWORD": cloud["users"]["alice"]["password"],
        "ADMIN_PASSWORD": cloud["admin"]["password"],
    }
    blocks = python_blocks("operations.md")
    assert len(blocks) >= 6
    try:
        run_blocks("operations.md", blocks, namespace)
        with pytest.raises(exc.NotFound):  # the guide deleted its image
            namespace["images"].get(namespace["image"].id)
    finally:
        image = namespace.get("image")
        if image is not None:
            try:
                namespace["images"].delete(image)
            except exc.NotFound:
                pass
