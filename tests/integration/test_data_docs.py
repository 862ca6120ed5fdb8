"""The examples of docs/data.md, run in order against the Keystone-backed Glance and Swift."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, Dict

from tests.integration.data_fixtures import keystone_login

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_data_guide_examples_run(cloud: Dict[str, Any], tmp_path: Path) -> None:
    login = keystone_login(cloud, "alice")
    namespace: Dict[str, Any] = {
        "TOKEN": login["token"],
        "PROJECT_ID": login["project_id"],
        "GLANCE_URL": cloud["regions"]["RegionOne"]["image"],
        "SWIFT_URL": "%s/v1/AUTH_%s" % (cloud["swift_url"], login["project_id"]),
        "WORKDIR": str(tmp_path),
        "CONTAINER": "docs-" + uuid.uuid4().hex[:10],
    }
    blocks = BLOCK.findall((DOCS / "data.md").read_text())
    assert len(blocks) >= 8
    for number, block in enumerate(blocks):
        exec(compile(block, "docs/data.md[block %d]" % number, "exec"), namespace)
