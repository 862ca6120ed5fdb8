"""Image data against the real Glance: streamed, verified uploads and downloads,
resumed downloads, corruption and failures injected by a proxy, waiters,
and interoperable import (stage + glance-direct, copy-image, info)."""

from __future__ import annotations

import gc
import hashlib
import io
import os
import threading
from typing import Any, Iterator, List

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.image.download import ImageDownload
from tests.integration.helpers import ADMIN, ALPHA, noauth_client

MIB = 1024 * 1024
DATA = os.urandom(3 * MIB + 12345)  # more than three default chunks, not a multiple


def hashes(data: bytes) -> dict:
    return {"md5": hashlib.md5(data).hexdigest(), "sha512": hashlib.sha512(data).hexdigest()}


def assert_image_holds(image: Any, data: bytes) -> None:
    assert image.status == "active"
    assert image.size == len(data)
    assert image.checksum == hashlib.md5(data).hexdigest()
    assert (image.os_hash_algo, image.os_hash_value) == ("sha512", hashlib.sha512(data).hexdigest())


@pytest.fixture(scope="module")
def stored(cloud: Any) -> Iterator[Any]:
    """One active image holding DATA, shared by the download tests."""
    client = noauth_client(cloud["glance_noauth_url"], ALPHA)
    image = client.create("it-data-shared", img_format="raw", data=DATA)
    yield image
    client.delete(image)


# -- upload ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["bytes", "file", "path", "iterator"])
def test_create_uploads_every_kind_of_source_verified(alpha, cleanup, unique, tmp_path, kind):
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    sources = {
        "bytes": lambda: DATA,
        "file": lambda: open(path, "rb"),
        "path": lambda: str(path),
        "iterator": lambda: (DATA[i : i + 700_000] for i in range(0, len(DATA), 700_000)),
    }
    progress: List[Any] = []
    image = alpha.create(
        unique, img_format="raw", data=sources[kind](), progress=lambda d, t: progress.append((d, t))
    )
    cleanup.append(image)
    assert_image_holds(image, DATA)
    total = None if kind == "iterator" else len(DATA)
    assert progress[-1] == (len(DATA), total)


def test_upload_with_a_small_chunk_size_and_given_size(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    seen: List[int] = []
    chunks = iter([DATA[: MIB // 2], DATA[MIB // 2 :]])
    alpha.upload(image, chunks, size=len(DATA), chunk_size=256 * 1024, progress=lambda d, t: seen.append(t))
    assert_image_holds(image, DATA)
    assert set(seen) == {len(DATA)}


def test_upload_failing_midway_leaves_no_image(alpha, unique):
    def breaking() -> Iterator[bytes]:
        yield DATA[:MIB]
        yield DATA[MIB : 2 * MIB]
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        alpha.create(unique, img_format="raw", data=breaking())
    assert alpha.list_all(name=unique) == []


def test_upload_cut_by_the_network_leaves_no_image(glance_url, fault_proxy, alpha, unique, tmp_path):
    proxy = fault_proxy(glance_url)
    proxy.cut_upload_after = MIB + 100
    through = noauth_client(proxy.url, ALPHA, retries=1)
    through.transport.sleep = lambda seconds: None
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    with pytest.raises(exc.ConnectionFailed):
        through.create(unique, img_format="raw", data=str(path))
    puts = [entry for entry in proxy.log if entry["method"] == "PUT"]
    assert len(puts) == 2 and all(entry["status"] == "cut" for entry in puts)  # a file is rewound and resent
    assert alpha.list_all(name=unique) == []


def test_upload_into_an_active_image_is_refused_and_the_image_kept(alpha, stored):
    with pytest.raises(exc.Conflict):
        alpha.upload(stored.id, b"more")
    assert alpha.get(stored.id).checksum == hashlib.md5(DATA).hexdigest()


# -- download ------------------------------------------------------------------------------------
def test_download_to_a_path_is_verified(alpha, stored, tmp_path):
    dest = tmp_path / "out.raw"
    progress: List[Any] = []
    result = alpha.download(stored, str(dest), progress=lambda d, t: progress.append((d, t)))
    assert dest.read_bytes() == DATA and os.listdir(tmp_path) == ["out.raw"]
    assert result.verified_with == "sha512" and result.resumes == 0
    assert progress[-1] == (len(DATA), len(DATA))


def test_download_to_a_file_object_and_as_an_iterator(alpha, stored):
    handle = io.BytesIO()
    alpha.download(stored.id, handle, chunk_size=300_000)
    assert handle.getvalue() == DATA
    download = alpha.download(stored.id)
    assert isinstance(download, ImageDownload)
    chunks = list(download)
    assert b"".join(chunks) == DATA and max(map(len, chunks)) <= 1024 * 1024
    assert download.hexdigests() == {"sha512": hashlib.sha512(DATA).hexdigest()}  # multihash only


def test_corrupted_download_is_detected_and_leaves_no_file(glance_url, fault_proxy, stored, tmp_path):
    proxy = fault_proxy(glance_url)
    proxy.corrupt_at = 2 * MIB + 77
    through = noauth_client(proxy.url, ALPHA)
    dest = tmp_path / "out.raw"
    with pytest.raises(exc.ChecksumMismatch) as caught:
        through.download(stored.id, dest)
    assert caught.value.algorithm == "sha512" and caught.value.image_id == stored.id
    assert os.listdir(tmp_path) == []
    received: List[bytes] = []
    with pytest.raises(exc.ChecksumMismatch):
        for chunk in through.download(stored.id):
            received.append(chunk)
    assert sum(map(len, received)) < len(DATA)


def test_dropped_download_resumes_with_range_and_is_verified(glance_url, fault_proxy, stored, tmp_path):
    proxy = fault_proxy(glance_url)
    proxy.drop_after = MIB + 4321
    through = noauth_client(proxy.url, ALPHA)
    dest = tmp_path / "out.raw"
    result = through.download(stored.id, dest)
    assert dest.read_bytes() == DATA
    assert result.resumes == 1 and result.verified_with == "sha512"
    files = [entry for entry in proxy.log if entry["path"].endswith("/file")]
    assert [entry.get("dropped_at") for entry in files] == [MIB + 4321, None]
    assert files[1]["range"] and files[1]["range"].startswith("bytes=") and files[1]["status"] == 206


def test_repeated_drops_resume_each_time_then_give_up(glance_url, fault_proxy, stored):
    proxy = fault_proxy(glance_url)
    proxy.drop_after, proxy.drops = 700_000, 3
    through = noauth_client(proxy.url, ALPHA)
    download = through.download(stored.id)
    assert b"".join(download) == DATA and download.resumes == 3
    proxy.drops = 5
    with pytest.raises(exc.ConnectionFailed, match="giving up"):
        b"".join(through.download(stored.id, max_resumes=2))


def test_abandoned_downloads_release_their_threads_and_connections_without_the_collector(cloud, stored):
    """``for chunk in images.download(img): break``, 40 times, with the garbage
    collector off: no hashing thread is left and no connection stays checked
    out (issue 16: a reference cycle kept both until ``gc.collect()``)."""
    client = noauth_client(cloud["glance_noauth_url"], ALPHA)
    before = {thread for thread in threading.enumerate() if thread.name == "pyrax_image-hash"}
    gc.disable()
    try:
        for _ in range(40):
            for _chunk in client.download(stored, chunk_size=64 * 1024):
                break
        hashing = [t for t in threading.enumerate() if t.name == "pyrax_image-hash" and t not in before]
        pools = [pool for adapter in client.transport.session.adapters.values()
                 for pool in adapter.poolmanager.pools._container.values()]  # fmt: skip
        checked_out = sum(pool.pool.maxsize - pool.pool.qsize() for pool in pools if pool.pool is not None)
    finally:
        gc.enable()
    assert hashing == [] and pools and checked_out == 0


def test_glance_answers_range_with_206_and_416(alpha, stored):
    from pyrax_image.transfer import RangedReader

    uri = "/images/%s/file" % stored.id
    opener = lambda headers: alpha.method_get(uri, headers=headers, stream=True)[0]  # noqa: E731
    reader = RangedReader(opener, end=1000)
    assert b"".join(reader) == DATA[:1000] and reader.size == len(DATA)
    with pytest.raises(exc.RangeNotSatisfiable):
        list(RangedReader(opener, start=len(DATA) + 10))


def test_download_of_a_queued_image_raises(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    with pytest.raises(exc.ImageStatusError, match="queued"):
        alpha.download(image)


# -- waiters ------------------------------------------------------------------------------------
def test_wait_for_status_times_out_on_a_queued_image(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    polls: List[str] = []
    with pytest.raises(exc.WaitTimeout, match="queued"):
        alpha.wait_for_status(image, timeout=0.6, interval=0.2, callback=lambda img: polls.append(img.status))
    assert len(polls) >= 3 and set(polls) == {"queued"}


def test_wait_for_status_of_deleted_and_deactivated_images(alpha, admin, unique):
    image = alpha.create(unique, img_format="raw", data=b"x" * 1000)
    alpha.deactivate(image)
    with pytest.raises(exc.ImageStatusError, match="deactivated"):
        alpha.wait_for_status(image)
    assert alpha.wait_for_status(image, ["active", "deactivated"]).status == "deactivated"
    alpha.delete(image)
    with pytest.raises(exc.ImageStatusError, match="deleted"):
        alpha.wait_for_status(image.id, interval=0.1)


def test_wait_for_task_reports_the_failure_message(admin, unique):
    properties = {"name": unique, "disk_format": "raw", "container_format": "bare", "owner": ADMIN}
    task = admin._tasks_manager._create(
        "/tasks",
        {
            "type": "import",
            "input": {
                "import_from": "http://127.0.0.1:9/nothing-here.raw",
                "import_from_format": "raw",
                "image_properties": properties,
            },
        },
    )
    try:
        with pytest.raises(exc.TaskFailed) as caught:
            admin.wait_for_task(task, timeout=120, interval=0.5)
        assert caught.value.message and caught.value.status == "failure"
        assert caught.value.task_id == task.id
    finally:
        for image in admin.list_all(name=unique):
            admin.delete(image)


# -- interoperable import ------------------------------------------------------------------------
def test_import_and_stores_info(alpha):
    methods = alpha.get_import_info()["import-methods"]["value"]
    assert {"glance-direct", "web-download", "copy-image"} <= set(methods)
    stores = alpha.get_stores_info()
    assert {store["id"] for store in stores} >= {"fast", "cheap"}
    assert [store["id"] for store in stores if store.get("default")] == ["fast"]


def test_stage_then_glance_direct_import_is_verified(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    progress: List[int] = []
    staged = alpha.stage(image, DATA, progress=lambda d, t: progress.append(d))
    assert staged.status == "uploading" and progress[-1] == len(DATA)
    alpha.import_image(image, "glance-direct")
    final = alpha.wait_for_status(image, timeout=120, interval=0.5)
    assert final is image
    assert_image_holds(image, DATA)


def test_import_before_staging_is_a_conflict(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    with pytest.raises(exc.Conflict):
        alpha.import_image(image, "glance-direct")


def test_copy_image_to_another_store(admin, unique):
    image = admin.create(unique, img_format="raw", data=DATA[:MIB])
    try:
        assert image.stores == "fast"
        admin.import_image(image, "copy-image", stores=["cheap"], all_stores_must_succeed=True)
        assert admin.wait_for_import_end(image, timeout=60, interval=0.3) is image  # active all along
        assert set(image.stores.split(",")) == {"fast", "cheap"} and image.status == "active"
        assert not image.to_dict().get("os_glance_failed_import")
        assert [task["message"] for task in admin.method_get("/images/%s/tasks" % image.id)[1]["tasks"]] == [
            "Copied 1 MiB"
        ]
    finally:
        admin.delete(image)


def test_client_on_a_versioned_endpoint_moves_data_too(glance_url, cleanup, unique):
    client = noauth_client(glance_url + "/v2", ALPHA)
    image = client.create(unique, img_format="raw", data=DATA[:1000])
    cleanup.append(image)
    assert b"".join(client.download(image)) == DATA[:1000]


def test_image_client_default_chunk_is_at_least_one_mib():
    import inspect

    for method in (ImageClient.upload, ImageClient.download, ImageClient.stage):
        assert inspect.signature(method).parameters["chunk_size"].default >= MIB
