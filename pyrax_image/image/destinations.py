"""Where a download's bytes go, resolved once, before any request.

:func:`writer_for` turns ``download(img, dest)``'s ``dest`` into a writer:
a :class:`PathWriter` (a temporary file beside the path, renamed over it
only once the data is verified, removed on failure) or a
:class:`FileObjectWriter` (a binary file object, truncated back to where it
stood on failure). ``None`` stays None: the download is then an iterator.
Either writer opens a :class:`Sink` that takes the bytes in order
(``write``) and, when the destination allows it, at offsets (``at``, for
parallel ranges).
"""

from __future__ import annotations

import io
import os
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NamedTuple, Optional, Union

from pyrax_image import exceptions as exc
from pyrax_image.transfer.files import check_file_path, replacing
from pyrax_image.transfer.parallel import FileDescriptorAccess, FileObjectAccess, RandomAccess
from pyrax_image.transfer.sources import start_position


class Sink(NamedTuple):
    """An open destination: ``write(chunk)`` appends; ``at`` (None when the
    destination cannot) writes and reads back at offsets."""

    write: Callable[[bytes], Any]
    at: Optional[RandomAccess]


class PathWriter:
    """A path written through a temporary file in its folder, renamed over
    it once the block ends normally (the data verified), else removed."""

    def __init__(self, path: str):
        self.path = path

    @contextmanager
    def open(self) -> Iterator[Sink]:
        with replacing(self.path, read_back=True) as handle:
            yield Sink(handle.write, FileDescriptorAccess(handle.fileno()))


class FileObjectWriter:
    """A writable binary file object; what a failed download wrote is
    truncated back to where the file stood (when it can seek). With
    ``at_offsets`` it is written at offsets and read back (parallel ranges),
    and left positioned after the image."""

    def __init__(self, handle: Any, at_offsets: bool = False):
        self.handle = handle
        self.at_offsets = at_offsets

    @contextmanager
    def open(self) -> Iterator[Sink]:
        start = start_position(self.handle)
        access = FileObjectAccess(self.handle, start) if self.at_offsets and start is not None else None
        try:
            yield Sink(self.handle.write, access)
            if access is not None and access.end:
                self.handle.seek(access.base + access.end)
        except BaseException:
            if start is not None:
                try:
                    self.handle.seek(start)
                    self.handle.truncate()
                except (OSError, ValueError):
                    pass
            raise


Writer = Union[PathWriter, FileObjectWriter]


def writer_for(dest: Any, connections: Optional[int] = 1) -> Optional[Writer]:
    """The writer of ``dest`` (None, a path or a writable binary file), checked
    before any request: a directory, a path whose folder does not exist
    (``FolderNotFound``), a text or read-only object, and (with
    ``connections`` > 1) a destination that cannot be written at offsets and
    read back are refused. With ``connections`` None (the download chooses),
    a file object is written at offsets when it can be."""
    if isinstance(dest, (str, os.PathLike)):
        check_file_path(dest)
        return PathWriter(os.fsdecode(os.fspath(dest)))
    if dest is None:
        if connections is not None and connections > 1:
            raise exc.InvalidArgument("connections > 1 needs a path or a seekable file object to write to")
        return None
    if not callable(getattr(dest, "write", None)) or isinstance(dest, io.TextIOBase):
        raise exc.InvalidArgument("dest must be None, a path or a writable binary file object")
    at_offsets = all(_able(dest, ability) for ability in ("seekable", "readable", "writable"))
    if connections is not None and connections > 1 and not at_offsets:
        raise exc.InvalidArgument(
            "connections > 1 writes at offsets and reads back to hash: dest must be a path "
            "or a seekable file object opened for reading and writing (e.g. mode 'w+b')"
        )
    return FileObjectWriter(dest, at_offsets=at_offsets and connections != 1)


def _able(handle: Any, ability: str) -> bool:
    probe = getattr(handle, ability, None)
    try:
        return bool(probe()) if callable(probe) else False
    except (OSError, ValueError):
        return False
