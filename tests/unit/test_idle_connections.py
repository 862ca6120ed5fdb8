"""A request that may not be resent never goes out on a kept-alive connection
idle past the retry policy's ``fresh_after_idle`` (issue 19): the pool closes
that connection first and opens a fresh one; a recent connection is reused,
and idempotent requests keep reusing an idle one (resent if it turns out
closed). Real sockets on loopback; the pools' clock is a fake one."""

from __future__ import annotations

from typing import Iterator, List

import pytest

from pyrax_image import exceptions as exc
from pyrax_image import http_pool
from pyrax_image.http import Transport
from pyrax_image.http_retry import DEFAULT_FRESH_AFTER_IDLE, RetryPolicy
from tests.unit.loopback import LoopbackServer, Reply

LIMIT = 5.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(http_pool, "clock", fake)
    return fake


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(lambda request: Reply(200, b"{}", {"Content-Type": "application/json"})) as running:
        yield running


def transport(**kwargs) -> Transport:
    return Transport(retry_policy=RetryPolicy(fresh_after_idle=LIMIT, **kwargs))


def methods(server: LoopbackServer) -> List[str]:
    return [request.method for request in server.requests]


def test_post_on_a_connection_idle_past_the_limit_opens_a_fresh_one(server, clock):
    sender = transport()
    sender.request("GET", server.url + "/a")
    clock.now += LIMIT + 0.5
    sender.request("POST", server.url + "/a", json={"name": "x"})
    assert server.connections == 2  # the idle one was closed, not used
    assert methods(server) == ["GET", "POST"]  # nothing resent
    sender.request("POST", server.url + "/a", json={"name": "y"})
    assert server.connections == 2  # the fresh one, just used, is reused


def test_post_on_a_recently_used_connection_reuses_it(server, clock):
    sender = transport()
    sender.request("GET", server.url + "/a")
    clock.now += LIMIT - 0.5
    sender.request("POST", server.url + "/a", json={"name": "x"})
    sender.request("PATCH", server.url + "/a", json=[])
    assert server.connections == 1
    assert methods(server) == ["GET", "POST", "PATCH"]


def test_idempotent_requests_reuse_an_idle_connection(server, clock):
    sender = transport()
    sender.request("GET", server.url + "/a")
    clock.now += 3600
    sender.request("GET", server.url + "/a")
    sender.request("PUT", server.url + "/a", data=b"bytes")
    sender.request("DELETE", server.url + "/a")
    assert server.connections == 1


def test_a_body_that_cannot_be_sent_again_gets_a_fresh_connection(server, clock):
    sender = transport()
    sender.request("GET", server.url + "/a")
    clock.now += LIMIT + 0.5
    sender.request("PUT", server.url + "/a", data=iter([b"one-", b"shot"]))
    assert server.connections == 2
    assert [request.body for request in server.requests] == [b"", b"one-shot"]


def test_a_call_without_retries_gets_a_fresh_connection(server, clock):
    sender = transport()
    sender.request("GET", server.url + "/a")
    clock.now += LIMIT + 0.5
    sender.request("PUT", server.url + "/a", data=b"bytes", retry=False)
    assert server.connections == 2


def test_the_limit_holds_only_within_the_request():
    with http_pool.idle_limit(2.0):
        with http_pool.idle_limit(None):
            assert http_pool._local.seconds is None
        assert http_pool._local.seconds == 2.0
    assert http_pool._local.seconds is None


def test_the_policy_says_which_requests_have_a_limit():
    policy = RetryPolicy()
    assert policy.fresh_after_idle == DEFAULT_FRESH_AFTER_IDLE
    assert policy.idle_limit("GET", True) is None
    assert policy.idle_limit("PUT", True) is None
    assert policy.idle_limit("POST", True) == DEFAULT_FRESH_AFTER_IDLE
    assert policy.idle_limit("PATCH", True) == DEFAULT_FRESH_AFTER_IDLE
    assert policy.idle_limit("PUT", False) == DEFAULT_FRESH_AFTER_IDLE
    assert "fresh_after_idle=1.0" in repr(policy)


@pytest.mark.parametrize("value", [-1, float("nan"), "5", True])
def test_a_bad_limit_is_refused(value):
    with pytest.raises(exc.InvalidArgument, match="fresh_after_idle"):
        RetryPolicy(fresh_after_idle=value)


def test_the_transport_pools_know_idle_time():
    adapter = Transport().session.get_adapter("https://example.invalid/")
    assert isinstance(adapter, http_pool.IdleAwareAdapter)
    assert adapter.poolmanager.pool_classes_by_scheme is http_pool.POOL_CLASSES
    proxied = adapter.proxy_manager_for("http://proxy.invalid:3128")
    assert proxied.pool_classes_by_scheme is http_pool.POOL_CLASSES


def test_a_forked_child_keeps_idle_aware_pools():
    sender = Transport()
    sender._after_fork()
    adapter = sender.session.get_adapter("http://example.invalid/")
    assert adapter.poolmanager.pool_classes_by_scheme is http_pool.POOL_CLASSES

