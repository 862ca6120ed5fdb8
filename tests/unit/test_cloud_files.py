"""pyrax's Cloud Files names (CloudFilesClient, Container, StorageObject) on the wire."""

from __future__ import annotations

import hashlib
import io
import os
from typing import List
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient, Container, StorageObject
from tests.unit.helpers import (
    IMAGE_ID,
    PROJECT,
    SWIFT,
    TOKEN,
    V2,
    assert_no_request,
    call,
    head_object,
    image_info,
)

CONT = SWIFT + "/imgs%20%C3%A9"


@pytest.fixture
def cf(rsps: responses.RequestsMock, delays: List[float]) -> CloudFilesClient:
    client = CloudFilesClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)
    client.transport.sleep = delays.append
    return client


def query(rsps: responses.RequestsMock, index: int = -1) -> dict:
    return parse_qs(urlsplit(call(rsps, index).url).query)


def storing(rsps: responses.RequestsMock, url: str) -> List[bytes]:
    """Answer a PUT to ``url`` like Swift: read the streamed body, return its MD5."""
    received: List[bytes] = []

    def store(request):
        body = request.body
        data = body if isinstance(body, bytes) else b"".join(body)
        received.append(data)
        return 201, {"Etag": hashlib.md5(data).hexdigest()}, b""

    rsps.add_callback(responses.PUT, url, callback=store)
    return received


# -- containers -------------------------------------------------------------------------------
def test_list_follows_pages_and_returns_containers(cf, rsps):
    rsps.get(SWIFT, json=[{"name": "a", "count": 2, "bytes": 10}, {"name": "b", "count": 0, "bytes": 0}])
    rsps.get(SWIFT, json=[])
    containers = cf.list()
    assert [(c.name, c.object_count, c.total_bytes) for c in containers] == [("a", 2, 10), ("b", 0, 0)]
    assert all(isinstance(c, Container) for c in containers)
    assert query(rsps, 0) == {"format": ["json"]}
    assert query(rsps, 1) == {"format": ["json"], "marker": ["b"]}
    assert call(rsps, 0).headers["X-Auth-Token"] == TOKEN


def test_list_with_limit_stops_and_passes_filters(cf, rsps):
    rsps.get(SWIFT, json=[{"name": "img-1", "count": 0, "bytes": 0}])
    assert cf.list_containers(limit=1, marker="img-0") == ["img-1"]
    assert query(rsps) == {"format": ["json"], "limit": ["1"], "marker": ["img-0"]}


def test_empty_account_answers_204(cf, rsps):
    rsps.get(SWIFT, status=204)
    assert cf.list() == []


@pytest.mark.parametrize("body", [{"name": "a"}, [{"count": 1}], ["a"], [{"name": 5}]])
def test_listing_of_the_wrong_shape_is_invalid_response(cf, rsps, body):
    rsps.get(SWIFT, json=body)
    with pytest.raises(exc.InvalidResponse):
        cf.list()


def test_a_listing_that_repeats_itself_ends(cf, rsps):
    rsps.get(SWIFT, json=[{"name": "a", "count": 0, "bytes": 0}])  # served again and again
    with pytest.raises(exc.InvalidResponse, match="repeats"):
        cf.list()


def test_list_containers_info(cf, rsps):
    rsps.get(SWIFT, json=[{"name": "a", "count": 2, "bytes": 10}])
    rsps.get(SWIFT, json=[])
    assert cf.list_containers_info() == [{"name": "a", "count": 2, "bytes": 10}]


def test_create_container_with_metadata(cf, rsps):
    rsps.put(CONT, status=201)
    rsps.head(CONT, headers={"X-Container-Object-Count": "0", "X-Container-Bytes-Used": "0"})
    cont = cf.create_container("imgs é", metadata={"owner": "ops", "X-Container-Meta-Env": "prod"})
    assert isinstance(cont, Container) and cont.name == "imgs é" and cont.object_count == 0
    sent = call(rsps, 0).headers
    assert sent["X-Container-Meta-owner"] == "ops" and sent["X-Container-Meta-Env"] == "prod"
    assert repr(cont) == "<Container 'imgs é'>"


@pytest.mark.parametrize("bad", ["", None, 5])
def test_create_container_needs_a_name(cf, rsps, bad):
    with pytest.raises(exc.InvalidArgument):
        cf.create_container(bad)
    assert_no_request(rsps)


def test_get_and_get_container_raise_no_such_container(cf, rsps):
    rsps.head(CONT, status=404)
    with pytest.raises(exc.NoSuchContainer):
        cf.get("imgs é")


def test_delete_with_objects(cf, rsps):
    rsps.get(CONT, json=[{"name": "x", "bytes": 1, "hash": "h"}])
    rsps.get(CONT, json=[])
    rsps.head(CONT + "/x", headers={"Content-Length": "1"})
    rsps.delete(CONT + "/x", status=204)
    rsps.delete(CONT, status=204)
    cf.delete("imgs é", del_objects=True)


# -- object listings ------------------------------------------------------------------------------
def test_list_container_objects_takes_pyrax_argument_order(cf, rsps):
    rsps.get(CONT, json=[{"name": "d/", "subdir": "d/"}, {"name": "f.vhd", "bytes": 3, "hash": "abc"}])
    objects = cf.list_container_objects("imgs é", 2, "m", "p", "/", "z")
    assert query(rsps) == {
        "format": ["json"],
        "limit": ["2"],
        "marker": ["m"],
        "prefix": ["p"],
        "delimiter": ["/"],
        "end_marker": ["z"],
    }
    assert [(o.name, o.bytes, o.etag) for o in objects] == [("d/", None, None), ("f.vhd", 3, "abc")]
    assert all(isinstance(o, StorageObject) for o in objects)


def test_subdir_entries_become_pseudo_folders(cf, rsps):
    rsps.get(CONT, json=[{"subdir": "d/"}])
    rsps.get(CONT, json=[])
    [folder] = cf.get_container_objects("imgs é", delimiter="/")
    assert (folder.name, folder.content_type) == ("d/", "pseudo/subdirectory")
    assert query(rsps, 1)["marker"] == ["d/"]


def test_container_get_objects_and_names(cf, rsps):
    cont = Container(cf, "imgs é")
    rsps.get(CONT, json=[{"name": "a", "bytes": 1}])
    rsps.get(CONT, json=[])
    assert [o.name for o in cont.get_objects()] == ["a"]
    rsps.get(CONT, json=[{"name": "a", "bytes": 1}])
    assert cont.list_object_names(limit=1) == ["a"]
    rsps.get(CONT, json=[{"name": "b", "bytes": 1}])
    rsps.get(CONT, json=[])
    assert [o.name for o in cont.list_all(prefix="b")] == ["b"]


def test_listing_a_missing_container(cf, rsps):
    rsps.get(CONT, status=404)
    with pytest.raises(exc.NoSuchContainer):
        cf.list_container_objects("imgs é")


# -- objects ------------------------------------------------------------------------------------
def test_store_object_sends_pyrax_headers_and_text(cf, rsps):
    data = "héllo"
    received = storing(rsps, CONT + "/a%20b/c.txt")
    head_object(rsps, "a%20b/c.txt", data.encode(), container_url=CONT)
    stored = cf.store_object(
        "imgs é",
        "a b/c.txt",
        data,
        content_type="text/plain",
        etag=hashlib.md5(data.encode()).hexdigest(),
        content_encoding="identity",
        ttl="60",
        metadata={"k": "v"},
        extra_info={},
    )
    sent = call(rsps, 0)
    assert received == [data.encode()]
    assert sent.headers["Content-Type"] == "text/plain"
    assert sent.headers["ETag"] == hashlib.md5(data.encode()).hexdigest()
    assert sent.headers["Content-Encoding"] == "identity"
    assert sent.headers["X-Delete-After"] == "60"
    assert sent.headers["X-Object-Meta-k"] == "v"
    assert isinstance(stored, StorageObject) and stored.name == "a b/c.txt"
    assert stored.hash == hashlib.md5(data.encode()).hexdigest()


def test_store_object_return_none(cf, rsps):
    storing(rsps, CONT + "/x")
    head_object(rsps, "x", b"1", container_url=CONT)
    assert Container(cf, "imgs é").store_object("x", b"1", return_none=True) is None


def test_return_none_must_be_a_flag_before_any_request(cf, rsps):
    # upload_file sent the data, then took "yes" as true (store_object checked it).
    with pytest.raises(exc.InvalidArgument, match="return_none"):
        cf.store_object("imgs é", "x", b"1", return_none="yes")
    with pytest.raises(exc.InvalidArgument, match="return_none"):
        cf.upload_file("imgs é", io.BytesIO(b"1"), obj_name="x", return_none="yes")
    assert_no_request(rsps)


@pytest.mark.parametrize("ttl", [0, -5, "soon"])
def test_bad_ttl_sends_nothing(cf, rsps, ttl):
    with pytest.raises(exc.InvalidArgument):
        cf.store_object("imgs é", "x", b"1", ttl=ttl)
    assert_no_request(rsps)


def test_upload_file_by_path_streams_the_file(cf, rsps, tmp_path):
    path = tmp_path / "disk.vhd"
    data = os.urandom(3000)
    path.write_bytes(data)
    received = storing(rsps, CONT + "/disk.vhd")
    head_object(rsps, "disk.vhd", data, container_url=CONT)
    obj = Container(cf, "imgs é").upload_file(str(path), content_length=3000, ttl=10)
    assert received == [data] and obj.name == "disk.vhd" and obj.bytes == 3000
    assert call(rsps, 0).headers["X-Delete-After"] == "10"


def test_upload_file_missing_path_sends_nothing(cf, rsps, tmp_path):
    with pytest.raises(exc.InvalidArgument, match="No such file"):
        cf.upload_file("imgs é", str(tmp_path / "absent.vhd"))
    assert_no_request(rsps)


def test_upload_file_of_a_file_object_without_a_name_needs_obj_name(cf, rsps):
    with pytest.raises(exc.InvalidArgument, match="obj_name is required"):
        cf.upload_file("imgs é", io.BytesIO(b"abc"))
    assert_no_request(rsps)


def test_fetch_object_and_container_fetch(cf, rsps):
    head_object(rsps, "x", b"abc", container_url=CONT)
    rsps.get(CONT + "/x", body=b"abc")
    assert cf.fetch_object("imgs é", "x", extra_info={}) == b"abc"
    head_object(rsps, "x", b"abc", container_url=CONT)
    rsps.get(CONT + "/x", body=b"abc")
    headers, data = Container(cf, "imgs é").fetch_object("x", include_meta=True)
    assert data == b"abc" and headers["Content-Length"] == "3"


def test_download_object_writes_whole_file_with_folders(cf, rsps, tmp_path):
    head_object(rsps, "d/e/f.vhd", b"data", container_url=CONT)
    rsps.get(CONT + "/d/e/f.vhd", body=b"data")
    path = cf.download_object("imgs é", "d/e/f.vhd", str(tmp_path))
    assert path == str(tmp_path / "d" / "e" / "f.vhd") and open(path, "rb").read() == b"data"
    head_object(rsps, "d/e/f.vhd", b"data", container_url=CONT)
    rsps.get(CONT + "/d/e/f.vhd", body=b"data")
    (tmp_path / "flat").mkdir()
    assert Container(cf, "imgs é").download("d/e/f.vhd", str(tmp_path / "flat"), structure=False) == str(
        tmp_path / "flat" / "f.vhd"
    )


def test_download_cut_short_leaves_no_file(cf, rsps, tmp_path):
    head_object(rsps, "f.vhd", b"0123456789", container_url=CONT)
    rsps.get(CONT + "/f.vhd", body=b"01234", headers={"Content-Length": "5"})
    rsps.get(CONT + "/f.vhd", status=500)  # every resume attempt fails
    cf.transport.retries = 0
    with pytest.raises(exc.PyraxImageException):
        cf.download_object("imgs é", "f.vhd", str(tmp_path))
    assert os.listdir(tmp_path) == []


def test_download_refuses_names_escaping_the_directory(cf, rsps, tmp_path):
    obj = StorageObject(cf, "imgs é", "../..", {"Content-Length": "1"})
    with pytest.raises(exc.InvalidArgument):
        obj.download(str(tmp_path))
    assert_no_request(rsps)


def test_temp_url_takes_pyrax_argument_order(cf, rsps):
    url = cf.get_temp_url("imgs é", "x", 60, "PUT", "secret-key", False)
    assert url.startswith(CONT + "/x?temp_url_sig=") and "temp_url_expires=" in url
    assert "secret-key" not in url
    obj = StorageObject(cf, "imgs é", "x")
    assert Container(cf, "imgs é").get_temp_url(obj, 60, key="k").startswith(CONT + "/x?")


# -- through the image client ---------------------------------------------------------------------
def test_image_client_object_storage_lists_containers(client, rsps):
    # pyrax.images.object_storage.list() used to raise AttributeError (_manager).
    client.object_storage_url = SWIFT
    rsps.get(SWIFT, json=[{"name": "a", "count": 0, "bytes": 0}])
    rsps.get(SWIFT, json=[])
    assert [c.name for c in client.object_storage.list()] == ["a"]
    assert client.object_storage.transport is client.transport


def test_import_task_with_cloudfiles_objects(client, rsps):
    client.object_storage_url = SWIFT
    cont = Container(client.object_storage, "imgs é")
    obj = StorageObject(client.object_storage, "imgs é", "disk.vhd")
    rsps.head(CONT, headers={"X-Container-Object-Count": "1"})
    rsps.post(V2 + "/tasks", status=201, json={"id": "t1", "type": "import", "status": "pending"})
    client.import_task(obj, cont, img_format="VHD", img_name="new")
    assert call(rsps).body and b'"import_from": "imgs \\u00e9/disk.vhd"' in call(rsps).body
    assert image_info(IMAGE_ID)["id"] == IMAGE_ID


def test_object_storage_client_has_pyrax_generic_verbs(rsps):
    from pyrax_image.object_storage import ObjectStorageClient

    swift = ObjectStorageClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)
    listing = [{"name": "a", "count": 1, "bytes": 2}, {"name": "b", "count": 0, "bytes": 0}]
    for _ in range(3):
        rsps.get(SWIFT, json=listing)
        rsps.get(SWIFT, json=[])
    assert swift.find(name="b").name == "b"
    assert [c.name for c in swift.findall(object_count=1)] == ["a"]
    with pytest.raises(exc.NotFound):
        swift.find(name="c")
    rsps.head(SWIFT + "/a", headers={"X-Container-Object-Count": "1"})
    assert swift.get("a").object_count == 1
    rsps.delete(SWIFT + "/a", status=204)
    swift.delete("a")


def test_find_with_several_matches(cf, rsps):
    rsps.get(SWIFT, json=[{"name": "a", "count": 0, "bytes": 0}, {"name": "b", "count": 0, "bytes": 0}])
    rsps.get(SWIFT, json=[])
    with pytest.raises(exc.NoUniqueMatch):
        cf.find(object_count=0)
