"""Secrets by value (issue #7 item 2): whatever a server echoes — in a JSON or
HTML error body, a header, any JSON field, Keystone's 401 text — no token,
password, key or URL userinfo reaches str()/repr() of an error or a log line.
Every test here is also scanned by tests/secret_scan.py."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

import pytest

from pyrax_image import TokenIdentity, http_log
from pyrax_image import exceptions as exc
from pyrax_image.identity import KeystoneIdentity
from pyrax_image.secrets import SecretValues
from tests.secret_scan import assert_no_secret
from tests.unit.helpers import BASE, IMAGE_ID, ITEM, V2, image_info, make_client

TOKEN = "gAAAAB-secret+token/value=="
PASSWORD = "correct-horse-battery"

pytestmark = pytest.mark.secrets(TOKEN, PASSWORD)


@pytest.fixture
def sclient(rsps, delays):
    return make_client(delays, identity=TokenIdentity(TOKEN, tenant_id="proj"))


def raised(call):
    with pytest.raises(exc.PyraxImageException) as info:
        call()
    return info.value


@pytest.mark.parametrize(
    "reply",
    [
        {"json": {"message": "token %s is not valid" % TOKEN}},
        {"json": {"badRequest": {"message": "bad", "details": {"echo": [TOKEN]}}}},
        {"json": {"anything": {"nested": "X-Auth-Token: " + TOKEN}}},
        {"body": "<html><h1>Forbidden</h1><p>for %s</p></html>" % TOKEN, "content_type": "text/html"},
        {"body": "plain text with %s inside" % TOKEN, "content_type": "text/plain"},
        {"body": "escaped %s" % json.dumps(TOKEN), "content_type": "text/plain"},
        {"body": "quoted %s" % quote(TOKEN, safe=""), "content_type": "text/plain"},
        {"body": "", "headers": {"x-openstack-request-id": "req-" + TOKEN}},
    ],
)
def test_echoed_token_is_scrubbed_from_errors_and_logs(sclient, rsps, caplog, reply):
    rsps.get(ITEM, status=403, **reply)
    error = raised(lambda: sclient.get(IMAGE_ID))
    assert isinstance(error, exc.Forbidden) and "***" in str(error) + repr(error.details) + str(error.request_id)
    assert_no_secret([error, caplog.text], [TOKEN])


def test_token_echoed_in_a_success_reply_is_not_logged(sclient, rsps, caplog):
    rsps.get(ITEM, json=image_info(note="your token is " + TOKEN),
             headers={"X-Debug-Echo": TOKEN, "Set-Cookie": "s=" + TOKEN})
    assert sclient.get(IMAGE_ID).note.endswith(TOKEN)  # the data itself is the caller's
    assert "RESP: [200]" in caplog.text and "your token is ***" in caplog.text
    assert TOKEN not in caplog.text


def test_password_sent_in_a_json_body_is_scrubbed_when_echoed(sclient, rsps, caplog):
    rsps.post(V2 + "/things", status=400, json={"message": "password %s is too weak" % PASSWORD})
    error = raised(lambda: sclient.method_post("/things", body={"user": {"password": PASSWORD}}))
    assert str(error).startswith("password *** is too weak")
    assert PASSWORD not in caplog.text


def test_keystone_401_text_echoing_the_password(rsps):
    rsps.post("https://keystone.test/v3/auth/tokens", status=401,
              body="The password %s is wrong for alice" % PASSWORD, content_type="text/plain")
    identity = KeystoneIdentity("alice", PASSWORD, tenant_name="p", auth_endpoint="https://keystone.test/v3")
    error = raised(identity.authenticate)
    assert isinstance(error, exc.AuthenticationFailed) and "***" in str(error)
    assert_no_secret(error, [PASSWORD])


def test_a_renewed_token_is_known_at_once(rsps, delays):
    class Renewing(TokenIdentity):
        def reauthenticate(self) -> bool:
            self.token = "renewed-" + TOKEN[::-1]
            return True

    client = make_client(delays, identity=Renewing("first-" + TOKEN, tenant_id="p"))
    rsps.get(ITEM, status=401)
    rsps.get(ITEM, status=404, json={"message": "no image for renewed-" + TOKEN[::-1]})
    error = raised(lambda: client.get(IMAGE_ID))
    assert isinstance(error, exc.NotFound)
    assert_no_secret(error, ["renewed-" + TOKEN[::-1]])


def test_userinfo_of_the_endpoint_never_shows(rsps, delays, caplog):
    url = "http://glance-user:%s@glance.test:9292" % PASSWORD
    client = make_client(delays, url, identity=TokenIdentity(TOKEN, tenant_id="p"))
    assert PASSWORD not in repr(client) and "glance.test:9292" in repr(client)
    rsps.get(url + "/v2/images/" + IMAGE_ID, status=404, json={"message": "no such image at %s" % url})
    error = raised(lambda: client.get(IMAGE_ID))
    assert "glance-user" not in str(error) and "glance.test:9292" in str(error)
    assert "glance-user" not in caplog.text and "REQ: curl" in caplog.text
    assert_no_secret([error, caplog.text, repr(client)], [PASSWORD])


def test_token_with_a_trailing_newline_is_a_clear_error_without_it(rsps, delays):
    identity = TokenIdentity("placeholder", tenant_id="p")
    identity.token = TOKEN + "\n"  # as read from a file
    client = make_client(delays, identity=identity)
    error = raised(lambda: client.get(IMAGE_ID))
    assert isinstance(error, exc.InvalidArgument) and "X-Auth-Token" in str(error)
    assert "newline" in str(error) and error.__cause__ is None
    assert len(rsps.calls) == 0


def test_temp_url_key_is_never_logged_not_even_hashed(sclient, rsps, caplog):
    key = "temp-url-key-" + PASSWORD
    rsps.post(BASE + "/v1/AUTH_p", status=204)
    sclient.transport.request("POST", BASE + "/v1/AUTH_p", headers={"X-Account-Meta-Temp-URL-Key": key})
    assert "X-Account-Meta-Temp-URL-Key: ***" in caplog.text
    unsalted = hashlib.sha256(key.encode()).hexdigest()
    assert key not in caplog.text and unsalted[:16] not in caplog.text and unsalted[:12] not in caplog.text


def test_token_digest_is_salted_per_process(sclient, rsps, caplog):
    rsps.get(ITEM, json=image_info())
    sclient.get(IMAGE_ID)
    digest = http_log.digest(TOKEN)
    assert "X-Auth-Token: " + digest in caplog.text
    assert hashlib.sha256(TOKEN.encode()).hexdigest()[:16] not in digest


def test_scrubbing_stays_off_the_hot_path(rsps, delays, monkeypatch, caplog):
    caplog.set_level("INFO", logger="pyrax_image")  # the ordinary case: no debug logging
    client = make_client(delays, identity=TokenIdentity(TOKEN, tenant_id="p"))

    def fail(self, text):
        raise AssertionError("scrub() ran for a successful call")

    monkeypatch.setattr(SecretValues, "scrub", fail)
    rsps.get(ITEM, json=image_info())
    client.get(IMAGE_ID)


def test_registry_forms_and_sharing():
    identity = TokenIdentity(TOKEN, tenant_id="p")
    client = make_client([], identity=identity)
    assert client.secrets is identity.secrets is client.transport.secrets
    secrets = SecretValues([PASSWORD + "\n", "abc"])
    assert secrets.scrub("x %s y" % PASSWORD) == "x *** y"
    assert secrets.scrub("abc") == "abc"  # too short to be told from words
    assert secrets.scrub("http://u:p@h/x?temp_url_sig=ff") == "http://***@h/x?temp_url_sig=***"


@pytest.mark.secrets()
def test_an_unsafe_redirect_names_no_token(sclient, rsps, known_secrets):
    known_secrets.append(TOKEN)
    rsps.get(ITEM, status=302, headers={"Location": "http://evil.test/?token=" + TOKEN})
    error = raised(lambda: sclient.get(IMAGE_ID))
    assert isinstance(error, exc.UnsafeRedirect) and "token=***" in error.location
