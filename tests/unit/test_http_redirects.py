"""Redirects (issue #7 item 1): requests' own following is off; the transport
follows only same-origin redirects that keep the method and a resendable
body, and refuses the rest with UnsafeRedirect naming status and target."""

from __future__ import annotations

import io
import json
from typing import Iterator

import pytest
import requests

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.identity import KeystoneIdentity
from pyrax_image.redirects import MAX_REDIRECTS
from tests.unit.helpers import FILE, IMAGE_ID, IMAGES, ITEM, V2, image_info, make_client, sent_json
from tests.unit.loopback import LoopbackServer, Received, Reply

TOKEN = "redirect-secret-token"
OTHER = "http://evil.test:9292/v2/images/" + IMAGE_ID

pytestmark = pytest.mark.secrets(TOKEN, "alice-password")  # scanned by tests/secret_scan.py


@pytest.fixture
def tclient(rsps, delays):
    return make_client(delays, identity=TokenIdentity(TOKEN, tenant_id="proj"))


def chunks() -> Iterator[bytes]:
    yield b"image "
    yield b"bytes"


def test_requests_never_follows_on_its_own(tclient, rsps, monkeypatch):
    seen = []
    original = tclient.session.request

    def spying_request(*args, **kwargs):
        seen.append(kwargs.get("allow_redirects"))
        return original(*args, **kwargs)

    monkeypatch.setattr(tclient.session, "request", spying_request)
    rsps.get(ITEM, json=image_info())
    tclient.get(IMAGE_ID)
    assert seen == [False]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(
    "target",
    [
        OTHER,  # another host
        "http://glance.test:9293/v2/images/" + IMAGE_ID,  # another port
        "https://glance.test:9292/v2/images/" + IMAGE_ID,  # another scheme
    ],
)
def test_get_is_never_redirected_to_another_origin(tclient, rsps, status, target):
    rsps.get(ITEM, status=status, headers={"Location": target})
    with pytest.raises(exc.UnsafeRedirect) as info:
        tclient.get(IMAGE_ID)
    assert len(rsps.calls) == 1  # nothing was sent to the target
    error = info.value
    assert error.code == status and error.location == target and error.method == "GET"
    assert "another origin" in str(error) and target in str(error) and TOKEN not in str(error)


def test_https_to_http_is_refused_even_on_the_same_host(rsps, delays):
    client = make_client(delays, "https://glance.test", identity=TokenIdentity(TOKEN, tenant_id="p"))
    rsps.get("https://glance.test/v2/images/" + IMAGE_ID, status=301,
             headers={"Location": "http://glance.test/v2/images/" + IMAGE_ID})
    with pytest.raises(exc.UnsafeRedirect, match="leaves https"):
        client.get(IMAGE_ID)
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_post_is_never_turned_into_a_get(tclient, rsps, status):
    rsps.post(IMAGES, status=status, headers={"Location": "/v2/images/" + IMAGE_ID})
    with pytest.raises(exc.UnsafeRedirect, match="POST would become a GET") as info:
        tclient.create("n")
    assert len(rsps.calls) == 1 and info.value.code == status


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_same_origin_get_redirect_is_followed_with_the_token(tclient, rsps, status):
    moved = V2 + "/images-moved/" + IMAGE_ID
    rsps.get(ITEM, status=status, headers={"Location": "/v2/images-moved/" + IMAGE_ID})
    rsps.get(moved, json=image_info())
    assert tclient.get(IMAGE_ID).id == IMAGE_ID
    assert [c.request.method for c in rsps.calls] == ["GET", "GET"]
    assert rsps.calls[1].request.headers["X-Auth-Token"] == TOKEN


@pytest.mark.parametrize("status", [307, 308])
def test_same_origin_307_resends_a_bytes_or_file_body(tclient, rsps, status):
    rsps.put(FILE, status=status, headers={"Location": FILE + "?moved=1"})
    rsps.put(FILE + "?moved=1", status=204)
    tclient.method_put("/images/%s/file" % IMAGE_ID, data=io.BytesIO(b"payload"))
    assert [c.request.body for c in rsps.calls] == [b"payload", b"payload"]
    assert [c.request.method for c in rsps.calls] == ["PUT", "PUT"]


def test_same_origin_307_on_post_keeps_method_and_json(tclient, rsps):
    rsps.post(IMAGES, status=307, headers={"Location": IMAGES + "/"})
    rsps.post(IMAGES + "/", status=201, json=image_info())
    tclient.create("n")
    assert rsps.calls[0].request.body == rsps.calls[1].request.body
    assert sent_json(rsps, 1)["name"] == "n"


def test_upload_from_an_iterator_answered_307_raises(tclient, rsps):
    rsps.put(FILE, status=307, headers={"Location": FILE + "?again"})
    with pytest.raises(exc.UnsafeRedirect, match="body cannot be sent again") as info:
        tclient.method_put("/images/%s/file" % IMAGE_ID, data=chunks())
    assert len(rsps.calls) == 1 and info.value.code == 307


def test_redirect_loop_is_bounded(tclient, rsps):
    rsps.get(ITEM, status=302, headers={"Location": ITEM})
    with pytest.raises(exc.UnsafeRedirect, match="more than %d redirects" % MAX_REDIRECTS):
        tclient.get(IMAGE_ID)
    assert len(rsps.calls) == MAX_REDIRECTS + 1


def test_target_with_credentials_is_refused_and_hidden(tclient, rsps):
    target = "http://user:hunter2@glance.test:9292/v2/x?temp_url_sig=abcdef&ok=1"
    rsps.get(ITEM, status=302, headers={"Location": target})
    with pytest.raises(exc.UnsafeRedirect) as info:
        tclient.get(IMAGE_ID)
    text = str(info.value) + repr(info.value) + str(info.value.location)
    assert "hunter2" not in text and "abcdef" not in text and "user" not in text
    assert info.value.location == "http://glance.test:9292/v2/x?temp_url_sig=***&ok=1"


def test_3xx_without_location_is_returned_as_is(tclient, rsps):
    rsps.get(V2 + "/schemas/image", status=304)
    response, _ = tclient.method_get("/schemas/image")
    assert response.status_code == 304


def test_keystone_login_redirected_elsewhere_sends_no_password(rsps):
    rsps.post("https://keystone.test:5000/v3/auth/tokens", status=307,
              headers={"Location": "https://evil.test/v3/auth/tokens"})
    identity = KeystoneIdentity("alice", "alice-password", tenant_name="p",
                                auth_endpoint="https://keystone.test:5000/v3")
    with pytest.raises(exc.UnsafeRedirect) as info:
        identity.authenticate()
    assert len(rsps.calls) == 1 and identity.token is None
    assert "alice-password" not in str(info.value)


# -- over real sockets --------------------------------------------------------------------
class TwoServers:
    """A server that redirects everything to a second one that records what it got."""

    def __init__(self, status: int, same_origin: bool = False):
        self.target = LoopbackServer(lambda r: Reply(200, json.dumps(image_info()).encode(),
                                                     {"Content-Type": "application/json"}))
        self.status = status
        self.same_origin = same_origin
        self.source = LoopbackServer(self._redirect)

    def _redirect(self, request: Received) -> Reply:
        if request.path.startswith("/moved"):
            return Reply(200, json.dumps(image_info()).encode(), {"Content-Type": "application/json"})
        base = self.source.url if self.same_origin else self.target.url
        return Reply(self.status, b"", {"Location": base + "/moved" + request.path})

    def __enter__(self) -> "TwoServers":
        self.target.__enter__()
        self.source.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self.source.__exit__(*args)
        self.target.__exit__(*args)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_real_cross_port_redirect_receives_no_token_or_body(delays, status):
    with TwoServers(status) as servers:
        client = make_client(delays, servers.source.url, identity=TokenIdentity(TOKEN, tenant_id="p"))
        with pytest.raises(exc.UnsafeRedirect):
            client.get(IMAGE_ID)
        with pytest.raises(exc.UnsafeRedirect):
            client.create("n")
        with pytest.raises(exc.UnsafeRedirect):
            client.method_put("/images/%s/file" % IMAGE_ID, data=b"secret image bytes")
        assert servers.target.requests == []
        assert [r.method for r in servers.source.requests] == ["GET", "POST", "PUT"]


def test_real_keystone_login_307_to_another_port_keeps_the_password(delays):
    with TwoServers(307) as servers:
        identity = KeystoneIdentity("alice", "alice-password", tenant_name="p",
                                    auth_endpoint=servers.source.url + "/v3")
        with pytest.raises(exc.UnsafeRedirect):
            identity.authenticate()
        assert servers.target.requests == []
        assert b"alice-password" in servers.source.requests[0].body  # sent only to the endpoint


def test_real_same_origin_307_is_followed_with_token_and_body(delays):
    with TwoServers(307, same_origin=True) as servers:
        client = make_client(delays, servers.source.url, identity=TokenIdentity(TOKEN, tenant_id="p"))
        client.method_put("/images/%s/file" % IMAGE_ID, data=b"image bytes")
        moved = servers.source.requests[1]
        assert moved.path.startswith("/moved/") and moved.method == "PUT"
        assert moved.headers["X-Auth-Token"] == TOKEN and moved.body == b"image bytes"
        assert servers.target.requests == []


def test_session_given_by_the_caller_does_not_follow_either(delays):
    with TwoServers(302) as servers:
        session = requests.Session()
        client = make_client(delays, servers.source.url, session=session,
                             identity=TokenIdentity(TOKEN, tenant_id="p"))
        with pytest.raises(exc.UnsafeRedirect):
            client.get(IMAGE_ID)
        assert servers.target.requests == []
