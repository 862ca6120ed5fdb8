"""Images from and to object storage on the real Glance + Swift (Keystone):
Swift -> Glance through the client, server-side import by temporary URL
(web-download and the legacy task), export verified by ETag, and the
container checks of pyrax's Rackspace tasks."""

from __future__ import annotations

import hashlib
import os
from typing import Any, List

import pytest

from pyrax_image import exceptions as exc

MIB = 1024 * 1024
DATA = os.urandom(3 * MIB + 777)  # larger than the 1 MiB chunk size


def assert_holds(image: Any, data: bytes) -> None:
    assert image.status == "active" and image.size == len(data)
    assert image.checksum == hashlib.md5(data).hexdigest()
    assert image.os_hash_value == hashlib.sha512(data).hexdigest()


@pytest.fixture
def source(ks_alpha, container):
    """An object holding DATA in the scratch container."""
    return ks_alpha.object_storage.store_object(container, "disk.raw", DATA)


def test_create_from_container_streams_swift_to_glance(ks_alpha, ks_cleanup, container, source, unique):
    progress: List[Any] = []
    image = ks_alpha.create(
        unique,
        img_format="raw",
        container=container,
        obj="disk.raw",
        progress=lambda d, t: progress.append((d, t)),
    )
    ks_cleanup.append(image)
    assert_holds(image, DATA)
    assert image.checksum == source.etag
    assert progress[-1] == (len(DATA), len(DATA)) and len(progress) == 4


def test_create_from_a_storage_object_of_a_large_object(ks_alpha, ks_cleanup, container, unique):
    big = ks_alpha.object_storage.store_object(container, "big.raw", DATA, segment_threshold=MIB)
    assert big.is_static_large_object
    image = ks_alpha.create(unique, img_format="raw", obj=big)
    ks_cleanup.append(image)
    assert_holds(image, DATA)


def test_create_from_a_missing_object_creates_no_image(ks_alpha, container, unique):
    with pytest.raises(exc.NoSuchObject):
        ks_alpha.create(unique, img_format="raw", container=container, obj="absent.raw")
    with pytest.raises(exc.NoSuchContainer):
        ks_alpha.create(unique, img_format="raw", container="it-absent-container", obj="x")
    assert ks_alpha.list_all(name=unique) == []


def test_import_from_container_by_web_download(ks_alpha, ks_cleanup, container, source, unique):
    image = ks_alpha.import_from_container(
        "disk.raw", container, img_format="raw", img_name=unique, interval=0.5
    )
    ks_cleanup.append(image)
    assert_holds(image, DATA)
    assert image.name == unique


def test_failed_web_download_raises_and_leaves_no_image(ks_alpha, container, source, unique, monkeypatch):
    from pyrax_image.image import object_transfer

    found = object_transfer.storage_object

    def vanishing(storage: Any, cont: Any, obj: Any) -> Any:
        """The object is gone by the time Glance fetches its temporary URL."""
        stored = found(storage, cont, obj)
        storage.delete_object(cont, obj)
        return stored

    monkeypatch.setattr(object_transfer, "storage_object", vanishing)
    with pytest.raises(exc.ImageStatusError, match="import failed"):
        ks_alpha.import_from_container("disk.raw", container, img_format="raw", img_name=unique, interval=0.5)
    assert ks_alpha.list_all(name=unique) == []


def test_import_from_container_by_legacy_task(ks_alpha, ks_cleanup, container, source, unique):
    image = ks_alpha.import_from_container(
        "disk.raw", container, img_format="raw", img_name=unique, method="task", interval=0.5
    )
    ks_cleanup.append(image)
    assert_holds(image, DATA)
    assert image.owner == ks_alpha.projectid


def test_export_to_container_verified_by_etag(ks_alpha, ks_cleanup, container, unique):
    image = ks_alpha.create(unique, img_format="raw", data=DATA)
    ks_cleanup.append(image)
    progress: List[Any] = []
    obj = ks_alpha.export_to_container(image, container, progress=lambda d, t: progress.append(d))
    assert obj.name == "%s.raw" % image.id
    assert obj.etag == image.checksum and obj.total_bytes == len(DATA)
    assert progress[-1] == len(DATA)
    assert hashlib.sha512(obj.fetch()).hexdigest() == image.os_hash_value


def test_export_past_the_threshold_becomes_a_large_object(ks_alpha, ks_cleanup, container, unique):
    image = ks_alpha.create(unique, img_format="raw", data=DATA)
    ks_cleanup.append(image)
    obj = ks_alpha.export_to_container(image, container, obj_name="exported", segment_threshold=MIB)
    assert obj.is_static_large_object and obj.total_bytes == len(DATA)
    assert hashlib.md5(obj.fetch()).hexdigest() == image.checksum


def test_rackspace_tasks_check_the_container_first(ks_alpha, container):
    with pytest.raises(exc.NoSuchContainer):
        ks_alpha.export_task("00000000-0000-0000-0000-000000000000", "it-absent-container")
    with pytest.raises(exc.NoSuchContainer):
        ks_alpha.import_task("disk.vhd", "it-absent-container")
    assert [t for t in ks_alpha.list_tasks() if "it-absent-container" in str(t.to_dict().get("input"))] == []
