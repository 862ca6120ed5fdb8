"""docs/metadefs.md: its Python examples, then its command-line session, run
against the Keystone-backed Glance as the cloud's admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from pyrax_image import exceptions as exc
from tests.integration.cli_fixtures import cli_json, os_env, run_cli
from tests.integration.doc_console import console_steps, run_and_check
from tests.integration.helpers import DOCS, python_blocks, run_blocks
from tests.integration.metadef_fixtures import admin_images, remove_namespace


def test_metadefs_guide_examples_run(cloud: Dict[str, Any]) -> None:
    admin = cloud["admin"]
    namespace: Dict[str, Any] = {
        "ADMIN_USER": admin["username"],
        "ADMIN_PASSWORD": admin["password"],
        "ADMIN_PROJECT": admin["project_name"],
        "KEYSTONE_URL": cloud["keystone_v3_url"],
    }
    blocks = python_blocks("metadefs.md")
    assert len(blocks) >= 7
    try:
        run_blocks("metadefs.md", blocks, namespace)
        # The last block deleted the namespace: the guide cleans up after itself.
        try:
            namespace["images"].get_metadef_namespace(namespace["name"])
            raise AssertionError("the guide left its namespace behind")
        except exc.NotFound:
            pass
    finally:
        if "name" in namespace:  # a failed block must not leave definitions behind
            for name in (namespace["name"], namespace["name"] + "::Copy"):
                remove_namespace(admin_images(cloud), name)


def test_metadefs_command_line_runs_as_written(cloud: Dict[str, Any], tmp_path: Path) -> None:
    steps = console_steps((DOCS / "metadefs.md").read_text())
    commands = " ".join(command for command, _ in steps)
    for area in (
        "namespace create",
        "namespace list",
        "namespace export",
        "namespace import",
        "namespace delete",
    ):
        assert "metadef " + area in commands, area
    admin = cloud["admin"]
    env = os_env(cloud, "alice", tmp_path)  # then made the admin's
    env.update(
        OS_USERNAME=admin["username"], OS_PASSWORD=admin["password"], OS_PROJECT_NAME=admin["project_name"]
    )
    run_and_check(DOCS / "metadefs.md", steps, env, str(tmp_path))


def test_metadef_commands_of_a_non_admin(cloud: Dict[str, Any], tmp_path: Path) -> None:
    env = os_env(cloud, "alice", tmp_path)
    shown = cli_json(["metadef", "namespace", "show", "OS::Software::WebServers"], env)
    assert shown["namespace"] == "OS::Software::WebServers" and shown["objects"]
    refused = run_cli(["metadef", "namespace", "create", "Example::Alice::Refused"], env)
    assert refused.returncode == 1 and refused.stdout == b""
    assert refused.stderr.startswith("error: ") and "(HTTP 403, request req-" in refused.stderr
    usage = run_cli(
        ["metadef", "object", "create", "OS::Software::WebServers", "x", "--properties", "{"], env
    )
    assert usage.returncode == 2 and "--properties is not JSON" in usage.stderr
