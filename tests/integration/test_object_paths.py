"""Swift names against the real Swift: an object or container name never
addresses another container or account; dot segments round-trip.

Run for both the ObjectStorageClient of an image client and pyrax's
CloudFilesClient (the same path builder)."""

from __future__ import annotations

import os
import uuid
from typing import Any, Dict, Iterator

import pytest
import requests

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient
from pyrax_image.object_storage import ObjectStorageClient

DOT_NAMES = [
    "a/../b",
    "a/./b",
    ".",
    "..",
    "../x",
    "x/..",
    "./x",
    "../../AUTH_other/c2/o",
    "a//b/",
    "sp ace/%2E%2E/q?#",
]


def _swift_url(cloud: Dict[str, Any], project_id: str) -> str:
    return "%s/v1/AUTH_%s" % (cloud["swift_url"], project_id)


@pytest.fixture(params=["ObjectStorageClient", "CloudFilesClient"])
def storage(request: Any, cloud: Dict[str, Any], alice_login: Dict[str, str]) -> ObjectStorageClient:
    identity = TokenIdentity(alice_login["token"], tenant_id=alice_login["project_id"])
    kind = CloudFilesClient if request.param == "CloudFilesClient" else ObjectStorageClient
    return kind(identity, management_url=_swift_url(cloud, alice_login["project_id"]))


@pytest.fixture
def two_containers(storage: ObjectStorageClient) -> Iterator[tuple[str, str]]:
    names = ("path-" + uuid.uuid4().hex[:10], "path-" + uuid.uuid4().hex[:10])
    for name in names:
        storage.create_container(name)
    try:
        yield names
    finally:
        for name in names:
            storage.delete_container(name, del_objects=True)


@pytest.mark.parametrize("name", DOT_NAMES)
def test_dot_segment_object_names_round_trip_in_their_container(storage, two_containers, name):
    home, _ = two_containers
    data = os.urandom(100)
    storage.store_object(home, name, data)
    assert storage.get_object(home, name).name == name
    assert storage.fetch_object(home, name) == data
    listed = [obj.name for obj in storage.list_container_objects(home)]
    assert listed == [name]
    storage.delete_object(home, name)
    assert storage.list_container_objects(home) == []


def test_a_dot_dot_name_never_reaches_a_sibling_container(storage, two_containers):
    home, sibling = two_containers
    storage.store_object(sibling, "o", b"sibling's data")
    escape = "../%s/o" % sibling
    with pytest.raises(exc.NoSuchObject):
        storage.get_object(home, escape)
    storage.store_object(home, escape, b"mine")
    assert storage.fetch_object(sibling, "o") == b"sibling's data"
    assert storage.fetch_object(home, escape) == b"mine"
    storage.delete_object(home, escape)
    assert [obj.name for obj in storage.list_container_objects(sibling)] == ["o"]


def test_a_dot_dot_name_never_reaches_another_account(storage, two_containers, cloud):
    home, _ = two_containers
    other = cloud["users"]["bob"]["project_id"]
    # Resolved, this would be a HEAD on bob's account: 403 for alice's token.
    with pytest.raises(exc.NoSuchObject):
        storage.get_object(home, "../../AUTH_%s/%s/o" % (other, home))
    with pytest.raises(exc.NoSuchObject):
        storage.get_object(home, "../../AUTH_other/c2/o")


def test_temp_url_of_a_dot_dot_name_fetches_that_object(storage, two_containers):
    home, sibling = two_containers
    storage.store_object(sibling, "o", b"sibling")
    storage.store_object(home, "../%s/o" % sibling, b"mine")
    key = "k-" + uuid.uuid4().hex
    storage.set_temp_url_key(key)
    url = storage.get_temp_url(home, "../%s/o" % sibling, 60, key=key)
    assert "/%2E%2E/" in url
    reply = requests.get(url, timeout=30)
    assert (reply.status_code, reply.content) == (200, b"mine")


@pytest.mark.parametrize("name", [".", ".."])
def test_dot_container_names_round_trip(storage, name):
    # Shared names: only this test's object is removed, the container kept
    # if a concurrent run still has objects in it.
    obj = "o-" + uuid.uuid4().hex[:8]
    storage.create_container(name)
    try:
        assert storage.get_container(name).name == name
        storage.store_object(name, obj, b"in the dot container")
        assert any(cont.name == name for cont in storage.list())
        assert obj in [o.name for o in storage.list_container_objects(name)]
        assert storage.fetch_object(name, obj) == b"in the dot container"
    finally:
        storage.delete_object(name, obj)
        try:
            storage.delete_container(name)
        except (exc.Conflict, exc.NoSuchContainer):
            pass
    assert (
        obj not in [o.name for o in storage.list_container_objects(name)] if _exists(storage, name) else True
    )


def _exists(storage: ObjectStorageClient, name: str) -> bool:
    try:
        storage.get_container(name)
    except exc.NoSuchContainer:
        return False
    return True


@pytest.mark.parametrize("name", ["", "a/b", "/", "x" * 257])
def test_container_names_that_would_move_the_path_are_refused(storage, name):
    with pytest.raises(exc.InvalidArgument):
        storage.get_container(name)
    with pytest.raises(exc.InvalidArgument):
        storage.create_container(name)


@pytest.mark.parametrize("name", ["", "x" * 1025, "a\x00b"])
def test_empty_or_oversized_object_names_are_refused(storage, two_containers, name):
    home, _ = two_containers
    with pytest.raises(exc.InvalidArgument):
        storage.get_object(home, name)
    with pytest.raises(exc.InvalidArgument):
        storage.store_object(home, name, b"x")
