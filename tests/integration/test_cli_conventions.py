"""The command line's conventions, as a user's shell sees them: subprocesses
against the local cloud. Output formats and columns (``-f``, ``-c``,
``--quiet``, ``--json``); ``-`` for standard input and output; help texts
and the grouped command list; bash completion."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shlex
import subprocess
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from tests.integration.cli_fixtures import BIN, clean_environ, cli_json, delete_images, os_env, run_cli


@pytest.fixture
def alice(cloud: Dict[str, Any], tmp_path: Path) -> Dict[str, str]:
    return os_env(cloud, "alice", tmp_path)


@pytest.fixture
def image(alice: Dict[str, str]) -> Any:
    """A queued image with a tag and a property, deleted afterwards."""
    name = "conv-" + uuid.uuid4().hex[:12]
    created = cli_json(
        ["create", name, "--disk-format", "raw", "--tag", "conv", "--property", "os_distro=c"], alice
    )
    yield created
    delete_images(alice, created["id"])


def out(args: Any, env: Dict[str, str]) -> str:
    done = run_cli(args, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


def test_list_in_every_format_with_chosen_columns(alice: Dict[str, str], image: Dict[str, Any]) -> None:
    name = image["name"]
    assert out(["list", "--name", name, "-f", "value", "-c", "ID"], alice) == image["id"] + "\n"
    assert out(
        ["-f", "value", "list", "--name", name, "-c", "name", "-c", "status", "-c", "os_distro"], alice
    ) == ("%s queued c\n" % name)
    rows = list(csv.reader(io.StringIO(out(["list", "--name", name, "-f", "csv"], alice))))
    assert rows == [
        ["ID", "NAME", "STATUS", "SIZE", "VISIBILITY"],
        [image["id"], name, "queued", "", image["visibility"]],
    ]
    assert yaml.safe_load(out(["list", "--name", name, "-f", "yaml", "-c", "id", "-c", "tags"], alice)) == [
        {"id": image["id"], "tags": ["conv"]}
    ]
    as_json = json.loads(out(["list", "--name", name, "-f", "json"], alice))
    assert as_json == json.loads(out(["list", "--name", name, "--json"], alice))
    assert [body["id"] for body in as_json] == [image["id"]] and as_json[0]["os_distro"] == "c"
    assert out(["list", "--name", name, "--quiet"], alice) == image["id"] + "\n"
    table = out(["list", "--name", name, "-c", "ID", "-c", "STATUS"], alice).splitlines()
    assert [line.split() for line in table] == [["ID", "STATUS"], [image["id"], "queued"]]


def test_show_update_and_delete_with_formats_and_quiet(alice: Dict[str, str], image: Dict[str, Any]) -> None:
    image_id = image["id"]
    assert (
        out(["show", image_id, "-f", "value", "-c", "status", "-c", "name"], alice)
        == "queued\n%s\n" % image["name"]
    )
    assert yaml.safe_load(out(["show", image_id, "-f", "yaml"], alice))["os_distro"] == "c"
    assert out(["update", image_id, "--set", "os_distro=d", "-q"], alice) == image_id + "\n"
    assert out(["show", image_id, "-c", "os_distro"], alice) == "os_distro  d\n"
    done = run_cli(["show", image_id, "-c", "no_such_key"], alice)
    assert done.returncode == 2 and "error: no column 'no_such_key'" in done.stderr and not done.stdout
    assert out(["delete", image_id, "--quiet"], alice) == image_id + "\n"
    assert run_cli(["show", image_id], alice).returncode == 1


def test_dash_is_standard_input_and_output(alice: Dict[str, str], tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    name = "conv-stdin-" + uuid.uuid4().hex[:12]
    piped = subprocess.run(
        [str(BIN / "pyrax-image"), "create", name, "--disk-format", "raw", "--file", "-", "-f", "json"],
        input=data,
        env=alice,
        capture_output=True,
        timeout=300,
    )
    assert piped.returncode == 0, piped.stderr
    created = json.loads(piped.stdout)
    queued = cli_json(["create", name + "-queued", "--disk-format", "raw"], alice)
    try:
        assert created["status"] == "active" and created["size"] == len(data)
        assert created["os_hash_value"] == hashlib.sha512(data).hexdigest()
        uploaded = subprocess.run(
            [str(BIN / "pyrax-image"), "upload", queued["id"], "-", "-q"],
            input=data[::-1],
            env=alice,
            capture_output=True,
            timeout=300,
        )
        assert uploaded.returncode == 0 and uploaded.stdout.decode() == queued["id"] + "\n", uploaded.stderr
        downloaded = run_cli(["download", queued["id"], "--file", "-"], alice, cwd=tmp_path)
        assert downloaded.returncode == 0, downloaded.stderr
        assert downloaded.stdout == data[::-1] and list(tmp_path.iterdir()) == []  # no file named "-"
        refused = run_cli(["download", created["id"], "--file", "-", "--connections", "2"], alice)
        assert refused.returncode == 2 and "more than 1 needs --file PATH" in refused.stderr
    finally:
        delete_images(alice, created["id"], queued["id"])


def test_help_lists_commands_by_group_and_what_each_option_takes() -> None:
    env = clean_environ()
    top = run_cli(["--help"], env)
    assert top.returncode == 0
    text = top.stdout.decode()
    for group in ("images:", "sharing:", "tasks:", "this command line:"):
        assert "\n%s\n" % group in text
    assert re.search(r"^  completion +print a shell completion script", text, re.MULTILINE)
    listing = run_cli(["list", "--help"], env).stdout.decode()
    flat = " ".join(listing.split())
    assert "sort by: container_format, created_at, disk_format, id, name, size, status, updated_at" in flat
    assert "only images in this status: active, deactivated, deleted, importing, killed" in flat
    assert "output format: table | json | yaml | value | csv" in flat


def complete(script: Path, *words: str) -> List[str]:
    """What bash offers after ``words`` (the last one being completed), with the script loaded."""
    line = " ".join(shlex.quote(word) for word in words)
    code = (
        "source %s; COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _pyrax_image; "
        'printf "%%s\\n" "${COMPREPLY[@]}"' % (shlex.quote(str(script)), line)
    )
    done = subprocess.run(["bash", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completion_offers_commands_options_and_values(tmp_path: Path) -> None:
    env = clean_environ()
    script = tmp_path / "pyrax-image.bash"
    generated = run_cli(["completion", "bash"], env)
    assert generated.returncode == 0
    script.write_bytes(generated.stdout)
    assert complete(script, "pyrax-image", "mem") == ["member"]
    assert complete(script, "pyrax-image", "member", "a") == ["add", "accept"]
    assert complete(script, "pyrax-image", "--region", "RegionOne", "list", "--sort-") == [
        "--sort-key",
        "--sort-dir",
    ]
    assert complete(script, "pyrax-image", "list", "--sort-dir", "") == ["asc", "desc"]
    assert complete(script, "pyrax-image", "show", "x", "-f", "") == ["table", "json", "yaml", "value", "csv"]
    assert complete(script, "pyrax-image", "schema", "ima") == ["image", "images"]
    zsh = run_cli(["completion", "zsh"], env).stdout.decode()
    assert zsh.startswith("#compdef pyrax-image\n") and "bashcompinit" in zsh
    assert zsh.endswith(generated.stdout.decode())  # the same function
    assert run_cli(["completion", "fish"], env).returncode == 2
