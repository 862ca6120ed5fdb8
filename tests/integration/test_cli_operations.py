"""``pyrax-image versions``, ``usage``, ``stores``, ``cache``, ``locations``
and ``image-tasks`` as a user (alice) and the admin would run them, against
Glance RegionOne (Keystone, image cache, http store)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any, Dict
from urllib.parse import urlsplit

import pytest

from tests.integration.cli_fixtures import cli_json, os_env, run_cli


@pytest.fixture
def alice(cloud: Dict[str, Any], tmp_path: Path) -> Dict[str, str]:
    return os_env(cloud, "alice", tmp_path)


@pytest.fixture
def admin_env(cloud: Dict[str, Any], alice: Dict[str, str]) -> Dict[str, str]:
    admin = cloud["admin"]
    return dict(
        alice,
        OS_USERNAME=admin["username"],
        OS_PASSWORD=admin["password"],
        OS_PROJECT_NAME=admin["project_name"],
    )


@pytest.fixture
def image_id(ks_alpha: Any, ks_cleanup: Any) -> str:
    image = ks_alpha.create("cli-" + uuid.uuid4().hex[:12], img_format="raw", data=os.urandom(10_000))
    ks_cleanup.append(image)
    return image.id


def test_versions_and_usage(alice: Dict[str, str]) -> None:
    versions = cli_json(["versions"], alice)
    assert {"id": "v2.18", "status": "CURRENT"}.items() <= [v for v in versions if v["id"] == "v2.18"][
        0
    ].items()
    assert [v["id"] for v in cli_json(["versions", "--root"], alice)] == [v["id"] for v in versions]
    done = run_cli(["versions"], alice)
    assert done.returncode == 0 and b"v2.18" in done.stdout and b"CURRENT" in done.stdout
    assert cli_json(["usage"], alice) == []  # this cloud enforces no Keystone limits
    done = run_cli(["usage"], alice)
    assert done.returncode == 0 and "no image quotas" in done.stderr


def test_stores_as_admin_and_as_a_member(alice: Dict[str, str], admin_env: Dict[str, str]) -> None:
    assert {s["id"] for s in cli_json(["stores", "list"], alice)} >= {"fast", "cheap", "web"}
    detail = {s["id"]: s for s in cli_json(["stores", "list", "--detail"], admin_env)}
    assert detail["web"]["type"] == "http" and detail["fast"]["type"] == "file"
    done = run_cli(["stores", "list", "--detail"], alice)
    assert done.returncode == 1 and done.stderr.startswith("error: ") and "HTTP 403" in done.stderr


def test_delete_from_the_only_store_exits_1(admin_env: Dict[str, str], image_id: str) -> None:
    done = run_cli(["stores", "delete", image_id, "fast"], admin_env)
    assert done.returncode == 1 and "only copy" in done.stderr and "HTTP 403" in done.stderr


def test_cache_queue_list_nodes_delete_and_clear(
    admin_env: Dict[str, str], alice: Dict[str, str], image_id: str, ks_alpha: Any
) -> None:
    assert cli_json(["cache", "queue", image_id], admin_env) == {"id": image_id, "queued": True}
    deadline = time.monotonic() + 60
    while True:
        rows = {row["id"]: row for row in cli_json(["cache", "list"], admin_env)}
        if rows.get(image_id, {}).get("state") == "cached" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert rows[image_id]["state"] == "cached" and rows[image_id]["size"] == 10_000
    endpoint = urlsplit(ks_alpha.management_url)  # the proxied pass rewrites the node's URL to its proxy
    node = "%s://%s" % (endpoint.scheme, endpoint.netloc)
    assert cli_json(["cache", "nodes", image_id], admin_env) == [{"url": node}]
    assert cli_json(["cache", "delete", image_id], admin_env)["deleted"] is True
    assert image_id not in {row["id"] for row in cli_json(["cache", "list"], admin_env)}
    assert cli_json(["cache", "clear", "--target", "queue"], admin_env)["cleared"] == "queue"
    assert cli_json(["cache", "prune"], admin_env)["files"] >= 0
    assert cli_json(["cache", "clean"], admin_env) == {"cleaned": True}
    done = run_cli(["cache", "list"], alice)
    assert done.returncode == 1 and "HTTP 403" in done.stderr
    assert run_cli(["cache", "clear", "--target", "all"], admin_env).returncode == 2


def test_image_tasks_and_locations(alice: Dict[str, str], image_id: str) -> None:
    assert cli_json(["image-tasks", image_id], alice) == []
    done = run_cli(["locations", "list", image_id], alice)  # the service role's
    assert done.returncode == 1 and "HTTP 403" in done.stderr
    done = run_cli(["locations", "add", image_id, "http://127.0.0.1:9/x"], alice)  # active: a conflict
    assert done.returncode == 1 and "HTTP 409" in done.stderr
    done = run_cli(["locations", "add", image_id, "http://127.0.0.1:9/x", "--hash-value", "zz"], alice)
    assert done.returncode == 2 and "os_hash_value" in done.stderr


def test_create_into_a_store_and_download_preferring_it(alice: Dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "disk.raw"
    source.write_bytes(os.urandom(20_000))
    name = "cli-" + uuid.uuid4().hex[:12]
    created = cli_json(
        ["create", name, "--file", str(source), "--disk-format", "raw", "--store", "cheap"], alice
    )
    try:
        assert created["stores"] == "cheap"
        target = tmp_path / "copy.raw"
        done = run_cli(["download", created["id"], "--file", str(target), "--prefer", "cheap"], alice)
        assert done.returncode == 0, done.stderr
        assert target.read_bytes() == source.read_bytes()
        done = run_cli(["download", created["id"], "--file", str(target), "--prefer", "nowhere"], alice)
        assert done.returncode == 1 and "HTTP 400" in done.stderr
    finally:
        run_cli(["delete", created["id"]], alice)


def test_stage_then_import_and_stage_only(alice: Dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "disk.raw"
    source.write_bytes(os.urandom(30_000))
    name = "cli-" + uuid.uuid4().hex[:12]
    queued = cli_json(["create", name, "--disk-format", "raw"], alice)
    kept = cli_json(["create", name + "-kept", "--disk-format", "raw"], alice)
    try:
        assert queued["status"] == "queued"
        imported = cli_json(["stage", queued["id"], str(source), "--no-progress"], alice)
        assert imported["status"] == "active" and imported["size"] == 30_000
        target = tmp_path / "copy.raw"
        done = run_cli(["download", queued["id"], "--file", str(target)], alice)
        assert done.returncode == 0 and target.read_bytes() == source.read_bytes(), done.stderr
        staged = cli_json(["stage", kept["id"], str(source), "--stage-only"], alice)
        assert staged["status"] == "uploading"  # staged, waiting for an import
        done = run_cli(["stage", queued["id"], str(source)], alice)  # an active image takes no data
        assert done.returncode == 1 and "HTTP 409" in done.stderr
    finally:
        run_cli(["delete", queued["id"]], alice)
        run_cli(["delete", kept["id"]], alice)
