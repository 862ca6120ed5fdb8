"""Uploads of a local file through object storage on the real Keystone, Swift
and Glance: parallel segment PUTs, a static large object, Glance's
web-download of its temporary URL (or the legacy import task), the image
verified against the digests read from the file, and nothing left behind
(no image, no segment) whichever step fails."""

from __future__ import annotations

import hashlib
import os
import subprocess
from typing import Any, List

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.image import container_upload
from tests.integration.cli_fixtures import BIN, cli_json, delete_images, os_env, run_cli
from tests.unit.helpers import qcow2_header

MIB = 1024 * 1024
DATA = os.urandom(3 * MIB + 777)  # four 1 MiB segments, the last one short


def assert_holds(image: Any, data: bytes) -> None:
    assert image.status == "active" and image.size == len(data)
    assert image.checksum == hashlib.md5(data).hexdigest()
    assert image.os_hash_value == hashlib.sha512(data).hexdigest()


@pytest.fixture
def local_file(tmp_path) -> str:
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    return str(path)


def objects(client: Any, container: str) -> List[str]:
    return [obj.name for obj in client.object_storage.list_container_objects(container)]


def test_create_via_container_by_web_download(ks_alpha, ks_cleanup, container, local_file, unique):
    progress: List[Any] = []
    image = ks_alpha.create(
        unique,
        img_format="raw",
        data=local_file,
        via_container=container,
        segment_size=MIB,
        connections=3,
        progress=lambda done, total: progress.append((done, total)),
    )
    ks_cleanup.append(image)
    assert_holds(image, DATA)
    assert image.name == unique
    assert progress[-1][1] == len(DATA) and max(done for done, _ in progress) == len(DATA)
    assert objects(ks_alpha, container) == []  # manifest and segments deleted


def test_create_via_container_by_the_import_task(ks_alpha, ks_cleanup, container, local_file, unique):
    image = ks_alpha.create(
        unique,
        img_format="raw",
        data=local_file,
        metadata={"purpose": "via-task"},
        via_container=container,
        segment_size=MIB,
        import_method="task",
    )
    ks_cleanup.append(image)
    assert_holds(image, DATA)
    assert image.name == unique and image.purpose == "via-task"
    assert objects(ks_alpha, container) == []


def test_create_via_a_new_container_of_an_open_file(ks_alpha, ks_cleanup, local_file, unique):
    """The container is created when missing (and kept); the file is read from its position."""
    name = "it-via-" + unique[-8:]
    try:
        with open(local_file, "rb") as handle:
            handle.seek(777)
            image = ks_alpha.create(
                unique, img_format="raw", data=handle, via_container=name, segment_size=MIB
            )
        ks_cleanup.append(image)
        assert_holds(image, DATA[777:])
        assert objects(ks_alpha, name) == []
    finally:
        ks_alpha.object_storage.delete_container(name, del_objects=True)


def test_upload_via_container_into_a_queued_image(ks_alpha, ks_cleanup, container, local_file, unique):
    image = ks_alpha.create(unique, img_format="raw")
    ks_cleanup.append(image)
    returned = ks_alpha.upload(image, local_file, via_container=container, segment_size=MIB)
    assert returned is image
    assert_holds(image, DATA)
    assert objects(ks_alpha, container) == []


def test_keep_segments_leaves_the_large_object(ks_alpha, ks_cleanup, container, local_file, unique):
    image = ks_alpha.create(
        unique,
        img_format="raw",
        data=local_file,
        via_container=container,
        segment_size=MIB,
        keep_segments=True,
    )
    ks_cleanup.append(image)
    (manifest,) = [name for name in objects(ks_alpha, container) if ".segments/" not in name]
    stored = ks_alpha.object_storage.get_object(container, manifest)
    assert stored.is_static_large_object and stored.fetch() == DATA
    assert len(objects(ks_alpha, container)) == 1 + 4


def test_a_failed_import_leaves_no_image_and_no_segment(ks_alpha, container, local_file, unique, monkeypatch):
    signed = container_upload.temp_url_of

    def missing(storage: Any, cont: str, name: str, seconds: int) -> str:
        """Glance is given the temporary URL of an object that is not there."""
        return signed(storage, cont, name + ".absent", seconds)

    monkeypatch.setattr(container_upload, "temp_url_of", missing)
    with pytest.raises(exc.ImageStatusError):
        ks_alpha.create(unique, img_format="raw", data=local_file, via_container=container, segment_size=MIB)
    assert ks_alpha.list_all(name=unique) == []
    assert objects(ks_alpha, container) == []


def test_a_failed_task_import_leaves_no_image_and_no_segment(
    ks_alpha, container, local_file, unique, monkeypatch
):
    signed = container_upload.temp_url_of
    monkeypatch.setattr(
        container_upload, "temp_url_of", lambda storage, cont, name, sec: signed(storage, cont, "absent", sec)
    )
    with pytest.raises(exc.TaskFailed):
        ks_alpha.create(
            unique,
            img_format="raw",
            data=local_file,
            via_container=container,
            segment_size=MIB,
            import_method="task",
        )
    assert ks_alpha.list_all(name=unique) == []
    assert objects(ks_alpha, container) == []


def test_refused_before_any_request(ks_alpha, container, tmp_path, unique):
    """Data Glance would refuse, a one-shot source, an empty file: nothing is created."""
    backed = tmp_path / "backed.qcow2"
    backed.write_bytes(qcow2_header(MIB, backing_offset=512))
    with pytest.raises(exc.UnsafeImage):
        ks_alpha.create(unique, data=str(backed), via_container=container)
    raw = tmp_path / "disk.raw"
    raw.write_bytes(DATA)
    with pytest.raises(exc.DiskFormatMismatch):
        ks_alpha.create(unique, img_format="qcow2", data=str(raw), via_container=container)
    with pytest.raises(exc.InvalidArgument, match="seekable"):
        ks_alpha.create(unique, img_format="raw", data=iter([DATA]), via_container=container)
    empty = tmp_path / "empty.raw"
    empty.write_bytes(b"")
    with pytest.raises(exc.InvalidArgument, match="empty"):
        ks_alpha.create(unique, img_format="raw", data=str(empty), via_container=container)
    assert ks_alpha.list_all(name=unique) == []
    assert objects(ks_alpha, container) == []


def test_cli_create_and_upload_via_container(cloud, ks_alpha, container, local_file, unique, tmp_path):
    env = os_env(cloud, "alice", tmp_path)
    try:
        created = cli_json(
            ["create", unique, "--file", local_file, "--disk-format", "raw", "--via-container", container]
            + ["--segment-mib", "1", "--connections", "2"],
            env,
        )
        assert created["status"] == "active" and created["checksum"] == hashlib.md5(DATA).hexdigest()
        queued = cli_json(["create", unique + "-q", "--disk-format", "raw"], env)
        uploaded = cli_json(["upload", queued["id"], local_file, "--via-container", container], env)
        assert (
            uploaded["status"] == "active" and uploaded["os_hash_value"] == hashlib.sha512(DATA).hexdigest()
        )
        assert objects(ks_alpha, container) == []
        refused = run_cli(["create", unique + "-x", "--file", local_file, "--segment-mib", "1"], env)
        assert refused.returncode != 0 and "--segment-mib needs --via-container" in refused.stderr
        piped = subprocess.run(
            [str(BIN / "pyrax-image"), "create", unique + "-x", "--file", "-", "--via-container", container],
            input=DATA,
            env=env,
            capture_output=True,
        )
        assert piped.returncode == 2 and b"seekable" in piped.stderr
        assert ks_alpha.list_all(name=unique + "-x") == []
    finally:
        delete_images(env, unique, unique + "-q")
