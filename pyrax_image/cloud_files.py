"""pyrax's Cloud Files names for the object storage of image workflows.

``pyrax_image.cloudfiles`` (after authentication) and
:func:`pyrax_image.connect_to_cloudfiles` are a :class:`CloudFilesClient`:
an :class:`~pyrax_image.object_storage.ObjectStorageClient` (streamed,
percent-encoded, segmented past 5 GiB) with the names and signatures of
pyrax's ``CloudFilesClient``::

    cf = pyrax.cloudfiles
    cont = cf.create_container("images")
    cf.upload_file(cont, "/path/disk.vhd")
    task = pyrax.images.import_task("disk.vhd", cont)
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Literal, Optional, overload

from pyrax_image.checks import check_flag, check_int
from pyrax_image.object_storage import client as _storage
from pyrax_image.object_storage import paths
from pyrax_image.object_storage import resources as _resources
from pyrax_image.object_storage.listing import iter_listing
from pyrax_image.object_storage.metadata import (
    CONTAINER_META_PREFIX,
    object_headers_to_send,
    prefixed_metadata,
    swift_headers,
)
from pyrax_image.transfer.files import check_folder


class StorageObject(_resources.StorageObject):
    """An object, with pyrax's ``get``/``fetch``, ``download`` and ``hash``."""

    client: CloudFilesClient

    @property
    def hash(self) -> Optional[str]:
        """The ETag (pyrax's name)."""
        return self.etag

    def get(self, include_meta: bool = False, chunk_size: Optional[int] = None) -> Any:
        """The data (pyrax's name for :meth:`fetch`)."""
        return self.fetch(include_meta=include_meta, chunk_size=chunk_size)


class Container(_resources.Container):
    """A container, with pyrax's method names and argument order."""

    client: CloudFilesClient

    def get_objects(  # type: ignore[override]
        self,
        marker: Optional[str] = None,
        limit: Optional[int] = None,
        prefix: Optional[str] = None,
        delimiter: Optional[str] = None,
        end_marker: Optional[str] = None,
        full_listing: bool = False,
    ) -> List[StorageObject]:
        """The objects of this container (every page unless ``limit``)."""
        return self.client.list_container_objects(
            self, limit, marker, prefix, delimiter, end_marker, full_listing
        )

    list = get_objects

    def list_all(self, prefix: Optional[str] = None) -> Iterator[StorageObject]:
        """Every object, fetched page by page as the iterator advances."""
        return self.client.object_listing_iterator(self, prefix=prefix)

    def list_object_names(self, *args: Any, **kwargs: Any) -> List[str]:
        """The names of the objects (same arguments as :meth:`get_objects`)."""
        return [obj.name for obj in self.get_objects(*args, **kwargs)]

    def store_object(  # type: ignore[override]
        self, obj_name: str, data: Any, *args: Any, **kwargs: Any
    ) -> Optional[_resources.StorageObject]:
        """Upload ``data`` as ``obj_name`` (see ``CloudFilesClient.store_object``)."""
        stored: Optional[_resources.StorageObject] = self.client.store_object(
            self, obj_name, data, *args, **kwargs
        )
        return stored  # None when asked for with return_none

    def upload_file(self, file_or_path: Any, obj_name: Optional[str] = None, **kwargs: Any) -> Any:
        """Upload a file (see ``CloudFilesClient.upload_file``)."""
        return self.client.upload_file(self, file_or_path, obj_name=obj_name, **kwargs)

    def fetch(
        self,
        obj: Any,
        include_meta: bool = False,
        chunk_size: Optional[int] = None,
        size: Optional[int] = None,
    ) -> Any:
        """The object's data (see ``CloudFilesClient.fetch_object``)."""
        return self.client.fetch_object(
            self, obj, include_meta=include_meta, chunk_size=chunk_size, size=size
        )

    def fetch_object(
        self, obj_name: Any, include_meta: bool = False, chunk_size: Optional[int] = None
    ) -> Any:
        """pyrax's alias of :meth:`fetch`."""
        return self.fetch(obj_name, include_meta=include_meta, chunk_size=chunk_size)

    def download(self, obj: Any, directory: str, structure: bool = True) -> str:
        """Write the object into ``directory``; returns the path."""
        return self.client.download_object(self, obj, directory, structure=structure)

    download_object = download

    def get_temp_url(
        self, obj: Any, seconds: float, method: str = "GET", key: Optional[str] = None, cached: bool = True
    ) -> str:
        """A temporary URL for one object of this container."""
        return self.client.get_temp_url(self, obj, seconds, method=method, key=key, cached=cached)

    def __repr__(self) -> str:
        return "<Container '%s'>" % self.name


class CloudFilesClient(_storage.ObjectStorageClient):
    """pyrax's ``CloudFilesClient`` names over :class:`ObjectStorageClient`."""

    name = "Cloud Files"

    # -- containers -----------------------------------------------------------------
    def list(  # type: ignore[override]
        self,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        end_marker: Optional[str] = None,
        prefix: Optional[str] = None,
    ) -> List[Container]:
        """The account's containers (every page unless ``limit``)."""
        return self._containers(Container, {"end_marker": end_marker, "prefix": prefix}, limit, marker)

    def list_containers(self, limit: Optional[int] = None, marker: Optional[str] = None) -> List[str]:
        """The names of the account's containers."""
        return [cont.name for cont in self.list(limit=limit, marker=marker)]

    list_container_names = list_containers

    def list_containers_info(
        self, limit: Optional[int] = None, marker: Optional[str] = None
    ) -> List[Dict[str, Any]]:
        """``{"name", "count", "bytes"}`` of each container."""
        return [
            {"name": item["name"], "count": item.get("count"), "bytes": item.get("bytes")}
            for item in iter_listing(self, "", {}, limit, marker)
        ]

    def get(self, item: Any) -> Container:
        """The container named ``item`` (a Container is returned as is)."""
        return item if isinstance(item, Container) else self.get_container(item)

    def get_container(self, container: Any) -> Container:
        """The container (HEAD); ``NoSuchContainer`` if it does not exist."""
        found = super().get_container(container)
        return Container(self, found.name, found.headers)

    def create_container(
        self, name: str, metadata: Optional[Dict[str, Any]] = None, prefix: Optional[str] = None
    ) -> Container:
        """Create the container (an existing one is kept) and return it."""
        paths.container_name(name)
        headers = prefixed_metadata(metadata, CONTAINER_META_PREFIX if prefix is None else prefix)
        self.method_put(paths.container_path(name), headers=swift_headers(headers))
        return self.get_container(name)

    create = create_container

    def delete(self, container: Any, del_objects: bool = False) -> None:
        """Delete a container; with ``del_objects``, its objects first."""
        self.delete_container(container, del_objects=del_objects)

    # -- listings -------------------------------------------------------------------
    def list_container_objects(  # type: ignore[override]
        self,
        container: Any,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        prefix: Optional[str] = None,
        delimiter: Optional[str] = None,
        end_marker: Optional[str] = None,
        full_listing: bool = False,
    ) -> List[StorageObject]:
        """The objects of a container (every page unless ``limit``; with
        ``delimiter``, pseudo-folders come as objects named after the ``subdir``)."""
        return list(self._objects(StorageObject, container, limit, marker, prefix, delimiter, end_marker))

    get_container_objects = list_container_objects

    def list_container_object_names(self, container: Any, *args: Any, **kwargs: Any) -> List[str]:
        """The names of the objects of a container."""
        return [obj.name for obj in self.list_container_objects(container, *args, **kwargs)]

    get_container_object_names = list_container_object_names

    def object_listing_iterator(
        self, container: Any, prefix: Optional[str] = None
    ) -> Iterator[StorageObject]:
        """Every object of a container, page by page as the iterator advances."""
        return self._objects(StorageObject, container, None, None, prefix)

    # -- objects --------------------------------------------------------------------
    def get_object(self, container: Any, obj: Any) -> StorageObject:
        """The object (HEAD); ``NoSuchObject`` if it does not exist."""
        found = super().get_object(container, obj)
        return StorageObject(self, found.container, found.name, found.headers)

    @overload  # type: ignore[override]
    def store_object(
        self,
        container: Any,
        obj_name: str,
        data: Any,
        content_type: Optional[str] = ...,
        etag: Optional[str] = ...,
        content_encoding: Optional[str] = ...,
        ttl: Optional[int] = ...,
        return_none: Literal[False] = ...,
        **kwargs: Any,
    ) -> _resources.StorageObject: ...

    @overload
    def store_object(
        self, container: Any, obj_name: str, data: Any, *, return_none: Literal[True], **kwargs: Any
    ) -> None: ...

    def store_object(
        self,
        container: Any,
        obj_name: str,
        data: Any,
        content_type: Optional[str] = None,
        etag: Optional[str] = None,
        content_encoding: Optional[str] = None,
        ttl: Optional[int] = None,
        return_none: bool = False,
        chunk_size: Optional[int] = None,
        headers: Optional[Dict[str, str]] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra_info: Any = None,
        **kwargs: Any,
    ) -> Optional[_resources.StorageObject]:
        """Upload ``data`` (bytes, text, a file object or an iterator of
        bytes), streamed. ``etag`` is the MD5 Swift must find (plain objects),
        ``ttl`` deletes the object after that many seconds; ``extra_info`` is
        accepted and unused, as in pyrax. More keywords go to
        :meth:`ObjectStorageClient.store_object` (``size``, ``progress``...)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        check_flag("return_none", return_none)
        send = object_headers_to_send(headers, metadata, etag, content_encoding, ttl)
        stored = super().store_object(
            container,
            obj_name,
            data,
            content_type=content_type,
            headers=send,
            chunk_size=chunk_size,
            **kwargs,
        )
        return None if return_none else stored

    @overload
    def upload_file(
        self,
        container: Any,
        file_or_path: Any,
        obj_name: Optional[str] = ...,
        content_type: Optional[str] = ...,
        etag: Optional[str] = ...,
        content_encoding: Optional[str] = ...,
        ttl: Optional[int] = ...,
        content_length: Optional[int] = ...,
        return_none: Literal[False] = ...,
        **kwargs: Any,
    ) -> _resources.StorageObject: ...

    @overload
    def upload_file(
        self, container: Any, file_or_path: Any, *, return_none: Literal[True], **kwargs: Any
    ) -> None: ...

    def upload_file(
        self,
        container: Any,
        file_or_path: Any,
        obj_name: Optional[str] = None,
        content_type: Optional[str] = None,
        etag: Optional[str] = None,
        content_encoding: Optional[str] = None,
        ttl: Optional[int] = None,
        content_length: Optional[int] = None,
        return_none: bool = False,
        headers: Optional[Dict[str, str]] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra_info: Any = None,
        **kwargs: Any,
    ) -> Optional[_resources.StorageObject]:
        """Upload a file given by path or as a file object (named after the
        file unless ``obj_name``), streamed; large files are segmented."""
        check_flag("return_none", return_none)
        if content_length is not None:
            kwargs["size"] = check_int("content_length", content_length, digits=True)
        obj_name = paths.upload_name(file_or_path, obj_name)
        send = object_headers_to_send(headers, metadata, etag, content_encoding, ttl)
        # The parent's store_object: a str here is a path, not data.
        stored = super().store_object(
            container, obj_name, file_or_path, content_type=content_type, headers=send, **kwargs
        )
        return None if return_none else stored

    def fetch_object(
        self,
        container: Any,
        obj: Any,
        include_meta: bool = False,
        chunk_size: Optional[int] = None,
        size: Optional[int] = None,
        extra_info: Any = None,
    ) -> Any:
        """The data: bytes, or with ``chunk_size`` an iterator of chunks;
        ``include_meta`` gives ``(headers, data)``; ``size`` the first bytes."""
        return super().fetch_object(
            container, obj, include_meta=include_meta, chunk_size=chunk_size, size=size
        )

    def download_object(self, container: Any, obj: Any, directory: str, structure: bool = True) -> str:
        """Write the object into ``directory`` (keeping its pseudo-folders
        when ``structure``), streamed into a temporary file renamed when
        complete; returns the path. See ``StorageObject.download``: the
        folder must exist (checked before any request) and the file stays
        inside it."""
        check_folder(directory)
        check_flag("structure", structure)
        target = obj if isinstance(obj, _resources.StorageObject) else self.get_object(container, obj)
        return target.download(directory, structure=structure)

    # -- temporary URLs ----------------------------------------------------------------
    def get_temp_url(  # type: ignore[override]
        self,
        container: Any,
        obj: Any,
        seconds: float,
        method: str = "GET",
        key: Optional[str] = None,
        cached: bool = True,
        digest: str = "sha256",
    ) -> str:
        """A URL giving ``method`` (GET or PUT...) access to the object for ``seconds``."""
        return super().get_temp_url(
            container, obj, seconds, method=method, key=key, digest=digest, cached=cached
        )
