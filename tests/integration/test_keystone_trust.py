"""The identity against the real Keystone: one login for many threads, no
secret in what a refused login shows, TLS settings on every client built."""

from __future__ import annotations

import subprocess
import threading
from typing import Any, Dict, List

import pytest

from pyrax_image import ImageClient, KeystoneIdentity
from pyrax_image import exceptions as exc
from tests.integration.keystone_fixtures import keystone_identity
from tests.threads import errors_in_threads


def count_logins(identity: KeystoneIdentity) -> List[str]:
    """Wrap the identity's transport; return the URLs of the token requests it sends."""
    logins: List[str] = []
    send = identity._transport.request
    lock = threading.Lock()

    def counting(method: str, url: str, **kwargs: Any) -> Any:
        if method == "POST" and url.endswith("/auth/tokens"):
            with lock:
                logins.append(url)
        return send(method, url, **kwargs)

    identity._transport.request = counting  # type: ignore[method-assign]
    return logins


def test_eight_threads_first_call_log_in_once_on_the_real_keystone(cloud: Dict[str, Any]) -> None:
    identity = keystone_identity(cloud, "alice")
    logins = count_logins(identity)
    barrier = threading.Barrier(8, timeout=30)
    results: List[int] = []

    def work() -> None:
        client = ImageClient(identity, region_name="RegionOne")
        barrier.wait()
        results.append(len(client.list(limit=1)) >= 0)

    assert errors_in_threads(work, 8, timeout=120) == []
    assert len(results) == 8
    assert len(logins) == 1
    assert identity.token in identity.secrets


def test_a_refused_password_never_appears_in_the_error(cloud: Dict[str, Any]) -> None:
    wrong = "wrong-password-%s" % cloud["users"]["alice"]["password"]
    identity = KeystoneIdentity("alice", wrong, tenant_name="alpha", auth_endpoint=cloud["keystone_v3_url"])
    with pytest.raises(exc.AuthenticationFailed) as raised:
        identity.authenticate()
    assert "401" in str(raised.value)
    assert wrong not in str(raised.value) and wrong not in repr(identity)


def test_verify_and_cert_reach_the_clients_of_the_real_catalog(cloud: Dict[str, Any], tmp_path: Any) -> None:
    bundle = str(tmp_path / "client.pem")  # certificate and key; unused by the plain-http cloud
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=it"]
        + ["-keyout", bundle, "-out", bundle + ".crt"],
        check=True,
        capture_output=True,
    )
    with open(bundle, "a") as handle, open(bundle + ".crt") as crt:
        handle.write(crt.read())
    identity = keystone_identity(cloud, "alice", verify_ssl=bundle, cert=bundle)
    identity.authenticate()
    for client in (
        identity.get_client("image", "RegionOne"),
        identity.RegionTwo.image.client,
        identity.get_client("image", "RegionOne").object_storage,
    ):
        assert client.session.verify == bundle and client.session.cert == bundle
    assert identity.get_client("image", "RegionOne").list(limit=1) is not None
