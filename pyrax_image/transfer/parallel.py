"""Several ranges of one remote body at once, written at their offsets, hashed in order.

:class:`ParallelFetch` cuts what is left of ``[0, size)`` into parts and runs
``connections`` workers, each fetching the next part not yet taken with
``Range`` (resumed from its last byte when its connection drops, on its own:
the other ranges go on) and writing every chunk at its offset through a
:class:`RandomAccess` destination. The first part is read by the *lead*, a
reader already open at its start (the probe of a parallel download, or the
one stream a download began with, stopped at the part's end), and hashed as
it arrives, since it is the front of the image; a hashing thread follows
the contiguous prefix after it as it completes, reading it back (from the
page cache) and feeding the same :class:`~pyrax_image.transfer.HashSet`, so
the digests are ready when the last byte lands: no second pass. Memory held:
about one chunk per worker, plus one for hashing, whatever the size.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, List, Optional, Protocol, Tuple

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.transfer.hashing import HashSet
from pyrax_image.transfer.options import Progress
from pyrax_image.transfer.ranged import RangedReader

logger = logging.getLogger("pyrax_image.data")

DEFAULT_PART_SIZE = 16 * 1024 * 1024
MIN_PART_SIZE = 64 * 1024


class RandomAccess(Protocol):
    """A destination written and read back at absolute offsets."""

    def write_at(self, offset: int, data: bytes) -> None: ...

    def read_at(self, offset: int, size: int) -> bytes: ...


class FileDescriptorAccess:
    """``pwrite``/``pread`` on a file descriptor opened for reading and writing."""

    def __init__(self, fd: int):
        self.fd = fd

    def write_at(self, offset: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.pwrite(self.fd, view, offset)
            view, offset = view[written:], offset + written

    def read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self.fd, size, offset)


class FileObjectAccess:
    """Seek-then-write/read on a seekable, readable and writable file object,
    at offsets counted from ``base`` (where the file stood), under one lock."""

    def __init__(self, handle: Any, base: int):
        self.handle = handle
        self.base = base
        self.end = 0  # the furthest byte written, from ``base``
        self.lock = threading.Lock()

    def write_at(self, offset: int, data: bytes) -> None:
        with self.lock:
            self.handle.seek(self.base + offset)
            self.handle.write(data)
            self.end = max(self.end, offset + len(data))

    def read_at(self, offset: int, size: int) -> bytes:
        with self.lock:
            self.handle.seek(self.base + offset)
            return bytes(self.handle.read(size))


def plan_parts(
    size: int, connections: int, part_size: Optional[int] = None, start: int = 0
) -> List[Tuple[int, int]]:
    """``[first, end)`` pairs covering bytes ``start`` to ``size``: parts of
    ``part_size`` (default: 16 MiB, or less so that each connection gets at
    least one)."""
    if part_size is None:
        part_size = max(MIN_PART_SIZE, min(DEFAULT_PART_SIZE, -(-(size - start) // connections)))
    return [(first, min(first + part_size, size)) for first in range(start, size, part_size)]


class ParallelFetch:
    """Fetch the body ``lead`` reads with up to ``connections`` ranged requests in flight.

    ``lead`` is a reader already open at the first byte not yet fetched
    (every byte before it written and given to ``hashes``, if any): its end
    is lowered to the first part's, so it stops there (closing its
    connection), and its bytes are hashed as they arrive; the other parts
    are read back to be hashed in order. Each other part is read by a
    reader like the lead (:meth:`~pyrax_image.transfer.RangedReader.reader_of`:
    the same request, chunk size, resumes and pauses); :attr:`resumes` counts
    their resumes (the lead counts its own). ``progress(done, size)``
    is called (serialised) as bytes arrive; what it raises aborts the fetch.
    :meth:`run` raises the first error of any worker after stopping the others.
    """

    def __init__(
        self,
        lead: RangedReader,
        destination: RandomAccess,
        connections: int,
        hashes: Optional[HashSet] = None,
        progress: Optional[Progress] = None,
        part_size: Optional[int] = None,
    ):
        check_int("connections", connections, 1)
        self.size = check_int("size", lead.size, 1)
        self.destination = destination
        self.hashes = hashes
        self.chunk_size = lead.chunk_size
        self.progress = progress
        self.parts = plan_parts(self.size, connections, part_size, lead.position)
        if not self.parts:
            raise exc.InvalidArgument(
                "Nothing is left to fetch after byte %d of %d" % (lead.position, self.size)
            )
        self.connections = min(connections, len(self.parts))
        self.written = [0] * len(self.parts)
        self.bytes_done = lead.position
        self.resumes = 0
        self._lead = lead
        lead.end = self.parts[0][1]
        self._next_part = 0
        self._complete = 0  # parts before this index are whole
        # Read back from here on; the lead's part is hashed as it arrives.
        self._hashed = self.parts[0][1]
        self._error: Optional[BaseException] = None
        self._stopping = threading.Event()
        self._changed = threading.Condition()

    # -- the parts ---------------------------------------------------------------------
    def _take(self) -> Optional[int]:
        with self._changed:
            if self._next_part >= len(self.parts) or self._stopping.is_set():
                return None
            self._next_part += 1
            return self._next_part - 1

    def _work(self) -> None:
        try:
            while not self._stopping.is_set():
                index = self._take()
                if index is None:
                    return
                self._fetch(index)
        except BaseException as error:
            self._fail(error)

    def _fail(self, error: BaseException) -> None:
        """Keep the first error of any thread (run() raises it) and stop them all."""
        with self._changed:
            if self._error is None:
                self._error = error
            self._stopping.set()
            self._changed.notify_all()

    def _fetch(self, index: int) -> None:
        start, end = self.parts[index]
        if index == 0:
            reader, hashes = self._lead, self.hashes
        else:
            reader, hashes = self._lead.reader_of(start, end), None
        try:
            for chunk in reader:
                if self._stopping.is_set():
                    return
                self.destination.write_at(start + self.written[index], chunk)
                if hashes is not None:
                    hashes.update(chunk)
                self._wrote(index, len(chunk))
        finally:
            reader.close()
            if reader is not self._lead:  # the lead's resumes are its owner's to count
                with self._changed:
                    self.resumes += reader.resumes
        if self.written[index] != end - start:
            raise exc.ConnectionFailed(
                "Bytes %d-%d ended after %d bytes" % (start, end - 1, self.written[index])
            )

    def _wrote(self, index: int, count: int) -> None:
        with self._changed:
            self.written[index] += count
            self.bytes_done += count
            while self._complete < len(self.parts) and self.written[self._complete] == (
                self.parts[self._complete][1] - self.parts[self._complete][0]
            ):
                self._complete += 1
            self._changed.notify_all()
            if self.progress is not None:
                self.progress(self.bytes_done, self.size)

    # -- hashing the contiguous prefix -------------------------------------------------
    def _contiguous(self) -> int:
        if self._complete >= len(self.parts):
            return self.size
        return self.parts[self._complete][0] + self.written[self._complete]

    def _hash(self) -> None:
        assert self.hashes is not None
        try:
            while self._hashed < self.size:
                with self._changed:
                    while self._contiguous() <= self._hashed and not self._stopping.is_set():
                        self._changed.wait()
                    if self._stopping.is_set():
                        return
                    ready = self._contiguous()
                while self._hashed < ready:
                    piece = self.destination.read_at(self._hashed, min(self.chunk_size, ready - self._hashed))
                    if not piece:
                        raise exc.ConnectionFailed("The destination ended at byte %d" % self._hashed)
                    self.hashes.update(piece)
                    self._hashed += len(piece)
        except BaseException as error:
            self._fail(error)

    # -- running -----------------------------------------------------------------------
    def run(self) -> None:
        """Fetch every part (and hash them); raise the first error seen."""
        threads = [
            threading.Thread(target=self._work, name="pyrax_image-range-%d" % number, daemon=True)
            for number in range(self.connections)
        ]
        if self.hashes is not None:
            threads.append(threading.Thread(target=self._hash, name="pyrax_image-range-hash", daemon=True))
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)
        except BaseException:  # Ctrl-C: stop the workers, then re-raise
            self.stop()
            for thread in threads:
                thread.join(5)
            raise
        finally:
            self._lead.close()
        if self._error is not None:
            raise self._error
        logger.debug(
            "Fetched %d bytes in %d parts over %d connections (%d resumed)",
            self.bytes_done,
            len(self.parts),
            self.connections,
            self.resumes,
        )

    def stop(self) -> None:
        """Ask every worker to stop after its current chunk."""
        with self._changed:
            self._stopping.set()
            self._changed.notify_all()
