"""Fixtures for tests against the real Keystone and the Keystone-backed Glances.

Users and projects come from the cloud's cloud.json: alice (project alpha)
and bob (project beta); Glance RegionOne on :9293 and RegionTwo on :9294
check every token with Keystone (``token_cache_time = -1``, so a revoked
token is refused at once).
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from pyrax_image import ImageClient, KeystoneIdentity, connect
from pyrax_image import exceptions as exc


def keystone_identity(cloud: Dict[str, Any], user: str, **kwargs: Any) -> KeystoneIdentity:
    """A v3 password identity of ``user`` scoped to the user's project by name."""
    info = cloud["users"][user]
    return KeystoneIdentity(
        user, info["password"], tenant_name=info["project_name"], auth_endpoint=cloud["keystone_v3_url"], **kwargs
    )


def revoke_token(cloud: Dict[str, Any], token: str) -> None:
    """Revoke ``token`` in Keystone (a token may revoke itself)."""
    response = requests.delete(
        cloud["keystone_v3_url"] + "/auth/tokens",
        headers={"X-Auth-Token": token, "X-Subject-Token": token},
        timeout=30,
    )
    assert response.status_code == 204, response.text


def glance_status_with(url: str, token: str) -> int:
    """The status Glance answers a raw list with ``token``."""
    return requests.get(url + "/v2/images?limit=1", headers={"X-Auth-Token": token}, timeout=30).status_code


class CountingIdentity(KeystoneIdentity):
    """A KeystoneIdentity that counts its logins."""

    logins = 0

    def _login(self) -> Any:
        self.logins += 1
        return super()._login()


@pytest.fixture
def alice_identity(cloud: Dict[str, Any]) -> KeystoneIdentity:
    return keystone_identity(cloud, "alice")


@pytest.fixture
def bob_identity(cloud: Dict[str, Any]) -> KeystoneIdentity:
    return keystone_identity(cloud, "bob")


@pytest.fixture
def alice_images(alice_identity: KeystoneIdentity) -> ImageClient:
    """Alice's client of Glance RegionOne, endpoint from the catalog."""
    return ImageClient(alice_identity, region_name="RegionOne")


@pytest.fixture
def bob_images(bob_identity: KeystoneIdentity) -> ImageClient:
    return ImageClient(bob_identity, region_name="RegionOne")


@pytest.fixture
def keystone_cleanup(cloud: Dict[str, Any]) -> Iterator[List[Tuple[str, str]]]:
    """``(region, image_id)`` pairs appended here are deleted (as alice) afterwards."""
    created: List[Tuple[str, str]] = []
    yield created
    identity = keystone_identity(cloud, "alice")
    for region, image_id in created:
        try:
            ImageClient(identity, region_name=region).delete(image_id)
        except exc.NotFound:
            pass


@pytest.fixture
def application_credential(cloud: Dict[str, Any]) -> Iterator[Dict[str, str]]:
    """An application credential of alice on alpha, created and deleted through Keystone's API."""
    identity = keystone_identity(cloud, "alice")
    identity.authenticate()
    user_id = cloud["users"]["alice"]["user_id"]
    url = "%s/users/%s/application_credentials" % (cloud["keystone_v3_url"], user_id)
    headers = {"X-Auth-Token": str(identity.token)}
    body = {"application_credential": {"name": "it-" + uuid.uuid4().hex[:12], "description": "pyrax_image test"}}
    response = requests.post(url, json=body, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    credential = response.json()["application_credential"]
    yield {"id": credential["id"], "secret": credential["secret"], "name": credential["name"]}
    requests.delete("%s/%s" % (url, credential["id"]), headers=headers, timeout=30)


@pytest.fixture
def pyrax_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[Any]:
    """``pyrax_image`` with fresh module state, no ~/.pyrax.cfg and no CLOUD_*/OS_* variables."""
    import pyrax_image

    for name in list(os.environ):
        if name.startswith(("CLOUD_", "OS_")) or name == "USE_SERVICENET":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    connect.reset()
    yield pyrax_image
    connect.reset()
