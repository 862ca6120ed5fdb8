"""The pyrax-style module API: settings, environments, credentials, ``pyrax.images``."""

from __future__ import annotations

import logging
import os
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import responses

import pyrax_image as pyrax
from pyrax_image import connect
from pyrax_image import exceptions as exc
from pyrax_image.http import DEFAULT_USER_AGENT
from pyrax_image.settings import EnvironmentNotFound, InvalidSetting
from tests.unit.helpers import recorded, sent_json, v3_token

V3 = "https://keystone.example.com:5000/v3"
RAX_TOKENS = "https://identity.api.rackspacecloud.com/v2.0/tokens"


def rax_access() -> Dict[str, Any]:
    body = recorded("rax_access.json")
    body["access"]["token"]["expires"] = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    return body


@pytest.fixture(autouse=True)
def clean_module_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ~/.pyrax.cfg, CLOUD_*/OS_* variables or state from another test."""
    for name in list(os.environ):
        if name.startswith(("CLOUD_", "OS_")) or name == "USE_SERVICENET":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    connect.reset()
    yield
    connect.reset()


def keystone_ready(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, V3 + "/auth/tokens", json=v3_token(), status=201, headers={"X-Subject-Token": "tok"})
    pyrax.set_setting("identity_type", "keystone")
    pyrax.set_setting("auth_endpoint", V3)


def test_the_pyrax_script(rsps: responses.RequestsMock) -> None:
    keystone_ready(rsps)
    rsps.add(responses.GET, "http://127.0.0.1:9293/v2/images", json={"images": [], "schema": "/v2/schemas/images"})
    assert pyrax.images is None
    pyrax.set_credentials("alice", password="alicepass", tenant_id="12b8d377f76d42c1b359558a3c8c23d9")
    assert pyrax.images.list() == []
    assert rsps.calls[-1].request.headers["X-Auth-Token"] == "tok"
    assert sent_json(rsps, 0)["auth"]["scope"] == {
        "project": {"id": "12b8d377f76d42c1b359558a3c8c23d9"}
    }
    assert isinstance(pyrax.identity, pyrax.KeystoneIdentity) and pyrax.identity.authenticated
    assert pyrax.images.identity is pyrax.identity
    assert pyrax.regions == ("RegionOne", "RegionTwo")
    assert set(pyrax.services) == {"identity", "image", "object_store"}
    assert pyrax.identity.RegionTwo.image.public_url == "http://127.0.0.1:9294"
    two = pyrax.connect_to_images(region="RegionTwo", public=False)
    assert two.management_url == "http://localhost:9294" and two.region_name == "RegionTwo"
    with pytest.raises(exc.NoEndpointForRegion):
        pyrax.connect_to_images(region="RegionNine")


def test_identity_attribute_is_the_subpackage_until_an_identity_exists(rsps: responses.RequestsMock) -> None:
    import pyrax_image.identity as subpackage

    assert pyrax.identity is subpackage
    assert pyrax.identity.KeystoneIdentity is pyrax.KeystoneIdentity
    pyrax.set_setting("identity_type", "rackspace")
    pyrax._create_identity()
    pyrax.identity.auth_endpoint = "https://lon.identity.example.com/v2.0/"  # pyrax scripts do this
    assert isinstance(pyrax.identity, pyrax.RaxIdentity)
    pyrax.clear_credentials()
    assert pyrax.identity is subpackage
    from pyrax_image.identity.keystone import KeystoneIdentity

    assert KeystoneIdentity is pyrax.KeystoneIdentity


def test_rackspace_api_key_default_region_and_servicenet(
    rsps: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=rax_access())
    pyrax.set_setting("identity_type", "rackspace")
    pyrax.set_credentials("rackerjoe", "0123abcd")  # pyrax: the 2nd positional is the API key
    body = sent_json(rsps, 0)
    assert body == {"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "rackerjoe", "apiKey": "0123abcd"}}}
    assert pyrax.images.management_url == "https://dfw.images.api.rackspacecloud.com/v2"
    assert pyrax.connect_to_images("IAD").management_url == "https://iad.images.api.rackspacecloud.com/v2"
    with pytest.raises(exc.NoEndpointForService, match="internal"):
        pyrax.connect_to_images("IAD", public=False)
    pyrax.set_default_region("ORD")
    assert pyrax.default_region == "ORD"
    assert pyrax.connect_to_images().management_url == "https://ord.images.api.rackspacecloud.com/v2"
    monkeypatch.setenv("USE_SERVICENET", "True")
    pyrax.connect_to_services()
    assert pyrax.images is None  # Cloud Images has no ServiceNet URL


def test_failed_login_clears_the_credentials(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, V3 + "/auth/tokens", json=recorded("keystone_v3_unauthorized.json"), status=401)
    pyrax.set_setting("identity_type", "keystone")
    pyrax.set_setting("auth_endpoint", V3)
    with pytest.raises(exc.AuthenticationFailed, match="requires authentication"):
        pyrax.set_credentials("alice", password="wrong")
    assert pyrax.images is None
    # pyrax's samples/auth_direct.py prints pyrax.identity.authenticated next.
    assert isinstance(pyrax.identity, pyrax.KeystoneIdentity)
    assert pyrax.identity.authenticated is False
    assert not pyrax.identity.username and not pyrax.identity.password
    with pytest.raises(exc.NotAuthenticated):
        pyrax.connect_to_images()


def test_nothing_works_before_configuration() -> None:
    with pytest.raises(exc.NotAuthenticated):
        pyrax.connect_to_images()
    with pytest.raises(InvalidSetting, match="identity_type"):
        pyrax.set_credentials("alice", password="pw")
    with pytest.raises(InvalidSetting, match="not a setting"):
        pyrax.set_setting("colour", "blue")
    with pytest.raises(InvalidSetting):
        pyrax.set_setting("identity_type", "ldap")
    with pytest.raises(EnvironmentNotFound):
        pyrax.get_setting("region", env="nowhere")


def test_setting_sources_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".pyrax.cfg").write_text("[default]\nregion = FROM_FILE\ntimeout = 5\nverify_ssl = False\n")
    connect.reset()
    assert pyrax.get_setting("region") == "FROM_FILE"
    assert pyrax.get_setting("timeout") == 5.0 and pyrax.get_setting("verify_ssl") is False
    monkeypatch.setenv("CLOUD_REGION", "FROM_ENV")
    monkeypatch.setenv("CLOUD_VERIFY_SSL", "/etc/ssl/ca.pem")
    assert pyrax.get_setting("region") == "FROM_ENV"
    assert pyrax.get_setting("verify_ssl") == "/etc/ssl/ca.pem"
    pyrax.set_setting("region", "EXPLICIT")
    assert pyrax.get_setting("region") == "EXPLICIT"
    assert pyrax.get_setting("encoding") == pyrax.get_encoding() == "utf-8"
    assert pyrax.get_setting("user_agent") == DEFAULT_USER_AGENT
    pyrax.set_setting("custom_user_agent", "CrazyApp/2.0")
    assert pyrax.get_setting("user_agent") == "CrazyApp/2.0 " + DEFAULT_USER_AGENT
    pyrax.set_setting("http_debug", "false")
    assert pyrax.get_setting("debug") is False
    connect.reset()
    assert pyrax.get_setting("region") == "FROM_ENV"  # explicit settings were reset


def test_pyrax_cfg_environments(tmp_path: Path, rsps: responses.RequestsMock) -> None:
    (tmp_path / ".pyrax.cfg").write_text(
        textwrap.dedent(
            """\
            [private]
            identity_type = keystone
            auth_endpoint = %s
            region = RegionTwo
            [public]
            identity_type = rackspace
            region = ORD
            api_key = oops
            """
            % V3
        )
    )
    connect.reset()
    with pytest.warns(UserWarning, match="credentials"):
        assert pyrax.get_environment() == "default"
    assert sorted(pyrax.list_environments()) == ["default", "private", "public"]
    assert pyrax.get_setting("identity_type") == "keystone"
    assert pyrax.get_setting("identity_class") is pyrax.KeystoneIdentity
    assert pyrax.get_setting("region", env="public") == "ORD"
    rsps.add(responses.POST, V3 + "/auth/tokens", json=v3_token(), status=201, headers={"X-Subject-Token": "t"})
    pyrax.set_credentials("alice", password="pw")
    assert pyrax.images.management_url == "http://127.0.0.1:9294"  # the environment's region
    pyrax.set_environment("public")
    assert pyrax.images is None and pyrax.get_setting("identity_type") == "rackspace"
    with pytest.raises(EnvironmentNotFound):
        pyrax.set_environment("staging")


def test_cloud_environment_variables_configure_the_identity(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock
) -> None:
    monkeypatch.setenv("CLOUD_ID_TYPE", "keystone")
    monkeypatch.setenv("CLOUD_AUTH_ENDPOINT", V3)
    monkeypatch.setenv("CLOUD_TENANT_NAME", "alpha")
    monkeypatch.setenv("CLOUD_USER_DOMAIN_NAME", "Users")
    rsps.add(responses.POST, V3 + "/auth/tokens", json=v3_token(), status=201, headers={"X-Subject-Token": "t"})
    pyrax.set_credentials("alice", password="pw")
    auth = sent_json(rsps, 0)["auth"]
    assert auth["scope"] == {"project": {"name": "alpha", "domain": {"name": "Users"}}}


def test_settings_reach_the_live_identity(rsps: responses.RequestsMock) -> None:
    keystone_ready(rsps)
    pyrax.set_credentials("alice", password="pw")
    identity = pyrax.identity
    pyrax.set_setting("region", "RegionTwo")
    assert identity.region == "RegionTwo"
    pyrax.set_setting("verify_ssl", False)
    assert identity.verify_ssl is False and identity._transport.session.verify is False
    pyrax.set_setting("auth_endpoint", "https://other.example.com/v3")
    assert identity.auth_endpoint == "https://other.example.com/v3"
    pyrax.set_setting("identity_type", "rackspace")
    assert pyrax.images is None and not isinstance(pyrax.identity, pyrax.KeystoneIdentity)


def test_credential_file_and_token_login(tmp_path: Path, rsps: responses.RequestsMock) -> None:
    keystone_ready(rsps)
    creds = tmp_path / "creds"
    creds.write_text("[keystone]\nusername = alice\npassword = pw\ntenant_id = p-1\n")
    pyrax.set_credential_file(str(creds), region="RegionTwo")
    assert sent_json(rsps, 0)["auth"]["identity"]["password"]["user"]["name"] == "alice"
    assert pyrax.images.management_url == "http://127.0.0.1:9294"
    pyrax.auth_with_token("existing-token", tenant_id="p-1")
    assert sent_json(rsps, 1)["auth"]["identity"] == {
        "methods": ["token"],
        "token": {"id": "existing-token"},
    }


def test_os_environment_and_clouds_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock
) -> None:
    rsps.add(responses.POST, V3 + "/auth/tokens", json=v3_token(), status=201, headers={"X-Subject-Token": "t"})
    for name, value in {"OS_AUTH_URL": V3, "OS_USERNAME": "alice", "OS_PASSWORD": "pw", "OS_REGION_NAME": "RegionTwo"}.items():
        monkeypatch.setenv(name, value)
    pyrax.set_credentials_from_env()
    assert pyrax.images.management_url == "http://127.0.0.1:9294"
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  lab:\n    auth: {auth_url: '%s', username: bob, password: pw}\n    interface: internal\n" % V3
    )
    pyrax.set_cloud("lab", str(clouds))
    assert pyrax.identity.username == "bob"
    assert pyrax.images.management_url == "http://localhost:9293"


def test_http_debug_switch_and_redaction(rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture) -> None:
    keystone_ready(rsps)
    assert pyrax.get_http_debug() is False
    pyrax.set_http_debug(True)
    assert pyrax.get_http_debug() is True
    assert logging.getLogger("pyrax_image.http").isEnabledFor(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="pyrax_image.http")
    pyrax.set_credentials("alice", password="Very-Secret-9")
    assert "/v3/auth/tokens" in caplog.text and "Very-Secret-9" not in caplog.text
    assert pyrax.images.http_log_debug is True
    connect.reset()
    assert pyrax.get_http_debug() is False


def test_create_context_is_independent(rsps: responses.RequestsMock) -> None:
    keystone_ready(rsps)
    context = pyrax.create_context("keystone", "bob", "pw", tenant_name="beta")
    context.authenticate()
    assert context.auth_endpoint == V3 and context.authenticated
    assert not isinstance(pyrax.identity, pyrax.KeystoneIdentity)
    assert context.RegionOne.image.client.management_url == "http://127.0.0.1:9293"


def test_keystone_cloud_without_region_one(rsps: responses.RequestsMock) -> None:
    body = v3_token()
    for service in body["token"]["catalog"]:
        for endpoint in service["endpoints"]:
            endpoint["region_id"] = endpoint["region"] = endpoint["region"].replace("RegionOne", "us-east")
    rsps.add(responses.POST, V3 + "/auth/tokens", json=body, status=201, headers={"X-Subject-Token": "t"})
    pyrax.set_setting("identity_type", "keystone")
    pyrax.set_setting("auth_endpoint", V3)
    pyrax.set_credentials("alice", password="pw")
    assert pyrax.images.management_url == "http://127.0.0.1:9293"  # the first endpoint
    assert pyrax.images.region_name == "us-east"
    with pytest.raises(exc.NoEndpointForRegion, match="us-east, RegionTwo"):
        pyrax.connect_to_images("RegionOne")
