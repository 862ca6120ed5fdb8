"""Files written whole, inside the folder the caller chose.

:func:`replacing` opens a new temporary file beside the path (``.name.<random>.part``,
so the rename stays on one file system) and renames it over the path only when
the ``with`` block completes; if the block raises, the temporary file is removed
and the path is left as it was. A file it replaces keeps its permissions (a
private file stays private, as with ``open(path, "wb")``); a new one gets what
``open()`` gives. Image downloads (one stream or parallel ranges) and object
downloads write through it.

:func:`check_file_path` refuses, before any request, a path whose folder does
not exist. :func:`confined_path` and :func:`make_folders_for` place a name
from a server (an object name) inside the caller's folder: no ``..``, no
absolute name, no symlink planted on the way or at the file itself.
"""

from __future__ import annotations

import os
import stat
import uuid
from contextlib import contextmanager
from typing import Any, BinaryIO, Iterator, Optional

from pyrax_image import exceptions as exc

NEW_FILE_MODE = 0o666  # what open() asks for; the umask applies
PRIVATE_MODE = 0o600


def _regular_file_mode(path: str) -> Optional[int]:
    """The permission bits of ``path`` if it is a regular file, else None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


@contextmanager
def replacing(path: str, read_back: bool = False) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` when the block ends normally
    (``read_back``: open for reading too, e.g. for positional writes and reads)."""
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, ".%s.%s.part" % (os.path.basename(path), uuid.uuid4().hex[:12]))
    kept_mode = _regular_file_mode(path)
    flags = os.O_CREAT | os.O_EXCL | (os.O_RDWR if read_back else os.O_WRONLY) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(temp, flags, NEW_FILE_MODE if kept_mode is None else PRIVATE_MODE)
        with open(descriptor, "w+b" if read_back else "wb") as handle:
            if kept_mode is not None:
                os.chmod(temp, kept_mode)
            yield handle
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def check_file_path(path: Any) -> None:
    """Refuse (``FolderNotFound``, ``InvalidArgument``) a file path whose
    folder does not exist or that names a folder, before any request."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise exc.InvalidArgument("%s is a directory; give the path of the file to write" % path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise exc.FolderNotFound("The folder %s does not exist" % folder)


def check_folder(folder: Any) -> str:
    """``folder`` as a string, refused unless it is an existing folder."""
    if not isinstance(folder, (str, os.PathLike)):
        raise exc.InvalidArgument("directory must be a path, not %s" % type(folder).__name__)
    folder = os.fspath(folder)
    if not isinstance(folder, str):
        raise exc.InvalidArgument("directory must be a text path, not bytes")
    if not os.path.isdir(folder):
        raise exc.FolderNotFound("The directory '%s' does not exist" % folder)
    return folder


def confined_path(folder: Any, name: str) -> str:
    """The path of ``name`` ('/'-separated, as an object name) inside
    ``folder``; a name that would leave it (``..``, ``.``, an empty segment,
    an absolute name, a backslash or drive on Windows) is refused."""
    folder = check_folder(folder)
    parts = name.split("/")
    if any(part in ("", ".", "..") or os.sep in part or os.path.splitdrive(part)[0] for part in parts):
        raise exc.InvalidArgument("The name %r would not stay inside %s" % (name, folder))
    return os.path.join(folder, *parts)


def make_folders_for(folder: str, path: str) -> None:
    """Create the folders between ``folder`` and the file ``path`` (from
    :func:`confined_path`), refusing any that exists as a symlink or a non-folder,
    and a ``path`` that is a symlink or a folder."""
    relative = os.path.relpath(path, folder).split(os.sep)
    current = folder
    for part in relative[:-1]:
        current = os.path.join(current, part)
        try:
            os.mkdir(current)
        except FileExistsError:
            pass
        if not stat.S_ISDIR(os.lstat(current).st_mode):
            raise exc.InvalidArgument(
                "%s is not a folder (a symlink?): refusing to write through it" % current
            )
    try:
        kind = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(kind):
        raise exc.InvalidArgument("%s exists and is not a regular file (a symlink?): not replaced" % path)
