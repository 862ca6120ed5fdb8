"""Tokens under skew and outage (issue 16): renewal is judged on the token's
lifetime as issued, so a skewed clock or a token shorter than the margin
cannot force a login per call; threads waiting for a login that fails fail
with it, after one attempt; a call's deadline covers the login it waits for."""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional

import pytest
import responses

from pyrax_image import ImageClient, KeystoneIdentity
from pyrax_image import exceptions as exc
from pyrax_image.identity.auth import token_lifetime
from tests.threads import errors_in_threads
from tests.unit.helpers import recorded
from tests.unit.loopback import LoopbackServer, Received, Reply

V3 = "https://keystone.example.com:5000/v3"
GLANCE = "http://glance.test:9292"
JSON = {"Content-Type": "application/json"}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def token_body(issued: Optional[datetime], expires: datetime) -> Dict[str, Any]:
    body = copy.deepcopy(recorded("keystone_v3_token.json"))
    body["token"]["expires_at"] = iso(expires)
    if issued is None:
        del body["token"]["issued_at"]
    else:
        body["token"]["issued_at"] = iso(issued)
    return body


class Keystone:
    """A v3 token endpoint (``responses``) counting logins; ``body()`` makes each token's body."""

    def __init__(self, rsps: responses.RequestsMock, body: Callable[[], Dict[str, Any]]):
        self.logins = 0
        self.body = body
        rsps.add_callback(responses.POST, V3 + "/auth/tokens", callback=self.issue)

    def issue(self, request: Any) -> Any:
        self.logins += 1
        headers = {"X-Subject-Token": "tok-%d" % self.logins, **JSON}
        return 201, headers, json.dumps(self.body())


def images_of(rsps: responses.RequestsMock, **kwargs: Any) -> ImageClient:
    rsps.add(responses.GET, GLANCE + "/v2/images", json={"images": []})
    identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=V3, **kwargs)
    return ImageClient(identity, management_url=GLANCE)


def now() -> datetime:
    return datetime.now(timezone.utc)


# -- renewal judged on the lifetime as issued ------------------------------------------------
def test_a_server_clock_two_hours_behind_does_not_force_a_login_per_call(rsps):
    behind = timedelta(hours=2)  # expires_at is already past by the client's clock
    keystone = Keystone(rsps, lambda: token_body(now() - behind, now() - behind + timedelta(hours=1)))
    images = images_of(rsps)
    for _ in range(20):
        images.list()
    assert keystone.logins == 1


def test_expired_on_arrival_without_issued_at_is_renewed_only_after_a_401(rsps):
    keystone = Keystone(rsps, lambda: token_body(None, now() - timedelta(minutes=5)))
    images = images_of(rsps)
    for _ in range(20):
        images.list()
    assert keystone.logins == 1


def test_a_token_shorter_than_the_margin_does_not_log_in_on_every_call(rsps):
    keystone = Keystone(rsps, lambda: token_body(now(), now() + timedelta(seconds=30)))
    images = images_of(rsps)  # the default margin, 60 s, is longer than the token's life
    for _ in range(20):
        images.list()
    assert keystone.logins == 1


def test_the_token_is_renewed_once_its_life_as_issued_nears_its_end(rsps):
    behind = timedelta(hours=2)
    keystone = Keystone(rsps, lambda: token_body(now() - behind, now() - behind + timedelta(hours=1)))
    images = images_of(rsps, renewal_margin=300)
    images.list()
    identity = images.identity
    identity._clock = lambda: time.monotonic() + 3600 - 299  # type: ignore[attr-defined]  # 299 s left
    images.list()
    images.list()
    assert keystone.logins == 2


def test_the_lifetime_rules():
    issued = now() - timedelta(days=3)  # any server clock: only the difference counts
    assert token_lifetime(issued + timedelta(hours=1), issued) == 3600
    assert token_lifetime(None, issued) is None
    assert token_lifetime(now() - timedelta(seconds=1), None) is None  # expired on arrival: 401 renews
    left = token_lifetime(now() + timedelta(seconds=100), None)
    assert left is not None and 90 < left <= 100
    broken = token_lifetime(now() + timedelta(seconds=100), now() + timedelta(days=1))  # issued after expiry
    assert broken is not None and broken <= 100


# -- concurrent logins that fail, fail together --------------------------------------------
def keystone_failing_slowly(delay: float, status: int = 503) -> Callable[[Received], Reply]:
    def handler(request: Received) -> Reply:
        time.sleep(delay)
        return Reply(status, b'{"error": {"message": "Keystone is down", "code": %d}}' % status, JSON)

    return handler


def test_eight_threads_share_one_failed_login():
    with LoopbackServer(keystone_failing_slowly(1.5)) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        images = ImageClient(identity, management_url=server.url)
        barrier = threading.Barrier(8, timeout=10)
        failures: List[BaseException] = []

        def work() -> None:
            barrier.wait()
            try:
                images.list()
            except exc.PyraxImageException as error:
                failures.append(error)

        assert errors_in_threads(work, 8, timeout=60) == []
    logins = [r for r in server.requests if r.path.endswith("/auth/tokens")]
    assert len(logins) == 1  # one attempt (the login is not retried), its error shared
    assert len(failures) == 8 and all(isinstance(f, exc.ServiceUnavailable) for f in failures)
    assert not identity.authenticated


def test_a_later_call_tries_again_after_a_shared_failure():
    answers = iter([Reply(503, b"", JSON)])

    def handler(request: Received) -> Reply:
        if request.path.endswith("/auth/tokens"):
            return next(answers, None) or Reply(
                201,
                json.dumps(token_body(now(), now() + timedelta(hours=1))).encode(),
                {**JSON, "X-Subject-Token": "t"},
            )
        return Reply(200, b'{"images": []}', JSON)

    with LoopbackServer(handler) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        images = ImageClient(identity, management_url=server.url)
        with pytest.raises(exc.ServiceUnavailable):
            images.list()
        assert images.list() == []


# -- the caller's deadline covers the login -----------------------------------------------------
def slow_keystone(delay: float) -> Callable[[Received], Reply]:
    def handler(request: Received) -> Reply:
        if request.path.endswith("/auth/tokens"):
            time.sleep(delay)
            body = json.dumps(token_body(now(), now() + timedelta(hours=1))).encode()
            return Reply(201, body, {**JSON, "X-Subject-Token": "t"})
        return Reply(200, b'{"images": []}', JSON)

    return handler


def test_the_calls_deadline_covers_its_login():
    with LoopbackServer(slow_keystone(4)) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        images = ImageClient(identity, management_url=server.url, deadline=1)
        with pytest.raises(exc.RequestTimeout, match="auth/tokens"):  # the login itself was cut short
            images.list()
        assert not [r for r in server.requests if r.path.startswith("/v2/images")]


def test_a_thread_waiting_for_anothers_login_stops_at_its_own_deadline():
    with LoopbackServer(slow_keystone(4)) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        patient = ImageClient(identity, management_url=server.url)
        hurried = ImageClient(identity, management_url=server.url, deadline=1)
        leader = threading.Thread(target=patient.list)
        leader.start()
        while not server.requests:
            time.sleep(0.01)
        with pytest.raises(exc.RequestTimeout, match="another thread was logging in"):
            hurried.list()
        leader.join()
    assert identity.authenticated  # the patient caller's login completed
