"""The examples of docs/copy.md, run in order against Glance RegionOne and RegionTwo."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

from tests.integration.data_fixtures import keystone_login

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_copy_guide_examples_run(cloud: Dict[str, Any], tmp_path: Path) -> None:
    login = keystone_login(cloud, "alice")
    namespace: Dict[str, Any] = {
        "TOKEN": login["token"],
        "PROJECT_ID": login["project_id"],
        "GLANCE_URL": cloud["regions"]["RegionOne"]["image"],
        "GLANCE_URL_TWO": cloud["regions"]["RegionTwo"]["image"],
        "WORKDIR": str(tmp_path),
    }
    blocks = BLOCK.findall((DOCS / "copy.md").read_text())
    assert len(blocks) >= 6
    try:
        for number, block in enumerate(blocks):
            exec(compile(block, "docs/copy.md[block %d]" % number, "exec"), namespace)
    finally:
        for client_name, image_name in (("images", "image"), ("region_two", "copy")):
            client, image = namespace.get(client_name), namespace.get(image_name)
            if client is not None and image is not None:
                try:
                    client.delete(image)
                except Exception:
                    pass
