"""Image data going up: sources of bytes, streamed and hashed on the way.

An :class:`UploadStream` turns bytes, a file object, a path or an iterator of
bytes into the chunks ``requests`` sends, computing MD5 and the server's
``os_hash_algo`` digest as it goes (in a background thread, so hashing overlaps
with the socket), and the image can be verified once active without reading
the data twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.utils import check_int, check_progress, get_id, quote_segment

DEFAULT_CHUNK_SIZE = 1024 * 1024
DEFAULT_HASH_ALGO = "sha512"
Progress = Callable[[int, Optional[int]], None]

logger = logging.getLogger("pyrax_image.data")

# Chunks waiting per hashing thread; bounds the memory hashing can hold.
_HASH_QUEUE_DEPTH = 4
_STOP = object()


def new_hashers(hash_algo: Optional[str] = DEFAULT_HASH_ALGO, md5: bool = True) -> Dict[str, Any]:
    """MD5 (unless ``md5`` is False, or the platform forbids it: FIPS hosts
    may) and ``hash_algo``."""
    hashers: Dict[str, Any] = {}
    if md5:
        try:
            hashers["md5"] = hashlib.md5(usedforsecurity=False)
        except (TypeError, ValueError):  # pragma: no cover - FIPS or old Python
            pass
    if hash_algo and hash_algo != "md5":
        try:
            hashers[hash_algo] = hashlib.new(hash_algo)
        except ValueError:
            logger.warning("Hash algorithm %s is not available here; it will not be verified", hash_algo)
    return hashers


class _HashThread(threading.Thread):
    """Feeds chunks, in order, to the hashers (hashlib releases the GIL)."""

    def __init__(self, hashers: List[Any]):
        super().__init__(name="pyrax_image-hash", daemon=True)
        self.hashers = hashers
        self.chunks: queue.Queue[Any] = queue.Queue(_HASH_QUEUE_DEPTH)

    def run(self) -> None:
        while True:
            chunk = self.chunks.get()
            if chunk is _STOP:
                return
            for hasher in self.hashers:
                hasher.update(chunk)


class HashSet:
    """Several digests of one stream of bytes.

    With ``threaded`` the hashing runs in one background thread fed through a
    small bounded queue, so it overlaps with this thread moving bytes; memory
    held is at most a few chunks. (One thread, not one per algorithm: with
    the server on the same few cores, fewer busy threads measured faster.)
    """

    def __init__(self, hash_algo: Optional[str] = DEFAULT_HASH_ALGO, threaded: bool = True, md5: bool = True):
        self.hash_algo = hash_algo
        self.hashers = new_hashers(hash_algo, md5)
        self.threaded = threaded
        self._thread: Optional[_HashThread] = None
        self._digests: Optional[Dict[str, str]] = None

    def update(self, chunk: bytes) -> None:
        """Add ``chunk`` (immutable bytes) to every digest."""
        if self._digests is not None:
            raise RuntimeError("The digests were already computed")
        if not self.threaded:
            for hasher in self.hashers.values():
                hasher.update(chunk)
            return
        if self._thread is None:
            self._thread = _HashThread(list(self.hashers.values()))
            self._thread.start()
        self._thread.chunks.put(chunk)

    def hexdigests(self) -> Dict[str, str]:
        """The digests of everything added, by algorithm name (ends the stream)."""
        if self._digests is None:
            self._join()
            self._digests = {name: hasher.hexdigest() for name, hasher in self.hashers.items()}
        return dict(self._digests)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.chunks.put(_STOP)
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Stop the hashing thread (the digests stay as they were)."""
        self._join()


class UploadStream:
    """An iterable request body over image data, hashing what it yields.

    ``len`` is the byte count when known (requests then sends Content-Length;
    otherwise the body goes chunked). Bytes and seekable sources can be
    rewound, so a retry resends the data from the start and hashes it afresh;
    a one-shot iterator cannot once started. ``progress(bytes_done, total)`` is
    called after each chunk; an exception it raises aborts the transfer.
    """

    def __init__(
        self,
        data: Any,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        size: Optional[int] = None,
        hash_algo: Optional[str] = DEFAULT_HASH_ALGO,
        progress: Optional[Progress] = None,
        threaded_hashing: bool = True,
    ):
        check_int("chunk_size", chunk_size, 1)
        if size is not None:
            check_int("size", size)
        check_progress(progress)
        self.chunk_size = chunk_size
        self.hash_algo = hash_algo
        self.progress = progress
        self.threaded_hashing = threaded_hashing
        self._owned_file = None
        if isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            if not os.path.isfile(path):
                raise exc.InvalidArgument("No such file: %s" % path)
            data = self._owned_file = open(path, "rb")
        elif isinstance(data, (bytearray, memoryview)):
            data = memoryview(data).cast("B")
        elif not (isinstance(data, bytes) or hasattr(data, "read") or hasattr(data, "__iter__")):
            raise exc.InvalidArgument(
                "Image data must be bytes, a file object, a path or an iterator of bytes, not %s"
                % type(data).__name__
            )
        self.source = data
        self._start = self._position(data)
        self.len = size if size is not None else _known_size(data, self._start)
        self.bytes_sent = 0
        self.hashes = HashSet(hash_algo, threaded_hashing)
        self.source_error: Optional[Exception] = None
        self._started = False

    @staticmethod
    def _position(data: Any) -> Optional[int]:
        if _is_buffer(data) or not hasattr(data, "seek"):
            return None
        try:
            if callable(getattr(data, "seekable", None)) and not data.seekable():
                return None
            return int(data.tell())
        except (OSError, ValueError, AttributeError):
            return None

    @property
    def hashers(self) -> Dict[str, Any]:
        """The hash objects being fed (by algorithm name)."""
        return self.hashes.hashers

    @property
    def rewindable(self) -> bool:
        """True when the data can be sent again from its start."""
        return _is_buffer(self.source) or self._start is not None or not self._started

    def rewind(self) -> None:
        """Go back to the start of the data (and of the hashes)."""
        if not self.rewindable:
            raise exc.BodyNotRewindable("The image data is a one-shot stream and was already sent")
        if self._start is not None:
            self.source.seek(self._start)
        self.hashes.close()
        self.bytes_sent = 0
        self.hashes = HashSet(self.hash_algo, self.threaded_hashing)

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._iterate()
        except Exception as error:
            # requests reports any error raised while sending as a connection
            # failure; keep the original so the caller gets it back.
            self.source_error = error
            raise

    def _iterate(self) -> Iterator[bytes]:
        self._started = True
        hashes = self.hashes
        for chunk in self._chunks():
            if not chunk:
                continue
            if isinstance(chunk, str):
                raise exc.InvalidArgument("Image data must be bytes, not text")
            if not isinstance(chunk, bytes):
                chunk = bytes(chunk)
            self.bytes_sent += len(chunk)
            if self.len is not None and self.bytes_sent > self.len:
                raise exc.InvalidArgument("The data is longer than its given size of %d bytes" % self.len)
            hashes.update(chunk)
            if self.progress is not None:
                self.progress(self.bytes_sent, self.len)
            yield chunk
        if self.len is not None and self.bytes_sent != self.len:
            raise exc.InvalidArgument(
                "The data gave %d bytes but its size was given as %d" % (self.bytes_sent, self.len)
            )

    def _chunks(self) -> Iterable[Any]:
        data = self.source
        size = self.chunk_size
        if _is_buffer(data):
            return (bytes(data[i : i + size]) for i in range(0, len(data), size))
        if hasattr(data, "read"):
            return iter(lambda: data.read(size), b"")
        return data

    def hexdigests(self) -> Dict[str, str]:
        """The digests of everything sent, by algorithm name."""
        return self.hashes.hexdigests()

    def close(self) -> None:
        """Stop hashing and close the file this stream opened from a path."""
        self.hashes.close()
        if self._owned_file is not None:
            self._owned_file.close()


def send_image_data(client: Any, img: Any, target: str, stream: UploadStream) -> Dict[str, str]:
    """PUT ``stream`` to ``/images/{id}/{target}`` (``file`` or ``stage``),
    then close it; return the digests of what was sent."""
    headers = {"Content-Type": "application/octet-stream"}
    if stream.len is not None:
        headers["x-openstack-image-size"] = str(stream.len)
    try:
        uri = "/images/%s/%s" % (quote_segment(get_id(img)), target)
        client.method_put(uri, data=stream, headers=headers)
        return stream.hexdigests()
    except exc.PyraxImageException as error:
        raise_source_error(stream, error)
        raise
    finally:
        stream.close()


def raise_source_error(body: Any, error: Exception) -> None:
    """Re-raise the exception the data source (or a progress callback) raised
    while ``body`` was being sent, instead of the connection error it caused."""
    source_error = getattr(body, "source_error", None)
    if source_error is not None and source_error is not error:
        raise source_error.with_traceback(source_error.__traceback__)


def _is_buffer(data: Any) -> bool:
    return isinstance(data, (bytes, memoryview))


def _known_size(data: Any, start: Optional[int]) -> Optional[int]:
    """The number of bytes left in ``data``, when that can be known up front."""
    if _is_buffer(data):
        return len(data)
    if start is not None:
        try:
            fileno = data.fileno()
            return max(0, os.fstat(fileno).st_size - start)
        except (AttributeError, OSError, ValueError):
            pass
        try:
            end = data.seek(0, os.SEEK_END)
            data.seek(start)
            return max(0, end - start)
        except (OSError, ValueError):
            return None
    return None


def verify_image(image: Any, digests: Dict[str, str], size: int, required: bool = False) -> Optional[str]:
    """Compare what was sent with what an active image reports; raise on mismatch.

    The server's multihash is checked first, then MD5, then the size. Returns
    the algorithm that matched (None when the image reports nothing this side
    could compare, which raises ``ChecksumMismatch`` if ``required``).
    """
    info = image.to_dict()
    image_id = info.get("id")
    return verify_digests(info, digests, size, image_id, required)


def verify_digests(
    info: Dict[str, Any],
    digests: Dict[str, str],
    size: Optional[int],
    image_id: Optional[str] = None,
    required: bool = False,
) -> Optional[str]:
    """Check ``digests`` against ``os_hash_algo``/``os_hash_value``, then
    ``checksum`` (MD5), then ``size`` of an image body ``info``."""
    matched: Optional[str] = None
    algo = info.get("os_hash_algo")
    expected = info.get("os_hash_value")
    if algo and expected and algo in digests:
        if digests[algo] != expected:
            raise exc.ChecksumMismatch(algo, expected, digests[algo], image_id)
        matched = algo
    checksum = info.get("checksum")
    if checksum and "md5" in digests:
        if digests["md5"] != checksum:
            raise exc.ChecksumMismatch("md5", checksum, digests["md5"], image_id)
        matched = matched or "md5"
    expected_size = info.get("size")
    if expected_size is not None and size is not None and expected_size != size:
        raise exc.ChecksumMismatch("size", str(expected_size), str(size), image_id)
    if matched is None:
        if required:
            raise exc.ChecksumMismatch(
                "checksum", "a checksum or hash the client can compute", "none to compare", image_id
            )
        logger.warning("Image %s reports no checksum this client can verify", image_id)
    return matched
