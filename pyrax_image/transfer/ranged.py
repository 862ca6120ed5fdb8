"""Bytes from the network: ranged reads that resume, and read-ahead.

:class:`RangedReader` reads a remote body (or one byte range of it) chunk by
chunk and, when the connection drops, asks again from the last byte received
with ``Range`` (Glance and Swift answer 206); parallel downloads run one per
range (:mod:`~pyrax_image.transfer.parallel`). :class:`ReadAhead` moves an
iterator of chunks to a background thread so producing and consuming
overlap.
"""

from __future__ import annotations

import http.client
import logging
import queue
import re
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

import requests
import urllib3

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.error_bodies import request_id_of
from pyrax_image.http_retry import RetryPolicy
from pyrax_image.transfer.options import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_RESUMES,
    DEFAULT_MIN_PROGRESS,
    MinimumProgress,
)

logger = logging.getLogger("pyrax_image.data")

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)

# ``open_request(extra_headers)`` sends the GET and returns the streamed response.
Opener = Callable[[Dict[str, str]], requests.Response]
# ``pause(breaks)`` waits before a resume; ``breaks``: the connections that
# broke before it in a row, with no byte between (``Transport.pause_before_resume``).
Pause = Callable[[int], None]


def default_pause(breaks: int) -> None:
    """A default :class:`~pyrax_image.http_retry.RetryPolicy`'s wait, slept."""
    time.sleep(RetryPolicy().reconnect_wait(breaks))


# What a broken body raises while it is read.
_BODY_ERRORS = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)


class RangedReader:
    """Chunks of a remote body; resumes with ``Range`` after a dropped connection.

    ``open_request(headers)`` sends the GET (with the extra ``headers``) and
    returns the streamed response. ``size`` (when known) tells a complete body
    from one cut short. At most ``max_resumes`` reconnections are made, each
    after ``pause(breaks)`` (a client passes its transport's
    ``pause_before_resume``: its retry policy's waits, growing while
    connections break with no byte between); the bytes that arrived before a
    connection broke are kept (handed over), so connections dropping more
    often than ``chunk_size`` still make progress.
    A body arriving slower than ``min_progress`` ends with ``RequestTimeout``.

    ``ask_range`` sends ``Range`` from the first request on (``bytes=0-``
    for a whole body), so that ``honours_range`` says whether the server
    answered with a 206. ``end`` may be lowered while the body is read (down
    to the current position): the reader then stops there and closes the
    connection rather than read the rest. Iterating it twice continues where
    the first loop stopped (one reading, on the same connection).
    """

    def __init__(
        self,
        open_request: Opener,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        start: int = 0,
        end: Optional[int] = None,
        min_progress: Optional[MinimumProgress] = DEFAULT_MIN_PROGRESS,
        pause: Pause = default_pause,
        ask_range: bool = False,
    ):
        self.open_request = open_request
        self.ask_range = ask_range
        self.honours_range: Optional[bool] = None  # the last reply to a Range was a 206
        self.size = size
        self.chunk_size = check_int("chunk_size", chunk_size, 1)
        self.max_resumes = max_resumes
        self.min_progress = min_progress
        self.start = start
        self.end = end  # exclusive end of a partial read
        self.position = start
        self.resumes = 0
        self.pause = pause
        self._breaks_in_a_row = 0
        self._broken_at: Optional[int] = None  # where the last connection broke
        self.response: Optional[requests.Response] = None
        self.first_headers: Dict[str, str] = {}
        self._pending: Optional[Tuple[requests.Response, bytes]] = None
        self._held: Optional[requests.Response] = None
        self._chunks: Optional[Iterator[bytes]] = None

    def reader_of(self, start: int, end: int) -> RangedReader:
        """A reader of bytes ``[start, end)`` of the same body, asked, paced
        and resumed as this one is (a part of a parallel fetch)."""
        return RangedReader(
            self.open_request,
            self.size,
            self.chunk_size,
            self.max_resumes,
            start=start,
            end=end,
            min_progress=self.min_progress,
            pause=self.pause,
        )

    def hold(self, response: requests.Response) -> None:
        """Take ``response``, already open (a probe's), as the reply to the
        next request, so that it is read rather than asked for again."""
        self._held = response

    def take_held(self) -> Optional[requests.Response]:
        """The reply :meth:`hold` was given, if still unused, now the caller's."""
        held, self._held = self._held, None
        return held

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
        if self.position > 0 or self.end is not None or self.ask_range:
            last = "" if self.end is None else str(self.end - 1)
            headers["Range"] = "bytes=%d-%s" % (self.position, last)
        try:
            response = self.take_held() or self.open_request(headers)
        except exc.RangeNotSatisfiable:
            if self._stop is not None and self.position >= self._stop:
                return None
            raise
        self.response = response
        if not self.first_headers:
            self.first_headers = dict(response.headers)
        if "Range" in headers:
            self.honours_range = response.status_code == 206
        if response.status_code == 206:
            self._check_content_range(response)
            return response, b""
        if response.status_code != 200:
            response.close()
            raise exc.ClientException(
                response.status_code,
                "Expected the data (HTTP 200 or 206), got HTTP %d" % response.status_code,
                request_id=request_id_of(response),
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
        chunk: bytes
        for chunk in response.iter_content(self.chunk_size):
            skipped += len(chunk)
            if skipped >= self.position:
                return chunk[len(chunk) - (skipped - self.position) :]
        response.close()
        raise exc.ConnectionFailed("The body ended before byte %d" % self.position)

    def __iter__(self) -> Iterator[bytes]:
        if self._chunks is None:
            self._chunks = self._read()
        return self._chunks

    def _read(self) -> Iterator[bytes]:
        while self._stop is None or self.position < self._stop:
            try:
                opened, self._pending = (self._pending or self.open()), None
            except _BODY_ERRORS as error:  # broken while skipping what a server ignoring Range resent
                if self.response is None:
                    raise
                self._drop(self.response, error)
                continue
            if opened is None:
                return
            response, leftover = opened
            try:
                for chunk in self._chunks_of(response, leftover):
                    stop = self._stop  # read each time: the end may be lowered meanwhile
                    if stop is not None and self.position + len(chunk) > stop:
                        chunk = chunk[: stop - self.position]
                    self.position += len(chunk)
                    yield chunk
                    if self._stop is not None and self.position >= self._stop:
                        break
            except _BODY_ERRORS as error:
                self._drop(response, error)
                continue
            finally:
                response.close()
            if self._stop is None or self.position >= self._stop:
                return
            self._drop(response, None)

    def _chunks_of(self, response: requests.Response, leftover: bytes) -> Iterator[bytes]:
        """``response``'s body in chunks of ``chunk_size`` bytes (the last
        one shorter). If the connection breaks, what arrived of the current
        chunk is handed over first, then the error raised."""
        if leftover:
            yield leftover
        raw = getattr(response, "raw", None)  # urllib3 2: read1 returns what arrived
        read1 = raw.read1 if isinstance(raw, urllib3.response.BaseHTTPResponse) else None
        if read1 is None:
            yield from (chunk for chunk in response.iter_content(self.chunk_size) if chunk)
            return
        window = self.min_progress.start() if self.min_progress is not None else None
        pieces: List[bytes] = []
        held = 0
        try:
            while True:
                piece = read1(self.chunk_size - held, decode_content=True)
                if not piece:
                    break
                if window is not None:
                    window.advance(len(piece))
                if not held and len(piece) == self.chunk_size:
                    yield piece
                    continue
                pieces.append(piece)
                held += len(piece)
                if held >= self.chunk_size:
                    yield b"".join(pieces)
                    pieces, held = [], 0
        except _BODY_ERRORS:
            if pieces:
                yield b"".join(pieces)
            raise
        if pieces:
            yield b"".join(pieces)

    def _drop(self, response: requests.Response, error: Optional[BaseException]) -> None:
        """Count a dropped connection; give up after ``max_resumes``, else
        pause before the resume."""
        response.close()
        self.resumes += 1
        reason = error if error is not None else "the body ended early"
        if self.resumes > self.max_resumes:
            raise exc.ConnectionFailed(
                "The download broke off at byte %d %d times (%s); giving up"
                % (self.position, self.resumes, reason)
            ) from error
        if self.position != self._broken_at:
            self._breaks_in_a_row = 0  # bytes arrived since the last break
        logger.info("Connection dropped at byte %d (%s); resuming with Range", self.position, reason)
        self.pause(self._breaks_in_a_row)
        self._breaks_in_a_row += 1
        self._broken_at = self.position

    def close(self) -> None:
        """Close the current response (and a held or pending one), if any."""
        held = self.take_held()
        if held is not None:
            held.close()
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

    class _End:
        """The producer's last item: no more chunks."""

    _END = _End()

    def __init__(self, source: Any, depth: int = 2):
        self.source = source
        self.chunks: queue.Queue[Union[bytes, BaseException, ReadAhead._End]] = queue.Queue(max(1, depth))
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

    def _put(self, item: Union[bytes, BaseException, _End]) -> bool:
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
        if isinstance(item, ReadAhead._End):
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
