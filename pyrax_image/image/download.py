"""Image data coming down: streamed, resumed after a dropped connection, verified.

:class:`RangedReader` reads a remote body chunk by chunk and, when the
connection drops, asks again from the last byte received with ``Range``
(Glance and Swift answer 206). :class:`ImageDownload` hashes what it reads
and verifies the whole image (multihash, then MD5) before it hands over the
last chunk, so a consumer never holds a complete-looking corrupt image.
:func:`download_image` writes to a path (through a temporary file renamed only
after verification), to a file object, or returns the iterator.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import re
import threading
import uuid
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

import requests

from pyrax_image import exceptions as exc
from pyrax_image.image.data import DEFAULT_CHUNK_SIZE, HashSet, Progress, check_chunk_size, verify_digests
from pyrax_image.utils import quote_segment

logger = logging.getLogger("pyrax_image.data")

DEFAULT_MAX_RESUMES = 5
# Statuses in which an image has no (complete) data to download.
NO_DATA_STATUSES = frozenset(
    ("queued", "saving", "uploading", "importing", "killed", "deleted", "pending_delete")
)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)

Opener = Callable[[Dict[str, str]], requests.Response]


class RangedReader:
    """Chunks of a remote body; resumes with ``Range`` after a dropped connection.

    ``open_request(headers)`` sends the GET (with the extra ``headers``) and
    returns the streamed response. ``size`` (when known) tells a complete body
    from one cut short. At most ``max_resumes`` reconnections are made.
    """

    def __init__(
        self,
        open_request: Opener,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        start: int = 0,
        end: Optional[int] = None,
    ):
        check_chunk_size(chunk_size)
        self.open_request = open_request
        self.size = size
        self.chunk_size = chunk_size
        self.max_resumes = max_resumes
        self.start = start
        self.end = end  # exclusive end of a partial read
        self.position = start
        self.resumes = 0
        self.response: Optional[requests.Response] = None
        self.first_headers: Dict[str, str] = {}
        self._pending: Optional[Tuple[requests.Response, bytes]] = None

    def prefetch(self) -> None:
        """Send the first request now, so that its errors raise here."""
        if self._pending is None and self.response is None:
            self._pending = self.open()

    @property
    def _stop(self) -> Optional[int]:
        if self.end is not None:
            return self.end if self.size is None else min(self.end, self.size)
        return self.size

    def open(self) -> Optional[Tuple[requests.Response, bytes]]:
        """Send the request for the bytes from the current position.

        Returns the response and any bytes already read from it past the
        position (when a server ignored ``Range``), or None when nothing is
        left (a 416 for a range starting at the end).
        """
        headers: Dict[str, str] = {}
        if self.position > 0 or self.end is not None:
            last = "" if self.end is None else str(self.end - 1)
            headers["Range"] = "bytes=%d-%s" % (self.position, last)
        try:
            response = self.open_request(headers)
        except exc.RangeNotSatisfiable:
            if self._stop is not None and self.position >= self._stop:
                return None
            raise
        self.response = response
        if not self.first_headers:
            self.first_headers = dict(response.headers)
        if response.status_code == 206:
            self._check_content_range(response)
            return response, b""
        if response.status_code != 200:
            response.close()
            raise exc.ClientException(
                response.status_code,
                "Expected the data (HTTP 200 or 206), got HTTP %d" % response.status_code,
                request_id=exc.request_id_of(response),
                url=response.url,
            )
        if self.size is None:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and "Content-Encoding" not in response.headers:
                self.size = int(length)
        if self.position == 0:
            return response, b""
        return response, self._skip(response)

    def _check_content_range(self, response: requests.Response) -> None:
        found = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if not found or int(found.group(1)) != self.position:
            response.close()
            raise exc.ConnectionFailed(
                "Asked for bytes from %d but the server sent %r"
                % (self.position, response.headers.get("Content-Range"))
            )
        if self.size is None and found.group(3) != "*":
            self.size = int(found.group(3))

    def _skip(self, response: requests.Response) -> bytes:
        """Read past the first ``position`` bytes of a 200 (the server ignored
        ``Range``); return what was read beyond them."""
        logger.info("The server ignored Range; skipping %d bytes", self.position)
        skipped = 0
        for chunk in response.iter_content(self.chunk_size):
            skipped += len(chunk)
            if skipped >= self.position:
                return chunk[len(chunk) - (skipped - self.position) :]
        response.close()
        raise exc.ConnectionFailed("The body ended before byte %d" % self.position)

    def __iter__(self) -> Iterator[bytes]:
        while self._stop is None or self.position < self._stop:
            opened, self._pending = (self._pending or self.open()), None
            if opened is None:
                return
            response, leftover = opened
            stop = self._stop
            try:
                pieces = response.iter_content(self.chunk_size)
                if leftover:
                    pieces = itertools.chain([leftover], pieces)
                for chunk in pieces:
                    if not chunk:
                        continue
                    if stop is not None and self.position + len(chunk) > stop:
                        chunk = chunk[: stop - self.position]
                    self.position += len(chunk)
                    yield chunk
                    if stop is not None and self.position >= stop:
                        break
            except (requests.exceptions.RequestException, OSError) as error:
                self._drop(response, error)
                continue
            finally:
                response.close()
            if stop is None or self.position >= stop:
                return
            self._drop(response, None)

    def _drop(self, response: requests.Response, error: Optional[BaseException]) -> None:
        """Count a dropped connection; give up after ``max_resumes``."""
        response.close()
        self.resumes += 1
        reason = error if error is not None else "the body ended early"
        if self.resumes > self.max_resumes:
            raise exc.ConnectionFailed(
                "The download broke off at byte %d %d times (%s); giving up"
                % (self.position, self.resumes, reason)
            ) from error
        logger.info("Connection dropped at byte %d (%s); resuming with Range", self.position, reason)

    def close(self) -> None:
        """Close the current response, if any."""
        if self._pending is not None:
            self._pending[0].close()
            self._pending = None
        if self.response is not None:
            self.response.close()


class ReadAhead:
    """Chunks of ``source`` produced by a background thread, ``depth`` ahead.

    Lets a slow consumer (an upload) and a slow producer (a download) overlap;
    exceptions of the producer are raised to the consumer in order. Memory
    held: ``depth`` chunks.
    """

    _END = object()

    def __init__(self, source: Any, depth: int = 2):
        self.source = source
        self.chunks: queue.Queue[Any] = queue.Queue(max(1, depth))
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._produce, name="pyrax_image-read-ahead", daemon=True)
        self.thread.start()

    def _produce(self) -> None:
        try:
            for chunk in self.source:
                if not self._put(chunk):
                    return
            self._put(self._END)
        except BaseException as error:  # handed to the consumer
            self._put(error)
        finally:
            close = getattr(self.source, "close", None)
            if callable(close):
                close()

    def _put(self, item: Any) -> bool:
        while not self.stopping.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        item = self.chunks.get()
        if item is self._END:
            self.chunks.put(item)
            raise StopIteration
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        """Stop the producer (it closes its source) and wait for it."""
        self.stopping.set()
        while True:
            try:
                self.chunks.get_nowait()
            except queue.Empty:
                break
        self.thread.join(timeout=5)


def _hashes_for(info: Dict[str, Any], threaded: bool) -> HashSet:
    """What to hash to verify a download: the image's multihash when it has
    one this platform can compute (MD5 would add nothing but CPU time),
    else MD5 (``checksum`` or the ``Content-MD5`` header)."""
    algo = info.get("os_hash_algo")
    if algo and info.get("os_hash_value") and algo != "md5":
        hashes = HashSet(algo, threaded, md5=False)
        if algo in hashes.hashers:
            return hashes
    return HashSet(None, threaded)


class ImageDownload:
    """The data of one image as an iterator of chunks, verified at the end.

    Iterating streams the image; a dropped connection is resumed with
    ``Range``. Unless ``verify`` is False, the image's ``os_hash_value``
    (or, without one, its ``checksum``, then the ``Content-MD5`` header) and
    size are checked before the last chunk is handed over; a mismatch raises
    ``ChecksumMismatch`` instead. Hashing runs in a background thread.
    ``progress(bytes_done, total)`` is called as bytes arrive.
    """

    def __init__(
        self,
        open_request: Opener,
        info: Dict[str, Any],
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = True,
        progress: Optional[Progress] = None,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        threaded_hashing: bool = True,
    ):
        if progress is not None and not callable(progress):
            raise exc.InvalidArgument("progress must be a callable(bytes_done, total)")
        self.info = info
        self.image_id: Optional[str] = info.get("id")
        self.size: Optional[int] = info.get("size")
        self.verify = verify
        self.progress = progress
        self.reader = RangedReader(open_request, self.size, chunk_size, max_resumes)
        self.hashes = _hashes_for(info, threaded_hashing) if verify else None
        self.bytes_read = 0
        self.verified_with: Optional[str] = None
        self._iterator: Optional[Iterator[bytes]] = None

    def start(self) -> ImageDownload:
        """Send the first request now (errors such as 403/404 raise here)."""
        self.reader.prefetch()
        return self

    @property
    def resumes(self) -> int:
        """How many times a dropped connection was resumed."""
        return self.reader.resumes

    def __iter__(self) -> Iterator[bytes]:
        if self._iterator is None:
            self._iterator = self._chunks()
        return self._iterator

    def __next__(self) -> bytes:
        return next(iter(self))

    def _chunks(self) -> Iterator[bytes]:
        held: Optional[bytes] = None
        try:
            for chunk in self.reader:
                self.bytes_read += len(chunk)
                if self.hashes is not None:
                    self.hashes.update(chunk)
                if self.progress is not None:
                    self.progress(self.bytes_read, self.size)
                if held is not None:
                    yield held
                held = chunk
            if self.verify:
                self._verify()
            elif self.size is not None and self.bytes_read != self.size:
                raise exc.ChecksumMismatch("size", str(self.size), str(self.bytes_read), self.image_id)
            if held is not None:
                yield held
        finally:
            self.close()

    def _verify(self) -> None:
        assert self.hashes is not None
        digests = self.hashes.hexdigests()
        expected = dict(self.info)
        header_md5 = self.reader.first_headers.get("Content-MD5")
        if not expected.get("checksum") and header_md5:
            expected["checksum"] = header_md5
        if self.size is None:
            expected.pop("size", None)
        self.verified_with = verify_digests(expected, digests, self.bytes_read, self.image_id)

    def hexdigests(self) -> Dict[str, str]:
        """The digests of the data read (empty when not verifying)."""
        return self.hashes.hexdigests() if self.hashes is not None else {}

    def close(self) -> None:
        """Drop the connection and stop hashing (safe to call twice)."""
        self.reader.close()
        if self.hashes is not None:
            self.hashes.close()

    def __enter__(self) -> ImageDownload:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def open_image_download(
    client: Any,
    img: Any,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    verify: bool = True,
    progress: Optional[Progress] = None,
    max_resumes: int = DEFAULT_MAX_RESUMES,
) -> ImageDownload:
    """Fetch the image's current metadata and prepare a download of its data.

    Raises ``ImageStatusError`` when the image has no data (queued, importing,
    killed...) and ``NotFound`` when it does not exist.
    """
    check_chunk_size(chunk_size)
    if progress is not None and not callable(progress):
        raise exc.InvalidArgument("progress must be a callable(bytes_done, total)")
    info = client._manager.get(img).to_dict()
    status = info.get("status")
    if status in NO_DATA_STATUSES:
        raise exc.ImageStatusError("Image %s is %s: it has no data to download" % (info.get("id"), status))
    uri = "/images/%s/file" % quote_segment(info["id"])

    def open_request(headers: Dict[str, str]) -> requests.Response:
        headers = dict(headers, Accept="application/octet-stream")
        response, _ = client.method_get(uri, headers=headers, stream=True)
        if response.status_code == 204:
            response.close()
            raise exc.ImageStatusError("Image %s has no data (the server answered 204)" % info["id"])
        return response

    return ImageDownload(open_request, info, chunk_size, verify, progress, max_resumes)


def check_destination(dest: Any) -> None:
    """Refuse a ``dest`` that is neither None, a file path nor a writable file."""
    if dest is None:
        return
    if isinstance(dest, (str, os.PathLike)):
        if os.path.isdir(dest):
            raise exc.InvalidArgument(
                "%s is a directory; give the path of the file to write" % os.fspath(dest)
            )
        return
    if not callable(getattr(dest, "write", None)):
        raise exc.InvalidArgument("dest must be None, a path or a writable binary file object")


def download_image(download: ImageDownload, dest: Any) -> ImageDownload:
    """Run ``download`` into ``dest``: a path or a writable binary file object.

    A path is written through a temporary file in the same directory, renamed
    over ``dest`` only after verification; on any failure it is removed. A
    seekable file object is truncated back to where it started on failure.
    """
    check_destination(dest)
    if isinstance(dest, (str, os.PathLike)):
        return _to_path(download, os.fspath(dest))
    start = _tell(dest)
    try:
        for chunk in download:
            dest.write(chunk)
    except BaseException:
        download.close()
        if start is not None:
            try:
                dest.seek(start)
                dest.truncate()
            except (OSError, ValueError):
                pass
        raise
    return download


def _to_path(download: ImageDownload, path: str) -> ImageDownload:
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, ".%s.%s.part" % (os.path.basename(path), uuid.uuid4().hex[:12]))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in download:
                handle.write(chunk)
        os.replace(temp, path)
    except BaseException:
        download.close()
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return download


def _tell(handle: Any) -> Optional[int]:
    try:
        if callable(getattr(handle, "seekable", None)) and not handle.seekable():
            return None
        return int(handle.tell())
    except (AttributeError, OSError, ValueError):
        return None
