"""Containers and objects of object storage, and a file-like object reader."""

from __future__ import annotations

import builtins
import io
import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Protocol, Sequence, Tuple, Union

import requests

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_flag, check_int
from pyrax_image.transfer.files import confined_path, make_folders_for, replacing
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE, DEFAULT_MAX_RESUMES, MinimumProgress, Progress
from pyrax_image.transfer.ranged import Opener, RangedReader, ReadAhead

if TYPE_CHECKING:
    from pyrax_image.http import Transport


class StorageClient(Protocol):
    """What containers, objects and uploads ask of their
    :class:`~pyrax_image.object_storage.ObjectStorageClient` (which builds
    them, so they do not import it): its methods, by name and result."""

    min_progress: Optional[MinimumProgress]
    chunk_size: int
    transport: Transport  # its clock and retry policy pace a read's resumes

    def object_uri(self, container: Any, obj: Any) -> str: ...

    def method_get(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]: ...

    def method_put(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]: ...

    def method_delete(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]: ...

    def create_container(self, *args: Any, **kwargs: Any) -> Container: ...

    def delete_container(self, *args: Any, **kwargs: Any) -> None: ...

    def list_container_objects(self, *args: Any, **kwargs: Any) -> Sequence[StorageObject]: ...

    def get_object(self, *args: Any, **kwargs: Any) -> StorageObject: ...

    def store_object(self, *args: Any, **kwargs: Any) -> StorageObject: ...

    def upload_file(self, *args: Any, **kwargs: Any) -> StorageObject: ...

    def copy_object(self, *args: Any, **kwargs: Any) -> Dict[str, str]: ...

    def delete_object(self, *args: Any, **kwargs: Any) -> None: ...

    def get_temp_url(self, *args: Any, **kwargs: Any) -> str: ...


def _int(value: Optional[str]) -> Optional[int]:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class Container:
    """A container, as its HEAD described it (``object_count``, ``total_bytes``)."""

    def __init__(self, client: StorageClient, name: str, headers: Optional[Dict[str, str]] = None):
        self.client = client
        self.name = name
        self.headers = dict(headers or {})
        lowered = {key.lower(): value for key, value in self.headers.items()}
        self.object_count = _int(lowered.get("x-container-object-count"))
        self.total_bytes = _int(lowered.get("x-container-bytes-used"))

    def get_object(self, obj: Any) -> StorageObject:
        """The object named ``obj`` (NoSuchObject if absent)."""
        return self.client.get_object(self, obj)

    def get_objects(self, prefix: Optional[str] = None, limit: Optional[int] = None) -> List[StorageObject]:
        """The objects of this container (every page unless ``limit``)."""
        return list(self.client.list_container_objects(self, prefix=prefix, limit=limit))

    def store_object(self, obj_name: str, data: Any, **kwargs: Any) -> StorageObject:
        """Upload ``data`` as ``obj_name`` (see ``ObjectStorageClient.store_object``)."""
        return self.client.store_object(self, obj_name, data, **kwargs)

    def upload_file(self, file_or_path: Any, obj_name: Optional[str] = None, **kwargs: Any) -> StorageObject:
        """Upload a file (path or file object)."""
        return self.client.upload_file(self, file_or_path, obj_name=obj_name, **kwargs)

    def delete_object(self, obj: Any) -> None:
        """Delete one object (and its segments)."""
        self.client.delete_object(self, obj)

    def delete(self, del_objects: bool = False) -> None:
        """Delete the container (emptying it first when ``del_objects``)."""
        self.client.delete_container(self, del_objects=del_objects)

    def __repr__(self) -> str:
        return "<Container %s objects=%s bytes=%s>" % (self.name, self.object_count, self.total_bytes)


class StorageObject:
    """An object, as its HEAD (or a listing) described it."""

    def __init__(
        self, client: StorageClient, container: str, name: str, headers: Optional[Dict[str, str]] = None
    ):
        self.client = client
        self.container = container
        self.name = name
        self.headers = dict(headers or {})
        lowered = {key.lower(): value for key, value in self.headers.items()}
        self.total_bytes = _int(lowered.get("content-length"))
        self.etag = (lowered.get("etag") or "").strip('"') or None
        self.content_type = lowered.get("content-type")
        self.last_modified = lowered.get("last-modified")
        self.is_static_large_object = lowered.get("x-static-large-object", "").lower() == "true"
        self.is_dynamic_large_object = "x-object-manifest" in lowered

    @property
    def bytes(self) -> Optional[int]:
        """The object's size (pyrax's name)."""
        return self.total_bytes

    @property
    def md5(self) -> Optional[str]:
        """The MD5 of the data: the ETag, except for large objects (whose
        ETag hashes the segments' ETags), where it is None."""
        if self.is_static_large_object or self.is_dynamic_large_object:
            return None
        return self.etag

    def open(
        self,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        read_ahead: int = 2,
    ) -> ObjectReader:
        """A seekable, file-like reader of the data, streamed in ``chunk_size``
        pieces (``read_ahead`` of them fetched in advance by a thread) and
        resumed with ``Range`` after a dropped connection."""
        return ObjectReader(self, chunk_size, progress, max_resumes, read_ahead)

    def fetch(
        self, include_meta: bool = False, chunk_size: Optional[int] = None, size: Optional[int] = None
    ) -> Union[builtins.bytes, Iterator[builtins.bytes], Tuple[Dict[str, str], Any]]:
        """The data, as pyrax fetched it: all bytes (or the first ``size``), or
        with ``chunk_size`` an iterator streaming the data in such chunks."""
        reader = RangedReader(
            self.range_opener(),
            self.total_bytes,
            chunk_size or DEFAULT_CHUNK_SIZE,
            end=size,
            min_progress=self.client.min_progress,
            pause=self.client.transport.pause_before_resume,
        )
        data: Any = iter(reader) if chunk_size else b"".join(reader)
        return (dict(self.headers), data) if include_meta else data

    def fetch_partial(self, size: int) -> builtins.bytes:
        """The first ``size`` bytes."""
        data: builtins.bytes = self.fetch(size=size)  # type: ignore[assignment]
        return data

    def download(self, directory: str, structure: bool = True) -> str:
        """Write the object into ``directory`` (keeping pseudo-folders when
        ``structure``), streamed into a temporary file renamed when complete;
        returns the path written.

        ``directory`` must exist (``FolderNotFound``); a name that would leave
        it (``..``, an absolute name) or a symlink met inside it is refused
        with ``InvalidArgument``, before any data is read.
        """
        check_flag("structure", structure)
        name = self.name if structure else self.name.rsplit("/", 1)[-1]
        path = confined_path(directory, name)
        make_folders_for(os.fspath(directory), path)
        with replacing(path) as out:
            chunks: Iterator[builtins.bytes] = self.fetch(chunk_size=self.client.chunk_size)  # type: ignore[assignment]
            for chunk in chunks:
                out.write(chunk)
        return path

    def range_opener(self) -> Opener:
        """``open_request(headers)`` for a :class:`~pyrax_image.transfer.RangedReader`
        of this object's data."""
        uri = self.client.object_uri(self.container, self.name)

        def open_request(headers: Dict[str, str]) -> Any:
            headers = dict(headers, Accept="*/*")
            response, _ = self.client.method_get(uri, headers=headers, stream=True)
            return response

        return open_request

    def delete(self) -> None:
        """Delete the object (and its segments)."""
        self.client.delete_object(self.container, self)

    def get_temp_url(self, seconds: float, method: str = "GET", **kwargs: Any) -> str:
        """A temporary URL allowing ``method`` on this object for ``seconds``."""
        return self.client.get_temp_url(self.container, self, seconds, method=method, **kwargs)

    def __repr__(self) -> str:
        return "<StorageObject %s/%s bytes=%s>" % (self.container, self.name, self.total_bytes)


class ObjectReader(io.RawIOBase):
    """A read-only, seekable file over an object; bytes arrive by streamed GETs.

    Seeking is free: the next read asks for the data from there (``Range``).
    ``len`` is the object's size, so upload code can send Content-Length.
    A background thread reads ``read_ahead`` chunks ahead (0: none), so
    the download overlaps with whatever consumes the data.
    """

    def __init__(
        self,
        obj: StorageObject,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        read_ahead: int = 2,
    ):
        super().__init__()
        check_int("chunk_size", chunk_size, 1)
        if obj.total_bytes is None:
            raise exc.InvalidArgument("The size of %s/%s is unknown" % (obj.container, obj.name))
        self.obj = obj
        self.len = obj.total_bytes
        self.md5 = obj.md5
        self.chunk_size = chunk_size
        self.progress = progress
        self.max_resumes = max_resumes
        self._position = 0
        self.read_ahead = read_ahead
        self._chunks: Optional[Iterator[bytes]] = None
        self._reader: Any = None
        self._buffer = b""

    @property
    def expected_md5(self) -> Optional[str]:
        """The MD5 the data must have (the ETag of a plain object), if known."""
        return self.md5

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.len}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._drop_stream()
            self._position = position
        return position

    def _drop_stream(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader = None
        self._chunks = None
        self._buffer = b""

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            size = self.len - self._position
        pieces = []
        wanted = size
        while wanted > 0 and self._position < self.len:
            if not self._buffer:
                if self._chunks is None:
                    reader: Any = RangedReader(
                        self.obj.range_opener(),
                        self.len,
                        self.chunk_size,
                        self.max_resumes,
                        start=self._position,
                        min_progress=self.obj.client.min_progress,
                        pause=self.obj.client.transport.pause_before_resume,
                    )
                    if self.read_ahead > 0:
                        reader = ReadAhead(reader, self.read_ahead)
                    self._reader = reader
                    self._chunks = iter(reader)
                self._buffer = next(self._chunks, b"")
                if not self._buffer:
                    break
            piece, self._buffer = self._buffer[:wanted], self._buffer[wanted:]
            pieces.append(piece)
            wanted -= len(piece)
            self._position += len(piece)
        data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if data and self.progress is not None:
            self.progress(self._position, self.len)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._drop_stream()
        super().close()
