"""Where the bytes of a transfer come from: one reader over every kind of source.

:class:`SourceReader` reads bytes, a bytearray/memoryview, a path, a file
object or an iterator of bytes the same way, knows the size when it can be
known up front, and can go back to an earlier position when the source allows
it (so a request can be resent). :func:`start_position` is the one probe of
"where does this file's data start".
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE

_BUFFERS = (bytes, bytearray, memoryview)


def start_position(data: Any) -> Optional[int]:
    """The current position of a file object that can seek back to it, else
    None (bytes, iterators, pipes, sockets, files whose ``tell`` fails)."""
    if data is None or isinstance(data, (str,) + _BUFFERS) or not hasattr(data, "seek"):
        return None
    try:
        seekable = getattr(data, "seekable", None)
        if callable(seekable) and not seekable():
            return None
        return int(data.tell())
    except (AttributeError, OSError, ValueError):
        return None


def remaining_size(data: Any, start: Optional[int]) -> Optional[int]:
    """The number of bytes of ``data`` from ``start`` on, when that can be
    known up front (a buffer, or a file that seeks: ``start`` not None)."""
    if isinstance(data, _BUFFERS):
        return memoryview(data).nbytes
    if start is None:
        return None
    try:
        return max(0, os.fstat(data.fileno()).st_size - start)
    except (AttributeError, OSError, ValueError):
        pass
    try:
        end = data.seek(0, os.SEEK_END)
        data.seek(start)
        return max(0, int(end) - start)
    except (OSError, ValueError):
        return None


class SourceReader:
    """``read`` over bytes, a path, a file object or an iterator of bytes.

    ``size`` is the byte count when it is known up front. Buffers and
    seekable files can be repositioned (:meth:`seek`), so data can be sent
    again; ``unread`` pushes bytes back (used to peek for more data). A path
    is opened here and closed by :meth:`close`. ``what`` names the data in
    error messages ("Image data", "Data").
    """

    def __init__(
        self, data: Any, chunk_size: int = DEFAULT_CHUNK_SIZE, what: str = "Data", size: Optional[int] = None
    ):
        check_int("chunk_size", chunk_size, 1)
        if size is not None:
            check_int("size", size)
        self.chunk_size = chunk_size
        self.what = what
        self.expected_md5: Optional[str] = getattr(data, "expected_md5", None)
        self._owned: Any = None
        self._memory: Optional[memoryview] = None
        self._file: Any = None
        self._iter: Optional[Iterator[Any]] = None
        self._start: Optional[int] = None
        self._pushback = b""
        self.position = 0
        self.size: Optional[int] = None
        if isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            if not os.path.isfile(path):
                raise exc.InvalidArgument("No such file: %s" % path)
            data = self._owned = open(path, "rb")
        if isinstance(data, _BUFFERS):
            self._memory = memoryview(data).cast("B")
            self.size = len(self._memory)
        elif hasattr(data, "read"):
            self._file = data
            self._start = start_position(data)
            self.size = remaining_size(data, self._start)
        elif hasattr(data, "__iter__") and not isinstance(data, (dict, set, frozenset)):
            self._iter = self._checked_items(data)
        else:
            raise exc.InvalidArgument(
                "%s must be bytes, a file object, a path or an iterator of bytes, not %s"
                % (what, type(data).__name__)
            )
        if size is not None and self.size is not None and size != self.size:
            self.close()
            raise exc.InvalidArgument(
                "size is %d but the %s holds %d bytes" % (size, what.lower(), self.size)
            )

    @property
    def seekable(self) -> bool:
        """True when any earlier position can be read again."""
        return self._memory is not None or self._start is not None

    @property
    def started(self) -> bool:
        """True once any byte was read."""
        return self.position > 0 or bool(self._pushback)

    def seek(self, position: int) -> None:
        """Go back to ``position`` bytes from the start (seekable sources only)."""
        if not self.seekable:
            raise exc.BodyNotRewindable("%s is a one-shot stream and cannot be read again" % self.what)
        self._pushback = b""
        if self._start is not None:
            self._file.seek(self._start + position)
        self.position = position

    def read(self, size: Optional[int] = None) -> bytes:
        """Up to ``size`` bytes (fewer at the end; b"" when exhausted).

        ``size`` None reads the source's natural piece: the next item of an
        iterator as it is, else ``chunk_size`` bytes.
        """
        if self._pushback:
            want = len(self._pushback) if size is None else size
            chunk, self._pushback = self._pushback[:want], self._pushback[want:]
        elif self._memory is not None:
            end = self.position + (self.chunk_size if size is None else size)
            chunk = bytes(self._memory[self.position : end])
        elif self._file is not None:
            chunk = self._file.read(self.chunk_size if size is None else size) or b""
            if isinstance(chunk, str):
                raise exc.InvalidArgument("%s must be bytes, not text" % self.what)
            if not isinstance(chunk, bytes):
                chunk = bytes(chunk)
        else:
            chunk = self._next_item()
            if size is not None and len(chunk) > size:
                chunk, self._pushback = chunk[:size], chunk[size:]
        self.position += len(chunk)
        return chunk

    def _checked_items(self, data: Any) -> Iterator[Any]:
        """An iterator over ``data``'s items; a list or tuple is checked
        whole, any other iterable's first item is read and checked now, so
        that data of the wrong type is refused before anything is sent."""
        if isinstance(data, (list, tuple)):
            for item in data:
                self._check_item(item)
            return iter(data)
        items: Iterator[Any] = iter(data)
        first = next(items, b"")
        self._check_item(first)
        self._pushback = bytes(first)
        return items

    def _check_item(self, item: Any) -> None:
        if isinstance(item, str):
            raise exc.InvalidArgument("%s must be bytes, not text" % self.what)
        if not isinstance(item, _BUFFERS):
            raise exc.InvalidArgument(
                "%s must be an iterator of bytes, not of %s" % (self.what, type(item).__name__)
            )

    def _next_item(self) -> bytes:
        assert self._iter is not None
        for item in self._iter:
            self._check_item(item)
            if item:
                return item if isinstance(item, bytes) else bytes(item)
        return b""

    def unread(self, data: bytes) -> None:
        """Push ``data`` back so the next read returns it first."""
        self._pushback = data + self._pushback
        self.position -= len(data)

    def close(self) -> None:
        """Close the file opened from a path."""
        if self._owned is not None:
            self._owned.close()
