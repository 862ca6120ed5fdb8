"""The examples of docs/data.md, run in order against the Keystone-backed Glance and Swift."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict

from tests.integration.data_fixtures import keystone_login
from tests.integration.helpers import python_blocks, run_blocks


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
    blocks = python_blocks("data.md")
    assert len(blocks) >= 8
    run_blocks("data.md", blocks, namespace)
