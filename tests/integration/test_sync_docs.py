"""docs/sync.md, run as written against the local cloud's RegionOne and
RegionTwo: its Python examples in order, then its terminal session."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from tests.integration.cli_fixtures import os_env
from tests.integration.doc_console import console_steps, run_and_check
from tests.integration.helpers import DOCS, python_blocks, run_blocks
from tests.integration.keystone_fixtures import keystone_identity


def test_sync_guide_runs_as_written(cloud: Dict[str, Any], tmp_path: Path) -> None:
    tag = "docs-sync-" + uuid.uuid4().hex[:8]
    alice = cloud["users"]["alice"]
    namespace: Dict[str, Any] = {
        "AUTH_URL": cloud["keystone_v3_url"],
        "USERNAME": "alice",
        "PASSWORD": alice["password"],
        "PROJECT": alice["project_name"],
        "TAG": tag,
    }
    blocks = python_blocks("sync.md")
    assert len(blocks) >= 4
    env = dict(os_env(cloud, "alice", tmp_path), TAG=tag)
    try:
        run_blocks("sync.md", blocks, namespace)
        steps = console_steps((DOCS / "sync.md").read_text())
        assert any("pyrax-image sync" in command for command, _ in steps)
        run_and_check(DOCS / "sync.md", steps, env, str(tmp_path))
    finally:
        identity = keystone_identity(cloud, "alice")
        for region in ("RegionTwo", "RegionOne"):
            client = ImageClient(identity, region_name=region)
            for image in client.list(tag=tag):
                try:
                    client.delete(image)
                except exc.NotFound:
                    pass
