"""Uploads through object storage (``via_container``): the exact requests
(parallel segment PUTs checked by ETag, the SLO manifest, the web-download of
a temporary URL, the cleanup), and the hostile cases a real cloud does not
produce: a segment whose ETag differs, an import that fails, an image whose
digests differ, a cloud offering no server-side import, a temp-URL key that
must never show."""

from __future__ import annotations

import io
import json
import logging
import os
import re
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image import http_log
from tests.secret_scan import assert_no_secret
from tests.unit.helpers import (
    IMAGE_ID,
    IMAGES,
    ITEM,
    PROJECT,
    SWIFT,
    V2,
    StoringSwift,
    active_info,
    image_info,
)

MIB = 1024 * 1024
DATA = os.urandom(2 * MIB + 100)  # three 1 MiB segments, the last one short
KEY = "temp-url-key-that-must-not-show"
CONTAINER = SWIFT + "/staging"
OBJECTS = re.compile(re.escape(CONTAINER) + "/.+")


@pytest.fixture
def path(tmp_path) -> str:
    target = tmp_path / "disk.raw"
    target.write_bytes(DATA)
    return str(target)


@pytest.fixture
def swift_client(client):
    client.object_storage_url = SWIFT
    return client


class Cloud:
    """Swift and Glance answering a via-container upload; ``swift`` keeps the objects."""

    def __init__(self, rsps: responses.RequestsMock, swift: StoringSwift, methods: Optional[List[str]]):
        self.rsps = rsps
        self.swift = swift
        self.deleted: List[str] = []
        self.gone: Dict[str, bytes] = {}  # what was deleted, by path
        if methods is None:  # no interoperable import (Rackspace)
            rsps.get(V2 + "/info/import", status=404)
        else:
            rsps.get(V2 + "/info/import", json={"import-methods": {"value": methods}})
        rsps.put(CONTAINER, status=201)
        rsps.add_callback(responses.PUT, OBJECTS, callback=swift)
        rsps.add_callback(responses.DELETE, OBJECTS, callback=self.delete)
        rsps.head(SWIFT, status=204, headers={"X-Account-Meta-Temp-Url-Key": KEY})

    def delete(self, request: Any) -> Any:
        path = urlsplit(request.url).path
        self.deleted.append(path)
        if parse_qs(urlsplit(request.url).query).get("multipart-manifest") == ["delete"]:
            manifest = json.loads(self.swift.objects.pop(path))
            for segment in manifest:
                self.remove("/v1/AUTH_%s%s" % (PROJECT, segment["path"]))
            return 200, {}, b""
        return (204, {}, b"") if self.remove(path) else (404, {}, b"")

    def remove(self, path: str) -> bool:
        if path not in self.swift.objects:
            return False
        self.gone[path] = self.swift.objects.pop(path)
        return True

    def glance(self, final: Dict[str, Any]) -> None:
        self.rsps.post(IMAGES, status=201, json=image_info(disk_format="raw"))
        self.rsps.post(ITEM + "/import", status=202)
        self.rsps.get(ITEM, json=final)

    def segments(self) -> List[str]:
        return sorted(name for name in self.swift.objects if ".segments/" in name)


def sent(rsps: responses.RequestsMock, method: str, pattern: str) -> List[Any]:
    return [
        call.request for call in rsps.calls if call.request.method == method and pattern in call.request.url
    ]


def test_segments_manifest_web_download_cleanup_on_the_wire(swift_client, rsps, path):
    cloud = Cloud(rsps, StoringSwift(), ["glance-direct", "web-download"])
    cloud.glance(active_info(DATA, disk_format="raw"))
    image = swift_client.create(
        "img", img_format="raw", data=path, via_container="staging", segment_size=MIB, connections=2
    )
    assert image.status == "active"
    puts = [r for r in sent(rsps, "PUT", "/staging/") if "multipart-manifest" not in r.url]
    assert sorted(int(r.headers["Content-Length"]) for r in puts) == [100, MIB, MIB]
    (manifest_put,) = sent(rsps, "PUT", "multipart-manifest=put")
    manifest = json.loads(manifest_put.body)
    assert [item["size_bytes"] for item in manifest] == [MIB, MIB, 100]
    assert all(item["path"].startswith("/staging/disk.raw-") for item in manifest)
    # the segments joined in order are the file
    joined = b"".join(cloud.gone["/v1/AUTH_%s%s" % (PROJECT, item["path"])] for item in manifest)
    assert joined == DATA
    (import_call,) = sent(rsps, "POST", "/import")
    body = json.loads(import_call.body)
    uri = urlsplit(body["method"]["uri"])
    assert body["method"]["name"] == "web-download"
    assert uri.path == urlsplit(manifest_put.url).path
    assert set(parse_qs(uri.query)) == {"temp_url_sig", "temp_url_expires"}
    # the record is made only once the segments are stored; then the manifest goes with its segments
    order = [(call.request.method, call.request.url) for call in rsps.calls]
    assert order.index(("POST", IMAGES)) > order.index(("PUT", manifest_put.url))
    assert cloud.deleted == [urlsplit(manifest_put.url).path]
    assert cloud.swift.objects == {}


def test_a_segment_whose_etag_differs_is_sent_again_then_refused(swift_client, rsps, path):
    cloud = Cloud(rsps, StoringSwift(corrupt_etag=True), ["web-download"])
    rsps.assert_all_requests_are_fired = False  # no temp URL, no image
    with pytest.raises(exc.ChecksumMismatch, match="ETag of segment"):
        swift_client.create(
            "img", img_format="raw", data=path, via_container="staging", segment_size=MIB, connections=1
        )
    puts = sent(rsps, "PUT", "/staging/")
    assert len(puts) == 2 and puts[0].url == puts[1].url  # the first segment twice, then no other
    assert not sent(rsps, "POST", IMAGES)
    assert cloud.swift.objects == {} and cloud.deleted == [urlsplit(puts[0].url).path]


class FlakySwift(StoringSwift):
    """Swift answering 503 to the first PUT of the second segment, after reading its body."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = [503]

    def __call__(self, request: Any) -> Any:
        if request.url.endswith("/00000001") and self.failures:
            b"".join(request.body)  # the body is consumed by the failed attempt
            return self.failures.pop(), {}, b""
        return super().__call__(request)


def test_a_broken_segment_put_is_resent_from_the_file(swift_client, rsps, delays, path):
    cloud = Cloud(rsps, FlakySwift(), ["web-download"])
    cloud.glance(active_info(DATA, disk_format="raw"))
    swift_client.create("img", img_format="raw", data=path, via_container="staging", segment_size=MIB)
    again = sent(rsps, "PUT", "/00000001")
    assert len(again) == 2 and len(delays) == 1
    assert cloud.gone[urlsplit(again[1].url).path] == DATA[MIB : 2 * MIB]  # resent whole from the file
    assert cloud.swift.objects == {}


@pytest.mark.parametrize(
    "final, error",
    [
        (image_info(status="killed"), exc.ImageStatusError),
        (active_info(b"other bytes", disk_format="raw"), exc.ChecksumMismatch),
    ],
)
def test_a_failed_or_mismatching_import_deletes_image_and_segments(swift_client, rsps, path, final, error):
    cloud = Cloud(rsps, StoringSwift(), ["web-download"])
    cloud.glance(final)
    rsps.delete(ITEM, status=204)
    with pytest.raises(error):
        swift_client.create("img", img_format="raw", data=path, via_container="staging", segment_size=MIB)
    assert len(sent(rsps, "DELETE", ITEM)) == 1
    assert cloud.swift.objects == {}


def test_keep_on_failure_keeps_the_image_but_never_the_segments(swift_client, rsps, path):
    cloud = Cloud(rsps, StoringSwift(), ["web-download"])
    cloud.glance(image_info(status="killed"))
    with pytest.raises(exc.ImageStatusError):
        swift_client.create(
            "img",
            img_format="raw",
            data=path,
            via_container="staging",
            segment_size=MIB,
            keep_on_failure=True,
        )
    assert not sent(rsps, "DELETE", ITEM)
    assert cloud.swift.objects == {}


def test_a_cloud_without_server_side_import_is_refused_before_anything_is_made(swift_client, rsps, path):
    rsps.get(V2 + "/info/import", json={"import-methods": {"value": ["glance-direct"]}})
    rsps.get(V2 + "/schemas/task", status=404)
    with pytest.raises(exc.ServiceNotAvailable, match="web-download import method or the import task"):
        swift_client.create("img", img_format="raw", data=path, via_container="staging")
    assert [call.request.method for call in rsps.calls] == ["GET", "GET"]


def test_the_task_is_chosen_where_web_download_is_not_offered(swift_client, rsps, path):
    cloud = Cloud(rsps, StoringSwift(), None)
    rsps.get(V2 + "/schemas/task", json={"properties": {"type": {"enum": ["import"]}}})
    rsps.post(V2 + "/tasks", status=201, json={"id": "t1", "type": "import", "status": "pending"})
    rsps.get(
        V2 + "/tasks/t1",
        json={"id": "t1", "type": "import", "status": "success", "result": {"image_id": IMAGE_ID}},
    )
    rsps.get(ITEM, json=active_info(DATA, disk_format="raw", name="img"))
    image = swift_client.create("img", img_format="raw", data=path, via_container="staging", segment_size=MIB)
    assert image.id == IMAGE_ID
    (task,) = sent(rsps, "POST", "/tasks")
    task_input = json.loads(task.body)["input"]
    assert task_input["import_from"].startswith(CONTAINER + "/disk.raw-")
    assert task_input["image_properties"]["name"] == "img"
    assert not sent(rsps, "POST", IMAGES)
    assert cloud.swift.objects == {}


@pytest.mark.parametrize(
    "kwargs, data, match",
    [
        ({"via_container": "staging"}, iter([DATA]), "seekable"),
        ({"via_container": "staging"}, io.BytesIO(b""), "empty"),
        ({"via_container": "staging"}, DATA, "seekable"),
        ({"via_container": "bad/name"}, io.BytesIO(DATA), "container"),
        ({"via_container": "staging", "import_method": "ftp"}, io.BytesIO(DATA), "import_method"),
        ({"via_container": "staging", "connections": 0}, io.BytesIO(DATA), "connections"),
        ({"via_container": "staging", "segment_size": 1000}, io.BytesIO(DATA), "segment_size"),
        ({"via_container": "staging", "size": 5}, io.BytesIO(DATA), "size"),
        ({"segment_size": MIB}, io.BytesIO(DATA), "via_container"),
        # At their defaults too: without via_container they would do nothing.
        ({"connections": 4}, io.BytesIO(DATA), "connections need via_container"),
        ({"segment_size": 32 * MIB}, io.BytesIO(DATA), "segment_size need via_container"),
    ],
)
def test_wrong_options_are_refused_before_any_request(swift_client, rsps, kwargs, data, match):
    with pytest.raises(exc.InvalidArgument, match=match):
        swift_client.create("img", img_format="raw", data=data, inspect=False, **kwargs)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("kwargs", [{"connections": 4}, {"segment_size": 32 * MIB}, {"keep_segments": True}])
def test_upload_options_without_via_container_are_refused_before_any_request(swift_client, rsps, kwargs):
    image = swift_client._manager.resource_class(swift_client._manager, image_info(disk_format="raw"))
    with pytest.raises(exc.InvalidArgument, match="need via_container"):
        swift_client.upload(image, io.BytesIO(DATA), inspect=False, **kwargs)
    assert len(rsps.calls) == 0


def test_the_task_cannot_fill_an_existing_image(swift_client, rsps, path):
    rsps.get(V2 + "/schemas/task", json={"properties": {"type": {"enum": ["import"]}}})
    image = swift_client._manager.resource_class(swift_client._manager, image_info(disk_format="raw"))
    with pytest.raises(exc.ServiceNotAvailable, match="makes its own image"):
        swift_client.upload(image, path, via_container="staging", import_method="task", inspect=False)


@pytest.mark.secrets(KEY)
def test_the_temp_url_key_never_shows(swift_client, rsps, path, caplog):
    http_log.enable_debug_output(True)
    caplog.set_level(logging.DEBUG)
    cloud = Cloud(rsps, StoringSwift(), ["web-download"])
    rsps.post(IMAGES, status=201, json=image_info(disk_format="raw"))
    rsps.post(ITEM + "/import", status=400, json={"message": "cannot fetch %s" % KEY})
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.BadRequest) as raised:
        swift_client.create("img", img_format="raw", data=path, via_container="staging", segment_size=MIB)
    storage = swift_client.object_storage
    signature = parse_qs(urlsplit(json.loads(sent(rsps, "POST", "/import")[0].body)["method"]["uri"]).query)
    assert_no_secret(
        [raised.value, caplog.text, repr(storage), repr(swift_client)],
        [KEY, signature["temp_url_sig"][0]],
    )
    assert cloud.swift.objects == {}


@pytest.mark.parametrize(
    "info, schema",
    [
        (["web-download"], None),
        ({"import-methods": "web-download"}, None),
        ({"import-methods": {"value": "web-download"}}, None),
        ({"import-methods": {"value": []}}, ["import"]),
        ({"import-methods": {"value": []}}, {"properties": {"type": "import"}}),
        ({"import-methods": {"value": []}}, {"properties": {"type": {"enum": "import"}}}),
    ],
)
def test_an_import_offer_of_the_wrong_shape_is_invalid_response_before_anything_is_made(
    swift_client, rsps, path, info, schema
):
    rsps.get(V2 + "/info/import", json=info)
    if schema is not None:
        rsps.get(V2 + "/schemas/task", json=schema)
    with pytest.raises(exc.InvalidResponse, match="expected"):
        swift_client.create("img", img_format="raw", data=path, via_container="staging")
    assert all(call.request.method == "GET" for call in rsps.calls)
