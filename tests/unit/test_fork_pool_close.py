"""Fork- and thread-safe clients (issue 16, "Processes and threads"): a forked
child never reuses its parent's connections or locks; 32 threads share one
client without connections dropped from a full pool; ``close()`` and ``with``
release every connection, the identity's included. Real sockets on loopback."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Callable

import pytest

from pyrax_image import ImageClient, KeystoneIdentity
from pyrax_image import exceptions as exc
from pyrax_image.http import DEFAULT_POOL_SIZE
from tests.threads import errors_in_threads, wait_until
from tests.unit.helpers import image_info, make_client, v3_token
from tests.unit.loopback import LoopbackServer, Received, Reply

JSON = {"Content-Type": "application/json"}


def glance(delay: float = 0.0) -> Callable[[Received], Reply]:
    """Answers GET /v2/images/<id> with that image, after ``delay`` seconds."""

    def handler(request: Received) -> Reply:
        time.sleep(delay)
        image_id = request.path.rsplit("/", 1)[-1]
        return Reply(200, json.dumps(image_info(image_id)).encode(), JSON)

    return handler


def glance_and_keystone(login_delay: float = 0.0) -> Callable[[Received], Reply]:
    """Keystone's v3 login (after ``login_delay``) and Glance's image GET on one server."""
    images = glance()

    def handler(request: Received) -> Reply:
        if request.path.endswith("/auth/tokens"):
            time.sleep(login_delay)
            return Reply(201, json.dumps(v3_token()).encode(), {**JSON, "X-Subject-Token": "tok-v3"})
        return images(request)

    return handler


def fork(work: Callable[[], int]) -> Callable[[], int]:
    """Fork, run ``work`` in the child; the parent gets a function returning
    the child's exit status (-1 if it hung)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            code = work()
        finally:
            os._exit(code)

    def status(timeout: float = 20.0) -> int:
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            done, waited = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(waited)
            time.sleep(0.05)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return -1

    return status


def in_child(work: Callable[[], int]) -> int:
    """Fork, run ``work`` in the child and return its exit status (-1 if it hung)."""
    return fork(work)()


# -- fork --------------------------------------------------------------------------------
def test_parent_and_forked_child_never_read_each_others_replies(delays):
    with LoopbackServer(glance(delay=0.005)) as server:
        images = make_client(delays, server.url, timeout=5)  # a reply stolen by the other process
        assert images.get("image-a").id == "image-a"  # a keep-alive connection the child inherits

        def child() -> int:
            try:
                return 0 if all(images.get("image-b").id == "image-b" for _ in range(40)) else 3
            except exc.PyraxImageException:
                return 4

        child_status = fork(child)  # both now hold the one idle keep-alive connection
        wrong = [n for n in range(40) if images.get("image-a").id != "image-a"]
        assert child_status() == 0 and wrong == []


def test_a_fork_during_another_threads_login_does_not_block_the_child():
    with LoopbackServer(glance_and_keystone(login_delay=1.5)) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        login = threading.Thread(target=identity.authenticate)
        login.start()
        wait_until(lambda: len(server.requests) == 1)  # the login holds the identity's lock now

        def child() -> int:
            assert identity.token is None  # the parent's login was under way at the fork
            identity.authenticate()
            return 0 if identity.token else 5

        status = in_child(child)
        login.join()
    assert status == 0


def test_each_forked_worker_gets_its_own_connections(delays):
    with LoopbackServer(glance()) as server:
        images = make_client(delays, server.url)
        images.get("warm")
        before = server.connections
        statuses = [in_child(lambda n=n: 0 if images.get("w%d" % n).id == "w%d" % n else 6) for n in range(4)]
        assert statuses == [0, 0, 0, 0]
        assert server.connections == before + 4  # each child connected anew
        assert images.get("parent").id == "parent"


# -- the pool ------------------------------------------------------------------------------
def test_32_threads_share_one_client_without_dropping_connections(delays, caplog):
    caplog.set_level(logging.WARNING, logger="urllib3.connectionpool")
    with LoopbackServer(glance(delay=0.002)) as server:
        images = make_client(delays, server.url)

        def worker() -> None:
            for call in range(20):
                image_id = "t%d-%d" % (threading.get_ident(), call)
                assert images.get(image_id).id == image_id

        assert errors_in_threads(worker, 32, timeout=120) == []
    assert "Connection pool is full" not in caplog.text
    assert server.connections <= DEFAULT_POOL_SIZE
    assert DEFAULT_POOL_SIZE >= 32


def test_pool_size_is_a_setting(delays, caplog):
    caplog.set_level(logging.WARNING, logger="urllib3.connectionpool")
    with LoopbackServer(glance(delay=0.01)) as server:
        images = make_client(delays, server.url, pool_size=2)
        errors_in_threads(lambda: images.get("x"), 8, timeout=60)
    assert "Connection pool is full" in caplog.text  # 8 threads, 2 kept
    with pytest.raises(exc.InvalidArgument, match="pool_size"):
        make_client(delays, pool_size=0)


# -- close --------------------------------------------------------------------------------
def test_close_releases_every_connection_and_the_client_still_works(delays):
    with LoopbackServer(glance(delay=0.01)) as server:
        images = make_client(delays, server.url)
        errors_in_threads(lambda: images.get("c"), 6, timeout=60)
        assert server.open_connections > 0
        images.close()
        assert wait_until(lambda: server.open_connections == 0)
        assert images.get("again").id == "again"  # a later call connects anew


def test_with_block_releases_the_clients_and_the_identitys_connections():
    with LoopbackServer(glance_and_keystone()) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        with ImageClient(identity, management_url=server.url) as images:
            assert images.get("in-with").id == "in-with"
            assert server.open_connections == 2  # Keystone's and Glance's
        assert wait_until(lambda: server.open_connections == 0)


def test_close_is_on_every_identity():
    from pyrax_image import TokenIdentity

    TokenIdentity("tok", tenant_id="p").close()  # nothing to close, and no error

