"""docs/cli.md, run as a terminal session against the local cloud: every
``$ command`` must print what the doc shows (``...`` matches anything)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

from pyrax_image import exceptions as exc
from tests.integration.cli_fixtures import os_env
from tests.integration.doc_console import console_steps, run_and_check
from tests.integration.keystone_fixtures import keystone_identity

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_guide_runs_as_written(cloud: Dict[str, Any], tmp_path: Path) -> None:
    steps = console_steps(DOC.read_text())
    assert len(steps) >= 30
    commands = " ".join(command for command, _ in steps)
    for name in (
        "list",
        "show",
        "create",
        "upload",
        "stage",
        "download",
        "update",
        "delete",
        "deactivate",
        "reactivate",
        "tag add",
        "tag delete",
        "member add",
        "member show",
        "member list",
        "member accept",
        "member delete",
        "task list",
        "task show",
        "task wait",
        "import",
        "export",
        "schema",
    ):
        assert "pyrax-image %s" % name in commands or "pyrax-image --json %s" % name in commands, name
    env = os_env(cloud, "alice", tmp_path)
    env.update(
        BOB_PROJECT_ID=cloud["users"]["bob"]["project_id"], BOB_PASSWORD=cloud["users"]["bob"]["password"]
    )
    run_and_check(
        DOC, steps, env, str(tmp_path), cleanup=lambda results: _remove_exported_objects(cloud, results)
    )


def _remove_exported_objects(cloud: Dict[str, Any], results: Any) -> None:
    """The guide leaves its exported object behind: remove it and its container."""
    storage = None
    for command, _, got, _ in results:
        found = re.search(r"Exported \S+ to (backups-\d+)/(\S+) ", got) if "export" in command else None
        if found:
            if storage is None:
                identity = keystone_identity(cloud, "alice")
                identity.authenticate()
                from pyrax_image import ImageClient

                storage = ImageClient(identity, region_name="RegionOne").object_storage
            try:
                storage.delete_container(found.group(1), del_objects=True)
            except exc.PyraxImageException:
                pass
