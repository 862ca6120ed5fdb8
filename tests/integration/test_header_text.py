"""Real Swift and Glance: header values and text (issue 16 item 6)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
import requests

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient

LONE = "\ud800"


def cloud_files(cloud: Dict[str, Any], login: Dict[str, str]) -> CloudFilesClient:
    identity = TokenIdentity(login["token"], tenant_id=login["project_id"])
    return CloudFilesClient(identity, management_url="%s/v1/AUTH_%s" % (cloud["swift_url"], login["project_id"]))


def raw_head(cloud_files_client: CloudFilesClient, path: str, token: str) -> Dict[str, bytes]:
    """The reply headers of a plain HEAD, as the bytes Swift sent."""
    response = requests.head(cloud_files_client.management_url + path, headers={"X-Auth-Token": token}, timeout=30)
    assert response.status_code in (200, 204), response.status_code
    return {name.lower(): value.encode("latin-1") for name, value in response.headers.items()}


def test_swift_metadata_is_stored_as_utf8(cloud, alice_login, container):
    cf = cloud_files(cloud, alice_login)
    cf.store_object(container, "o", b"data", metadata={"note": "café ☕", "plain": "ascii"})
    stored = raw_head(cf, "/%s/o" % container, alice_login["token"])
    assert stored["x-object-meta-note"] == "café ☕".encode()  # as python-swiftclient reads it
    assert cf.get_object(container, "o").headers["X-Object-Meta-Note"] == "café ☕"
    name = container + "-meta"
    try:
        cf.create_container(name, metadata={"owner": "Zoë"})
        assert raw_head(cf, "/" + name, alice_login["token"])["x-container-meta-owner"] == "Zoë".encode()
        assert cf.get_container(name).headers["X-Container-Meta-Owner"] == "Zoë"
    finally:
        cf.delete_container(name)


def test_nul_in_swift_metadata_and_non_ascii_names_never_reach_swift(cloud, alice_login, container):
    cf = cloud_files(cloud, alice_login)
    with pytest.raises(exc.InvalidArgument):
        cf.store_object(container, "nul", b"data", metadata={"note": "v\x00X"})
    with pytest.raises(exc.InvalidArgument):
        cf.store_object(container, "name", b"data", metadata={"café": "v"})
    with pytest.raises(exc.InvalidArgument):
        cf.store_object(container, "o" + LONE, b"data")
    assert cf.list_container_objects(container) == []


def test_a_lone_surrogate_creates_nothing_on_glance(alpha: ImageClient, unique: str):
    for call in (
        lambda: alpha.create(unique + LONE, img_format="raw"),
        lambda: alpha.create(unique, img_format="raw", metadata={"note": LONE}),
        lambda: alpha.list(name=LONE),
        lambda: alpha.get(LONE),
    ):
        with pytest.raises(exc.InvalidArgument, match="surrogate"):
            call()
    assert alpha.list_all(name=unique) == []
