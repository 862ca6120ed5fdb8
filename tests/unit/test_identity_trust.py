"""What an identity guarantees: it knows its secrets and never shows them,
refuses careless input before any request, logs in once for many threads,
and carries its TLS settings to every client it builds (responses)."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
import responses

from pyrax_image import ImageClient, connect
from pyrax_image import exceptions as exc
from pyrax_image.identity import KeystoneIdentity, RaxIdentity, TokenIdentity
from pyrax_image.secrets import SecretValues
from tests.threads import errors_in_threads
from tests.unit.helpers import recorded, v3_token

ROOT = "https://keystone.example.com:5000"
V3 = ROOT + "/v3"
TOKENS = V3 + "/auth/tokens"
GLANCE_ONE = "http://127.0.0.1:9293"
PASSWORD = "s3cret-Passw0rd"
APP_SECRET = "app-credential-secret-value"


def issue_tokens(rsps: responses.RequestsMock, delay: float = 0.0) -> List[str]:
    """Keystone issuing tok-1, tok-2, ...; returns the tokens issued so far."""
    issued: List[str] = []
    lock = threading.Lock()

    def answer(request: Any) -> Tuple[int, Dict[str, str], str]:
        time.sleep(delay)
        with lock:
            issued.append("tok-%d-long" % (len(issued) + 1))
            token = issued[-1]
        return 201, {"X-Subject-Token": token, "Content-Type": "application/json"}, json.dumps(v3_token())

    rsps.add_callback(responses.POST, TOKENS, callback=answer)
    return issued


def alice(**kwargs: Any) -> KeystoneIdentity:
    return KeystoneIdentity("alice", PASSWORD, tenant_name="alpha", auth_endpoint=V3, **kwargs)


# -- 1. secrets known by value, never shown -------------------------------------------------------
def test_the_identity_knows_every_credential_and_every_token(rsps: responses.RequestsMock) -> None:
    issued = issue_tokens(rsps)
    identity = KeystoneIdentity(
        "alice",
        PASSWORD,
        auth_endpoint="https://admin:url-pass-123@keystone.example.com:5000/v3",
        application_credential_id="app-id",
        application_credential_secret=APP_SECRET,
        api_key="api-key-value",
    )
    identity.auth_endpoint = V3
    identity.authenticate()
    identity.authenticate()
    assert issued == ["tok-1-long", "tok-2-long"]
    secrets = identity.secrets
    assert isinstance(secrets, SecretValues)
    for value in (PASSWORD, APP_SECRET, "api-key-value", "url-pass-123", "admin:url-pass-123"):
        assert value in secrets
    assert "tok-1-long" in secrets and "tok-2-long" in secrets  # past and current
    assert identity._transport.secrets is secrets  # scrubs the identity's own traffic


def test_token_identity_and_assigned_tokens_are_secrets() -> None:
    identity = TokenIdentity("fixed-token-value\n", tenant_id="p")
    assert identity.token == "fixed-token-value"  # a newline read from a file is dropped
    identity.token = "another-token-value"
    assert "fixed-token-value" in identity.secrets and "another-token-value" in identity.secrets
    assert "token-value" not in repr(identity)


def test_repr_never_shows_a_secret(rsps: responses.RequestsMock) -> None:
    identity = KeystoneIdentity(PASSWORD, PASSWORD, auth_endpoint="https://u:url-pass-123@h.example/v3")
    text = repr(identity)
    assert PASSWORD not in text and "url-pass-123" not in text and "u:" not in text
    assert "https://h.example/v3" in text


def test_keystone_401_echoing_the_password_is_scrubbed(rsps: responses.RequestsMock) -> None:
    body = {
        "error": {"code": 401, "title": "Unauthorized", "message": "bad password %s for alice" % PASSWORD}
    }
    rsps.add(responses.POST, TOKENS, json=body, status=401)
    with pytest.raises(exc.AuthenticationFailed) as raised:
        alice().authenticate()
    assert PASSWORD not in str(raised.value) and "bad password *** for alice" in str(raised.value)


def test_keystone_500_echoing_the_password_is_scrubbed(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, TOKENS, body="<h1>Oops</h1><p>%s</p>" % PASSWORD, status=500)
    with pytest.raises(exc.InternalServerError) as raised:
        alice().authenticate()
    assert PASSWORD not in str(raised.value) and PASSWORD not in raised.value.message


def test_an_endpoint_userinfo_never_reaches_an_error(rsps: responses.RequestsMock) -> None:
    url = "https://admin:url-pass-123@keystone.example.com:5000/v3"
    rsps.add(responses.POST, url + "/auth/tokens", body="url-pass-123 rejected", status=500)
    with pytest.raises(exc.InternalServerError) as raised:
        KeystoneIdentity("alice", PASSWORD, auth_endpoint=url).authenticate()
    assert "url-pass-123" not in str(raised.value)


# -- 6. careless input: InvalidArgument before any request ------------------------------------------
CARELESS: List[Tuple[str, Callable[[], Any]]] = [
    ("auth_endpoint=5", lambda: KeystoneIdentity("a", "p", auth_endpoint=5)),  # type: ignore[arg-type]
    ("auth_endpoint not a URL", lambda: KeystoneIdentity("a", "p", auth_endpoint="keystone:5000")),
    ("auth_endpoint ftp", lambda: KeystoneIdentity("a", "p", auth_endpoint="ftp://h/v3")),
    ("auth_endpoint with newline", lambda: KeystoneIdentity("a", "p", auth_endpoint="http://h/v3\n")),
    ("username int", lambda: KeystoneIdentity(5, "p", auth_endpoint=V3)),  # type: ignore[arg-type]
    ("password bytes", lambda: KeystoneIdentity("a", b"p", auth_endpoint=V3)),  # type: ignore[arg-type]
    ("password newline", lambda: KeystoneIdentity("a", "p\r\nX: y", auth_endpoint=V3)),
    ("tenant_name list", lambda: KeystoneIdentity("a", "p", tenant_name=["x"], auth_endpoint=V3)),  # type: ignore[arg-type]
    ("tenant_id dict", lambda: KeystoneIdentity("a", "p", tenant_id={}, auth_endpoint=V3)),  # type: ignore[arg-type]
    ("user_domain_name int", lambda: KeystoneIdentity("a", "p", auth_endpoint=V3, user_domain_name=1)),  # type: ignore[arg-type]
    ("app secret int", lambda: KeystoneIdentity(application_credential_secret=7, auth_endpoint=V3)),  # type: ignore[arg-type]
    ("region int", lambda: KeystoneIdentity("a", "p", region=1, auth_endpoint=V3)),  # type: ignore[arg-type]
    ("timeout text", lambda: KeystoneIdentity("a", "p", timeout="ten", auth_endpoint=V3)),  # type: ignore[arg-type]
    ("timeout negative", lambda: KeystoneIdentity("a", "p", timeout=-1, auth_endpoint=V3)),
    ("renewal_margin text", lambda: KeystoneIdentity("a", "p", auth_endpoint=V3, renewal_margin="1")),  # type: ignore[arg-type]
    ("verify_ssl None", lambda: KeystoneIdentity("a", "p", auth_endpoint=V3, verify_ssl=None)),  # type: ignore[arg-type]
    ("cert int", lambda: KeystoneIdentity("a", "p", auth_endpoint=V3, cert=5)),  # type: ignore[arg-type]
    ("user_agent int", lambda: KeystoneIdentity("a", "p", auth_endpoint=V3, user_agent=5)),  # type: ignore[arg-type]
    ("rax api_key int", lambda: RaxIdentity("a", api_key=12345)),  # type: ignore[arg-type]
    ("set_credentials username", lambda: alice().set_credentials(7, "p")),  # type: ignore[arg-type]
    ("authenticate password", lambda: alice().authenticate(password=7)),  # type: ignore[arg-type]
    ("assigned auth_endpoint", lambda: setattr(alice(), "auth_endpoint", 3)),
    ("assigned verify_ssl", lambda: setattr(alice(), "verify_ssl", 3)),
    ("token int", lambda: TokenIdentity(5)),  # type: ignore[arg-type]
    ("token empty", lambda: TokenIdentity("  \n")),
    ("token with newline inside", lambda: TokenIdentity("tok\r\nX-Evil: 1")),
    ("token tenant_id int", lambda: TokenIdentity("tok", tenant_id=5)),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("make", [case[1] for case in CARELESS], ids=[case[0] for case in CARELESS])
def test_careless_identity_input_is_refused_before_any_request(
    rsps: responses.RequestsMock, make: Callable[[], Any]
) -> None:
    with pytest.raises(exc.InvalidArgument) as raised:
        make()
    assert len(rsps.calls) == 0
    assert "p\r\nX" not in str(raised.value) and "12345" not in str(raised.value)


# -- 4. first-use login is single-flight ----------------------------------------------------------
def test_eight_threads_first_call_through_the_catalog_log_in_once(rsps: responses.RequestsMock) -> None:
    issued = issue_tokens(rsps, delay=0.2)
    rsps.add(responses.GET, GLANCE_ONE + "/v2/images", json={"images": []})
    identity = alice()
    barrier = threading.Barrier(8, timeout=10)

    def work() -> None:
        client = ImageClient(identity, region_name="RegionOne")
        barrier.wait()
        client.list()

    assert errors_in_threads(work, 8, timeout=30) == []
    assert issued == ["tok-1-long"]
    assert len([c for c in rsps.calls if c.request.method == "GET"]) == 8


def test_authenticate_called_again_still_logs_in_again(rsps: responses.RequestsMock) -> None:
    issued = issue_tokens(rsps)
    identity = alice()
    identity.authenticate()
    identity.authenticate()
    assert identity.authenticated
    identity.authenticate()
    assert len(issued) == 3


# -- 5. TLS settings carry to every client ----------------------------------------------------------
@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """A self-signed certificate, its key and a CA bundle (the certificate)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "client.crt"), str(folder / "client.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=pyrax-image-test", "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
    )
    return {"cert": cert, "key": key, "ca": cert}


def assert_tls(client: Any, tls: Dict[str, str]) -> None:
    assert client.session.cert == (tls["cert"], tls["key"])
    assert client.session.verify == tls["ca"]


def test_cert_and_verify_carry_to_every_client_of_the_catalog(
    rsps: responses.RequestsMock, tls_files: Dict[str, str]
) -> None:
    issue_tokens(rsps)
    identity = alice(cert=(tls_files["cert"], tls_files["key"]), verify_ssl=tls_files["ca"])
    identity.authenticate()
    assert identity.cert == (tls_files["cert"], tls_files["key"])
    assert_tls(identity._transport, tls_files)
    images = identity.get_client("image", "RegionOne")
    assert_tls(images, tls_files)
    assert_tls(identity.RegionOne.image.client, tls_files)
    assert_tls(identity.image["RegionTwo"].client_private, tls_files)
    assert_tls(identity.get_client("object_store"), tls_files)
    assert_tls(images.object_storage, tls_files)  # used by import/export


def test_connect_to_images_uses_the_identitys_tls(
    rsps: responses.RequestsMock, tls_files: Dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    connect.reset()
    try:
        issue_tokens(rsps)
        identity = alice(cert=(tls_files["cert"], tls_files["key"]), verify_ssl=tls_files["ca"])
        connect._use_identity(identity, "RegionOne", authenticate=True)
        assert_tls(connect.module_attribute("images"), tls_files)  # connect_to_services
        assert_tls(connect.connect_to_images("RegionTwo"), tls_files)
        assert_tls(connect.connect_to_cloudfiles("RegionOne"), tls_files)
        connect._state.images = None
        assert_tls(connect.connect_to_cloudfiles("RegionOne"), tls_files)  # its own session
    finally:
        connect.reset()


def test_the_cert_setting_reaches_the_identity_and_its_clients(
    rsps: responses.RequestsMock, tls_files: Dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "pyrax.cfg"
    config.write_text(
        "[default]\nidentity_type = keystone\nauth_endpoint = %s\nverify_ssl = %s\ncert = %s, %s\n"
        % (V3, tls_files["ca"], tls_files["cert"], tls_files["key"])
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CLOUD_CERT", raising=False)
    connect.reset(str(config))
    try:
        issue_tokens(rsps)
        connect.set_credentials("alice", password=PASSWORD)
        assert_tls(connect.module_attribute("identity")._transport, tls_files)
        assert_tls(connect.module_attribute("images"), tls_files)
        connect.settings.set("cert", tls_files["cert"])
        assert connect.connect_to_images().session.cert == tls_files["cert"]
    finally:
        connect.reset()


def test_os_cert_and_os_key_give_the_client_certificate(tls_files: Dict[str, str]) -> None:
    identity = KeystoneIdentity.from_env(
        {"OS_AUTH_URL": V3, "OS_USERNAME": "a", "OS_CERT": tls_files["cert"], "OS_KEY": tls_files["key"]}
    )
    assert identity.cert == (tls_files["cert"], tls_files["key"])


# -- 2. Keystone replies of the wrong shape ----------------------------------------------------------
def _v3_with(change: Callable[[Dict[str, Any]], Any]) -> Dict[str, Any]:
    body = v3_token()
    change(body["token"])
    return body


def _set(key: str, value: Any) -> Callable[[Dict[str, Any]], Any]:
    return lambda token: token.__setitem__(key, value)


def _first_service(change: Callable[[Dict[str, Any]], Any]) -> Callable[[Dict[str, Any]], Any]:
    return lambda token: change(token["catalog"][1])


MALFORMED_V3: List[Tuple[str, Dict[str, Any]]] = [
    ("html 201", {"body": "<html><body>Welcome</body></html>", "content_type": "text/html"}),
    ("empty 201", {"body": ""}),
    ("not json", {"body": "{'token': ", "content_type": "application/json"}),
    ("a list", {"json": [v3_token()]}),
    ("token null", {"json": {"token": None}}),
    ("token a list", {"json": {"token": []}}),
    ("expires_at a number", {"json": _v3_with(_set("expires_at", 5))}),
    ("expires_at not a date", {"json": _v3_with(_set("expires_at", "tomorrow-ish"))}),
    ("project a string", {"json": _v3_with(_set("project", "alpha"))}),
    ("project id a number", {"json": _v3_with(_set("project", {"id": 5}))}),
    ("catalog an object", {"json": _v3_with(_set("catalog", {"image": []}))}),
    ("catalog entry a string", {"json": _v3_with(_set("catalog", ["image"]))}),
    ("service type missing", {"json": _v3_with(_set("catalog", [{"endpoints": []}]))}),
    ("endpoints missing", {"json": _v3_with(_first_service(lambda s: s.pop("endpoints")))}),
    ("endpoints an object", {"json": _v3_with(_first_service(lambda s: s.__setitem__("endpoints", {})))}),
    ("endpoint a string", {"json": _v3_with(_first_service(lambda s: s.__setitem__("endpoints", ["u"])))}),
    ("url a number", {"json": _v3_with(_first_service(lambda s: s["endpoints"][0].__setitem__("url", 9)))}),
    ("url a list", {"json": _v3_with(_first_service(lambda s: s["endpoints"][0].__setitem__("url", [])))}),
    (
        "region a dict",
        {"json": _v3_with(_first_service(lambda s: s["endpoints"][0].__setitem__("region_id", {})))},
    ),
]


@pytest.mark.parametrize("reply", [c[1] for c in MALFORMED_V3], ids=[c[0] for c in MALFORMED_V3])
def test_a_keystone_v3_reply_of_the_wrong_shape_raises_invalid_response(
    rsps: responses.RequestsMock, reply: Dict[str, Any]
) -> None:
    headers = {"X-Subject-Token": "subject-token-value", "x-openstack-request-id": "req-ks-1"}
    rsps.add(responses.POST, TOKENS, status=201, headers=headers, **reply)
    identity = alice()
    with pytest.raises(exc.InvalidResponse) as raised:
        identity.authenticate()
    error = raised.value
    assert (error.code, error.url, error.request_id) == (201, TOKENS, "req-ks-1")
    assert "subject-token-value" not in str(error) and PASSWORD not in str(error)
    assert not identity.authenticated and identity._catalog is None


def _v2_with(change: Callable[[Dict[str, Any]], Any]) -> Dict[str, Any]:
    body = recorded("keystone_v2_access.json")
    change(body["access"])
    return body


MALFORMED_V2: List[Tuple[str, Any]] = [
    ("a list", []),
    ("access a string", {"access": "x"}),
    ("token a list", _v2_with(lambda a: a.__setitem__("token", []))),
    ("token id a number", _v2_with(lambda a: a["token"].__setitem__("id", 12345678))),
    ("expires not a date", _v2_with(lambda a: a["token"].__setitem__("expires", "soon"))),
    ("tenant a list", _v2_with(lambda a: a["token"].__setitem__("tenant", []))),
    ("catalog an object", _v2_with(lambda a: a.__setitem__("serviceCatalog", {}))),
    (
        "publicURL a number",
        _v2_with(lambda a: a["serviceCatalog"][0]["endpoints"][0].__setitem__("publicURL", 1)),
    ),
    ("endpoints null", _v2_with(lambda a: a["serviceCatalog"][0].__setitem__("endpoints", None))),
    ("default region a list", _v2_with(lambda a: a["user"].__setitem__("RAX-AUTH:defaultRegion", []))),
]


@pytest.mark.parametrize("body", [c[1] for c in MALFORMED_V2], ids=[c[0] for c in MALFORMED_V2])
def test_a_keystone_v2_reply_of_the_wrong_shape_raises_invalid_response(
    rsps: responses.RequestsMock, body: Any
) -> None:
    url = ROOT + "/v2.0/tokens"
    rsps.add(responses.POST, url, json=body, status=200)
    identity = KeystoneIdentity("alice", PASSWORD, auth_endpoint=ROOT + "/v2.0")
    with pytest.raises(exc.InvalidResponse) as raised:
        identity.authenticate()
    assert raised.value.code == 200 and raised.value.url == url
    assert not identity.authenticated


@pytest.mark.parametrize(
    "document", [{"versions": "v3"}, {"versions": {"values": ["v3"]}}, {"versions": [{"id": 3}]}]
)
def test_a_discovery_document_of_the_wrong_shape_raises_invalid_response(
    rsps: responses.RequestsMock, document: Any
) -> None:
    rsps.add(responses.GET, ROOT, json=document, status=300)
    with pytest.raises(exc.InvalidResponse):
        KeystoneIdentity("alice", PASSWORD, auth_endpoint=ROOT).authenticate()
