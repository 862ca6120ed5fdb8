"""Fixtures of the metadata-definition tests, on the Keystone-backed Glance RegionOne.

Creating, changing and deleting definitions is for admins (Glance's
``metadef_admin`` rule): ``md_admin`` is the cloud's admin user, ``md_alice``
a member of project alpha. Glance's own definitions (``etc/metadefs``) are
loaded by ``localcloud/start.sh`` (``glance-manage db_load_metadefs``).
Namespace names are global: each test makes its own (``it-md-<random>``) and
deletes it, protected or not.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterator

import pytest

from pyrax_image import ImageClient, KeystoneIdentity
from pyrax_image import exceptions as exc
from pyrax_image.metadefs import MetadefNamespace
from tests.integration.keystone_fixtures import keystone_identity

# A namespace Glance's etc/metadefs defines (loaded into every local Glance).
LOADED_NAMESPACE = "OS::Software::WebServers"


def admin_images(cloud: Dict[str, Any]) -> ImageClient:
    """The cloud admin's client of Glance RegionOne."""
    admin = cloud["admin"]
    identity = KeystoneIdentity(
        admin["username"],
        admin["password"],
        tenant_name=admin["project_name"],
        auth_endpoint=cloud["keystone_v3_url"],
    )
    return ImageClient(identity, region_name="RegionOne")


@pytest.fixture(scope="module")
def md_admin(cloud: Dict[str, Any]) -> ImageClient:
    return admin_images(cloud)


@pytest.fixture(scope="module")
def md_alice(cloud: Dict[str, Any]) -> ImageClient:
    return ImageClient(keystone_identity(cloud, "alice"), region_name="RegionOne")


def unique_namespace() -> str:
    return "it-md-" + uuid.uuid4().hex[:12]


def remove_namespace(images: ImageClient, name: str) -> None:
    """Delete a namespace, unprotecting it first; absent is fine."""
    try:
        images.update_metadef_namespace(name, protected=False)
        images.delete_metadef_namespace(name)
    except exc.NotFound:
        pass


@pytest.fixture
def namespaces(md_admin: ImageClient) -> Iterator[list]:
    """Names appended here are deleted afterwards (as admin)."""
    names: list = []
    yield names
    for name in names:
        remove_namespace(md_admin, name)


@pytest.fixture
def namespace(md_admin: ImageClient, namespaces: list) -> MetadefNamespace:
    """A fresh private namespace, deleted after the test."""
    name = unique_namespace()
    namespaces.append(name)
    return md_admin.create_metadef_namespace(name, display_name="Test", description="made by a test")
