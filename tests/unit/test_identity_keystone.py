"""KeystoneIdentity wire format: v3 and v2.0 bodies, discovery, failures (responses)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image.identity import KeystoneIdentity
from pyrax_image.identity.auth import parse_expiry
from tests.unit.helpers import recorded, sent_json, v3_token

ROOT = "https://keystone.example.com:5000"
V3 = ROOT + "/v3"
V2 = ROOT + "/v2.0"


def add_v3(rsps: responses.RequestsMock, token: str = "tok-v3", expires_in: float = 3600) -> None:
    rsps.add(responses.POST, V3 + "/auth/tokens", json=v3_token(expires_in), status=201, headers={"X-Subject-Token": token})


def test_v3_password_by_names_wire_format_and_parsing(rsps: responses.RequestsMock) -> None:
    add_v3(rsps)
    identity = KeystoneIdentity("alice", "alicepass", tenant_name="alpha", auth_endpoint=V3 + "/")
    identity.authenticate()
    call = rsps.calls[0]
    assert call.request.method == "POST" and call.request.url == V3 + "/auth/tokens"
    assert call.request.headers["Content-Type"] == "application/json"
    assert "X-Auth-Token" not in call.request.headers
    assert sent_json(rsps, 0) == {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": "alice", "domain": {"id": "default"}, "password": "alicepass"}},
            },
            "scope": {"project": {"name": "alpha", "domain": {"id": "default"}}},
        }
    }
    assert identity.authenticated and identity.token == "tok-v3"
    assert identity.identity_version == "v3"
    assert identity.tenant_id == "12b8d377f76d42c1b359558a3c8c23d9" and identity.tenant_name == "alpha"
    assert identity.user["id"] == "4dcedddd0dbf42f196b3183b4f4fc480"
    assert identity.expires is not None and identity.expires.tzinfo is not None
    assert identity.expires.utcoffset() == timedelta(0)
    assert identity.regions == ["RegionOne", "RegionTwo"]
    assert identity.get_endpoint("image", "RegionTwo") == "http://127.0.0.1:9294"


def test_v3_password_by_ids_and_domains(rsps: responses.RequestsMock) -> None:
    add_v3(rsps)
    KeystoneIdentity(user_id="u-1", password="pw", tenant_id="p-1", auth_endpoint=V3).authenticate()
    assert sent_json(rsps, 0)["auth"] == {
        "identity": {"methods": ["password"], "password": {"user": {"id": "u-1", "password": "pw"}}},
        "scope": {"project": {"id": "p-1"}},
    }
    KeystoneIdentity(
        "alice",
        "pw",
        tenant_name="alpha",
        auth_endpoint=V3,
        user_domain_name="Users",
        project_domain_id="d-9",
    ).authenticate()
    auth = sent_json(rsps, 1)["auth"]
    assert auth["identity"]["password"]["user"]["domain"] == {"name": "Users"}
    assert auth["scope"] == {"project": {"name": "alpha", "domain": {"id": "d-9"}}}


def test_v3_token_and_application_credential_bodies(rsps: responses.RequestsMock) -> None:
    add_v3(rsps)
    KeystoneIdentity(token="old-token", tenant_id="p-1", auth_endpoint=V3).authenticate()
    assert sent_json(rsps, 0)["auth"] == {
        "identity": {"methods": ["token"], "token": {"id": "old-token"}},
        "scope": {"project": {"id": "p-1"}},
    }
    KeystoneIdentity(
        auth_endpoint=V3, application_credential_id="ac-1", application_credential_secret="s3cr3t"
    ).authenticate()
    assert sent_json(rsps, 1) == {
        "auth": {
            "identity": {
                "methods": ["application_credential"],
                "application_credential": {"secret": "s3cr3t", "id": "ac-1"},
            }
        }
    }
    KeystoneIdentity(
        "alice", auth_endpoint=V3, application_credential_name="ci", application_credential_secret="s3cr3t"
    ).authenticate()
    credential = sent_json(rsps, 2)["auth"]["identity"]["application_credential"]
    assert credential == {"secret": "s3cr3t", "name": "ci", "user": {"name": "alice", "domain": {"id": "default"}}}


def test_discovery_on_the_unversioned_root_picks_v3(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ROOT, json=recorded("keystone_versions.json"), status=300)
    add_v3(rsps)
    identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=ROOT)
    identity.authenticate()
    assert [c.request.method for c in rsps.calls] == ["GET", "POST"]
    assert rsps.calls[1].request.url == V3 + "/auth/tokens"
    assert identity.identity_version == "v3"
    identity.authenticate()  # discovery is cached
    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "POST"]


def test_discovery_falls_back_to_v2(rsps: responses.RequestsMock) -> None:
    legacy = "https://legacy.example.com:5000"
    rsps.add(responses.GET, legacy + "/", json=recorded("keystone_v2_versions.json"), status=300)
    rsps.add(responses.POST, legacy + "/v2.0/tokens", json=recorded("keystone_v2_access.json"))
    identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=legacy + "/")
    identity.authenticate()
    assert identity.identity_version == "v2.0"
    assert rsps.calls[1].request.url == legacy + "/v2.0/tokens"


def test_auth_version_forces_the_path(rsps: responses.RequestsMock) -> None:
    add_v3(rsps)
    KeystoneIdentity("alice", "pw", auth_endpoint=ROOT, auth_version="3").authenticate()
    assert rsps.calls[0].request.url == V3 + "/auth/tokens"
    with pytest.raises(exc.InvalidArgument):
        KeystoneIdentity("alice", "pw", auth_endpoint=V3, auth_version="2.0").authenticate()
    assert len(rsps.calls) == 1


def test_v2_password_wire_format_catalog_and_expiry(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, V2 + "/tokens", json=recorded("keystone_v2_access.json"))
    identity = KeystoneIdentity("alice", "alicepass", tenant_name="alpha", auth_endpoint=V2 + "/")
    identity.authenticate()
    assert sent_json(rsps, 0) == {
        "auth": {"passwordCredentials": {"username": "alice", "password": "alicepass"}, "tenantName": "alpha"}
    }
    assert identity.token == "gAAAAAv2fakeKeystoneToken000000000000"
    assert identity.tenant_id == "a1fa0000000000000000000000000001"
    assert identity.expires == datetime(2026, 11, 26, 23, 14, 30, tzinfo=timezone.utc)
    assert identity.get_endpoint("image", "RegionOne", public=False) == "http://10.0.0.5:9292"
    assert identity.get_endpoint("object-store", "RegionOne").endswith("AUTH_a1fa0000000000000000000000000001")
    KeystoneIdentity("alice", "pw", tenant_id="t-1", auth_endpoint=V2).authenticate()
    assert sent_json(rsps, 1)["auth"]["tenantId"] == "t-1"


def test_keystone_uses_an_api_key_as_the_password(rsps: responses.RequestsMock) -> None:
    add_v3(rsps)
    KeystoneIdentity("alice", api_key="the-key", auth_endpoint=V3).authenticate()
    assert sent_json(rsps, 0)["auth"]["identity"]["password"]["user"]["password"] == "the-key"


def test_wrong_password_is_authentication_failed_with_the_servers_message(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.POST,
        V3 + "/auth/tokens",
        json=recorded("keystone_v3_unauthorized.json"),
        status=401,
        headers={"x-openstack-request-id": "req-42"},
    )
    identity = KeystoneIdentity("alice", "wrong-Pa55", tenant_name="alpha", auth_endpoint=V3)
    with pytest.raises(exc.AuthenticationFailed) as caught:
        identity.authenticate()
    text = str(caught.value)
    assert "The request you have made requires authentication." in text
    assert "401" in text and "wrong-Pa55" not in text
    assert caught.value.http_status == 401  # type: ignore[attr-defined]
    assert caught.value.request_id == "req-42"  # type: ignore[attr-defined]
    assert not identity.authenticated
    assert len(rsps.calls) == 1  # a refused login is not retried


def test_server_error_stays_a_server_error(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, V3 + "/auth/tokens", json={"error": {"message": "db down"}}, status=500)
    with pytest.raises(exc.InternalServerError):
        KeystoneIdentity("alice", "pw", auth_endpoint=V3).authenticate()


def test_missing_credentials_or_endpoint_fail_before_any_request(rsps: responses.RequestsMock) -> None:
    with pytest.raises(exc.InvalidArgument):
        KeystoneIdentity("alice", "pw").authenticate()
    with pytest.raises(exc.InvalidArgument):
        KeystoneIdentity("alice", auth_endpoint=V3).authenticate()
    with pytest.raises(exc.InvalidArgument):
        KeystoneIdentity(password="pw", auth_endpoint=V3).authenticate()
    with pytest.raises(exc.InvalidArgument):
        KeystoneIdentity("alice", "pw", auth_endpoint=V3, domain_of_nothing="x")
    assert len(rsps.calls) == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-26T23:15:28.000000Z", datetime(2026, 11, 26, 23, 15, 28, tzinfo=timezone.utc)),
        ("2026-11-26T23:15:28Z", datetime(2026, 11, 26, 23, 15, 28, tzinfo=timezone.utc)),
        ("2026-11-26T17:15:28.807-06:00", datetime(2026, 11, 26, 23, 15, 28, 807000, tzinfo=timezone.utc)),
        ("2026-11-26T23:15:28", datetime(2026, 11, 26, 23, 15, 28, tzinfo=timezone.utc)),
    ],
)
def test_expiry_is_timezone_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_expiry(text)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is timezone.utc


def test_context_access_before_and_after_login(rsps: responses.RequestsMock) -> None:
    identity = KeystoneIdentity("alice", "pw", auth_endpoint=V3)
    with pytest.raises(exc.NotAuthenticated):
        identity.image  # noqa: B018
    assert not hasattr(identity, "RegionOne")
    add_v3(rsps)
    identity.authenticate()
    assert identity.image["RegionTwo"].public_url == "http://127.0.0.1:9294"
    assert identity.object_store["regionone"].internal_url.startswith("http://localhost:8080/v1/AUTH_")
    assert identity.RegionTwo.image.internal_url == "http://localhost:9294"
    assert identity.services.image.regions == ["RegionOne", "RegionTwo"]
    client = identity.get_client("image", "RegionTwo")
    assert client is identity.get_client("image", "RegionTwo")
    assert client.management_url == "http://127.0.0.1:9294"
    assert identity.get_client("image", "RegionTwo", public=False).management_url == "http://localhost:9294"
    assert identity.RegionOne.image.client.management_url == "http://127.0.0.1:9293"
    with pytest.raises(AttributeError):
        identity.Atlantis  # noqa: B018
    with pytest.raises(exc.NoEndpointForRegion):
        identity.get_client("image", "Atlantis")
