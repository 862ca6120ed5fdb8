"""The examples of docs/images.md, run in order against the Keystone-backed Glance."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from pyrax_image import exceptions as exc
from tests.integration.data_fixtures import keystone_login
from tests.integration.helpers import python_blocks, run_blocks


def test_images_guide_examples_run(cloud: Dict[str, Any]) -> None:
    login, partner = keystone_login(cloud, "alice"), keystone_login(cloud, "bob")
    namespace: Dict[str, Any] = {
        "TOKEN": login["token"],
        "PROJECT_ID": login["project_id"],
        "PARTNER_TOKEN": partner["token"],
        "PARTNER_PROJECT_ID": partner["project_id"],
        "GLANCE_URL": cloud["regions"]["RegionOne"]["image"],
    }
    blocks = python_blocks("images.md")
    assert len(blocks) >= 10
    try:
        run_blocks("images.md", blocks, namespace)
        # The last block deleted the image: the guide cleans up after itself.
        with pytest.raises(exc.NotFound):
            namespace["images"].get(namespace["image"].id)
    finally:
        # A failed block must not leave "docs-example" behind for the next run's find().
        image = namespace.get("image")
        if image is not None:
            try:
                namespace["images"].delete(image)
            except exc.NotFound:
                pass
