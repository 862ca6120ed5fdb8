"""Real Swift (and Glance): object downloads written like image downloads
(issue 16 item 5): inside the chosen folder, through a temporary file,
keeping a replaced file's mode, refused before any request when the folder
does not exist."""

from __future__ import annotations

import os
import stat
from typing import Any, Callable, Dict

import pytest

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient
from tests.faultproxy import FaultProxy, reset_response
from tests.integration.helpers import ALPHA, delete_quietly, noauth_client

DATA = os.urandom(300_000)


def cloud_files(cloud: Dict[str, Any], login: Dict[str, str], swift_url: str = "") -> CloudFilesClient:
    identity = TokenIdentity(login["token"], tenant_id=login["project_id"])
    return CloudFilesClient(
        identity, management_url="%s/v1/AUTH_%s" % (swift_url or cloud["swift_url"], login["project_id"])
    )


def test_a_dot_dot_object_name_is_refused_and_nothing_written_outside(ks_alpha: ImageClient, container, tmp_path):
    storage = ks_alpha.object_storage
    storage.store_object(container, "../escaped.bin", b"escape")
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(exc.InvalidArgument, match="inside"):
        storage.get_object(container, "../escaped.bin").download(str(target))
    assert os.listdir(tmp_path) == ["target"] and os.listdir(target) == []


def test_a_symlink_planted_at_the_destination_is_not_written_through(ks_alpha, container, tmp_path):
    storage = ks_alpha.object_storage
    storage.store_object(container, "disk.raw", DATA)
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "disk.raw").symlink_to(victim)
    with pytest.raises(exc.InvalidArgument, match="symlink"):
        storage.get_object(container, "disk.raw").download(str(folder))
    assert victim.read_bytes() == b"keep me"


def test_cloud_files_refuses_a_planted_intermediate_symlink(cloud, alice_login, container, tmp_path):
    cf = cloud_files(cloud, alice_login)
    cf.store_object(container, "sub/evil.bin", b"evil")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "sub").symlink_to(elsewhere)
    with pytest.raises(exc.InvalidArgument, match="symlink"):
        cf.download_object(container, "sub/evil.bin", str(folder))
    assert os.listdir(elsewhere) == []
    (folder / "sub").unlink()
    assert cf.download_object(container, "sub/evil.bin", str(folder)) == str(folder / "sub" / "evil.bin")
    assert (folder / "sub" / "evil.bin").read_bytes() == b"evil" and os.listdir(folder / "sub") == ["evil.bin"]


def test_a_replaced_private_file_keeps_its_mode(cloud, alice_login, ks_alpha, container, tmp_path):
    ks_alpha.object_storage.store_object(container, "private.raw", DATA)
    path = tmp_path / "private.raw"
    path.write_bytes(b"old")
    os.chmod(path, 0o600)
    ks_alpha.object_storage.get_object(container, "private.raw").download(str(tmp_path))
    assert path.read_bytes() == DATA and stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o640)
    cloud_files(cloud, alice_login).download_object(container, "private.raw", str(tmp_path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_missing_folder_is_refused_before_any_request(
    cloud, alice_login, container, tmp_path, proxies: Callable[..., FaultProxy]
):
    swift = proxies(cloud["swift_url"])
    cf = cloud_files(cloud, alice_login, swift.url)
    with pytest.raises(exc.FolderNotFound):
        cf.download_object(container, "anything", str(tmp_path / "nonexistent-dir"))
    assert swift.count("HEAD") + swift.count("GET") == 0


def test_a_cut_transfer_raises_a_library_error_and_leaves_no_file(
    cloud, alice_login, ks_alpha, container, tmp_path, proxies: Callable[..., FaultProxy]
):
    ks_alpha.object_storage.store_object(container, "cut.raw", DATA)
    swift = proxies(cloud["swift_url"])
    swift.add(reset_response(100_000), method="GET", path=r"/cut\.raw$", times=1)
    swift.add(reset_response(0), method="GET", path=r"/cut\.raw$", times=None)  # every resume: nothing
    cf = cloud_files(cloud, alice_login, swift.url)
    with pytest.raises(exc.ConnectionFailed):
        cf.download_object(container, "cut.raw", str(tmp_path))
    assert swift.count("GET", r"/cut\.raw$") >= 2  # resumed, cut again, given up
    assert os.listdir(tmp_path) == []
    path = tmp_path / "cut.raw"
    path.write_bytes(b"the old whole file")
    storage_object = ks_alpha.object_storage.get_object(container, "cut.raw")
    storage_object.client = cf  # type: ignore[assignment]  # read through the cutting proxy
    with pytest.raises(exc.ConnectionFailed):
        storage_object.download(str(tmp_path))
    assert os.listdir(tmp_path) == ["cut.raw"] and path.read_bytes() == b"the old whole file"


def test_an_image_download_into_a_missing_folder_sends_nothing(
    glance_url: str, alpha: ImageClient, unique: str, tmp_path, proxies: Callable[..., FaultProxy]
):
    image = alpha.create(unique, img_format="raw", data=b"x" * 1000)
    try:
        glance = proxies(glance_url)
        via = noauth_client(glance.url, ALPHA)
        with pytest.raises(exc.FolderNotFound):
            via.download(image.id, str(tmp_path / "nonexistent-dir" / "x"))
        assert glance.count("GET") == 0
        path = tmp_path / "private.raw"
        path.write_bytes(b"old")
        os.chmod(path, 0o600)
        via.download(image.id, str(path))
        assert path.read_bytes() == b"x" * 1000 and stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        delete_quietly(alpha, image)
