"""The object-storage client against the real Swift (Keystone accounts):
lookups, streamed and segmented uploads checked by ETag, resumed reads,
temporary URLs, and the endpoint taken from a real Keystone catalog."""

from __future__ import annotations

import hashlib
import os
from typing import Any, List

import pytest
import requests

from pyrax_image import ImageClient, KeystoneIdentity, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient
from pyrax_image.object_storage import ObjectStorageClient

MIB = 1024 * 1024
DATA = os.urandom(2 * MIB + 4321)


def test_missing_container_and_object(ks_alpha, container):
    storage = ks_alpha.object_storage
    with pytest.raises(exc.NoSuchContainer):
        storage.get_container("it-no-such-container")
    with pytest.raises(exc.NoSuchObject):
        storage.get_object(container, "no/such object")


def test_store_fetch_and_delete_a_plain_object(ks_alpha, container):
    storage = ks_alpha.object_storage
    progress: List[Any] = []
    name = "dir/disk one.raw"
    obj = storage.store_object(container, name, DATA, progress=lambda d, t: progress.append((d, t)))
    assert (obj.name, obj.total_bytes, obj.etag) == (name, len(DATA), hashlib.md5(DATA).hexdigest())
    assert not obj.is_static_large_object and progress[-1] == (len(DATA), len(DATA))
    again = storage.get_container(container).get_object(name)
    assert again.fetch() == DATA
    assert [len(c) for c in again.fetch(chunk_size=MIB)] == [MIB, MIB, 4321]
    assert again.fetch_partial(100) == DATA[:100]
    assert [o.name for o in storage.list_container_objects(container)] == [name]
    again.delete()
    with pytest.raises(exc.NoSuchObject):
        storage.get_object(container, name)


def test_cloud_files_container_lists_and_fetches_as_pyrax_did(cloud, alice_login, container, tmp_path):
    identity = TokenIdentity(alice_login["token"], tenant_id=alice_login["project_id"])
    swift = "%s/v1/AUTH_%s" % (cloud["swift_url"], alice_login["project_id"])
    cf = CloudFilesClient(identity, management_url=swift)
    for name in ("d/one", "d/two", "top"):
        cf.store_object(container, name, name.encode())
    cont = cf.get_container(container)
    assert [o.name for o in cont.get_objects()] == ["d/one", "d/two", "top"]
    assert [o.name for o in cont.get_objects(prefix="d/", limit=1)] == ["d/one"]
    assert [o.name for o in cont.get_objects(marker="d/one")] == ["d/two", "top"]
    assert [o.name for o in cont.get_objects(delimiter="/")] == ["d/", "top"]
    assert cont.fetch_object("d/two") == b"d/two"
    headers, data = cont.fetch_object("top", include_meta=True)
    assert data == b"top" and headers["Content-Length"] == "3"
    assert b"".join(cont.fetch_object("top", chunk_size=1)) == b"top"
    assert cont.download("d/two", str(tmp_path)) == str(tmp_path / "d" / "two")
    assert (tmp_path / "d" / "two").read_bytes() == b"d/two"
    assert os.listdir(tmp_path / "d") == ["two"]  # no temporary file left beside it


def test_segmented_upload_past_a_small_threshold(ks_alpha, container, tmp_path):
    storage = ks_alpha.object_storage
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    obj = storage.store_object(container, "big.raw", str(path), segment_threshold=MIB)
    assert obj.is_static_large_object and obj.total_bytes == len(DATA) and obj.md5 is None
    segments = storage.list_container_objects(container + "_segments")
    assert [s.total_bytes for s in segments] == [MIB, MIB, 4321]
    assert [s.etag for s in segments] == [
        hashlib.md5(DATA[i : i + MIB]).hexdigest() for i in (0, MIB, 2 * MIB)
    ]
    assert hashlib.md5(b"".join(obj.fetch(chunk_size=MIB))).hexdigest() == hashlib.md5(DATA).hexdigest()
    obj.delete()
    assert storage.list_container_objects(container + "_segments") == []


def test_unknown_size_stream_switches_to_segments(ks_alpha, container):
    storage = ks_alpha.object_storage
    pieces = (DATA[i : i + 300_000] for i in range(0, len(DATA), 300_000))
    seen: List[Any] = []
    obj = storage.store_object(
        container, "stream.raw", pieces, segment_threshold=MIB, progress=lambda d, t: seen.append(t)
    )
    assert obj.is_static_large_object and obj.total_bytes == len(DATA)
    assert obj.fetch() == DATA
    assert set(seen) == {None}
    small = storage.store_object(container, "small.raw", iter([DATA[:1000]]), segment_threshold=MIB)
    assert not small.is_static_large_object and small.md5 == hashlib.md5(DATA[:1000]).hexdigest()


def test_object_reader_resumes_after_a_dropped_connection(ks_alpha, container, fault_proxy, alice_login):
    storage = ks_alpha.object_storage
    storage.store_object(container, "disk.raw", DATA)
    proxy = fault_proxy(storage.management_url, target="/disk.raw")
    proxy.drop_after = MIB + 99
    through = ObjectStorageClient(ks_alpha.identity, management_url=proxy.url)
    reader = through.get_object(container, "disk.raw").open()
    assert reader.read() == DATA
    gets = [entry for entry in proxy.log if entry["method"] == "GET"]
    assert len(gets) == 2 and gets[1]["status"] == 206 and gets[1]["range"].startswith("bytes=")


@pytest.mark.parametrize("digest", ["sha256", "sha512"])
def test_temp_url_gives_access_without_a_token(ks_alpha, container, digest):
    storage = ks_alpha.object_storage
    obj = storage.store_object(container, "shared file.raw", DATA[:5000])
    if not storage.get_temp_url_key(cached=False):
        storage.set_temp_url_key()
    url = obj.get_temp_url(60, digest=digest)
    response = requests.get(url, timeout=30)
    assert response.status_code == 200 and response.content == DATA[:5000]
    assert requests.head(url, timeout=30).status_code == 200  # a GET signature allows HEAD
    assert requests.put(url, data=b"x", timeout=30).status_code == 401  # but not PUT
    tampered = url.replace("temp_url_expires=", "temp_url_expires=1")
    assert requests.get(tampered, timeout=30).status_code == 401


def test_storage_endpoint_comes_from_the_keystone_catalog(cloud):
    info = cloud["users"]["alice"]
    for endpoint_type, key in ((None, "object_store"), ("internal", "object_store_internal")):
        identity = KeystoneIdentity(
            "alice",
            info["password"],
            tenant_name=info["project_name"],
            auth_endpoint=cloud["keystone_v3_url"],
        )
        images = ImageClient(identity, region_name="RegionOne", endpoint_type=endpoint_type)
        url = images.object_storage.management_url
        assert url == cloud["regions"]["RegionOne"][key].replace("%(project_id)s", info["project_id"])
        assert images.object_storage.session is images.session
    identity = KeystoneIdentity(
        "alice", info["password"], tenant_name=info["project_name"], auth_endpoint=cloud["keystone_v3_url"]
    )
    region_two = ImageClient(
        identity, region_name="RegionTwo", management_url=cloud["regions"]["RegionTwo"]["image"]
    )
    with pytest.raises(exc.NoEndpointForRegion):
        region_two.object_storage.get_container("anything")
