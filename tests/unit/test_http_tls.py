"""TLS and careless settings (issue #7 item 8, transport part): a local HTTPS
server with a self-signed CA is refused by default, accepted with the bundle,
and mutual TLS works with the client certificate; bad verify_ssl, cert,
timeout, deadline or identity values raise InvalidArgument before any request."""

from __future__ import annotations

import json
import ssl
import subprocess
from pathlib import Path
from typing import Dict

import pytest

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.http import Transport
from pyrax_image.identity import KeystoneIdentity
from tests.unit.helpers import IMAGE_ID, assert_no_request, image_info, make_client
from tests.unit.loopback import LoopbackServer, Reply

IMAGE = json.dumps(image_info()).encode()


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """A CA, a server certificate for localhost/127.0.0.1 and a client certificate, both signed by the CA."""
    folder = tmp_path_factory.mktemp("pki")
    files = {name: str(folder / name) for name in
             ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem", "client.key", "client.csr",
              "client.pem", "san.ext")}  # fmt: skip
    # The extensions Python 3.13's strict verification (VERIFY_X509_STRICT) asks of a CA and its leaves.
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pyrax-test-ca",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-keyout", files["ca.key"], "-out", files["ca.pem"])  # fmt: skip
    Path(files["san.ext"]).write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nauthorityKeyIdentifier=keyid\nbasicConstraints=CA:FALSE\n"
    )
    for who in ("server", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                 "-keyout", files[who + ".key"], "-out", files[who + ".csr"])  # fmt: skip
        _openssl("x509", "-req", "-in", files[who + ".csr"], "-CA", files["ca.pem"], "-CAkey", files["ca.key"],
                 "-CAcreateserial", "-days", "2", "-extfile", files["san.ext"], "-out", files[who + ".pem"])  # fmt: skip
    return files


def https_server(pki: Dict[str, str], require_client_cert: bool = False) -> LoopbackServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["server.pem"], pki["server.key"])
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki["ca.pem"])
    return LoopbackServer(lambda r: Reply(200, IMAGE, {"Content-Type": "application/json"}), tls=context)


def tls_client(server: LoopbackServer, **kwargs) -> ImageClient:
    return make_client([], server.url, identity=TokenIdentity("tls-token", tenant_id="p"), **kwargs)


def test_self_signed_server_is_refused_by_default(pki, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with https_server(pki) as server:
        with pytest.raises(exc.ConnectionFailed, match="TLS error"):
            tls_client(server).get(IMAGE_ID)
        assert server.requests == []  # no request (nor token) went over the untrusted connection


def test_accepted_with_the_ca_bundle(pki):
    with https_server(pki) as server:
        assert tls_client(server, verify_ssl=pki["ca.pem"]).get(IMAGE_ID).id == IMAGE_ID
        assert server.requests[0].headers["X-Auth-Token"] == "tls-token"


def test_mutual_tls_needs_the_client_certificate(pki):
    with https_server(pki, require_client_cert=True) as server:
        with pytest.raises(exc.ConnectionFailed):
            tls_client(server, verify_ssl=pki["ca.pem"]).get(IMAGE_ID)
        client = tls_client(server, verify_ssl=pki["ca.pem"], cert=(pki["client.pem"], pki["client.key"]))
        assert client.get(IMAGE_ID).id == IMAGE_ID


def test_keystone_identity_over_tls_with_the_bundle(pki):
    with https_server(pki) as server:
        identity = KeystoneIdentity("alice", "pw-over-tls", tenant_name="p", auth_endpoint=server.url + "/v3",
                                    verify_ssl=pki["ca.pem"])  # fmt: skip
        with pytest.raises(exc.PyraxImageException):  # our server is no Keystone: but TLS was accepted
            identity.authenticate()
        assert server.requests and server.requests[0].path == "/v3/auth/tokens"


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"verify_ssl": "false"}, "not the string 'false'"),
        ({"verify_ssl": "True"}, "pass the boolean"),
        ({"verify_ssl": ""}, "verify_ssl"),
        ({"verify_ssl": 0}, "not int"),
        ({"verify_ssl": "/nonexistent/ca.pem"}, "no CA bundle"),
        ({"cert": "/nonexistent/client.pem"}, "no file"),
        ({"cert": ("/nonexistent/c.pem", "/nonexistent/k.pem")}, "no file"),
        ({"cert": ("a", "b", "c")}, "pair"),
        ({"cert": 5}, "not int"),
        ({"timeout": "5"}, "timeout must be a number"),
        ({"timeout": -1}, "more than 0"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": True}, "not bool"),
        ({"deadline": "soon"}, "deadline must be a number"),
        ({"deadline": 0}, "more than 0"),
    ],
)
def test_careless_settings_fail_before_any_request(rsps, kwargs, words):
    with pytest.raises(exc.InvalidArgument, match=words):
        make_client([], **kwargs)
    assert_no_request(rsps)


def test_careless_per_call_timeout(client, rsps):
    with pytest.raises(exc.InvalidArgument, match="timeout"):
        client.method_get("/images", timeout="10")
    with pytest.raises(exc.InvalidArgument, match="deadline"):
        client.method_get("/images", deadline=-5)
    assert_no_request(rsps)


def test_transport_settings_are_checked_when_changed(pki):
    transport = Transport(verify=pki["ca.pem"], cert=pki["client.pem"])
    assert transport.session.verify == pki["ca.pem"] and transport.session.cert == pki["client.pem"]
    with pytest.raises(exc.InvalidArgument):
        transport.verify = "no"
    with pytest.raises(exc.InvalidArgument):
        transport.cert = "/nonexistent"
    assert transport.verify == pki["ca.pem"]


def test_an_identity_of_the_wrong_type_is_refused(rsps):
    with pytest.raises(exc.InvalidArgument, match="TokenIdentity"):
        ImageClient("a-token-string", management_url="http://glance.test:9292")  # type: ignore[arg-type]
    with pytest.raises(exc.InvalidArgument, match="identity"):
        ImageClient(None, management_url="http://glance.test:9292")  # type: ignore[arg-type]
    assert_no_request(rsps)


def test_a_ca_directory_is_accepted(tmp_path):
    assert Transport(verify=str(tmp_path)).verify == str(tmp_path)
