"""``pyrax-image`` driven as a user would: subprocesses against the real local cloud."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import Any, Dict

import pytest

from tests.integration.cli_fixtures import (
    clean_environ,
    cli_json,
    delete_images,
    os_env,
    pyrax_env,
    run_cli,
    run_cli_on_terminal,
    write_clouds_yaml,
)

MIB = 1024 * 1024


@pytest.fixture
def name() -> str:
    return "cli-" + uuid.uuid4().hex[:12]


@pytest.fixture
def alice(cloud: Dict[str, Any], tmp_path: Path) -> Dict[str, str]:
    return os_env(cloud, "alice", tmp_path)


@pytest.fixture
def bob(cloud: Dict[str, Any], tmp_path: Path) -> Dict[str, str]:
    return os_env(cloud, "bob", tmp_path)


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    path = tmp_path / "disk.img"
    path.write_bytes(os.urandom(3 * MIB + 123))
    return path


def test_os_variables_create_list_show_update_delete(alice: Dict[str, str], name: str) -> None:
    try:
        created = cli_json(
            ["create", name, "--disk-format", "raw", "--property", "os_distro=cli", "--tag", "t1"], alice
        )
        assert created["name"] == name and created["status"] == "queued" and created["tags"] == ["t1"]
        listed = cli_json(["list", "--name", name], alice)
        assert [img["id"] for img in listed] == [created["id"]]
        table = run_cli(["list", "--name", name, "--tag", "t1"], alice)
        header, row = table.stdout.decode().splitlines()
        assert header.split() == ["ID", "NAME", "STATUS", "SIZE", "VISIBILITY"]
        assert row.split() == [created["id"], name, "queued", created["visibility"]]
        updated = cli_json(
            ["update", name, "--set", "min_ram=256", "--unset", "os_distro", "--name", name + "-b"], alice
        )
        assert updated["min_ram"] == 256 and "os_distro" not in updated and updated["name"] == name + "-b"
        shown = cli_json(["show", created["id"]], alice)
        assert shown == updated
        deleted = run_cli(["delete", name + "-b"], alice)
        assert deleted.returncode == 0 and deleted.stdout.decode() == "Deleted %s (%s-b)\n" % (
            created["id"],
            name,
        )
        gone = run_cli(["show", created["id"]], alice)
        assert gone.returncode == 1
        assert re.fullmatch(r"error: .+ \(HTTP 404, request req-[0-9a-f-]+\)\n", gone.stderr), gone.stderr
    finally:
        delete_images(alice, name, name + "-b")


def test_credentials_from_clouds_yaml(cloud: Dict[str, Any], tmp_path: Path, name: str) -> None:
    account = cloud["users"]["bob"]
    write_clouds_yaml(tmp_path, cloud, "bob", "partner", "RegionOne")
    env = clean_environ()
    env["HOME"] = str(tmp_path)
    try:
        created = cli_json(["--os-cloud", "partner", "create", name], env, cwd=tmp_path)
        assert created["owner"] == account["project_id"]
        env["OS_CLOUD"] = "partner"
        assert [img["id"] for img in cli_json(["list", "--name", name], env, cwd=tmp_path)] == [created["id"]]
        unknown = run_cli(["--os-cloud", "nowhere", "list"], env, cwd=tmp_path)
        assert (
            unknown.returncode == 2 and unknown.stderr.startswith("error: ") and "nowhere" in unknown.stderr
        )
    finally:
        delete_images(env, name)


def test_create_with_a_progress_bar_on_a_terminal(alice: Dict[str, str], name: str, payload: Path) -> None:
    try:
        status, screen, stdout = run_cli_on_terminal(
            ["create", name, "--file", str(payload), "--disk-format", "raw"], alice
        )
        assert status == 0, screen
        last = screen.replace("\r\n", "\n").split("\n")[0].rsplit("\r", 1)[-1]  # what the terminal shows
        assert re.match(r"upload: 100%\|.+\| 3\.00M/3\.00M \[.+/s\]", last), screen  # tqdm's bar
        assert "status            active" in stdout.decode()
    finally:
        delete_images(alice, name)


def test_plain_progress_line_without_tqdm(
    alice: Dict[str, str], name: str, payload: Path, tmp_path: Path
) -> None:
    hidden = tmp_path / "no-tqdm"
    (hidden / "tqdm").mkdir(parents=True)
    (hidden / "tqdm" / "__init__.py").write_text("raise ImportError('tqdm is not installed')\n")
    env = dict(alice, PYTHONPATH=str(hidden))
    try:
        status, screen, _ = run_cli_on_terminal(
            ["create", name, "--file", str(payload), "--disk-format", "raw"], env
        )
        assert status == 0, screen
        last = screen.replace("\r\n", "\n").split("\n")[0].rsplit("\r", 1)[-1]
        assert re.fullmatch(r"upload 100% 3\.0 MiB/3\.0 MiB [\d.]+ (B|KiB|MiB|GiB)/s ETA 0:00:00", last), (
            screen
        )
        status, screen, _ = run_cli_on_terminal(["download", name, "--file", str(tmp_path / "out")], env)
        assert status == 0 and "download 100% 3.0 MiB/3.0 MiB" in screen
        assert (tmp_path / "out").read_bytes() == payload.read_bytes()
    finally:
        delete_images(alice, name)


def test_no_bar_when_stderr_is_not_a_terminal_or_with_no_progress(
    alice: Dict[str, str], name: str, payload: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.img"
    try:
        piped = run_cli(["create", name, "--file", str(payload), "--disk-format", "raw"], alice)
        assert piped.returncode == 0 and piped.stderr == ""
        status, screen, _ = run_cli_on_terminal(
            ["--no-progress", "download", name, "--file", str(target)], alice
        )
        assert status == 0 and screen == "" and target.read_bytes() == payload.read_bytes()
        status, screen, data = run_cli_on_terminal(["download", name, "--no-progress"], alice)
        assert status == 0 and screen == "" and data == payload.read_bytes()
    finally:
        delete_images(alice, name)


def test_share_with_another_project_accept_and_download_verified(
    cloud: Dict[str, Any],
    alice: Dict[str, str],
    bob: Dict[str, str],
    name: str,
    payload: Path,
    tmp_path: Path,
) -> None:
    bob_project = cloud["users"]["bob"]["project_id"]
    try:
        image = cli_json(
            ["create", name, "--file", str(payload), "--disk-format", "raw", "--visibility", "shared"], alice
        )
        assert image["status"] == "active"
        member = cli_json(["member", "add", name, bob_project], alice)
        assert (member["member_id"], member["status"]) == (bob_project, "pending")
        assert name not in run_cli(["list"], bob).stdout.decode()  # pending: not in bob's default listing
        accepted = cli_json(["member", "accept", image["id"]], bob)
        assert accepted["status"] == "accepted"
        shown = cli_json(["member", "show", name, bob_project], alice)
        assert (shown["image_id"], shown["member_id"], shown["status"]) == (
            image["id"],
            bob_project,
            "accepted",
        )
        members = cli_json(["member", "list", name], alice)
        assert [(m["member_id"], m["status"]) for m in members] == [(bob_project, "accepted")]
        target = tmp_path / "copy.img"
        done = run_cli(["download", name, "--file", str(target)], bob)
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode() == "Downloaded %s to %s (3.0 MiB verified with sha512)\n" % (
            image["id"],
            target,
        )
        assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(payload.read_bytes()).digest()
        streamed = run_cli(["download", image["id"]], bob)
        assert streamed.returncode == 0 and streamed.stdout == payload.read_bytes()
        refused = run_cli(["delete", image["id"]], bob)
        assert refused.returncode == 1 and re.fullmatch(
            r"error: .+ \(HTTP 403, request req-[0-9a-f-]+\)\n", refused.stderr
        )
        rejected = cli_json(["member", "reject", name], bob)
        assert rejected["status"] == "rejected"
    finally:
        delete_images(alice, name)


def test_errors_are_one_line_with_exit_codes(
    cloud: Dict[str, Any], alice: Dict[str, str], tmp_path: Path
) -> None:
    missing = str(uuid.uuid4())
    cases = [
        (
            ["show", missing],
            1,
            r"error: No image found with ID %s \(HTTP 404, request req-[0-9a-f-]+\)" % missing,
        ),
        (
            ["show", "no-such-image-" + missing],
            1,
            r"error: no image with id or name 'no-such-image-%s'" % missing,
        ),
        (["update", missing], 2, r"error: nothing to update: .+"),
        (["list", "--sort-dir", "up"], 2, r"error: argument --sort-dir: invalid choice: 'up' .+"),
        (
            ["upload", missing, str(tmp_path / "absent")],
            2,
            r"error: cannot read '.+absent': not a readable file",
        ),
    ]
    for args, status, pattern in cases:
        done = run_cli(args, alice)
        assert done.returncode == status, (args, done.stderr)
        assert re.fullmatch(pattern + r"\n", done.stderr), (args, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == b""
    wrong = run_cli(["list"], dict(alice, OS_PASSWORD="not-the-password"))
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1 and "HTTP 401" in wrong.stderr
    assert "not-the-password" not in wrong.stderr
    nothing = run_cli(["list"], dict(clean_environ(), HOME=str(tmp_path)))
    assert nothing.returncode == 2 and nothing.stderr.startswith("error: no credentials")


def test_debug_shows_redacted_curl_lines(cloud: Dict[str, Any], alice: Dict[str, str]) -> None:
    done = run_cli(["--debug", "list", "--limit", "1"], alice)
    assert done.returncode == 0
    assert "curl -g -i -X POST %s/auth/tokens" % cloud["keystone_v3_url"] in done.stderr
    assert re.search(r"curl -g -i -X GET '?http://127\.0\.0\.1:9293/v2/images\?limit=1", done.stderr)
    assert "X-Auth-Token: {SHA256}" in done.stderr
    assert cloud["users"]["alice"]["password"] not in done.stderr
    assert "gAAAA" not in done.stderr  # no Keystone (fernet) token
    failed = run_cli(["--debug", "show", str(uuid.uuid4())], alice)
    assert failed.returncode == 1 and "Traceback" in failed.stderr
    assert failed.stderr.splitlines()[-1].startswith("error: No image found")


def test_region_and_interface_choose_the_endpoint(alice: Dict[str, str]) -> None:
    two = run_cli(["--debug", "--region", "RegionTwo", "list", "--limit", "1"], alice)
    assert two.returncode == 0 and "http://127.0.0.1:9294/v2/images" in two.stderr
    internal = run_cli(["--interface", "internal", "--debug", "list", "--limit", "1"], alice)
    assert internal.returncode == 0 and "http://localhost:9293/v2/images" in internal.stderr
    nowhere = run_cli(["--region", "RegionNine", "list"], alice)
    assert nowhere.returncode == 1 and nowhere.stderr.startswith("error: ") and "RegionNine" in nowhere.stderr


def test_python_dash_m_is_the_same_command(alice: Dict[str, str]) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pyrax_image", "--version"], env=alice, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("pyrax-image ")


def test_pyrax_credential_file_with_cloud_settings(cloud: Dict[str, Any], tmp_path: Path, name: str) -> None:
    account = cloud["users"]["alice"]
    creds = tmp_path / "creds.ini"
    env = pyrax_env(cloud, tmp_path, creds, "RegionOne")
    try:
        created = cli_json(["--credential-file", str(creds), "create", name], env)
        assert created["owner"] == account["project_id"]
        # ~/.rackspace_cloud_credentials and ~/.pyrax.cfg, as pyrax users have them
        creds.rename(tmp_path / ".rackspace_cloud_credentials")
        (tmp_path / ".pyrax.cfg").write_text(
            "[settings]\nidentity_type = keystone\nauth_endpoint = %s\nregion = RegionOne\n"
            "user_domain_name = %s\nproject_domain_name = %s\n"
            % (cloud["keystone_v3_url"], cloud["domain"], cloud["domain"])
        )
        home_only = {k: v for k, v in env.items() if not k.startswith("CLOUD_")}
        assert home_only.get("OS_AUTH_URL") is None
        assert [img["id"] for img in cli_json(["list", "--name", name], home_only)] == [created["id"]]
    finally:
        delete_images(os_env(cloud, "alice", tmp_path), name)


def test_export_and_import_through_object_storage_on_a_terminal(
    cloud: Dict[str, Any], alice: Dict[str, str], name: str, payload: Path
) -> None:
    container = "cli-" + uuid.uuid4().hex[:10]
    try:
        image = cli_json(["create", name, "--file", str(payload), "--disk-format", "raw"], alice)
        status, screen, stdout = run_cli_on_terminal(["export", name, container, "--create-container"], alice)
        assert status == 0, screen
        assert "export: 100%|" in screen and "3.00M/3.00M" in screen
        assert stdout.decode() == "Exported %s to %s/%s.raw (3.0 MiB)\n" % (
            image["id"],
            container,
            image["id"],
        )
        args = ["import", container, image["id"] + ".raw", "--name", name + "-in", "--disk-format", "raw"]
        status, screen, stdout = run_cli_on_terminal(args, alice)
        assert status == 0, screen
        assert re.search(r"import: done in \d+s", screen), screen
        imported = cli_json(["show", name + "-in"], alice)
        assert imported["status"] == "active" and imported["checksum"] == image["checksum"]
        assert imported["os_hash_value"] == image["os_hash_value"]
    finally:
        delete_images(alice, name, name + "-in")
        _delete_container(cloud, container)


def _delete_container(cloud: Dict[str, Any], container: str) -> None:
    from pyrax_image import ImageClient
    from pyrax_image import exceptions as exc
    from tests.integration.keystone_fixtures import keystone_identity

    identity = keystone_identity(cloud, "alice")
    identity.authenticate()
    try:
        ImageClient(identity, region_name="RegionOne").object_storage.delete_container(
            container, del_objects=True
        )
    except exc.NotFound:
        pass


def test_ctrl_c_during_a_download_exits_130(alice: Dict[str, str], name: str, payload: Path) -> None:
    import signal
    import subprocess
    import time

    from tests.integration.cli_fixtures import BIN

    try:
        cli_json(["create", name, "--file", str(payload), "--disk-format", "raw"], alice)
        process = subprocess.Popen(
            [str(BIN / "pyrax-image"), "download", name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=alice,
            # Ctrl-C as a terminal sends it: a suite started in the background
            # ignores SIGINT, and a child would inherit that (and not stop).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert process.stdout is not None
        first = process.stdout.read(1)  # the data flows; unread, the pipe fills and the writer blocks
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=120)
        assert process.returncode == 130
        assert err.decode() == "error: interrupted\n"
        assert 0 < len(first + rest) < payload.stat().st_size
    finally:
        delete_images(alice, name)
