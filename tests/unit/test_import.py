"""Interoperable import, and images to/from object storage: wire formats,
local validation, and the clean-up of failed transfers."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from responses import matchers

from pyrax_image import exceptions as exc
from pyrax_image.image import waiters
from pyrax_image.object_storage import temp_url_signature
from tests.unit.helpers import (
    IMAGE_ID,
    ITEM,
    JSON,
    PROJECT,
    SWIFT,
    V2,
    StoringSwift,
    active_info,
    assert_headers,
    assert_no_request,
    call,
    head_object,
    image_info,
    sent_json,
)
from tests.unit.helpers import reading_callback as glance_reader

DATA = os.urandom(3000)


def active(data: bytes = DATA, **extra: Any) -> Dict[str, Any]:
    return active_info(data, **extra)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waiters._Clock, "sleep", staticmethod(lambda seconds: None))


@pytest.fixture
def swift_client(client):
    client.object_storage_url = SWIFT
    return client


# -- stage and import --------------------------------------------------------------------------
def test_stage_streams_and_the_import_is_verified_when_active(client, rsps):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, ITEM + "/stage", callback=glance_reader(received))
    rsps.get(ITEM, json=image_info(status="uploading"))
    progress: List[Any] = []
    image = client.stage(IMAGE_ID, DATA, chunk_size=1000, progress=lambda d, t: progress.append(d))
    put = call(rsps, 0)
    assert_headers(put, "application/octet-stream")
    assert put.headers["x-openstack-image-size"] == str(len(DATA)) == put.headers["Content-Length"]
    assert received == [DATA] and progress == [1000, 2000, 3000] and image.status == "uploading"
    rsps.post(ITEM + "/import", status=202)
    rsps.get(ITEM, json=image_info(status="importing"))
    client.import_image(image, "glance-direct")
    assert sent_json(rsps, -2) == {"method": {"name": "glance-direct"}}
    assert_headers(call(rsps, -2), JSON)
    rsps.get(ITEM, json=active(os_hash_value="0" * 128))
    with pytest.raises(exc.ChecksumMismatch):
        client.wait_for_status(image)


def test_wait_for_import_end_verifies_the_staged_data_once_active(client, rsps):
    rsps.add_callback(responses.PUT, ITEM + "/stage", callback=glance_reader([]))
    rsps.get(ITEM, json=image_info(status="uploading"))
    image = client.stage(IMAGE_ID, DATA)
    rsps.post(ITEM + "/import", status=202)
    rsps.get(ITEM, json=image_info(status="importing", os_glance_import_task="t1"))
    client.import_image(image, "glance-direct")
    rsps.get(ITEM, json=active(os_glance_import_task="t1"))
    rsps.get(ITEM, json=active(os_hash_value="0" * 128))
    with pytest.raises(exc.ChecksumMismatch):
        client.wait_for_import_end(image)
    rsps.get(ITEM, json=active())
    assert client.wait_for_import_end(image).status == "active"  # checked once: nothing left to check


def test_an_image_refreshed_by_wait_for_import_end_is_whole_and_fetches_nothing_more(client, rsps):
    listed = client._manager.resource_class(client._manager, {"id": IMAGE_ID, "name": "listed"})
    assert not listed.loaded  # as built from a listing that may leave attributes out
    rsps.get(ITEM, json=active())
    assert client.wait_for_import_end(listed) is listed and listed.loaded
    with pytest.raises(AttributeError):
        listed.not_an_image_attribute  # noqa: B018 - the lookup is the test
    assert len(rsps.calls) == 1  # the wait's one GET; no second fetch for a missing name


@pytest.mark.parametrize(
    "kwargs, body",
    [
        (
            {"method": "web-download", "uri": "https://example.com/a.img"},
            {"method": {"name": "web-download", "uri": "https://example.com/a.img"}},
        ),
        (
            {"method": "copy-image", "stores": ["cheap"]},
            {"method": {"name": "copy-image"}, "stores": ["cheap"]},
        ),
        (
            {"method": "copy-image", "all_stores": True, "all_stores_must_succeed": False},
            {"method": {"name": "copy-image"}, "all_stores": True, "all_stores_must_succeed": False},
        ),
        (
            {"method": "glance-direct", "stores": "fast", "all_stores_must_succeed": True},
            {"method": {"name": "glance-direct"}, "stores": ["fast"], "all_stores_must_succeed": True},
        ),
        (
            {"method": "glance-download", "remote_region": "RegionTwo", "remote_image_id": "abc"},
            {"method": {"name": "glance-download", "glance_region": "RegionTwo", "glance_image_id": "abc"}},
        ),
        (
            {
                "method": "glance-download",
                "remote_region": "R2",
                "remote_image_id": "abc",
                "remote_service_interface": "internal",
            },
            {
                "method": {
                    "name": "glance-download",
                    "glance_region": "R2",
                    "glance_image_id": "abc",
                    "glance_service_interface": "internal",
                }
            },
        ),
    ],
)
def test_import_bodies_send_only_what_is_given(client, rsps, kwargs, body):
    rsps.post(ITEM + "/import", status=202)
    rsps.get(ITEM, json=image_info(status="importing"))
    client.import_image(IMAGE_ID, **kwargs)
    assert sent_json(rsps, 0) == body


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "carrier-pigeon"},
        {"method": "web-download"},
        {"method": "web-download", "uri": "file:///etc/passwd"},
        {"method": "glance-direct", "uri": "https://x"},
        {"method": "copy-image"},
        {"method": "copy-image", "stores": []},
        {"method": "copy-image", "stores": ["a"], "all_stores": True},
        {"method": "glance-direct", "all_stores_must_succeed": "no"},
        {"method": "glance-download", "remote_region": "R2"},
        {"method": "glance-direct", "remote_region": "R2"},
    ],
)
def test_bad_import_arguments_send_nothing(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.import_image(IMAGE_ID, **kwargs)
    assert_no_request(rsps)


def test_import_before_staging_is_a_conflict(client, rsps):
    rsps.post(
        ITEM + "/import",
        status=409,
        json={"message": "Image status transition from queued to importing is not allowed"},
    )
    with pytest.raises(exc.Conflict):
        client.import_image(IMAGE_ID, "glance-direct")


def test_import_and_stores_info(client, rsps):
    info = {"import-methods": {"type": "array", "value": ["glance-direct", "web-download"]}}
    rsps.get(V2 + "/info/import", json=info)
    rsps.get(V2 + "/info/stores", json={"stores": [{"id": "fast", "default": True}, {"id": "cheap"}]})
    assert client.get_import_info() == info
    assert [s["id"] for s in client.get_stores_info()] == ["fast", "cheap"]


# -- Swift -> Glance through the client -----------------------------------------------------------------
def head_container(rsps: responses.RequestsMock, name: str = "c") -> None:
    rsps.head(SWIFT + "/" + name, headers={"X-Container-Object-Count": "1"})


def test_create_from_container_streams_the_object_and_checks_its_etag(swift_client, rsps):
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA)
    rsps.post(V2 + "/images", json=image_info(), status=201)
    received: List[bytes] = []
    rsps.get(SWIFT + "/c/disk.raw", body=DATA)
    rsps.add_callback(responses.PUT, ITEM + "/file", callback=glance_reader(received))
    rsps.get(ITEM, json=active())
    image = swift_client.create("img", img_format="raw", container="c", obj="disk.raw", chunk_size=1000)
    assert received == [DATA] and image.status == "active"
    put = [c.request for c in rsps.calls if c.request.method == "PUT"][0]
    assert put.headers["Content-Length"] == str(len(DATA)) == put.headers["x-openstack-image-size"]
    assert "X-Auth-Token" in put.headers


def test_create_from_a_missing_object_creates_nothing(swift_client, rsps):
    head_container(rsps)
    rsps.head(SWIFT + "/c/nope", status=404)
    with pytest.raises(exc.NoSuchObject):
        swift_client.create("img", container="c", obj="nope")
    assert [c.request.method for c in rsps.calls] == ["HEAD", "HEAD"]


def test_create_from_an_object_whose_data_differs_from_its_etag_deletes_the_image(swift_client, rsps):
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA, Etag="0" * 32)
    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.get(SWIFT + "/c/disk.raw", body=DATA)
    rsps.add_callback(responses.PUT, ITEM + "/file", callback=glance_reader([]))
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ChecksumMismatch, match="source"):
        swift_client.create("img", container="c", obj="disk.raw")


# -- server-side import by temporary URL -----------------------------------------------------------------
def test_import_from_container_by_web_download(swift_client, rsps):
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA)
    rsps.head(SWIFT)  # no temp-URL key yet: one is set, then read back
    rsps.post(SWIFT, status=204)
    rsps.head(SWIFT, headers={"X-Account-Meta-Temp-Url-Key": "the-key-that-won"})
    rsps.post(V2 + "/images", json=image_info(name="disk.raw"), status=201)
    rsps.post(ITEM + "/import", status=202)
    rsps.get(ITEM, json=image_info(status="importing", os_glance_import_task="t1"))
    rsps.get(ITEM, json=active())
    image = swift_client.import_from_container("disk.raw", "c", img_format="raw")
    assert image.status == "active"
    body = [json.loads(c.request.body) for c in rsps.calls if c.request.url.endswith("/import")][0]
    uri = body["method"]["uri"]
    assert body["method"]["name"] == "web-download" and uri.startswith(SWIFT + "/c/disk.raw?")
    key = [c.request for c in rsps.calls if c.request.method == "POST" and c.request.url == SWIFT][0]
    assert len(key.headers["X-Account-Meta-Temp-Url-Key"]) == 64
    expires = int(parse_qs(urlsplit(uri).query)["temp_url_expires"][0])
    signed = temp_url_signature("the-key-that-won", "GET", expires, "/v1/AUTH_%s/c/disk.raw" % PROJECT)
    assert parse_qs(urlsplit(uri).query)["temp_url_sig"] == [signed]
    create = [json.loads(c.request.body) for c in rsps.calls if c.request.url == V2 + "/images"][0]
    assert create["disk_format"] == "raw" and create["name"] == "disk.raw"


def test_failed_web_download_import_deletes_the_image(swift_client, rsps):
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA)
    rsps.head(SWIFT, headers={"X-Account-Meta-Temp-Url-Key": "k"})
    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.post(ITEM + "/import", status=202)
    rsps.get(ITEM, json=image_info(status="queued"))
    old = {"id": "old", "status": "failure", "message": "older failure", "created_at": "2026-01-01T00:00:00Z"}
    new = {
        "id": "new",
        "status": "failure",
        "message": "HTTP 401 from the URL",
        "created_at": "2026-01-02T00:00:00Z",
    }
    rsps.get(ITEM + "/tasks", json={"tasks": [old, new]})
    rsps.delete(ITEM, status=204)
    with pytest.raises(
        exc.ImageStatusError, match="import ended with the image queued: HTTP 401 from the URL$"
    ):
        swift_client.import_from_container("disk.raw", "c")
    assert rsps.calls[-1].request.method == "DELETE"


def test_import_whose_checksum_differs_from_the_etag_is_deleted(swift_client, rsps):
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA)
    rsps.head(SWIFT, headers={"X-Account-Meta-Temp-Url-Key": "k"})
    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.post(ITEM + "/import", status=202)
    rsps.get(ITEM, json=active(checksum="0" * 32))
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ChecksumMismatch):
        swift_client.import_from_container("disk.raw", "c")


def test_import_from_container_by_legacy_task(swift_client, rsps):
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA)
    rsps.head(SWIFT, headers={"X-Account-Meta-Temp-Url-Key": "k"})
    rsps.post(V2 + "/tasks", status=201, json={"id": "t1", "status": "pending"})
    rsps.get(V2 + "/tasks/t1", json={"id": "t1", "status": "success", "result": {"image_id": IMAGE_ID}})
    rsps.get(ITEM, json=active())
    image = swift_client.import_from_container(
        "disk.raw", "c", img_format="qcow2", img_name="Mine", method="task"
    )
    assert image.id == IMAGE_ID
    body = sent_json(rsps, 3)
    assert body["type"] == "import"
    assert body["input"]["import_from"].startswith(SWIFT + "/c/disk.raw?temp_url_sig=")
    assert body["input"]["import_from_format"] == "qcow2"
    assert body["input"]["image_properties"] == {
        "name": "Mine",
        "disk_format": "qcow2",
        "container_format": "bare",
        "owner": PROJECT,
    }


def test_import_from_container_refuses_an_unknown_method(swift_client, rsps):
    with pytest.raises(exc.InvalidArgument):
        swift_client.import_from_container("o", "c", method="ftp")
    assert_no_request(rsps)


# -- Glance -> Swift --------------------------------------------------------------------------------------
def test_export_to_container_streams_and_verifies(swift_client, rsps):
    head_container(rsps)
    rsps.get(ITEM, json=active(disk_format="raw"))
    rsps.get(ITEM + "/file", body=DATA)
    store = StoringSwift()
    name = "%s.raw" % IMAGE_ID
    rsps.add_callback(responses.PUT, SWIFT + "/c/" + name, callback=store)
    head_object(rsps, name, DATA)
    obj = swift_client.export_to_container(IMAGE_ID, "c", chunk_size=1000)
    assert obj.name == name and store.objects["/v1/AUTH_proj/c/" + name] == DATA
    put = [c.request for c in rsps.calls if c.request.method == "PUT"][0]
    assert put.headers["Content-Length"] == str(len(DATA))


def test_export_of_a_corrupt_download_never_completes_the_object(swift_client, rsps):
    head_container(rsps)
    rsps.get(ITEM, json=active())
    rsps.get(ITEM + "/file", body=bytes([DATA[0] ^ 1]) + DATA[1:])
    received: List[int] = []

    def swift_put(request: Any) -> Any:
        for chunk in request.body:
            received.append(len(chunk))
        return 201, {}, b""

    rsps.add_callback(responses.PUT, SWIFT + "/c/o", callback=swift_put)
    # Whether the exporter looks for a partial object after the refused PUT
    # depends on which thread notices the mismatch first: allowed, not required.
    rsps.head(SWIFT + "/c/o", status=404)
    rsps.assert_all_requests_are_fired = False
    with pytest.raises(exc.ChecksumMismatch):
        swift_client.export_to_container(IMAGE_ID, "c", obj_name="o", chunk_size=1000)
    assert sum(received) < len(DATA)


def test_export_into_a_missing_container_downloads_nothing(swift_client, rsps):
    rsps.head(SWIFT + "/nope", status=404)
    with pytest.raises(exc.NoSuchContainer):
        swift_client.export_to_container(IMAGE_ID, "nope")
    assert len(rsps.calls) == 1


# -- container checks of the Rackspace tasks --------------------------------------------------------------
def test_tasks_check_the_container_in_the_clients_own_object_storage(swift_client, rsps):
    rsps.head(SWIFT + "/exports", status=404)
    with pytest.raises(exc.NoSuchContainer):
        swift_client.export_task(IMAGE_ID, "exports")
    head_container(rsps, "exports")
    rsps.post(
        V2 + "/tasks",
        status=201,
        json={"id": "t1", "status": "pending"},
        match=[
            matchers.json_params_matcher(
                {"type": "export", "input": {"image_uuid": IMAGE_ID, "receiving_swift_container": "exports"}}
            )
        ],
    )
    swift_client.export_task(IMAGE_ID, "exports")


def test_a_client_without_object_storage_does_not_skip_the_check(client, rsps):
    with pytest.raises(exc.NoEndpointForService, match="check_containers"):
        client.import_task("disk.vhd", "images")
    assert_no_request(rsps)
    client.check_containers = False
    rsps.post(V2 + "/tasks", status=201, json={"id": "t1", "status": "pending"})
    client.import_task("disk.vhd", "images")


def test_temp_url_signatures_never_reach_the_debug_log(swift_client, rsps, caplog):
    import logging

    caplog.set_level(logging.DEBUG, logger="pyrax_image.http")
    head_container(rsps)
    head_object(rsps, "disk.raw", DATA)
    rsps.head(SWIFT, headers={"X-Account-Meta-Temp-Url-Key": "k"})
    rsps.post(V2 + "/tasks", status=201, json={"id": "t1", "status": "pending"})
    task = swift_client.import_from_container("disk.raw", "c", method="task", wait=False)
    assert task.id == "t1"
    url = sent_json(rsps)["input"]["import_from"]
    signature = parse_qs(urlsplit(url).query)["temp_url_sig"][0]
    assert caplog.text and signature not in caplog.text and "k" != signature
