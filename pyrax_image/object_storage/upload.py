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
import time
from typing import Any, Dict, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_callable, check_int
from pyrax_image.object_storage.resources import StorageClient
from pyrax_image.transfer.bodies import PartBody, raise_source_error
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE, Progress
from pyrax_image.transfer.sources import SourceReader

logger = logging.getLogger("pyrax_image.object_storage")

DEFAULT_SEGMENT_THRESHOLD = 5 * 1024**3  # Swift's largest single object
SEGMENTS_SUFFIX = "_segments"


class ObjectUploader:
    """Uploads one object through ``client`` (an ``ObjectStorageClient``)."""

    def __init__(
        self,
        client: StorageClient,
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
        check_callable("progress", progress)
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
        reader = SourceReader(data, self.chunk_size, size=size)
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
                self.client.object_uri(container, name), data=body, headers=headers
            )
        except exc.PyraxImageException as error:
            raise_source_error(body, error)
            raise
        finally:
            body.hashes.close()
        etag = unquote_etag(response.headers.get("Etag"))
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
            self.client.object_uri(self.container, self.name),
            params={"multipart-manifest": "put"},
            data=json.dumps(manifest).encode("utf-8"),
            headers=headers,
        )
        check_manifest_etag(response.headers.get("Etag"), manifest, self.name)
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


def check_manifest_etag(etag: Optional[str], manifest: List[Dict[str, Any]], name: str) -> None:
    """Raise ``ChecksumMismatch`` unless a manifest PUT's ETag is the MD5 of
    its segments' ETags joined (what Swift answers for a static large object)."""
    expected = hashlib.md5("".join(s["etag"] for s in manifest).encode("ascii"), usedforsecurity=False)
    answered = unquote_etag(etag)
    if answered and answered != expected.hexdigest():
        raise exc.ChecksumMismatch("ETag of manifest %s" % name, answered, expected.hexdigest())


def unquote_etag(value: Optional[str]) -> str:
    """An ETag header's value without quotes, lower case."""
    return (value or "").strip().strip('"').lower()
