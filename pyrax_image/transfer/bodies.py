"""Request bodies that stream a source, hash it and can be sent again.

The HTTP layer needs three things of a streamed body, declared here as
protocols: whether and how it can go back to its start
(:class:`RewindableBody`), and, for uploads, its length, its digests and the
error its source raised while being sent (:class:`UploadBody`).
:class:`UploadStream` sends a whole source (an image); :class:`PartBody`
sends at most ``limit`` bytes of a shared reader (a Swift segment).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Iterator, Optional, Protocol, runtime_checkable

from pyrax_image import exceptions as exc
from pyrax_image.transfer.hashing import HashSet
from pyrax_image.transfer.options import DEFAULT_TRANSFER, TransferOptions
from pyrax_image.transfer.sources import SourceReader


@runtime_checkable
class RewindableBody(Protocol):
    """A streamed body the HTTP layer may resend after rewinding it."""

    @property
    def rewindable(self) -> bool:
        """True when the body can be sent again from its start."""

    def rewind(self) -> None:
        """Go back to the start (``BodyNotRewindable`` when it cannot)."""


@runtime_checkable
class UploadBody(RewindableBody, Protocol):
    """An upload body: ``len`` (None: sent chunked), the digests of what was
    sent, and ``source_error``, the exception its source (or a progress
    callback) raised while ``requests`` was sending it."""

    len: Optional[int]
    source_error: Optional[Exception]

    def hexdigests(self) -> Dict[str, str]:
        """The digests of everything sent, by algorithm name."""


def raise_source_error(body: Any, error: Exception) -> None:
    """Re-raise the exception the data source (or a progress callback) raised
    while ``body`` was being sent, instead of the connection error it caused."""
    source_error = getattr(body, "source_error", None)
    if source_error is not None and source_error is not error:
        raise source_error.with_traceback(source_error.__traceback__)


class _KeepsSourceError:
    """An iterable body that keeps the exception its source raised while sent
    (see :func:`raise_source_error`)."""

    source_error: Optional[Exception] = None

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._iterate()
        except Exception as error:
            # requests reports any error raised while sending as a connection
            # failure; keep the original so the caller gets it back.
            self.source_error = error
            raise

    def _iterate(self) -> Iterator[bytes]:
        raise NotImplementedError


class UploadStream(_KeepsSourceError):
    """An iterable request body over a whole source, hashing what it yields.

    ``len`` is the byte count when known (requests then sends Content-Length;
    otherwise the body goes chunked). Buffers and seekable sources can be
    rewound, so a retry resends the data from the start and hashes it afresh;
    a one-shot iterator cannot once started. It reads in ``options.chunk_size``
    pieces, hashes ``options.hash_algo`` (and MD5 with ``md5``) and calls
    ``options.progress(bytes_done, total)`` after each chunk; an exception it
    raises aborts the transfer.

    The digests are computed in the sending thread:
    Glance hashes what it receives (MD5 and its multihash) in the one worker
    serving the PUT, so this side, hashing no more than that, never holds the
    upload back, and a hashing thread only adds CPU (about 15% more per GiB
    in ``benchmarks peers``, docs/performance.md), which on a busy machine is
    taken from the server.
    """

    def __init__(
        self,
        data: Any,
        options: TransferOptions = DEFAULT_TRANSFER,
        size: Optional[int] = None,
        md5: bool = True,
    ):
        self.reader = SourceReader(data, options.chunk_size, what="Image data", size=size)
        self.data = data
        self.chunk_size = options.chunk_size
        self.hash_algo = options.hash_algo
        self.md5 = md5
        self.progress = options.progress
        self.len: Optional[int] = size if size is not None else self.reader.size
        self.bytes_sent = 0
        self.hashes = HashSet(self.hash_algo, threaded=False, md5=md5)
        self._started = False

    @property
    def expected_md5(self) -> Optional[str]:
        """The MD5 the source says its data has (an object's ETag), if any."""
        return self.reader.expected_md5

    @property
    def hashers(self) -> Dict[str, Any]:
        """The hash objects being fed (by algorithm name)."""
        return self.hashes.hashers

    @property
    def rewindable(self) -> bool:
        """True when the data can be sent again from its start."""
        return self.reader.seekable or not self._started

    def rewind(self) -> None:
        """Go back to the start of the data (and of the hashes)."""
        if not self.rewindable:
            raise exc.BodyNotRewindable("The image data is a one-shot stream and was already sent")
        if self.reader.seekable:
            self.reader.seek(0)
        self.hashes.close()
        self.bytes_sent = 0
        self.hashes = HashSet(self.hash_algo, threaded=False, md5=self.md5)

    def _iterate(self) -> Iterator[bytes]:
        self._started = True
        hashes, read, expected = self.hashes, self.reader.read, self.len
        while True:
            chunk = read()
            if not chunk:
                break
            self.bytes_sent += len(chunk)
            if expected is not None and self.bytes_sent > expected:
                raise exc.InvalidArgument("The data is longer than its given size of %d bytes" % expected)
            hashes.update(chunk)
            if self.progress is not None:
                self.progress(self.bytes_sent, expected)
            yield chunk
        if expected is not None and self.bytes_sent != expected:
            raise exc.InvalidArgument(
                "The data gave %d bytes but its size was given as %d" % (self.bytes_sent, expected)
            )

    def hexdigests(self) -> Dict[str, str]:
        """The digests of everything sent, by algorithm name."""
        return self.hashes.hexdigests()

    def choose_hashes(self, hash_algo: Optional[str], md5: bool) -> None:
        """Compute only ``hash_algo`` (and MD5 if ``md5``) while sending;
        before the first byte is sent."""
        if self._started:
            raise RuntimeError("The upload already started")
        self.hashes.close()
        self.hash_algo, self.md5 = hash_algo, md5
        self.hashes = HashSet(hash_algo, threaded=False, md5=md5)

    @property
    def can_rehash(self) -> bool:
        """True when the source can be read again after the upload (a path,
        a buffer or a file that seeks)."""
        return isinstance(self.data, (str, os.PathLike)) or self.reader.seekable

    def rehash(self, hash_algo: str) -> Dict[str, str]:
        """Read the source again from its start and return its ``hash_algo``
        digest: for a server that reports an algorithm this stream did not
        compute (``BodyNotRewindable`` when the source cannot be read again)."""
        if not self.can_rehash:
            raise exc.BodyNotRewindable("The image data is a one-shot stream and cannot be hashed again")
        if isinstance(self.data, (str, os.PathLike)):
            reader = SourceReader(self.data, self.chunk_size, what="Image data")
        else:
            reader = self.reader
            reader.seek(0)
        hashes = HashSet(None if hash_algo == "md5" else hash_algo, threaded=False, md5=hash_algo == "md5")
        try:
            for chunk in iter(reader.read, b""):
                hashes.update(chunk)
        finally:
            if reader is not self.reader:
                reader.close()
        return hashes.hexdigests()

    def close(self) -> None:
        """Stop hashing and close the file this stream opened from a path."""
        self.hashes.close()
        self.reader.close()


class PartBody(_KeepsSourceError):
    """The body of one PUT: at most ``limit`` bytes of a shared reader, MD5-hashed.

    ``len`` is the exact length when known (Content-Length), else None
    (chunked). Resendable when the reader is seekable. ``on_bytes(count)``
    reports bytes sent (negative when a rewind takes them back).
    """

    def __init__(
        self,
        reader: SourceReader,
        limit: Optional[int],
        length: Optional[int],
        chunk_size: int,
        on_bytes: Callable[[int], None],
    ):
        self.reader = reader
        self.limit = limit
        self.len = length
        self.chunk_size = chunk_size
        self.on_bytes = on_bytes
        self.offset = reader.position
        self.sent = 0
        self.hashes = HashSet(None)

    @property
    def rewindable(self) -> bool:
        """True when the part can be sent again."""
        return self.reader.seekable or self.sent == 0

    def rewind(self) -> None:
        """Back to the start of the part (and of its hash)."""
        if self.sent:
            self.reader.seek(self.offset)
            self.on_bytes(-self.sent)
        self.hashes.close()
        self.hashes = HashSet(None)
        self.sent = 0

    def _iterate(self) -> Iterator[bytes]:
        while self.limit is None or self.sent < self.limit:
            want = self.chunk_size if self.limit is None else min(self.chunk_size, self.limit - self.sent)
            chunk = self.reader.read(want)
            if not chunk:
                break
            self.hashes.update(chunk)
            self.sent += len(chunk)
            self.on_bytes(len(chunk))
            yield chunk
        if self.len is not None and self.sent != self.len:
            raise exc.InvalidArgument("The data ended after %d of %d bytes" % (self.sent, self.len))

    def hexdigests(self) -> Dict[str, str]:
        """The digest (MD5) of the bytes sent."""
        return self.hashes.hexdigests()

    @property
    def md5(self) -> str:
        """MD5 hex of the bytes sent."""
        return self.hexdigests().get("md5", "")
