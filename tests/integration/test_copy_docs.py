"""The examples of docs/copy.md, run in order against Glance RegionOne and RegionTwo."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from tests.integration.data_fixtures import keystone_login
from tests.integration.helpers import python_blocks, run_blocks


def test_copy_guide_examples_run(cloud: Dict[str, Any], tmp_path: Path) -> None:
    login = keystone_login(cloud, "alice")
    namespace: Dict[str, Any] = {
        "TOKEN": login["token"],
        "PROJECT_ID": login["project_id"],
        "GLANCE_URL": cloud["regions"]["RegionOne"]["image"],
        "GLANCE_URL_TWO": cloud["regions"]["RegionTwo"]["image"],
        "WORKDIR": str(tmp_path),
    }
    blocks = python_blocks("copy.md")
    assert len(blocks) >= 6
    try:
        run_blocks("copy.md", blocks, namespace)
    finally:
        for client_name, image_name in (("images", "image"), ("region_two", "copy")):
            client, image = namespace.get(client_name), namespace.get(image_name)
            if client is not None and image is not None:
                try:
                    client.delete(image)
                except Exception:
                    pass
