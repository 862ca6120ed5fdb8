"""docs/inspect.md, run as written: its Python examples in order against the
Keystone-backed RegionOne Glance, then its terminal session (no credentials:
inspection sends nothing)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from tests.integration.cli_fixtures import clean_environ
from tests.integration.data_fixtures import keystone_login
from tests.integration.doc_console import console_steps, run_and_check
from tests.integration.helpers import DOCS, python_blocks, run_blocks

pytestmark = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="oslo.utils 10.2 (Glance 33's inspector) needs Python 3.11+"
)


def test_inspect_guide_runs_as_written(cloud: Dict[str, Any], tmp_path: Path) -> None:
    login = keystone_login(cloud, "alice")
    namespace: Dict[str, Any] = {
        "TOKEN": login["token"],
        "PROJECT_ID": login["project_id"],
        "GLANCE_URL": cloud["regions"]["RegionOne"]["image"],
        "WORKDIR": str(tmp_path),
    }
    blocks = python_blocks("inspect.md")
    assert len(blocks) >= 1
    run_blocks("inspect.md", blocks, namespace)
    steps = console_steps((DOCS / "inspect.md").read_text())
    assert any("pyrax-image inspect" in command for command, _ in steps)
    run_and_check(DOCS / "inspect.md", steps, clean_environ(), str(tmp_path))
