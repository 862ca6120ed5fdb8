"""Image data coming down: one path from the record to the verified bytes.

:func:`open_image_download` reads the image's record and prepares an
:class:`ImageDownload`, the one result of every download. Without a
destination it is an iterator of chunks, verified before the last one is
handed over. With one (a writer from :mod:`~pyrax_image.image.destinations`),
:func:`download_into` opens it, lets :func:`choose_fetch` pick the strategy
once (one stream resumed with ``Range``; parallel ranges; or, by default for
a large image, one stream split into ranges if it proves slow) and runs it;
the image is verified (its multihash, else MD5, else ``Content-MD5``, and the
size) before a path is renamed into place.
"""

from __future__ import annotations

import logging
import time
import weakref
from typing import Any, Callable, Dict, Iterator, Mapping, Optional

import requests

from pyrax_image import exceptions as exc
from pyrax_image.image.api import ImageApi
from pyrax_image.image.destinations import Sink, Writer
from pyrax_image.image.resources import Image
from pyrax_image.statuses import IMAGE_NO_DATA_STATUSES
from pyrax_image.transfer.hashing import HashSet, verify_digests
from pyrax_image.transfer.options import (
    DEFAULT_MIN_PROGRESS,
    DEFAULT_TRANSFER,
    MinimumProgress,
    TransferOptions,
)
from pyrax_image.transfer.parallel import ParallelFetch, plan_parts
from pyrax_image.transfer.ranged import Opener, Pause, RangedReader, default_pause
from pyrax_image.utils import quote_segment

logger = logging.getLogger("pyrax_image.data")

# How a download is fetched into an open destination: ``fetch(download, sink)``.
Fetch = Callable[["ImageDownload", Sink], None]


def hashes_for(info: Mapping[str, Any], threaded: bool) -> HashSet:
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
    """One image's download: the result of every ``download()``.

    Iterated (``download(img)``), it streams the image in chunks; a dropped
    connection is resumed with ``Range``, and unless ``verify`` is False the
    image's ``os_hash_value`` (or ``checksum``, then the ``Content-MD5``
    header) and size are checked before the last chunk is handed over
    (``ChecksumMismatch`` instead). Written to a destination, it says what
    happened: ``bytes_read``, ``resumes``, ``connections`` used,
    ``split_at`` (the byte where its first stream handed the rest over to
    parallel ranges, None if it did not) and ``verified_with`` (the
    algorithm that matched). Dropping it, even half
    read, releases its connection and hashing thread at once.
    """

    def __init__(
        self,
        open_request: Opener,
        info: Dict[str, Any],
        options: TransferOptions = DEFAULT_TRANSFER,
        min_progress: Optional[MinimumProgress] = DEFAULT_MIN_PROGRESS,
        pause: Pause = default_pause,
    ):
        self.info = info
        self.options = options
        self.image_id: Optional[str] = info.get("id")
        self.size: Optional[int] = info.get("size")
        self.verify = options.verify
        self.progress = options.progress
        self.connections = 1
        self.split_at: Optional[int] = None
        self.reader = RangedReader(
            open_request,
            self.size,
            options.chunk_size,
            options.max_resumes,
            min_progress=min_progress,
            pause=pause,
        )
        self._held_open = _HeldOpen(self.reader)
        self.bytes_read = 0
        self.verified_with: Optional[str] = None
        self._ranges_resumed = 0
        self._chunks: Optional[Iterator[bytes]] = None
        self._held: Optional[bytes] = None
        self._done = False
        # Released when the download is dropped unfinished (a ``break`` out of
        # the loop) as soon as nothing refers to it, garbage collector or not.
        self._release = weakref.finalize(self, self._held_open.release)

    @property
    def hashes(self) -> Optional[HashSet]:
        """The digests being computed (None when not verifying)."""
        return self._held_open.hashes

    def start(self) -> ImageDownload:
        """Send the first request now (errors such as 403/404 raise here)."""
        self.reader.prefetch()
        return self

    @property
    def resumes(self) -> int:
        """How many times a dropped connection was resumed."""
        return self.reader.resumes + self._ranges_resumed

    # -- one stream ------------------------------------------------------------------
    def __iter__(self) -> ImageDownload:
        return self

    def __next__(self) -> bytes:
        if self._done:
            raise StopIteration
        try:
            chunk = self._next_chunk()
        except BaseException:
            self.close()
            raise
        if chunk is None:
            raise StopIteration
        return chunk

    def _next_chunk(self) -> Optional[bytes]:
        """The next chunk, one behind what was read, so that the last is
        handed over only once the whole image is verified."""
        if self._chunks is None:
            self._chunks = iter(self.reader)
            if self.verify:
                self._held_open.hashes = hashes_for(self.info, threaded=True)
        for chunk in self._chunks:
            self._count(len(chunk))
            if self.hashes is not None:
                self.hashes.update(chunk)
            held, self._held = self._held, chunk
            if held is not None:
                return held
        self._check(self.reader.first_headers)
        self._done = True
        self.close()
        held, self._held = self._held, None
        return held

    def _count(self, received: int) -> None:
        self.bytes_read += received
        if self.progress is not None:
            self.progress(self.bytes_read, self.size)

    # -- parallel ranges ---------------------------------------------------------------
    def fetch_ranges(self, sink: Sink, connections: int) -> None:
        """Fetch the image over ``connections`` ranges into ``sink.at``, the
        first read from the open 206 of the probe the reader holds."""
        self._held_open.hashes = hashes_for(self.info, threaded=False) if self.verify else None
        self._fetch_rest(sink, connections)

    def fetch_adaptive(self, sink: Sink, connections: int) -> None:
        """Read the image as one stream into ``sink.at`` (hashed as it
        arrives, as :meth:`__next__` does); if :class:`FirstStream` finds it
        slow, stop it further on and fetch the rest over ``connections``
        ranges, the stream itself reading the first of them."""
        assert sink.at is not None and self.size is not None
        if self.verify:
            self._held_open.hashes = hashes_for(self.info, threaded=True)
        judge = FirstStream(self.options, self.size)
        for chunk in self.reader:
            sink.at.write_at(self.bytes_read, chunk)
            if self.hashes is not None:
                self.hashes.update(chunk)
            self._count(len(chunk))
            if judge.too_slow(self.bytes_read, self.reader.honours_range, connections):
                self.split_at = self.bytes_read
                if self.hashes is not None:
                    self.hashes.hash_inline()  # bounded memory once several threads hash
                self._fetch_rest(sink, connections)
                return
        self._check(self.reader.first_headers)
        self._done = True

    def _fetch_rest(self, sink: Sink, connections: int) -> None:
        """Fetch what the reader has not read over ``connections`` ranges,
        the reader (open at its position) reading the first, then verify."""
        assert self.size is not None and sink.at is not None
        fetch = ParallelFetch(self.reader, sink.at, connections, self.hashes, self.progress)
        self.connections = fetch.connections
        try:
            fetch.run()
        finally:
            self.bytes_read = fetch.bytes_done
            self._ranges_resumed = fetch.resumes
        self._check(self.reader.first_headers)
        self._done = True

    # -- the one check ---------------------------------------------------------------------
    def _check(self, headers: Mapping[str, str]) -> None:
        """Verify what was read: the multihash, else MD5 (the record's
        ``checksum``, else the reply's ``Content-MD5``), and the size;
        without ``verify``, the size only."""
        if self.hashes is None:
            if self.size is not None and self.bytes_read != self.size:
                raise exc.ChecksumMismatch("size", str(self.size), str(self.bytes_read), self.image_id)
            return
        expected = dict(self.info)
        header_md5 = headers.get("Content-MD5")
        if not expected.get("checksum") and header_md5:
            expected["checksum"] = header_md5
        if self.size is None:
            expected.pop("size", None)
        digests = self.hashes.hexdigests()
        self.verified_with = verify_digests(expected, digests, self.bytes_read, self.image_id)

    def hexdigests(self) -> Dict[str, str]:
        """The digests of the data read (empty when not verifying)."""
        return self.hashes.hexdigests() if self.hashes is not None else {}

    def close(self) -> None:
        """Drop the connection and stop hashing (safe to call twice)."""
        self._release()

    def __enter__(self) -> ImageDownload:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class _HeldOpen:
    """What a download holds open: its reader's connection and its hashing
    thread (apart from the download, so that releasing them needs no
    reference to it)."""

    def __init__(self, reader: RangedReader):
        self.reader = reader
        self.hashes: Optional[HashSet] = None

    def release(self) -> None:
        self.reader.close()
        if self.hashes is not None:
            self.hashes.close()


def checked_record(info: Dict[str, Any]) -> Dict[str, Any]:
    """``info``, the image record a download relies on, refused with
    ``InvalidResponse`` when its id, size or digests have the wrong type."""
    if not isinstance(info.get("id"), str) or not info["id"]:
        raise exc.InvalidResponse(message="The image record has no id, so its data cannot be asked for")
    size = info.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise exc.InvalidResponse(
            message="The size of image %s is %r, not a number of bytes" % (info["id"], size)
        )
    for name in ("checksum", "os_hash_algo", "os_hash_value"):
        if info.get(name) is not None and not isinstance(info[name], str):
            raise exc.InvalidResponse(
                message="The %s of image %s is %r, not text" % (name, info["id"], info[name])
            )
    return info


def download_record(api: ImageApi, img: Any) -> Dict[str, Any]:
    """The record a download verifies against.

    An ``Image`` of this client that is active and carries its multihash and
    size is used as it is, with no request: an active image's data never
    changes (Glance refuses a second upload), and an image deleted or
    deactivated since is refused by the data request itself. Anything else
    (an id, an image of another client, one not yet active or without its
    multihash) is fetched.
    """
    if isinstance(img, Image) and img.manager is api.images:
        held = img.to_dict()
        if held.get("status") == "active" and held.get("os_hash_value") and held.get("size") is not None:
            return checked_record(held)
    return checked_record(api.images.get(img).to_dict())


def open_image_download(api: ImageApi, img: Any, options: TransferOptions) -> ImageDownload:
    """Read the image's record (see :func:`download_record`) and prepare a
    download of its data.

    Raises ``ImageStatusError`` when the image has no data (queued, importing,
    killed...), ``NotFound`` when it does not exist and ``InvalidResponse``
    when its record cannot be relied on.
    """
    params = {"prefer": ",".join(options.prefer)} if options.prefer else None
    info = download_record(api, img)
    status = info.get("status")
    if status in IMAGE_NO_DATA_STATUSES:
        raise exc.ImageStatusError("Image %s is %s: it has no data to download" % (info["id"], status))
    uri = "/images/%s/file" % quote_segment(info["id"])

    def open_request(headers: Dict[str, str]) -> requests.Response:
        headers = dict(headers, Accept="application/octet-stream")
        response, _ = api.http.method_get(uri, headers=headers, params=params, stream=True)
        if response.status_code == 204:
            response.close()
            raise exc.ImageStatusError("Image %s has no data (the server answered 204)" % info["id"])
        return response

    return ImageDownload(
        open_request,
        info,
        options,
        min_progress=api.http.min_progress,
        pause=api.http.transport.pause_before_resume,
    )


class FirstStream:
    """The one judgement of a download's first stream (``connections=None``).

    Asked after every chunk, it answers True at most once: when, at least
    ``parallel_warmup`` seconds after the first chunk, the stream has moved
    fewer than ``parallel_rate`` bytes a second since, the rest would take
    longer than the warm-up at that rate, the server answered ``Range`` with
    a 206 and the rest makes two parts or more. Across a long link one
    stream is capped at its window over the round trip and ranges multiply
    it; on a fast one the stream is left alone (one request, hashed as the
    bytes arrive, nothing read back).
    """

    def __init__(self, options: TransferOptions, size: int):
        self.warmup = options.parallel_warmup
        self.slow_below = options.parallel_rate
        self.size = size
        self.started: Optional[float] = None
        self.counted_from = 0
        self.judged = False

    def too_slow(self, done: int, honours_range: Optional[bool], connections: int) -> bool:
        """Judge the stream once, ``done`` bytes into the image, if it is time."""
        if self.judged:
            return False
        now = time.monotonic()
        if self.started is None:
            self.started, self.counted_from = now, done
            return False
        elapsed = now - self.started
        if elapsed < self.warmup or elapsed <= 0:
            return False
        self.judged = True
        rate = (done - self.counted_from) / elapsed
        rest = self.size - done
        slow = rate < self.slow_below and rest > rate * self.warmup
        splittable = bool(honours_range) and len(plan_parts(self.size, connections, start=done)) >= 2
        logger.debug(
            "First stream: %.1f MiB/s after %.2f s, %d bytes left; %s",
            rate / 1048576,
            elapsed,
            rest,
            "splitting the rest into ranges" if slow and splittable else "kept as the one stream",
        )
        return slow and splittable


def choose_fetch(download: ImageDownload, sink: Sink) -> Fetch:
    """The one choice of how ``download`` is fetched into ``sink``; sends the
    first request.

    When ``sink`` can be written at offsets and the image is large enough
    for two parts: with ``connections`` > 1, parallel ranges from the start
    if the server answers the first range (the probe) with 206; with
    ``connections=None`` and an image of at least ``parallel_size``, one
    stream asked with ``Range: bytes=0-`` that :class:`FirstStream` may split
    into ranges (:meth:`ImageDownload.fetch_adaptive`). Else, and when the
    server ignored ``Range`` (a 200: the whole image, read rather than asked
    again), one stream resumed with ``Range``.
    """
    size = download.size
    options = download.options
    connections = options.connections_for(size)
    parts = plan_parts(size, connections) if size and connections > 1 and sink.at is not None else []
    if len(parts) < 2:
        download.start()
        return _one_stream
    if options.connections is None:
        download.reader.ask_range = True
        download.start()
        return lambda download, sink: download.fetch_adaptive(sink, connections)
    download.reader.end = parts[0][1]  # the probe asks for the first part only
    download.start()
    if not download.reader.honours_range:
        logger.info("The server ignored Range; downloading as one stream")
        download.reader.end = None
        return _one_stream
    return lambda download, sink: download.fetch_ranges(sink, connections)


def _one_stream(download: ImageDownload, sink: Sink) -> None:
    for chunk in download:
        sink.write(chunk)


def download_into(download: ImageDownload, writer: Writer) -> ImageDownload:
    """Run ``download`` into ``writer``'s destination; on any failure the
    connection is dropped and the destination left as it was."""
    try:
        with writer.open() as sink:
            choose_fetch(download, sink)(download, sink)
    except BaseException:
        download.close()
        raise
    return download
