"""A second RegionOne Glance API with keep-alive off, for issue #9's listing conditions.

Issue #9 measured listing with "Keystone validating every token, Glance
keep-alive off". The shared cloud's Glances validate every token
(``token_cache_time = -1``, no memcache) but keep connections alive (uWSGI
``http11-socket``), and the shared cloud is not ours to reconfigure. So
``ClosingGlance`` starts one more Glance API process, on a free port, from
localcloud's glance virtualenv and a copy of RegionOne's configuration: the
same database and stores (hence the same 2,000 listing images), the same
Keystone, ``token_cache_time = -1`` and no memcache enforced in the copy, and
uWSGI ``http-socket`` (one request per connection) with ``Connection: close``
on every response, so every client opens a new connection per request, as
against a server with keep-alive off. It is stopped (its process group) on exit.
"""

from __future__ import annotations

import configparser
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

import requests

from benchmarks.cloud import STATE

CLOUD_HOME = Path(os.environ.get("PYRAX_IMAGE_CLOUD_HOME", Path.home() / ".cache" / "pyrax_image_cloud"))
UWSGI = CLOUD_HOME / "venvs" / "glance" / "bin" / "uwsgi"
SOURCE = STATE / "glance-r1" / "etc"  # RegionOne's Glance configuration, written by localcloud/start.sh


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(etc: Path, port: int) -> None:
    """RegionOne's configuration copied into ``etc``, on ``port``, keep-alive off,
    every token validated."""
    etc.mkdir()
    for name in ("glance-api-paste.ini", "policy.yaml"):
        (etc / name).write_bytes((SOURCE / name).read_bytes())
    api = configparser.RawConfigParser()
    api.optionxform = str  # type: ignore[assignment,method-assign]  # keep the options' case
    api.read(SOURCE / "glance-api.conf")
    api.set("paste_deploy", "config_file", str(etc / "glance-api-paste.ini"))
    api.set("oslo_policy", "policy_file", str(etc / "policy.yaml"))
    api.set("keystone_authtoken", "token_cache_time", "-1")  # no token cache: Keystone validates each request
    for option in ("memcached_servers", "memcache_servers"):
        api.remove_option("keystone_authtoken", option)
    with open(etc / "glance-api.conf", "w") as handle:
        api.write(handle)
    ini = (SOURCE / "uwsgi.ini").read_text()
    ini = re.sub(r"(?m)^http11-socket\s*=.*$", "http-socket = 127.0.0.1:%d" % port, ini)
    ini = re.sub(r"(?m)^env\s*=\s*OS_GLANCE_CONFIG_DIR=.*$", "env = OS_GLANCE_CONFIG_DIR=%s" % etc, ini)
    (etc / "uwsgi.ini").write_text(ini.rstrip("\n") + "\nadd-header = Connection: close\n")


class ClosingGlance:
    """``with ClosingGlance() as url:`` RegionOne's Glance, keep-alive off, at ``url``."""

    def __init__(self, timeout: float = 120.0):
        self.timeout = timeout
        self.process: Optional[subprocess.Popen] = None
        self.scratch: Any = None

    def __enter__(self) -> str:
        if not UWSGI.exists() or not (SOURCE / "glance-api.conf").exists():
            raise RuntimeError(
                "no localcloud Glance to copy (%s, %s); --keepalive-only skips it" % (UWSGI, SOURCE)
            )
        self.scratch = tempfile.TemporaryDirectory(prefix="pyrax-bench-glance-")
        etc, port = Path(self.scratch.name) / "etc", free_port()
        write_config(etc, port)
        log = open(Path(self.scratch.name) / "glance.log", "wb")
        self.process = subprocess.Popen(
            [str(UWSGI), "--ini", str(etc / "uwsgi.ini")],
            env=dict(os.environ, OS_GLANCE_CONFIG_DIR=str(etc)),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one on exit
        )
        log.close()
        url = "http://127.0.0.1:%d" % port
        try:
            self._wait(url)
        except BaseException:
            self.__exit__()
            raise
        return url

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                break
            try:
                answer = requests.get(url + "/versions", timeout=5)
            except requests.RequestException:
                time.sleep(0.5)
                continue
            if answer.headers.get("Connection", "").lower() != "close":
                raise RuntimeError("the benchmark Glance at %s keeps connections alive" % url)
            return
        tail = (Path(self.scratch.name) / "glance.log").read_text(errors="replace")[-1500:]
        raise RuntimeError("the benchmark Glance did not start (--keepalive-only skips it):\n" + tail)

    def __exit__(self, *exc_info: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.scratch is not None:
            self.scratch.cleanup()
