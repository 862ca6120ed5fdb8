"""Streamed object uploads that switch to a static large object past a threshold.

Up to ``threshold`` bytes an object goes up in one PUT (with Content-Length
when the size is known, chunked otherwise). Larger data is cut into segments
of ``segment_size`` bytes stored in ``<container>_segments`` and joined by a
static large object (SLO) manifest. When the size is not known up front, the
first ``threshold`` bytes go to the object itself; if more follow, that
object is copied server-side to become the first segment. Every PUT is
verified against the ETag (MD5) Swift returns; memory stays at a few chunks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from typing import Any, Callable, Dict, Iterator, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.image.data import (
    DEFAULT_CHUNK_SIZE,
    HashSet,
    Progress,
    _known_size,
    raise_source_error,
)
from pyrax_image.utils import check_int, check_progress

logger = logging.getLogger("pyrax_image.object_storage")

DEFAULT_SEGMENT_THRESHOLD = 5 * 1024**3  # Swift's largest single object
SEGMENTS_SUFFIX = "_segments"


class SourceReader:
    """``read(n)`` over bytes, a path, a file object or an iterator of bytes.

    Bytes and seekable files can be repositioned (``seek``), so a segment can
    be resent; ``unread`` pushes bytes back (used to peek for more data).
    """

    def __init__(self, data: Any):
        self._owned = None
        self._memory: Optional[memoryview] = None
        self._file: Any = None
        self._iter: Optional[Iterator[Any]] = None
        self._start: Optional[int] = None
        self._pushback = b""
        self.position = 0
        if isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            if not os.path.isfile(path):
                raise exc.InvalidArgument("No such file: %s" % path)
            data = self._owned = open(path, "rb")
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._memory = memoryview(data).cast("B")
            self.size: Optional[int] = len(self._memory)
        elif hasattr(data, "read"):
            self._file = data
            try:
                if not callable(getattr(data, "seekable", None)) or data.seekable():
                    self._start = int(data.tell())
            except (AttributeError, OSError, ValueError):
                self._start = None
            self.size = _known_size(data, self._start)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, dict)):
            self._iter = iter(data)
            self.size = None
        else:
            raise exc.InvalidArgument(
                "Data must be bytes, a file object, a path or an iterator of bytes, not %s"
                % type(data).__name__
            )

    @property
    def seekable(self) -> bool:
        """True when any earlier position can be read again."""
        return self._memory is not None or self._start is not None

    def seek(self, position: int) -> None:
        """Go back to ``position`` bytes from the start (seekable sources only)."""
        if not self.seekable:
            raise exc.BodyNotRewindable("The data is a one-shot stream and cannot be read again")
        self._pushback = b""
        if self._start is not None:
            self._file.seek(self._start + position)
        self.position = position

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes (fewer at the end; b"" when exhausted)."""
        if self._pushback:
            chunk, self._pushback = self._pushback[:size], self._pushback[size:]
        elif self._memory is not None:
            chunk = bytes(self._memory[self.position : self.position + size])
        elif self._file is not None:
            chunk = self._file.read(size)
        else:
            chunk = b""
            assert self._iter is not None
            for item in self._iter:
                if isinstance(item, str):
                    raise exc.InvalidArgument("Data must be bytes, not text")
                if item:
                    chunk = bytes(item)
                    break
            if len(chunk) > size:
                chunk, self._pushback = chunk[:size], chunk[size:]
        self.position += len(chunk)
        return chunk

    def unread(self, data: bytes) -> None:
        """Push ``data`` back so the next read returns it first."""
        self._pushback = data + self._pushback
        self.position -= len(data)

    def close(self) -> None:
        """Close the file opened from a path."""
        if self._owned is not None:
            self._owned.close()


class PartBody:
    """The body of one PUT: at most ``limit`` bytes of a reader, MD5-hashed.

    ``len`` is the exact length when known (Content-Length), else None
    (chunked). Resendable when the reader is seekable.
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
        self.source_error: Optional[Exception] = None

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

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._iterate()
        except Exception as error:
            self.source_error = error
            raise

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

    @property
    def md5(self) -> str:
        """MD5 hex of the bytes sent."""
        return self.hashes.hexdigests().get("md5", "")


class ObjectUploader:
    """Uploads one object through ``client`` (an ``ObjectStorageClient``)."""

    def __init__(
        self,
        client: Any,
        container: str,
        name: str,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        threshold: int = DEFAULT_SEGMENT_THRESHOLD,
        segment_size: Optional[int] = None,
        headers: Optional[Dict[str, str]] = None,
        progress: Optional[Progress] = None,
    ):
        check_int("chunk_size", chunk_size, 1)
        check_int("threshold", threshold, 1)
        if segment_size is not None:
            check_int("segment_size", segment_size, 1)
        check_progress(progress)
        self.client = client
        self.container = container
        self.name = name
        self.chunk_size = chunk_size
        self.threshold = threshold
        self.segment_size = segment_size or threshold
        self.headers = dict(headers or {})
        self.progress = progress
        self.total: Optional[int] = None
        self.done = 0
        self.segments: List[Dict[str, Any]] = []
        self.last_part: Dict[str, Any] = {}
        self._stamp = 0.0

    def _on_bytes(self, count: int) -> None:
        self.done += count
        if self.progress is not None and count > 0:
            self.progress(self.done, self.total)

    def upload(self, data: Any, size: Optional[int] = None) -> Dict[str, str]:
        """Send ``data``; return the headers of the final PUT."""
        reader = SourceReader(data)
        self.total = size if size is not None else reader.size
        partial = False
        try:
            if self.total is not None and self.total <= self.threshold:
                return self._put_part(self.container, self.name, reader, self.total, self.total)
            if self.total is not None:
                return self._segmented(reader, first=None)
            first = self._put_part(self.container, self.name, reader, self.threshold, None)
            if reader.position < self.threshold:
                return first
            peek = reader.read(self.chunk_size)
            if not peek:
                return first
            reader.unread(peek)
            partial = True  # the object holds only the first part until the manifest
            return self._segmented(reader, first=first)
        except BaseException:
            self._remove_segments()
            if partial:
                self._remove(self.container, self.name)
            raise
        finally:
            reader.close()

    def _put_part(
        self, container: str, name: str, reader: SourceReader, limit: Optional[int], length: Optional[int]
    ) -> Dict[str, str]:
        body = PartBody(reader, limit, length, self.chunk_size, self._on_bytes)
        headers = dict(self.headers) if name == self.name else {}
        headers.setdefault("Content-Type", "application/octet-stream")
        try:
            response, _ = self.client.method_put(
                self.client._object_uri(container, name), data=body, headers=headers
            )
        except exc.PyraxImageException as error:
            raise_source_error(body, error)
            raise
        finally:
            body.hashes.close()
        etag = _unquote_etag(response.headers.get("Etag"))
        if etag and etag != body.md5:
            raise exc.ChecksumMismatch("ETag of %s" % name, etag, body.md5)
        self.last_part = {"etag": body.md5, "size_bytes": body.sent}
        return dict(response.headers)

    @property
    def segment_container(self) -> str:
        """Where the segments go: ``<container>_segments``."""
        return self.container + SEGMENTS_SUFFIX

    def _segment_name(self, index: int) -> str:
        size = "unknown" if self.total is None else str(self.total)
        return "%s/slo/%.6f/%s/%d/%08d" % (self.name, self._stamp, size, self.segment_size, index)

    def _segmented(self, reader: SourceReader, first: Optional[Dict[str, str]]) -> Dict[str, str]:
        self._stamp = time.time()
        self.client.create_container(self.segment_container)
        if first is not None:
            # The first `threshold` bytes are already the object: copy them.
            name = self._segment_name(0)
            self.client.copy_object(self.container, self.name, self.segment_container, name)
            self.segments.append(dict(self.last_part, path="/%s/%s" % (self.segment_container, name)))
        while True:
            if self.total is not None:
                length: Optional[int] = min(self.segment_size, self.total - reader.position)
                if length is not None and length <= 0:
                    break
            else:
                length = None
                peek = reader.read(self.chunk_size)
                if not peek:
                    break
                reader.unread(peek)
            name = self._segment_name(len(self.segments))
            self._put_part(self.segment_container, name, reader, self.segment_size, length)
            self.segments.append(dict(self.last_part, path="/%s/%s" % (self.segment_container, name)))
            if self.last_part["size_bytes"] < self.segment_size:
                break
        return self._put_manifest()

    def _put_manifest(self) -> Dict[str, str]:
        manifest = [dict(segment) for segment in self.segments]
        headers = dict(self.headers)
        headers.setdefault("Content-Type", "application/octet-stream")
        response, _ = self.client.method_put(
            self.client._object_uri(self.container, self.name),
            params={"multipart-manifest": "put"},
            data=json.dumps(manifest).encode("utf-8"),
            headers=headers,
        )
        expected = hashlib.md5("".join(s["etag"] for s in manifest).encode("ascii"), usedforsecurity=False)
        etag = _unquote_etag(response.headers.get("Etag"))
        if etag and etag != expected.hexdigest():
            raise exc.ChecksumMismatch("ETag of manifest %s" % self.name, etag, expected.hexdigest())
        return dict(response.headers)

    def _remove_segments(self) -> None:
        """Best-effort removal of segments already stored by a failed upload."""
        for segment in self.segments:
            container, _, name = segment["path"].lstrip("/").partition("/")
            self._remove(container, name)

    def _remove(self, container: str, name: str) -> None:
        try:
            self.client.delete_object(container, name, delete_segments=False)
        except exc.PyraxImageException as error:
            logger.warning("Could not remove %s/%s after a failed upload: %s", container, name, error)


def _unquote_etag(value: Optional[str]) -> str:
    return (value or "").strip().strip('"').lower()
