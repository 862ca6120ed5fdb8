"""Object storage: endpoint choice, HEAD lookups, streamed and segmented uploads
checked by ETag, ranged reads, temporary URLs — wire format and fault paths."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import re
from typing import Any, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from responses import matchers

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.object_storage import (
    Container,
    ObjectReader,
    ObjectStorageClient,
    StorageObject,
    make_temp_url,
    temp_url_signature,
)
from tests.unit.helpers import BASE, PROJECT, SWIFT, TOKEN, StoringSwift, dropping_body, head_object, md5

DATA = os.urandom(2500)


@pytest.fixture
def swift(rsps: responses.RequestsMock, delays: List[float]) -> ObjectStorageClient:
    client = ObjectStorageClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)
    client.transport.sleep = delays.append
    return client


# -- endpoint and shared session --------------------------------------------------------------
class CatalogIdentity(BaseIdentity):
    def __init__(self) -> None:
        self.token = TOKEN
        self.tenant_id = PROJECT
        self.asked: List[Any] = []

    def get_endpoint(
        self,
        service_type: str,
        region: Optional[str] = None,
        public: bool = True,
        service_name: Optional[str] = None,
    ) -> str:
        self.asked.append((service_type, region, public))
        host = "swift.test" if public else "swift.internal"
        return "http://%s:8080/v1/AUTH_%s" % (host, PROJECT)


@pytest.mark.parametrize(
    "endpoint_type, public, host", [(None, True, "swift.test"), ("internal", False, "swift.internal")]
)
def test_image_client_storage_comes_from_its_identity_and_region(rsps, endpoint_type, public, host):
    identity = CatalogIdentity()
    images = ImageClient(identity, region_name="RegionOne", endpoint_type=endpoint_type, management_url=BASE)
    storage = images.object_storage
    assert storage.management_url == "http://%s:8080/v1/AUTH_%s" % (host, PROJECT)
    assert identity.asked == [("object-store", "RegionOne", public)]
    assert storage.session is images.session and storage.transport is images.transport
    assert storage.identity is identity
    rsps.head("http://%s:8080/v1/AUTH_%s/c" % (host, PROJECT), headers={"X-Container-Object-Count": "0"})
    storage.get_container("c")
    assert rsps.calls[0].request.headers["X-Auth-Token"] == TOKEN


def test_explicit_object_storage_url_wins_and_resets_the_client(rsps):
    images = ImageClient(CatalogIdentity(), management_url=BASE)
    first = images.object_storage
    images.object_storage_url = SWIFT
    assert images.object_storage is not first and images.object_storage.management_url == SWIFT
    other = ObjectStorageClient(TokenIdentity("other"), management_url=SWIFT)
    images.object_storage = other
    assert images.object_storage is other


def test_storage_without_catalog_or_url_raises_no_endpoint(rsps):
    storage = ObjectStorageClient(TokenIdentity(TOKEN))
    with pytest.raises(exc.NoEndpointForService):
        storage.get_container("c")
    assert len(rsps.calls) == 0


# -- containers and objects --------------------------------------------------------------------
def test_get_container_heads_it(swift, rsps):
    rsps.head(SWIFT + "/my%20cont", headers={"X-Container-Object-Count": "3", "X-Container-Bytes-Used": "42"})
    container = swift.get_container("my cont")
    assert isinstance(container, Container)
    assert (container.name, container.object_count, container.total_bytes) == ("my cont", 3, 42)
    assert rsps.calls[0].request.method == "HEAD"


def test_missing_container_and_object(swift, rsps):
    rsps.head(SWIFT + "/nope", status=404)
    with pytest.raises(exc.NoSuchContainer, match="nope"):
        swift.get_container("nope")
    rsps.head(SWIFT + "/c/dir/missing%3F.img", status=404)
    with pytest.raises(exc.NoSuchObject, match="missing"):
        swift.get_object("c", "dir/missing?.img")


def test_get_object_reads_its_headers(swift, rsps):
    head_object(rsps, "disk.raw", DATA, **{"Content-Type": "application/octet-stream"})
    obj = swift.get_object(Container(swift, "c"), "disk.raw")
    assert isinstance(obj, StorageObject)
    assert (obj.total_bytes, obj.bytes, obj.etag, obj.md5) == (len(DATA), len(DATA), md5(DATA), md5(DATA))
    head_object(rsps, "big", DATA, **{"X-Static-Large-Object": "True", "Etag": '"abc"'})
    big = swift.get_object("c", "big")
    assert big.is_static_large_object and big.etag == "abc" and big.md5 is None


def test_list_container_objects_follows_markers(swift, rsps):
    item = {"bytes": 1, "hash": "h", "content_type": "t", "last_modified": "now"}
    rsps.get(SWIFT + "/c?format=json&prefix=p", json=[dict(item, name="p1"), dict(item, name="p2")])
    rsps.get(SWIFT + "/c?format=json&prefix=p&marker=p2", json=[])
    assert [o.name for o in swift.list_container_objects("c", prefix="p")] == ["p1", "p2"]


def test_listings_take_a_subdir_entry_as_a_pseudo_folder(swift, rsps):
    # A server may answer with {"subdir": ...} entries (delimiter listings): the
    # objects and containers listings name them after it (was KeyError: 'name').
    rsps.get(SWIFT + "/c?format=json", json=[{"subdir": "d/"}])
    rsps.get(SWIFT + "/c?format=json&marker=d%2F", json=[])
    [folder] = swift.list_container_objects("c")
    assert (folder.name, folder.content_type) == ("d/", "pseudo/subdirectory")
    rsps.get(SWIFT + "?format=json", json=[{"subdir": "x"}])
    rsps.get(SWIFT + "?format=json&marker=x", json=[])
    assert [cont.name for cont in swift.list()] == ["x"]


def test_listing_a_missing_container_is_no_such_container(swift, rsps):
    rsps.get(SWIFT + "/nope?format=json", status=404)
    with pytest.raises(exc.NoSuchContainer, match="nope"):
        swift.list_container_objects("nope")


def test_delete_static_large_object_deletes_segments(swift, rsps):
    head_object(rsps, "big", DATA, **{"X-Static-Large-Object": "True"})
    rsps.delete(SWIFT + "/c/big?multipart-manifest=delete")
    swift.delete_object("c", "big")
    head_object(rsps, "small", DATA)
    rsps.delete(SWIFT + "/c/small", match=[matchers.query_string_matcher("")])
    swift.delete_object("c", "small")


# -- uploads -----------------------------------------------------------------------------------
def test_small_upload_is_one_put_with_content_length_checked_by_etag(swift, rsps):
    store = StoringSwift()
    rsps.add_callback(responses.PUT, SWIFT + "/c/disk.raw", callback=store)
    head_object(rsps, "disk.raw", DATA)
    progress: List[Any] = []
    obj = swift.store_object(
        "c", "disk.raw", DATA, chunk_size=1000, progress=lambda d, t: progress.append((d, t))
    )
    put = rsps.calls[0].request
    assert put.headers["Content-Length"] == str(len(DATA))
    assert put.headers["Content-Type"] == "application/octet-stream"
    assert store.objects["/v1/AUTH_proj/c/disk.raw"] == DATA
    assert progress == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert obj.md5 == md5(DATA)


def test_wrong_etag_raises_checksum_mismatch(swift, rsps):
    rsps.add_callback(responses.PUT, SWIFT + "/c/o", callback=StoringSwift(corrupt_etag=True))
    with pytest.raises(exc.ChecksumMismatch, match="ETag"):
        swift.store_object("c", "o", DATA)


def test_upload_past_the_threshold_becomes_a_static_large_object(swift, rsps, tmp_path):
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    store = StoringSwift()
    rsps.put(SWIFT + "/c_segments", status=201)
    rsps.head(SWIFT + "/c_segments")
    rsps.add_callback(responses.PUT, re.compile(SWIFT + "/c_segments/.*"), callback=store)
    rsps.add_callback(responses.PUT, SWIFT + "/c/disk.raw?multipart-manifest=put", callback=store)
    head_object(rsps, "disk.raw", DATA, **{"X-Static-Large-Object": "True"})
    obj = swift.store_object("c", "disk.raw", str(path), segment_threshold=1000, chunk_size=300)
    segments = sorted(p for p in store.objects if "/c_segments/" in p)
    assert len(segments) == 3
    assert b"".join(store.objects[p] for p in segments) == DATA
    assert all("/disk.raw/slo/" in p and "/2500/1000/" in p for p in segments)
    manifest = json.loads(store.objects["/v1/AUTH_proj/c/disk.raw"])
    assert [m["size_bytes"] for m in manifest] == [1000, 1000, 500]
    assert [m["etag"] for m in manifest] == [md5(DATA[i : i + 1000]) for i in (0, 1000, 2000)]
    assert [m["path"] for m in manifest] == [p.replace("/v1/AUTH_proj", "") for p in segments]
    assert all(store.headers[p]["Content-Length"] == str(n) for p, n in zip(segments, (1000, 1000, 500)))
    assert obj.is_static_large_object


def test_unknown_size_below_threshold_stays_one_chunked_object(swift, rsps):
    store = StoringSwift()
    rsps.add_callback(responses.PUT, SWIFT + "/c/o", callback=store)
    head_object(rsps, "o", DATA)
    swift.store_object("c", "o", iter([DATA[:700], DATA[700:]]), segment_threshold=5000)
    assert rsps.calls[0].request.headers["Transfer-Encoding"] == "chunked"
    assert store.objects["/v1/AUTH_proj/c/o"] == DATA


def test_unknown_size_past_threshold_copies_the_first_part_into_a_segment(swift, rsps):
    store = StoringSwift()
    rsps.add_callback(responses.PUT, SWIFT + "/c/o", callback=store)
    rsps.put(SWIFT + "/c_segments", status=201)
    rsps.head(SWIFT + "/c_segments")
    rsps.add_callback(responses.PUT, re.compile(SWIFT + "/c_segments/.*"), callback=store)
    rsps.add_callback(responses.PUT, SWIFT + "/c/o?multipart-manifest=put", callback=store)
    head_object(rsps, "o", DATA, **{"X-Static-Large-Object": "True"})
    swift.store_object(
        "c", "o", (DATA[i : i + 100] for i in range(0, len(DATA), 100)), segment_threshold=1000
    )
    copy = [c.request for c in rsps.calls if "X-Copy-From" in c.request.headers]
    assert len(copy) == 1 and copy[0].headers["X-Copy-From"] == "/c/o"
    manifest = json.loads(store.objects["/v1/AUTH_proj/c/o"])
    assert [m["size_bytes"] for m in manifest] == [1000, 1000, 500]
    data = b"".join(store.objects["/v1/AUTH_proj" + m["path"]] for m in manifest)
    assert data == DATA


def test_failed_segment_removes_the_segments_already_stored(swift, rsps):
    store = StoringSwift(fail_on="/00000001")
    rsps.put(SWIFT + "/c_segments", status=201)
    rsps.head(SWIFT + "/c_segments")
    rsps.add_callback(responses.PUT, re.compile(SWIFT + "/c_segments/.*"), callback=store)
    rsps.delete(re.compile(SWIFT + "/c_segments/.*/00000000"))
    with pytest.raises(exc.ServiceUnavailable):
        swift.store_object("c", "o", io.BytesIO(DATA), segment_threshold=1000)
    assert [c.request.method for c in rsps.calls][-1] == "DELETE"


def test_failed_segment_of_a_one_shot_stream_is_not_resent(swift, rsps):
    store = StoringSwift(fail_on="/c/o")
    rsps.add_callback(responses.PUT, SWIFT + "/c/o", callback=store)
    with pytest.raises(exc.ServiceUnavailable):
        swift.store_object("c", "o", iter([DATA]))
    assert len(rsps.calls) == 1


def test_upload_into_a_missing_container(swift, rsps):
    rsps.put(SWIFT + "/nope/o", status=404)
    with pytest.raises(exc.NoSuchContainer):
        swift.store_object("nope", "o", DATA)


def test_upload_file_names_the_object_after_the_file(swift, rsps, tmp_path):
    path = tmp_path / "disk.img"
    path.write_bytes(DATA)
    rsps.add_callback(responses.PUT, SWIFT + "/c/disk.img", callback=StoringSwift())
    head_object(rsps, "disk.img", DATA)
    assert swift.upload_file("c", str(path)).name == "disk.img"
    with pytest.raises(exc.InvalidArgument):
        swift.upload_file("c", io.BytesIO(DATA))


# -- reads -------------------------------------------------------------------------------------
def test_fetch_whole_chunked_and_partial(swift, rsps):
    head_object(rsps, "o", DATA)
    obj = swift.get_object("c", "o")
    rsps.get(SWIFT + "/c/o", body=DATA, match=[matchers.header_matcher({"Accept": "*/*"})])
    assert obj.fetch() == DATA
    rsps.get(SWIFT + "/c/o", body=DATA)
    chunks = list(obj.fetch(chunk_size=1000))
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    rsps.get(
        SWIFT + "/c/o",
        status=206,
        body=DATA[:10],
        headers={"Content-Range": "bytes 0-9/2500"},
        match=[matchers.header_matcher({"Range": "bytes=0-9"})],
    )
    assert obj.fetch_partial(10) == DATA[:10]


def test_object_reader_is_a_seekable_file_that_resumes(swift, rsps, delays):
    head_object(rsps, "o", DATA)
    obj = swift.get_object("c", "o")
    reader = obj.open(chunk_size=1000)
    assert isinstance(reader, ObjectReader) and reader.len == len(DATA) and reader.expected_md5 == md5(DATA)
    assert reader.seek(0, io.SEEK_END) == len(DATA)
    reader.seek(0)
    rsps.get(SWIFT + "/c/o", body=dropping_body(DATA, 1500), headers={"Content-Length": str(len(DATA))})
    rsps.get(
        SWIFT + "/c/o",
        status=206,
        body=DATA[1500:],
        headers={"Content-Range": "bytes 1500-2499/2500"},
        match=[matchers.header_matcher({"Range": "bytes=1500-"})],  # the broken chunk's bytes kept
    )
    assert reader.read(600) + reader.read(600) + reader.read() == DATA
    assert delays == [0.0]  # the resume paused on the client's clock (at once: a first break)
    rsps.get(
        SWIFT + "/c/o",
        status=206,
        body=DATA[2000:],
        headers={"Content-Range": "bytes 2000-2499/2500"},
        match=[matchers.header_matcher({"Range": "bytes=2000-"})],
    )
    reader.seek(2000)
    assert reader.read(10) == DATA[2000:2010] and reader.tell() == 2010
    reader.close()


# -- temporary URLs ----------------------------------------------------------------------------
def test_temp_url_signature_is_hmac_sha256_of_method_expiry_and_path():
    path = "/v1/AUTH_proj/c/o"
    body = b"GET\n1700000000\n/v1/AUTH_proj/c/o"
    assert (
        temp_url_signature("k", "GET", 1700000000, path) == hmac.new(b"k", body, hashlib.sha256).hexdigest()
    )
    sha512 = temp_url_signature("k", "GET", 1700000000, path, digest="sha512")
    expected = base64.urlsafe_b64encode(hmac.new(b"k", body, hashlib.sha512).digest()).decode()
    assert sha512 == "sha512:" + expected
    with pytest.raises(exc.InvalidArgument):
        temp_url_signature("k", "GET", 1, path, digest="sha1")


def test_temp_url_quotes_the_path_but_signs_it_unquoted():
    url = make_temp_url(SWIFT, "my cont", "dir/a b.img", "k", 60, now=1000)
    parts = urlsplit(url)
    assert parts.path == "/v1/AUTH_proj/my%20cont/dir/a%20b.img"
    query = parse_qs(parts.query)
    assert query["temp_url_expires"] == ["1060"]
    signed = temp_url_signature("k", "GET", 1060, "/v1/AUTH_proj/my cont/dir/a b.img")
    assert query["temp_url_sig"] == [signed]


@pytest.mark.parametrize("kwargs", [{"seconds": 0}, {"seconds": -5}, {"method": "PATCH"}, {"key": ""}])
def test_bad_temp_url_arguments(kwargs):
    args = dict(storage_url=SWIFT, container="c", obj="o", key="k", seconds=60)
    args.update(kwargs)
    with pytest.raises(exc.InvalidArgument):
        make_temp_url(**args)


def test_temp_url_uses_the_account_key(swift, rsps):
    rsps.head(SWIFT, headers={"X-Account-Meta-Temp-Url-Key": "secret"})
    url = swift.get_temp_url("c", "o", 60)
    assert "temp_url_sig=" in url and "secret" not in url
    swift.get_temp_url("c", "o", 60)  # cached: no second HEAD
    assert len(rsps.calls) == 1


def test_temp_url_without_a_key_raises(swift, rsps):
    rsps.head(SWIFT)
    with pytest.raises(exc.MissingTemporaryURLKey):
        swift.get_temp_url("c", "o", 60)


def test_set_temp_url_key_posts_the_account_header(swift, rsps):
    rsps.post(SWIFT, status=204, match=[matchers.header_matcher({"X-Account-Meta-Temp-Url-Key": "abc"})])
    assert swift.set_temp_url_key("abc") == "abc"
    rsps.post(SWIFT, status=204)
    generated = swift.set_temp_url_key()
    assert len(generated) == 64 and rsps.calls[1].request.headers["X-Account-Meta-Temp-Url-Key"] == generated
