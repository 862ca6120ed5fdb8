"""Files written whole and inside the caller's folder (issue 16 item 5):
``transfer/files.py`` for image and object downloads."""

from __future__ import annotations

import os
import stat

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.transfer.files import check_file_path, confined_path, make_folders_for, replacing


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_replaced_private_file_stays_private(tmp_path):
    path = tmp_path / "secret.img"
    path.write_bytes(b"old")
    os.chmod(path, 0o600)
    with replacing(str(path)) as out:
        assert mode_of(out.name) == 0o600  # private before any byte is written
        out.write(b"new")
    assert path.read_bytes() == b"new" and mode_of(path) == 0o600


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o444])
def test_a_replaced_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "f"
    path.write_bytes(b"old")
    os.chmod(path, mode)
    with replacing(str(path), read_back=True) as out:
        out.write(b"abc")
        out.seek(0)
        assert out.read() == b"abc"
    assert mode_of(path) == mode and path.read_bytes() == b"abc"


def test_a_new_file_gets_what_open_gives(tmp_path):
    old = os.umask(0o027)
    try:
        with open(tmp_path / "by-open", "wb"):
            pass
        with replacing(str(tmp_path / "new")) as out:
            out.write(b"x")
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "new") == mode_of(tmp_path / "by-open") == 0o640


def test_a_failed_block_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with replacing(str(path)) as out:
            out.write(b"partial")
            raise RuntimeError("cut")
    assert os.listdir(tmp_path) == ["f"] and path.read_bytes() == b"old"


def test_a_file_path_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(exc.FolderNotFound):
        check_file_path(str(tmp_path / "nonexistent-dir" / "x"))
    with pytest.raises(exc.InvalidArgument):
        check_file_path(str(tmp_path))
    check_file_path(str(tmp_path / "x"))


@pytest.mark.parametrize(
    "name", ["../escaped.bin", "a/../../b", "/etc/passwd", "a//b", ".", "..", "a/.", "", "dir/"]
)
def test_names_that_leave_the_folder_are_refused(tmp_path, name):
    with pytest.raises(exc.InvalidArgument):
        confined_path(str(tmp_path), name)


def test_names_inside_the_folder_are_joined(tmp_path):
    assert confined_path(str(tmp_path), "a/b c/d..e") == os.path.join(str(tmp_path), "a", "b c", "d..e")
    assert confined_path(tmp_path, "...") == os.path.join(str(tmp_path), "...")


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(exc.FolderNotFound):
        confined_path(str(tmp_path / "none"), "x")
    with pytest.raises(exc.InvalidArgument):
        confined_path(42, "x")  # type: ignore[arg-type]


def test_planted_symlinks_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "sub").symlink_to(outside)
    with pytest.raises(exc.InvalidArgument, match="symlink"):
        make_folders_for(str(folder), confined_path(str(folder), "sub/evil.bin"))
    (folder / "a").mkdir()
    (folder / "a" / "b").symlink_to(outside)
    with pytest.raises(exc.InvalidArgument, match="symlink"):
        make_folders_for(str(folder), confined_path(str(folder), "a/b/c/evil.bin"))
    (folder / "target").symlink_to(outside / "victim")
    with pytest.raises(exc.InvalidArgument, match="symlink"):
        make_folders_for(str(folder), confined_path(str(folder), "target"))
    assert os.listdir(outside) == []


def test_missing_folders_are_created(tmp_path):
    path = confined_path(str(tmp_path), "x/y/z.bin")
    make_folders_for(str(tmp_path), path)
    assert (tmp_path / "x" / "y").is_dir() and not os.path.exists(path)
