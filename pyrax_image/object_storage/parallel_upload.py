"""A local file stored as a static large object by parallel segment PUTs.

One stream across a long link moves at most its window per round trip;
:class:`ParallelSegmentUpload` cuts a seekable source (a path or a seekable
binary file object) into ``segment_size``-byte segments and PUTs them
``connections`` at a time, then joins them with a static large object (SLO)
manifest. Each segment's body reads its byte range of the source, so a resend
(as the transport's retry policy allows) reads the range again rather than
replaying a consumed stream; each PUT must answer the MD5 of the bytes read
as its ETag (a mismatch is sent once more, then ``ChecksumMismatch``).
Beside the PUTs one thread hashes the whole source in order (MD5 and
the options' ``hash_algo``), so whatever is made from the object can be verified.
:meth:`~ParallelSegmentUpload.delete` removes the manifest and every segment
stored, also after a failure.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.object_storage import paths
from pyrax_image.object_storage.resources import StorageClient
from pyrax_image.object_storage.upload import check_manifest_etag, unquote_etag
from pyrax_image.transfer.bodies import _KeepsSourceError, raise_source_error
from pyrax_image.transfer.hashing import HashSet
from pyrax_image.transfer.options import DEFAULT_TRANSFER, TransferOptions
from pyrax_image.transfer.parallel import FileObjectAccess, plan_parts
from pyrax_image.transfer.sources import remaining_size, start_position

logger = logging.getLogger("pyrax_image.object_storage")

DEFAULT_SEGMENT_SIZE = 32 * 1024 * 1024
MIN_SEGMENT_SIZE = 1024 * 1024  # Swift's smallest SLO segment but the last
MAX_SEGMENT_SIZE = 5 * 1024**3  # Swift's largest object
MAX_SEGMENTS = 1000  # Swift's max_manifest_segments default: larger files get larger segments
ETAG_ATTEMPTS = 2  # a segment whose ETag differs is sent once more


def check_segment_size(segment_size: Any) -> int:
    """Refuse a segment size Swift would not take (1 MiB to 5 GiB)."""
    if check_int("segment_size", segment_size, MIN_SEGMENT_SIZE) > MAX_SEGMENT_SIZE:
        raise exc.InvalidArgument(
            "segment_size must be at most %d (Swift's largest object)" % MAX_SEGMENT_SIZE
        )
    return int(segment_size)


def source_size(data: Any) -> int:
    """The bytes left in a regular file's path or a seekable binary file
    object (what several connections can read at offsets); anything else, or
    nothing to send, raises ``InvalidArgument`` (before any request)."""
    size: Optional[int] = None
    if isinstance(data, (str, os.PathLike)):
        size = os.path.getsize(data) if os.path.isfile(data) else None
    elif "b" in getattr(data, "mode", "b") and callable(getattr(data, "read", None)):
        try:
            size = remaining_size(data, start_position(data)) if data.seekable() else None
        except (AttributeError, OSError, ValueError):
            size = None
    if size is None:
        raise exc.InvalidArgument(
            "An upload through object storage needs a file's path or a seekable binary file, not %s"
            % type(data).__name__
        )
    if size == 0:
        raise exc.InvalidArgument("An upload through object storage needs data: the file is empty")
    return size


class SegmentBody(_KeepsSourceError):
    """``length`` bytes of ``source`` from ``offset``, MD5-hashed as sent;
    rewinding reads the range again."""

    def __init__(
        self,
        source: FileObjectAccess,
        offset: int,
        length: int,
        chunk_size: int,
        on_bytes: Callable[[int], None],
    ):
        self.source = source
        self.offset = offset
        self.len: Optional[int] = length
        self.chunk_size = chunk_size
        self.on_bytes = on_bytes
        self.sent = 0
        self.md5 = hashlib.md5(usedforsecurity=False)

    @property
    def rewindable(self) -> bool:
        """Always: the range can be read again."""
        return True

    def rewind(self) -> None:
        """Back to the start of the range (and of its hash)."""
        self.on_bytes(-self.sent)
        self.sent = 0
        self.md5 = hashlib.md5(usedforsecurity=False)

    def _iterate(self) -> Iterator[bytes]:
        length = self.len or 0
        while self.sent < length:
            chunk = self.source.read_at(self.offset + self.sent, min(self.chunk_size, length - self.sent))
            if not chunk:
                raise exc.InvalidArgument(
                    "The file ended at byte %d, before its size when the upload began (did it change?)"
                    % (self.offset + self.sent)
                )
            self.md5.update(chunk)
            self.sent += len(chunk)
            self.on_bytes(len(chunk))
            yield chunk

    def hexdigests(self) -> Dict[str, str]:
        """The MD5 of the bytes sent."""
        return {"md5": self.md5.hexdigest()}


class ParallelSegmentUpload:
    """Store a seekable source as SLO ``name`` in ``container`` through
    ``connections`` parallel segment PUTs (segments under ``<name>.segments/<random>/``
    in the same container), read in the ``options``' chunks, reporting to its
    ``progress``; :meth:`upload` returns the digests of the whole source."""

    def __init__(
        self,
        client: StorageClient,
        container: str,
        name: str,
        data: Any,
        segment_size: int = DEFAULT_SEGMENT_SIZE,
        connections: int = 4,
        options: TransferOptions = DEFAULT_TRANSFER,
    ):
        paths.object_path(container, name)
        check_segment_size(segment_size)
        check_int("connections", connections, 1)
        self.size = source_size(data)
        self.client = client
        self.container = container
        self.name = name
        self.data = data
        self.segment_size = max(segment_size, -(-self.size // MAX_SEGMENTS))
        self.connections = connections
        self.chunk_size = options.chunk_size
        self.hash_algo = options.hash_algo
        self.progress = options.progress
        self.prefix = "%s.segments/%s" % (name, uuid.uuid4().hex)
        self.stored: List[str] = []  # segment names Swift may hold
        self.etags: Dict[int, str] = {}  # the MD5 of each segment stored whole
        self.manifest_stored = False
        self._done = 0
        self._lock = threading.Lock()

    # -- progress ------------------------------------------------------------------------
    def _on_bytes(self, count: int) -> None:
        with self._lock:
            self._done += count
            done = self._done
            if self.progress is not None and count > 0:
                self.progress(done, self.size)

    # -- the upload ----------------------------------------------------------------------
    def upload(self) -> Dict[str, str]:
        """PUT the segments and the manifest; return the source's digests
        (``md5`` and ``hash_algo``). On failure what was stored is removed."""
        handle, owned = self._open()
        try:
            source = FileObjectAccess(handle, start_position(handle) or 0)
            parts = plan_parts(self.size, 1, self.segment_size)
            try:
                digests = self._put_segments(source, parts)
                self._put_manifest(parts)
            except BaseException:
                self.delete()
                raise
            return digests
        finally:
            if owned:
                handle.close()

    def _open(self) -> Tuple[Any, bool]:
        if isinstance(self.data, (str, os.PathLike)):
            return open(self.data, "rb"), True
        return self.data, False

    def _put_segments(self, source: FileObjectAccess, parts: List[Tuple[int, int]]) -> Dict[str, str]:
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=1) as hasher, ThreadPoolExecutor(self.connections) as pool:
            hashing: Future[Dict[str, str]] = hasher.submit(self._hash_all, source, stop)
            puts: List[Future[None]] = [
                pool.submit(self._put_segment, source, index, start, end, stop)
                for index, (start, end) in enumerate(parts)
            ]
            everything: List[Future[Any]] = [hashing, *puts]
            done, _ = wait(everything, return_when=FIRST_EXCEPTION)
            failed = [future for future in done if future.exception() is not None]
            if failed:
                stop.set()
                for future in puts:
                    future.cancel()
                wait(everything)
                error = failed[0].exception()
                assert error is not None
                raise error
            return hashing.result()

    def _hash_all(self, source: FileObjectAccess, stop: threading.Event) -> Dict[str, str]:
        hashes = HashSet(self.hash_algo, threaded=False)
        offset = 0
        while offset < self.size and not stop.is_set():
            chunk = source.read_at(offset, min(self.chunk_size, self.size - offset))
            if not chunk:
                raise exc.InvalidArgument("The file ended at byte %d of %d" % (offset, self.size))
            hashes.update(chunk)
            offset += len(chunk)
        return hashes.hexdigests()

    def _segment_name(self, index: int) -> str:
        return "%s/%08d" % (self.prefix, index)

    def _put_segment(
        self, source: FileObjectAccess, index: int, start: int, end: int, stop: threading.Event
    ) -> None:
        try:
            self._put_segment_once(source, index, start, end, stop)
        except BaseException:
            stop.set()  # the other workers take no new attempt
            raise

    def _put_segment_once(
        self, source: FileObjectAccess, index: int, start: int, end: int, stop: threading.Event
    ) -> None:
        name = self._segment_name(index)
        uri = self.client.object_uri(self.container, name)
        headers = {"Content-Type": "application/octet-stream"}
        for attempt in range(ETAG_ATTEMPTS):
            if stop.is_set():
                return
            body = SegmentBody(source, start, end - start, self.chunk_size, self._on_bytes)
            try:
                response, _ = self.client.method_put(uri, data=body, headers=headers)
            except exc.PyraxImageException as error:
                raise_source_error(body, error)
                raise
            finally:
                if body.sent:
                    with self._lock:
                        self.stored.append(name)
            etag = unquote_etag(response.headers.get("Etag"))
            if etag == body.md5.hexdigest():
                with self._lock:
                    self.etags[index] = etag
                return
            logger.warning(
                "Segment %s: Swift's ETag differs from the bytes sent (attempt %d)", name, attempt + 1
            )
        raise exc.ChecksumMismatch("ETag of segment %s" % name, body.md5.hexdigest(), etag)

    def _manifest(self, parts: List[Tuple[int, int]]) -> List[Dict[str, Any]]:
        return [
            {
                "path": "/%s/%s" % (self.container, self._segment_name(index)),
                "etag": self.etags[index],
                "size_bytes": end - start,
            }
            for index, (start, end) in enumerate(parts)
        ]

    def _put_manifest(self, parts: List[Tuple[int, int]]) -> None:
        manifest = self._manifest(parts)
        self.manifest_stored = True  # a failed PUT may still have stored it
        response, _ = self.client.method_put(
            self.client.object_uri(self.container, self.name),
            params={"multipart-manifest": "put"},
            data=json.dumps(manifest).encode("utf-8"),
            headers={"Content-Type": "application/octet-stream"},
        )
        check_manifest_etag(response.headers.get("Etag"), manifest, self.name)

    # -- cleanup -------------------------------------------------------------------------
    def delete(self) -> None:
        """Remove the manifest and every stored segment (best effort: what
        cannot be removed is logged, never raised, so the first error stays)."""
        if self.manifest_stored and self._remove(self.name, {"multipart-manifest": "delete"}):
            self.stored = []  # deleted with the manifest
        self.manifest_stored = False
        names, self.stored = sorted(set(self.stored)), []
        if not names:
            return
        with ThreadPoolExecutor(max_workers=self.connections) as pool:
            list(pool.map(lambda name: self._remove(name, None), names))

    def _remove(self, name: str, params: Optional[Dict[str, str]]) -> bool:
        """Delete one object; True when it is gone."""
        try:
            self.client.method_delete(self.client.object_uri(self.container, name), params=params)
        except exc.NotFound:
            return params is None  # a manifest never stored: its segments are still there
        except exc.PyraxImageException as error:
            logger.warning("Could not remove %s/%s: %s", self.container, name, error)
            return False
        return True
