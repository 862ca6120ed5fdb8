"""Real Glance and Keystone: a forked child never shares its parent's
connections, 32 threads share a client without dropping connections, and
``close()`` / ``with`` release every socket, Keystone's included."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Dict, List, Set, Tuple
from urllib.parse import urlsplit

from pyrax_image import ImageClient
from tests.integration.helpers import ALPHA, noauth_client
from tests.integration.keystone_fixtures import keystone_identity
from tests.threads import errors_in_threads, wait_until

HELD_STATES = ("01", "08")  # ESTABLISHED, CLOSE_WAIT in /proc/net/tcp


def held_open_to(url: str) -> int:
    """How many TCP connections this process holds open to ``url``'s port."""
    return len(sockets_to(url))


def sockets_to(url: str) -> Set[str]:
    """The TCP connections (socket inodes) this process holds open to ``url``'s port.

    Held open means established, or closed by the peer but not yet by us
    (CLOSE_WAIT): the fault proxies close idle connections, and a pooled
    socket the server hung up on is still this process's until it closes it."""
    port = urlsplit(url).port
    mine = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[8:-1])
    found = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[3] in HELD_STATES and fields[9] in mine:
                    found.add(fields[9])
    return found


def test_fork_cross_talk_cannot_happen(glance_url: str, alpha: ImageClient, cleanup: List[Any], unique: str) -> None:
    first = alpha.create(unique + "-a", "raw", img_container_format="bare")
    second = alpha.create(unique + "-b", "raw", img_container_format="bare")
    cleanup.extend([first, second])
    images = noauth_client(glance_url, ALPHA, timeout=10)
    assert images.get(first.id).id == first.id  # the keep-alive connection a child inherits
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            code = 0 if all(images.get(second.id).id == second.id for _ in range(30)) else 3
        finally:
            os._exit(code)
    wrong = [n for n in range(30) if images.get(first.id).id != first.id]
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and wrong == []


def test_32_threads_share_one_client_without_dropping_connections(
    glance_url: str, alpha: ImageClient, cleanup: List[Any], unique: str, caplog: Any
) -> None:
    image = alpha.create(unique, "raw", img_container_format="bare")
    cleanup.append(image)
    images = noauth_client(glance_url, ALPHA)
    others = held_open_to(glance_url)  # the alpha fixture's, and any earlier test's
    caplog.set_level(logging.WARNING, logger="urllib3.connectionpool")

    def worker() -> None:
        for _ in range(10):
            assert images.get(image.id).id == image.id

    assert errors_in_threads(worker, 32, timeout=300) == []
    assert "Connection pool is full" not in caplog.text
    assert 0 < held_open_to(glance_url) - others <= 32
    images.close()
    assert wait_until(lambda: held_open_to(glance_url) <= others)


def test_with_block_releases_glances_and_keystones_sockets(cloud: Dict[str, Any]) -> None:
    glance = cloud["regions"]["RegionOne"]["image"]
    keystone = cloud["keystone_v3_url"]
    identity = keystone_identity(cloud, "alice")
    # Connections earlier tests' clients still hold are not this client's.
    before = sockets_to(glance) | sockets_to(keystone)

    def this_clients() -> Tuple[Set[str], Set[str]]:
        return sockets_to(glance) - before, sockets_to(keystone) - before

    with ImageClient(identity, region_name="RegionOne") as images:
        done: List[int] = []

        def lists() -> None:
            done.append(len(images.list(limit=1)))

        threads = [threading.Thread(target=lists) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(done) == 4
        to_glance, to_keystone = this_clients()
        assert to_glance and to_keystone
    assert this_clients() == (set(), set())
    assert images.list(limit=1) is not None  # a closed client connects again when used
