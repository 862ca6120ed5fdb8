"""``pyrax-image copy`` and ``download --connections`` against the real local cloud."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any, Dict

import pytest

from tests.integration.cli_fixtures import (
    clean_environ,
    cli_json,
    delete_images,
    os_env,
    run_cli,
    write_clouds_yaml,
)

DATA = os.urandom(3 * 1024 * 1024 + 99)


@pytest.fixture
def name() -> str:
    return "cli-copy-" + uuid.uuid4().hex[:12]


@pytest.fixture
def alice(cloud: Dict[str, Any], tmp_path: Path) -> Dict[str, str]:
    return os_env(cloud, "alice", tmp_path)


@pytest.fixture
def source(alice: Dict[str, str], name: str, tmp_path: Path) -> Any:
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    created = cli_json(
        ["create", name, "--file", str(path), "--disk-format", "raw", "--property", "os_distro=debian"], alice
    )
    yield created
    delete_images(alice, created["id"])


def test_copy_to_another_region_then_parallel_download(alice, source, name, tmp_path):
    two = dict(alice, OS_REGION_NAME="RegionTwo")
    copy = cli_json(["copy", name, "--to-region", "RegionTwo"], alice)
    try:
        assert copy["id"] != source["id"] and copy["name"] == name and copy["os_distro"] == "debian"
        assert copy["os_hash_value"] == hashlib.sha512(DATA).hexdigest()
        out = tmp_path / "back.raw"
        done = cli_json(["download", copy["id"], "--file", str(out), "--connections", "3"], two)
        assert out.read_bytes() == DATA and done["verified_with"] == "sha512"
    finally:
        delete_images(two, copy["id"])


def test_copy_to_another_cloud_of_clouds_yaml(cloud, alice, source, tmp_path):
    bob = cloud["users"]["bob"]
    write_clouds_yaml(tmp_path, cloud, "bob", "partner", "RegionTwo")
    copy = cli_json(
        ["copy", source["id"], "--to-cloud", "partner", "--name", source["name"] + "-b"], alice, tmp_path
    )
    partner = clean_environ()
    partner.update(HOME=str(tmp_path), OS_CLOUD="partner")
    try:
        assert copy["owner"] == bob["project_id"] and copy["name"] == source["name"] + "-b"
        shown = cli_json(["show", copy["id"]], partner, tmp_path)
        assert shown["checksum"] == hashlib.md5(DATA).hexdigest()
    finally:
        run_cli(["delete", copy["id"]], partner, tmp_path)


def test_usage_errors_send_nothing(alice, name):
    no_target = run_cli(["copy", name], alice)
    assert no_target.returncode == 2 and "--to-region" in no_target.stderr
    to_stdout = run_cli(["download", name, "--connections", "2"], alice)
    assert to_stdout.returncode == 2 and "--file" in to_stdout.stderr
