"""The HTTP layer: one session (docs/images.md "Clients"), timeouts and safe retries
that never resend a consumed body (docs/security.md "Deadline and faults"), TLS
(docs/security.md "TLS and careless settings"), and one resend after a 401
(docs/identity.md "Tokens")."""

from __future__ import annotations

import io
from typing import Iterator, List

import pytest
import requests
import responses

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.http import DEFAULT_TIMEOUT, Transport
from tests.unit.helpers import FILE, IMAGE_ID, IMAGES, ITEM, V2, image_info, make_client


class RenewingIdentity(TokenIdentity):
    """An identity that gets a new token when asked to reauthenticate."""

    def __init__(self) -> None:
        super().__init__("old-token", tenant_id="proj")
        self.renewals = 0

    def reauthenticate(self) -> bool:
        self.renewals += 1
        self.token = "new-token-%d" % self.renewals
        return True


def chunks() -> Iterator[bytes]:
    yield b"one-shot "
    yield b"stream"


# -- one session ---------------------------------------------------------------------
def test_every_manager_sends_through_the_one_session(client, rsps, monkeypatch):
    sent: List[str] = []
    original = client.session.send

    def counting_send(request, **kwargs):
        sent.append(request.url)
        return original(request, **kwargs)

    monkeypatch.setattr(client.session, "send", counting_send)
    client.session.headers["X-Custom"] = "yes"
    rsps.get(IMAGES, json={"images": []})
    rsps.get(ITEM + "/members", json={"members": []})
    rsps.put(ITEM + "/tags/t", status=204)
    rsps.get(V2 + "/tasks", json={"tasks": []})
    rsps.get(V2 + "/schemas/image", json={})
    client.list()
    client.list_image_members(IMAGE_ID)
    client.add_image_tag(IMAGE_ID, "t")
    client.list_tasks()
    client.get_image_schema()
    assert len(sent) == len(rsps.calls) == 5
    assert all(c.request.headers["X-Custom"] == "yes" for c in rsps.calls)
    assert client.session is client.transport.session
    assert client._tasks_manager.api.session is client.session


def test_a_given_session_is_used(rsps, delays):
    session = requests.Session()
    client = make_client(delays, session=session)
    assert client.session is session


# -- timeout and TLS --------------------------------------------------------------------------
def test_default_timeout_applies(client, rsps):
    rsps.get(IMAGES, json={"images": []})
    client.list()
    assert rsps.calls[0].request.req_kwargs["timeout"] == DEFAULT_TIMEOUT == 60.0


def test_client_and_per_call_timeout(rsps, delays):
    client = make_client(delays, timeout=5)
    rsps.get(IMAGES, json={"images": []})
    client.list()
    client.method_get("/images", timeout=(1, 2))
    assert [c.request.req_kwargs["timeout"] for c in rsps.calls] == [5, (1, 2)]


def test_tls_verified_by_default(client, rsps, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    rsps.get(IMAGES, json={"images": []})
    client.list()
    assert client.session.verify is True
    assert rsps.calls[0].request.req_kwargs["verify"] is True


@pytest.mark.parametrize("bundle", [True, False])
def test_ca_bundle_or_no_verify_beats_the_environment(rsps, delays, monkeypatch, tmp_path, bundle):
    # requests lets REQUESTS_CA_BUNDLE override a session's verify setting.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/env/ca.pem")
    verify = str(tmp_path / "my-ca.pem") if bundle else False
    if bundle:
        (tmp_path / "my-ca.pem").write_text("")
    client = make_client(delays, verify_ssl=verify)
    rsps.get(IMAGES, json={"images": []})
    client.list()
    assert rsps.calls[0].request.req_kwargs["verify"] == verify


def test_client_certificate(rsps, delays, tmp_path):
    cert, key = str(tmp_path / "c.pem"), str(tmp_path / "k.pem")
    for path in (cert, key):
        open(path, "w").close()
    client = make_client(delays, cert=(cert, key))
    rsps.get(IMAGES, json={"images": []})
    client.list()
    assert rsps.calls[0].request.req_kwargs["cert"] == (cert, key)


# -- retries ----------------------------------------------------------------------------------
def test_get_503_is_retried_then_succeeds(client, rsps, delays):
    rsps.get(ITEM, status=503)
    rsps.get(ITEM, json=image_info())
    assert client.get(IMAGE_ID).id == IMAGE_ID
    assert len(rsps.calls) == 2 and len(delays) == 1 and 0 < delays[0] <= 0.5


def test_retry_after_is_honoured(client, rsps, delays):
    rsps.get(ITEM, status=503, headers={"Retry-After": "7"})
    rsps.get(ITEM, status=429, headers={"Retry-After": "0"})
    rsps.get(ITEM, json=image_info())
    client.get(IMAGE_ID)
    assert delays == [7.0, 0.0]


def test_retries_are_bounded(client, rsps, delays):
    rsps.get(ITEM, status=502)
    with pytest.raises(exc.BadGateway):
        client.get(IMAGE_ID)
    assert len(rsps.calls) == 4 and len(delays) == 3


def test_post_is_never_retried_on_503(client, rsps, delays):
    rsps.post(IMAGES, status=503)
    with pytest.raises(exc.ServiceUnavailable):
        client.create("n")
    assert len(rsps.calls) == 1 and delays == []


def test_connection_error_on_get_is_retried(client, rsps, delays):
    rsps.get(ITEM, body=requests.ConnectionError("Connection reset by peer"))
    rsps.get(ITEM, json=image_info())
    assert client.get(IMAGE_ID).id == IMAGE_ID
    assert len(rsps.calls) == 2


def test_connection_error_on_post_is_not_retried(client, rsps):
    rsps.post(IMAGES, body=requests.ConnectionError("Connection reset by peer"))
    with pytest.raises(exc.ConnectionFailed, match="reset"):
        client.create("n")
    assert len(rsps.calls) == 1


def test_connect_timeout_and_read_timeout(client, rsps):
    rsps.get(ITEM, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(exc.RequestTimeout):
        client.get(IMAGE_ID)
    assert len(rsps.calls) == 1


def test_iterator_body_is_never_resent_after_503(client, rsps, delays):
    rsps.put(FILE, status=503)
    with pytest.raises((exc.ServiceUnavailable, exc.BodyNotRewindable)):
        client.method_put("/images/%s/file" % IMAGE_ID, data=chunks())
    assert len(rsps.calls) == 1


def test_iterator_body_is_never_resent_after_connection_error(client, rsps):
    rsps.put(FILE, body=requests.ConnectionError("reset"))
    with pytest.raises((exc.ConnectionFailed, exc.BodyNotRewindable)):
        client.method_put("/images/%s/file" % IMAGE_ID, data=chunks())
    assert len(rsps.calls) == 1


def test_seekable_file_is_rewound_and_resent_identically(client, rsps, delays):
    body = io.BytesIO(b"skip:" + b"image data")
    body.seek(5)
    rsps.put(FILE, status=503)
    rsps.put(FILE, status=204)
    client.method_put("/images/%s/file" % IMAGE_ID, data=body,
                      headers={"Content-Type": "application/octet-stream"})
    assert [c.request.body for c in rsps.calls] == [b"image data", b"image data"]
    assert [c.request.headers["Content-Length"] for c in rsps.calls] == ["10", "10"]


def test_bytes_body_is_resent(client, rsps, delays):
    rsps.put(FILE, body=requests.ConnectionError("stale keep-alive"))
    rsps.put(FILE, status=204)
    client.method_put("/images/%s/file" % IMAGE_ID, data=b"abc")
    assert [c.request.body for c in rsps.calls] == [b"abc", b"abc"]


def test_retry_false_disables_retries(client, rsps):
    rsps.get(ITEM, status=503)
    with pytest.raises(exc.ServiceUnavailable):
        client.transport.request("GET", ITEM, retry=False)
    assert len(rsps.calls) == 1


# -- 401 ----------------------------------------------------------------------------------------------
def test_401_reauthenticates_and_resends_once(rsps, delays):
    identity = RenewingIdentity()
    client = make_client(delays, identity=identity)
    rsps.post(IMAGES, status=401)
    rsps.post(IMAGES, status=201, json=image_info())
    client.create("n")
    assert [c.request.headers["X-Auth-Token"] for c in rsps.calls] == ["old-token", "new-token-1"]
    assert rsps.calls[0].request.body == rsps.calls[1].request.body
    assert identity.renewals == 1


def test_second_401_raises_unauthorized(rsps, delays):
    identity = RenewingIdentity()
    client = make_client(delays, identity=identity)
    rsps.get(ITEM, status=401)
    with pytest.raises(exc.Unauthorized):
        client.get(IMAGE_ID)
    assert len(rsps.calls) == 2 and identity.renewals == 1


def test_401_without_renewal_raises_at_once(client, rsps):
    rsps.get(ITEM, status=401)
    with pytest.raises(exc.Unauthorized):
        client.get(IMAGE_ID)
    assert len(rsps.calls) == 1


def test_401_with_consumed_stream_is_not_resent(rsps, delays):
    client = make_client(delays, identity=RenewingIdentity())
    rsps.put(FILE, status=401)
    with pytest.raises(exc.BodyNotRewindable):
        client.method_put("/images/%s/file" % IMAGE_ID, data=chunks())
    assert len(rsps.calls) == 1


def test_401_rewinds_a_file_body(rsps, delays):
    client = make_client(delays, identity=RenewingIdentity())
    rsps.put(FILE, status=401)
    rsps.put(FILE, status=204)
    client.method_put("/images/%s/file" % IMAGE_ID, data=io.BytesIO(b"data"))
    assert [c.request.body for c in rsps.calls] == [b"data", b"data"]


# -- the transport on its own -------------------------------------------------------------------------
def test_transport_defaults():
    transport = Transport()
    assert transport.session.verify is True
    assert transport.session.headers["User-Agent"].startswith("pyrax_image/")
    assert transport.timeout == DEFAULT_TIMEOUT


def test_user_agent_can_be_replaced(rsps, delays):
    client = make_client(delays, user_agent="my-app/1.0")
    rsps.get(IMAGES, json={"images": []})
    client.list()
    assert rsps.calls[0].request.headers["User-Agent"] == "my-app/1.0"


def test_responses_mock_is_strict(client, rsps):
    # Sanity check for the "no request" tests: an unregistered URL fails.
    with pytest.raises(exc.ConnectionFailed):
        client.get("unregistered")
    assert len(rsps.calls) >= 1
    rsps.reset()
    assert isinstance(rsps, responses.RequestsMock)


def test_responses_mock_fails_on_an_unused_response_and_passes_nothing_through(rsps):
    # The "no request" and "exactly these requests" tests rely on both.
    assert rsps.assert_all_requests_are_fired is True
    assert tuple(rsps.passthru_prefixes) == ()


def test_post_is_retried_on_429(client, rsps, delays):
    # A rate-limited request was not processed, so even a POST may be resent.
    rsps.post(IMAGES, status=429, headers={"Retry-After": "2"})
    rsps.post(IMAGES, status=201, json=image_info())
    client.create("n")
    assert delays == [2.0] and rsps.calls[0].request.body == rsps.calls[1].request.body


def test_tls_error_is_not_retried(client, rsps, delays):
    rsps.get(ITEM, body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(exc.ConnectionFailed, match="certificate verify failed"):
        client.get(IMAGE_ID)
    assert len(rsps.calls) == 1 and delays == []


def test_other_requests_errors_become_ours(client, rsps):
    rsps.get(ITEM, body=requests.exceptions.ChunkedEncodingError("cut short"))
    with pytest.raises(exc.ConnectionFailed, match="cut short"):
        client.get(IMAGE_ID)


def test_endpoint_without_scheme_is_a_clear_error(rsps, delays):
    with pytest.raises(exc.InvalidArgument):
        make_client(delays, "glance.test:9292")
    assert len(rsps.calls) == 0
