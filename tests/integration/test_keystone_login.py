"""Real Keystone 30: every way to log in, catalog regions and interfaces, failures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict

import pytest

from pyrax_image import ImageClient, KeystoneIdentity
from pyrax_image import exceptions as exc
from tests.integration.keystone_fixtures import glance_status_with


def assert_logged_in_as_alice(identity: KeystoneIdentity, cloud: Dict[str, Any]) -> None:
    alice = cloud["users"]["alice"]
    assert identity.authenticated and identity.token
    assert identity.tenant_id == alice["project_id"] and identity.tenant_name == alice["project_name"]
    assert identity.user["id"] == alice["user_id"]
    assert identity.expires is not None and identity.expires.utcoffset() == timedelta(0)
    assert identity.expires > datetime.now(timezone.utc) + timedelta(minutes=5)
    assert {"RegionOne", "RegionTwo"} <= set(identity.regions)
    images = ImageClient(identity, region_name="RegionOne")
    assert isinstance(images.list(limit=1), list)  # Glance accepted the token


def test_password_login_by_names(alice_identity: KeystoneIdentity, cloud: Dict[str, Any]) -> None:
    alice_identity.authenticate()
    assert alice_identity.identity_version == "v3"
    assert_logged_in_as_alice(alice_identity, cloud)


def test_password_login_by_ids_through_version_discovery(cloud: Dict[str, Any]) -> None:
    alice = cloud["users"]["alice"]
    identity = KeystoneIdentity(
        user_id=alice["user_id"],
        password=alice["password"],
        tenant_id=alice["project_id"],
        auth_endpoint=cloud["keystone_url"],  # unversioned root: discovery finds v3
    )
    identity.authenticate()
    assert identity.identity_version == "v3"
    assert_logged_in_as_alice(identity, cloud)


def test_password_login_with_explicit_domains(cloud: Dict[str, Any]) -> None:
    alice = cloud["users"]["alice"]
    identity = KeystoneIdentity(
        "alice",
        alice["password"],
        tenant_name=alice["project_name"],
        auth_endpoint=cloud["keystone_v3_url"],
        user_domain_name=cloud["domain"],
        project_domain_id="default",
    )
    identity.authenticate()
    assert_logged_in_as_alice(identity, cloud)


def test_token_login(alice_identity: KeystoneIdentity, cloud: Dict[str, Any]) -> None:
    alice_identity.authenticate()
    identity = KeystoneIdentity(
        token=alice_identity.token,
        tenant_id=cloud["users"]["alice"]["project_id"],
        auth_endpoint=cloud["keystone_v3_url"],
    )
    identity.authenticate()
    assert identity.token != alice_identity.token
    assert_logged_in_as_alice(identity, cloud)


def test_application_credential_login(application_credential: Dict[str, str], cloud: Dict[str, Any]) -> None:
    identity = KeystoneIdentity(
        auth_endpoint=cloud["keystone_v3_url"],
        application_credential_id=application_credential["id"],
        application_credential_secret=application_credential["secret"],
    )
    identity.authenticate()
    assert_logged_in_as_alice(identity, cloud)
    by_name = KeystoneIdentity(
        "alice",
        auth_endpoint=cloud["keystone_v3_url"],
        application_credential_name=application_credential["name"],
        application_credential_secret=application_credential["secret"],
    )
    by_name.authenticate()
    assert by_name.tenant_id == cloud["users"]["alice"]["project_id"]


def test_wrong_password_is_authentication_failed(cloud: Dict[str, Any]) -> None:
    identity = KeystoneIdentity(
        "alice", "not-alicepass-42", tenant_name="alpha", auth_endpoint=cloud["keystone_v3_url"]
    )
    with pytest.raises(exc.AuthenticationFailed) as caught:
        identity.authenticate()
    assert "The request you have made requires authentication." in str(caught.value)
    assert caught.value.http_status == 401  # type: ignore[attr-defined]
    assert "not-alicepass-42" not in str(caught.value) and "not-alicepass-42" not in repr(identity)
    assert not identity.authenticated


def test_wrong_application_credential_secret(application_credential: Dict[str, str], cloud: Dict[str, Any]) -> None:
    identity = KeystoneIdentity(
        auth_endpoint=cloud["keystone_v3_url"],
        application_credential_id=application_credential["id"],
        application_credential_secret="wrong-secret",
    )
    with pytest.raises(exc.AuthenticationFailed):
        identity.authenticate()


def test_v2_does_not_exist_in_current_keystone(cloud: Dict[str, Any]) -> None:
    identity = KeystoneIdentity("alice", "alicepass", auth_endpoint=cloud["keystone_url"] + "/v2.0")
    with pytest.raises(exc.AuthenticationFailed, match="404"):
        identity.authenticate()


def test_region_choice_and_interfaces(alice_identity: KeystoneIdentity, cloud: Dict[str, Any]) -> None:
    regions = cloud["regions"]
    two = ImageClient(alice_identity, region_name="RegionTwo")
    assert two.management_url == regions["RegionTwo"]["image"]
    internal = ImageClient(alice_identity, region_name="RegionOne", endpoint_type="internal")
    assert internal.management_url == regions["RegionOne"]["image_internal"]  # localhost
    assert isinstance(internal.list(limit=1), list)
    assert alice_identity.get_client("image", "RegionTwo", public=False).management_url == (
        regions["RegionTwo"]["image_internal"]
    )
    project = cloud["users"]["alice"]["project_id"]
    swift = alice_identity.get_endpoint("object-store", "RegionOne")
    assert swift == regions["RegionOne"]["object_store"].replace("%(project_id)s", project)
    assert alice_identity.get_endpoint("object-store", "RegionOne", public=False).startswith("http://localhost:8080/")
    with pytest.raises(exc.NoEndpointForRegion) as caught:
        ImageClient(alice_identity, region_name="RegionThree").list()
    assert "RegionOne" in str(caught.value) and "RegionTwo" in str(caught.value)
    with pytest.raises(exc.NoEndpointForRegion):
        alice_identity.get_endpoint("object-store", "RegionTwo")
    with pytest.raises(exc.NoEndpointForService):
        alice_identity.get_endpoint("compute", "RegionOne")


def test_regions_are_separate_glances(
    alice_identity: KeystoneIdentity, keystone_cleanup: list, unique: str
) -> None:
    two = ImageClient(alice_identity, region_name="RegionTwo")
    image = two.create(unique, img_format="raw", img_container_format="bare")
    keystone_cleanup.append(("RegionTwo", image.id))
    assert two.get(image.id).name == unique
    with pytest.raises(exc.NotFound):
        ImageClient(alice_identity, region_name="RegionOne").get(image.id)
    assert [i.id for i in alice_identity.RegionTwo.image.client.findall(name=unique)] == [image.id]


def test_glance_refuses_what_keystone_refuses(cloud: Dict[str, Any]) -> None:
    assert glance_status_with(cloud["regions"]["RegionOne"]["image"], "not-a-token") == 401
