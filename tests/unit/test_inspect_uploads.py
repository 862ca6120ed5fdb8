"""Uploads inspect their data first (the ``inspect`` extra): a path or a
seekable file Glance would refuse raises before any request (the strict
``rsps`` fixture fails on any request not registered), the detected disk
format is declared when none is given, pyrax's ``vhd`` stays for data that
cannot be inspected, and ``inspect=False`` sends as before. The same cases
on the real Glance 33 are in tests/integration/test_inspect.py."""

from __future__ import annotations

import io
import logging
import os
import sys
import threading

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image import inspector
from pyrax_image.image.resources import Image
from pyrax_image.inspector import inspect_upload
from tests.unit.helpers import (
    FILE,
    IMAGES,
    ITEM,
    CountingFile,
    active_info,
    assert_no_request,
    image_info,
    needs_oslo,
    qcow2_header,
    reading_callback,
    sent_json,
)

GiB = 1024**3
QCOW2 = qcow2_header(GiB)
BACKED = qcow2_header(GiB, backing_offset=512)
EXTERNAL_DATA = qcow2_header(GiB, incompatible=1 << 2)
RAW = b"\0" * 4096


@pytest.fixture
def path(tmp_path):
    def write(data: bytes) -> str:
        target = tmp_path / "disk.img"
        target.write_bytes(data)
        return str(target)

    return write


def accept_upload(rsps, data: bytes, **created) -> list:
    """Glance creating the image, taking ``data`` and showing it active."""
    received: list = []
    rsps.post(IMAGES, json=image_info(**created), status=201)
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback(received))
    rsps.get(ITEM, json=active_info(data, **created))
    return received


@needs_oslo
@pytest.mark.parametrize(
    "data, declared, error, named",
    [
        (RAW, "qcow2", exc.DiskFormatMismatch, "declared qcow2 but its data is raw"),
        (QCOW2, "vmdk", exc.DiskFormatMismatch, "declared vmdk but its data is qcow2"),
        (BACKED, "qcow2", exc.UnsafeImage, "backing_file: Image has a backing file"),
        (BACKED, "raw", exc.UnsafeImage, "backing_file: Image has a backing file"),
        (EXTERNAL_DATA, "qcow2", exc.UnsafeImage, "data_file: Image has data_file set"),
    ],
)
def test_create_refuses_before_any_request(client, rsps, path, data, declared, error, named):
    with pytest.raises(error) as raised:
        client.create("n", img_format=declared, data=path(data))
    assert "Image disk.img" in str(raised.value) and named in str(raised.value)
    assert raised.value.disk_format == declared
    assert_no_request(rsps)


@needs_oslo
def test_the_format_named_in_metadata_is_checked_too(client, rsps, path):
    with pytest.raises(exc.DiskFormatMismatch):
        client.create("n", data=path(QCOW2), metadata={"disk_format": "vhd"})
    assert_no_request(rsps)


@needs_oslo
def test_glance_inspects_only_bare_images(client, rsps, path):
    received = accept_upload(rsps, RAW, disk_format="qcow2", container_format="ovf")
    client.create("n", img_format="qcow2", img_container_format="ovf", data=path(RAW))
    assert received == [RAW]


@needs_oslo
@pytest.mark.parametrize("data, detected", [(QCOW2, "qcow2"), (RAW, "raw")])
def test_create_declares_the_detected_format(client, rsps, path, data, detected):
    received = accept_upload(rsps, data, disk_format=detected)
    image = client.create("n", data=path(data))
    assert sent_json(rsps, 0)["disk_format"] == detected
    assert received == [data] and image.disk_format == detected


@needs_oslo
def test_create_from_a_seekable_file_is_inspected_from_its_position(client, rsps):
    handle = io.BytesIO(b"pad" + QCOW2)
    handle.seek(3)
    received = accept_upload(rsps, QCOW2, disk_format="qcow2")
    client.create("n", data=handle)
    assert sent_json(rsps, 0)["disk_format"] == "qcow2"
    assert received == [QCOW2]  # the upload started where the caller left the file


@pytest.mark.parametrize("data", [RAW, iter([RAW])], ids=["bytes", "iterator"])
def test_data_that_cannot_be_inspected_keeps_pyrax_vhd_default(client, rsps, data):
    accept_upload(rsps, RAW)
    client.create("n", data=data)
    assert sent_json(rsps, 0)["disk_format"] == "vhd"


@needs_oslo
def test_a_pipe_is_not_inspected(tmp_path):
    fifo = str(tmp_path / "fifo")
    os.mkfifo(fifo)
    found = []
    worker = threading.Thread(target=lambda: found.append(inspect_upload(fifo)), daemon=True)
    worker.start()
    worker.join(5)  # opening the FIFO to read would wait for a writer
    assert found == [None]
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb"):
        assert inspect_upload(reader) is None


@needs_oslo
def test_inspect_false_sends_as_before(client, rsps, path):
    received = accept_upload(rsps, RAW, disk_format="qcow2")
    client.create("n", img_format="qcow2", data=path(RAW), inspect=False)
    assert sent_json(rsps, 0)["disk_format"] == "qcow2"
    assert received == [RAW]


def test_inspect_must_be_a_flag(client, rsps, path):
    with pytest.raises(exc.InvalidArgument):
        client.create("n", data=path(RAW), inspect="no")
    with pytest.raises(exc.InvalidArgument):
        client.upload("id", path(RAW), inspect=None)
    assert_no_request(rsps)


@needs_oslo
def test_upload_and_stage_check_the_images_formats_before_sending(client, rsps, path):
    image = Image(client._manager, image_info(disk_format="qcow2"), loaded=True)
    with pytest.raises(exc.DiskFormatMismatch):
        client.upload(image, path(RAW))
    with pytest.raises(exc.UnsafeImage):
        client.stage(image, path(BACKED))
    assert_no_request(rsps)
    rsps.get(ITEM, json=image_info(disk_format="qcow2"))  # an id: the formats are read first
    with pytest.raises(exc.DiskFormatMismatch):
        client.upload(image.id, path(RAW))
    assert [call.request.method for call in rsps.calls] == ["GET"]


@needs_oslo
def test_upload_of_matching_bytes_is_sent(client, rsps, path):
    image = Image(client._manager, image_info(disk_format="qcow2"), loaded=True)
    received: list = []
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback(received))
    rsps.get(ITEM, json=active_info(QCOW2, disk_format="qcow2"))
    client.upload(image, path(QCOW2))
    assert received == [QCOW2]


def test_without_the_extra_uploads_go_as_before_with_one_log_line(client, rsps, path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "oslo_utils.imageutils.format_inspector", None)
    monkeypatch.setitem(sys.modules, "oslo_utils.imageutils", None)
    caplog.set_level(logging.INFO, logger="pyrax_image.inspect")
    accept_upload(rsps, RAW)
    client.create("n", data=path(RAW))
    assert sent_json(rsps, 0)["disk_format"] == "vhd"
    assert [record.getMessage() for record in caplog.records] == [
        'Image data not inspected before upload: pip install "pyrax_image[inspect]"'
    ]


@needs_oslo
def test_a_10_gib_sparse_file_is_refused_from_its_first_megabytes(client, rsps, tmp_path):
    big = tmp_path / "big.raw"
    with open(big, "wb") as handle:
        handle.truncate(10 * GiB)
    with CountingFile(str(big), "rb") as handle:
        with pytest.raises(exc.DiskFormatMismatch, match="declared qcow2 but its data is raw"):
            client.create("n", img_format="qcow2", data=handle)
        assert 0 < handle.read_bytes <= inspector.HEAD_BYTES + inspector.TAIL_BYTES
        assert handle.tell() == 0  # put back for whoever reads it next
    assert_no_request(rsps)
