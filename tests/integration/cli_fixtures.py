"""Running ``pyrax-image`` as a user would: a subprocess with the local cloud's
credentials in its environment, optionally with stderr on a pseudo-terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

BIN = Path(sys.executable).parent


def clean_environ() -> Dict[str, str]:
    """This process's environment without credentials of any kind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "CLOUD_", "PYTHON"))}
    env["PATH"] = "%s%s%s" % (BIN, os.pathsep, env.get("PATH", ""))
    return env


def os_env(cloud: Dict[str, Any], user: str, home: Path) -> Dict[str, str]:
    """OS_* variables of ``user`` (alice, bob) of the local cloud; HOME is ``home``."""
    account = cloud["users"][user]
    env = clean_environ()
    env.update(
        HOME=str(home),
        OS_AUTH_URL=cloud["keystone_v3_url"],
        OS_USERNAME=user,
        OS_PASSWORD=account["password"],
        OS_PROJECT_NAME=account["project_name"],
        OS_USER_DOMAIN_NAME=cloud["domain"],
        OS_PROJECT_DOMAIN_NAME=cloud["domain"],
        OS_REGION_NAME="RegionOne",
    )
    return env


def write_clouds_yaml(folder: Path, cloud: Dict[str, Any], user: str, name: str, region: str) -> None:
    """``folder/clouds.yaml`` with cloud ``name``: ``user`` of the local cloud in ``region``."""
    account = cloud["users"][user]
    (folder / "clouds.yaml").write_text(
        "clouds:\n  %s:\n    region_name: %s\n    auth:\n"
        "      auth_url: %s\n      username: %s\n      password: %s\n      project_name: %s\n"
        "      user_domain_name: %s\n      project_domain_name: %s\n"
        % (name, region, cloud["keystone_v3_url"], user, account["password"], account["project_name"],
           cloud["domain"], cloud["domain"])
    )  # fmt: skip


def pyrax_env(cloud: Dict[str, Any], home: Path, credentials: Path, region: str) -> Dict[str, str]:
    """A pyrax credential file of alice at ``credentials`` and the ``CLOUD_*``
    variables that go with it (pyrax's settings: keystone, ``region``); HOME is ``home``."""
    account = cloud["users"]["alice"]
    credentials.write_text(
        "[keystone]\nusername = alice\npassword = %s\ntenant_name = %s\n"
        % (account["password"], account["project_name"])
    )
    env = clean_environ()
    env.update(
        HOME=str(home),
        CLOUD_ID_TYPE="keystone",
        CLOUD_AUTH_ENDPOINT=cloud["keystone_v3_url"],
        CLOUD_REGION=region,
        CLOUD_USER_DOMAIN_NAME=cloud["domain"],
        CLOUD_PROJECT_DOMAIN_NAME=cloud["domain"],
    )
    return env


def run_cli(
    args: List[str], env: Dict[str, str], cwd: Optional[Path] = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``pyrax-image ARGS`` (the console script); stdout as bytes, stderr as text."""
    done = subprocess.run(
        [str(BIN / "pyrax-image"), *args], env=env, cwd=cwd, capture_output=True, timeout=timeout
    )
    done.stderr = done.stderr.decode("utf-8", "replace")  # type: ignore[assignment]
    return done


def cli_json(args: List[str], env: Dict[str, str], cwd: Optional[Path] = None) -> Any:
    """The parsed ``--json`` output of a command that must succeed."""
    done = run_cli(["--json", *args], env, cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def run_cli_on_terminal(args: List[str], env: Dict[str, str], timeout: float = 300) -> Tuple[int, str, bytes]:
    """``pyrax-image ARGS`` with stderr on a pseudo-terminal: (status, terminal text, stdout)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100x30 terminal
    process = subprocess.Popen(
        [str(BIN / "pyrax-image"), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    assert process.stdout is not None
    outputs: Dict[int, List[bytes]] = {master: [], process.stdout.fileno(): []}
    open_fds = set(outputs)
    while open_fds:  # read both, or a full stdout pipe would block the command
        ready, _, _ = select.select(list(open_fds), [], [], timeout)
        assert ready, "no output for %ss" % timeout
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                data = b""
            if data:
                outputs[fd].append(data)
            else:
                open_fds.discard(fd)
    os.close(master)
    status = process.wait(timeout=timeout)
    stdout = b"".join(outputs[process.stdout.fileno()])
    process.stdout.close()
    return status, b"".join(outputs[master]).decode("utf-8", "replace"), stdout


def delete_images(env: Dict[str, str], *names_or_ids: str) -> None:
    """Best-effort cleanup through the command line."""
    if names_or_ids:
        run_cli(["delete", *names_or_ids], env)
