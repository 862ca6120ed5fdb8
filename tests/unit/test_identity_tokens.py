"""Token lifecycle through a real ImageClient: renewal, 401 re-auth, threads, redaction."""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Tuple

import pytest
import responses

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.identity import KeystoneIdentity
from tests.threads import errors_in_threads
from tests.unit.helpers import iso_in, recorded

V2 = "https://keystone.example.com:5000/v2.0"
V3 = "https://keystone.example.com:5000/v3"
GLANCE = "https://images.example.com:9292"  # RegionOne public URL of the v2.0 fixture
GLANCE3 = "http://127.0.0.1:9293"  # RegionOne public URL of the v3 fixture


class TokenServer:
    """A v2.0 token endpoint handing out tok-1, tok-2, ... with a chosen lifetime."""

    def __init__(self, rsps: responses.RequestsMock, lifetime: float = 3600):
        self.lifetime = lifetime
        self.bodies: List[Any] = []
        self.lock = threading.Lock()
        rsps.add_callback(responses.POST, V2 + "/tokens", callback=self.issue)

    def issue(self, request: Any) -> Tuple[int, Dict[str, str], str]:
        with self.lock:
            self.bodies.append(json.loads(request.body))
            body = copy.deepcopy(recorded("keystone_v2_access.json"))
            body["access"]["token"]["id"] = "tok-%d" % len(self.bodies)
            body["access"]["token"]["issued_at"] = iso_in(0)
            body["access"]["token"]["expires"] = iso_in(self.lifetime)
            # The server reports other names than the ones logged in with.
            body["access"]["user"]["name"] = "alpha"
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


def glance_accepting(rsps: responses.RequestsMock, method: str, path: str, good: str) -> List[Any]:
    """Glance answering 401 to any token but ``good``; returns the requests seen."""
    seen: List[Any] = []

    def answer(request: Any) -> Tuple[int, Dict[str, str], str]:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        elif body is not None and not isinstance(body, (bytes, str)):
            body = b"".join(body)
        seen.append((request.headers.get("X-Auth-Token"), body))
        if request.headers.get("X-Auth-Token") != good:
            return 401, {"Content-Type": "application/json"}, '{"error": {"message": "Token rejected"}}'
        return 200, {"Content-Type": "application/json"}, '{"images": []}'

    rsps.add_callback(method, GLANCE + path, callback=answer)
    return seen


def identity_v2(**kwargs: Any) -> KeystoneIdentity:
    return KeystoneIdentity("alice@example.com", "alicepass", tenant_name="alpha", auth_endpoint=V2, **kwargs)


def test_401_reauthenticates_with_the_original_credentials_and_retries_once(
    rsps: responses.RequestsMock,
) -> None:
    tokens = TokenServer(rsps)
    seen = glance_accepting(rsps, responses.GET, "/v2/images", good="tok-2")
    identity = identity_v2()
    client = ImageClient(identity, region_name="RegionOne")
    response, body = client.method_get("/images")
    assert body == {"images": []}
    assert [token for token, _ in seen] == ["tok-1", "tok-2"]
    assert len(tokens.bodies) == 2
    assert tokens.bodies[1] == tokens.bodies[0] == {
        "auth": {
            "passwordCredentials": {"username": "alice@example.com", "password": "alicepass"},
            "tenantName": "alpha",
        }
    }
    assert identity.username == "alice@example.com" and identity.user["name"] == "alpha"


def test_rewound_body_is_resent_after_reauthentication(rsps: responses.RequestsMock) -> None:
    TokenServer(rsps)
    seen = glance_accepting(rsps, responses.PUT, "/v2/images/abc/file", good="tok-2")
    client = ImageClient(identity_v2(), region_name="RegionOne")
    client.method_put("/images/abc/file", data=b"image bytes", headers={"Content-Type": "application/octet-stream"})
    assert seen == [("tok-1", b"image bytes"), ("tok-2", b"image bytes")]


def test_unrewindable_body_is_not_resent(rsps: responses.RequestsMock) -> None:
    tokens = TokenServer(rsps)
    seen = glance_accepting(rsps, responses.PUT, "/v2/images/abc/file", good="tok-2")
    client = ImageClient(identity_v2(), region_name="RegionOne")
    chunks = iter([b"image ", b"bytes"])
    with pytest.raises(exc.BodyNotRewindable) as caught:
        client.method_put("/images/abc/file", data=chunks, headers={"Content-Type": "application/octet-stream"})
    assert len(seen) == 1  # not resent
    assert len(tokens.bodies) == 2  # but the token was renewed for the next request
    assert isinstance(caught.value.__cause__, exc.Unauthorized)


def test_a_second_401_raises(rsps: responses.RequestsMock) -> None:
    tokens = TokenServer(rsps)
    seen = glance_accepting(rsps, responses.GET, "/v2/images", good="never")
    client = ImageClient(identity_v2(), region_name="RegionOne")
    with pytest.raises(exc.Unauthorized):
        client.method_get("/images")
    assert len(seen) == 2 and len(tokens.bodies) == 2


def test_token_expiring_within_the_margin_is_renewed_before_the_request(rsps: responses.RequestsMock) -> None:
    tokens = TokenServer(rsps, lifetime=3600)
    seen = glance_accepting(rsps, responses.GET, "/v2/images", good="tok-2")
    identity = identity_v2()  # default margin: 60 s
    identity.authenticate()
    assert identity.token == "tok-1" and identity.expires is not None
    identity._clock = lambda: time.monotonic() + 3600 - 30  # type: ignore[method-assign]  # 30 s left
    client = ImageClient(identity, region_name="RegionOne")
    client.method_get("/images")
    client.method_get("/images")
    assert [token for token, _ in seen] == ["tok-2", "tok-2"]  # renewed once, before sending
    assert len(tokens.bodies) == 2
    assert identity.expires > datetime.now(timezone.utc) + timedelta(minutes=50)


def test_token_valid_beyond_the_margin_is_kept(rsps: responses.RequestsMock) -> None:
    tokens = TokenServer(rsps, lifetime=600)
    seen = glance_accepting(rsps, responses.GET, "/v2/images", good="tok-1")
    client = ImageClient(identity_v2(renewal_margin=300), region_name="RegionOne")
    client.method_get("/images")
    client.method_get("/images")
    assert len(tokens.bodies) == 1 and len(seen) == 2


def test_reauthentication_is_single_flight_across_threads(rsps: responses.RequestsMock) -> None:
    tokens = TokenServer(rsps)
    workers = 6
    barrier = threading.Barrier(workers, timeout=10)
    first_attempts: List[str] = []

    def answer(request: Any) -> Tuple[int, Dict[str, str], str]:
        token = request.headers.get("X-Auth-Token")
        if token == "tok-1":
            first_attempts.append(token)
            barrier.wait()  # every thread is rejected with the same token
            return 401, {}, ""
        return 200, {"Content-Type": "application/json"}, '{"images": []}'

    rsps.add_callback(responses.GET, GLANCE + "/v2/images", callback=answer)
    identity = identity_v2()
    identity.authenticate()
    client = ImageClient(identity, region_name="RegionOne")

    def work() -> None:
        client.method_get("/images")

    assert errors_in_threads(work, workers, timeout=20) == []
    assert len(first_attempts) == workers
    assert len(tokens.bodies) == 2  # one login, ONE re-login for all threads
    assert identity.token == "tok-2"


def test_token_login_cannot_renew_before_expiry_but_reauthenticates_after_401(
    rsps: responses.RequestsMock,
) -> None:
    issued: List[Any] = []

    def issue(request: Any) -> Tuple[int, Dict[str, str], str]:
        issued.append(json.loads(request.body))
        body = recorded("keystone_v3_token.json")
        body["token"]["expires_at"] = iso_in(10)  # inside the margin
        return 201, {"X-Subject-Token": "t%d" % len(issued), "Content-Type": "application/json"}, json.dumps(body)

    rsps.add_callback(responses.POST, V3 + "/auth/tokens", callback=issue)
    rsps.add(responses.GET, GLANCE3 + "/v2/images", status=401)
    rsps.add(responses.GET, GLANCE3 + "/v2/images", json={"images": []})
    identity = KeystoneIdentity(token="original", tenant_id="p-1", auth_endpoint=V3)
    client = ImageClient(identity, region_name="RegionOne")
    client.method_get("/images")
    assert len(issued) == 2  # first login, then one after the 401 - never for the margin
    assert all(body["auth"]["identity"]["token"] == {"id": "original"} for body in issued)


def test_secrets_stay_out_of_debug_logs_reprs_and_errors(
    rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    TokenServer(rsps)
    glance_accepting(rsps, responses.GET, "/v2/images", good="tok-2")
    identity = KeystoneIdentity(
        "alice", "Pa55-word", tenant_name="alpha", auth_endpoint=V2, application_credential_secret="app-S3cret"
    )
    caplog.set_level(logging.DEBUG, logger="pyrax_image.http")
    ImageClient(identity, region_name="RegionOne").method_get("/images")
    assert "REQ: curl" in caplog.text and "/v2.0/tokens" in caplog.text
    for secret in ("Pa55-word", "tok-1", "tok-2", "app-S3cret"):
        assert secret not in caplog.text
        assert secret not in repr(identity)
    rsps.add(responses.POST, V3 + "/auth/tokens", json=recorded("keystone_v3_unauthorized.json"), status=401)
    with pytest.raises(exc.AuthenticationFailed) as caught:
        KeystoneIdentity("alice", "Pa55-word", auth_endpoint=V3).authenticate()
    assert "Pa55-word" not in str(caught.value) and "Pa55-word" not in repr(caught.value)


def test_unknown_region_fails_before_contacting_glance(rsps: responses.RequestsMock) -> None:
    TokenServer(rsps)
    client = ImageClient(identity_v2(), region_name="Atlantis")
    with pytest.raises(exc.NoEndpointForRegion) as caught:
        client.list()
    assert "RegionOne, RegionTwo" in str(caught.value)
    assert [call.request.url for call in rsps.calls] == [V2 + "/tokens"]


def test_client_endpoint_type_and_management_url(rsps: responses.RequestsMock) -> None:
    TokenServer(rsps)
    identity = identity_v2()
    assert ImageClient(identity, region_name="RegionTwo").management_url == "https://images-two.example.com:9292"
    internal = ImageClient(identity, region_name="RegionTwo", endpoint_type="internalURL")
    assert internal.management_url == "http://10.1.0.5:9292"
    fixed = ImageClient(identity, region_name="RegionTwo", management_url="http://override:9292/")
    assert fixed.management_url == "http://override:9292"
    assert ImageClient(identity).management_url == "https://images.example.com:9292"  # RegionOne default
