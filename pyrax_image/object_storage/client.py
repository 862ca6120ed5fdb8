"""ObjectStorageClient: the small Swift / Cloud Files client image transfers need.

Built from the same identity (and so the same token) as the image client,
with the endpoint of the identity's ``object-store`` service in the region
asked for (public or internal URL), or an explicit ``management_url``
(``https://host/v1/AUTH_<project>``). Given an existing ``transport`` it
shares that client's HTTP session, retries and logging.
"""

from __future__ import annotations

import secrets
from typing import Any, Dict, Iterator, List, Optional, Tuple, Type, TypeVar

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_flag, check_int, check_text
from pyrax_image.client import BaseClient
from pyrax_image.http import Transport
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.manager import check_criteria
from pyrax_image.object_storage import paths
from pyrax_image.object_storage.listing import container_headers, entry_name, iter_listing, object_headers
from pyrax_image.object_storage.metadata import decoded_headers, swift_headers
from pyrax_image.object_storage.resources import Container, StorageObject
from pyrax_image.object_storage.tempurl import (
    check_temp_url_key,
    check_temp_url_request,
    make_temp_url,
)
from pyrax_image.object_storage.upload import DEFAULT_SEGMENT_THRESHOLD, ObjectUploader
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE, Progress

TEMP_URL_KEY_HEADER = "X-Account-Meta-Temp-Url-Key"

ContainerT = TypeVar("ContainerT", bound=Container)
ObjectT = TypeVar("ObjectT", bound=StorageObject)


class ObjectStorageClient(BaseClient[Container]):
    """Containers, objects, streamed (segmented) uploads and temp URLs.

    ``segment_threshold`` (default 5 GiB) is the size past which uploads
    become static large objects of ``segment_size``-byte segments.
    """

    name = "Object Storage"
    service_type = "object-store"

    def __init__(
        self,
        identity: BaseIdentity,
        *args: Any,
        transport: Optional[Transport] = None,
        segment_threshold: int = DEFAULT_SEGMENT_THRESHOLD,
        segment_size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        **kwargs: Any,
    ):
        super().__init__(identity, *args, **kwargs)
        if transport is not None:
            self.transport = transport
        self.segment_threshold = check_int("segment_threshold", segment_threshold, 1)
        self.segment_size = None if segment_size is None else check_int("segment_size", segment_size, 1)
        self.chunk_size = check_int("chunk_size", chunk_size, 1)
        self._temp_url_key: Optional[str] = None

    def _configure_manager(self) -> None:
        """Object storage has no managers; containers and objects are built here."""

    def _roots(self) -> Tuple[str, str]:
        url = self.management_url
        return url, url

    def _container_uri(self, container: Any) -> str:
        return paths.container_path(container)

    def object_uri(self, container: Any, obj: Any) -> str:
        """The path of an object below the account (every segment encoded,
        dot segments included: see :mod:`pyrax_image.object_storage.paths`)."""
        return paths.object_path(container, obj)

    # -- containers -----------------------------------------------------------------
    def list(self, limit: Optional[int] = None, marker: Optional[str] = None) -> List[Container]:
        """The account's containers (every page unless ``limit``), as pyrax's ``list``."""
        return self._containers(Container, {}, limit, marker)

    def _containers(
        self, kind: Type[ContainerT], params: Dict[str, Any], limit: Optional[int], marker: Optional[str]
    ) -> List[ContainerT]:
        """The account listing (filtered by ``params``) as ``kind`` containers."""
        return [
            kind(self, entry_name(item), container_headers(item))
            for item in iter_listing(self, "", params, limit, marker)
        ]

    def get(self, item: Any) -> Container:
        """The container named ``item`` (pyrax's ``get``)."""
        return self.get_container(item)

    def delete(self, item: Any) -> None:
        """Delete the (empty) container ``item`` (pyrax's ``delete``)."""
        self.delete_container(item)

    def find(self, **kw: Any) -> Container:
        """The one container whose attributes equal ``kw`` (e.g. ``name=``)."""
        found = self.findall(**kw)
        if len(found) != 1:
            if not found:
                raise exc.NotFound(404, "No container matches %s" % kw)
            raise exc.NoUniqueMatch(message="More than one container matches %s" % kw)
        return found[0]

    def findall(self, **kw: Any) -> List[Container]:
        """Every container whose attributes equal ``kw``."""
        check_criteria(kw)
        return [
            cont
            for cont in self.list()
            if all(getattr(cont, key, None) == value for key, value in kw.items())
        ]

    def get_container(self, container: Any) -> Container:
        """The container (HEAD); ``NoSuchContainer`` if it does not exist."""
        name = paths.container_name(container)
        try:
            response, _ = self.method_head(self._container_uri(name))
        except exc.NotFound:
            raise exc.NoSuchContainer("Container %r does not exist" % name) from None
        return Container(self, name, decoded_headers(response.headers))

    def create_container(self, name: Any) -> Container:
        """Create the container if needed and return it."""
        self.method_put(self._container_uri(name))
        return self.get_container(name)

    def delete_container(self, container: Any, del_objects: bool = False) -> None:
        """Delete a container; with ``del_objects``, its objects first."""
        paths.container_name(container)
        if check_flag("del_objects", del_objects):
            for obj in self.list_container_objects(container):
                try:
                    self.delete_object(container, obj.name)
                except exc.NoSuchObject:
                    pass  # a segment deleted with its large object listed before it
        try:
            self.method_delete(self._container_uri(container))
        except exc.NotFound:
            raise exc.NoSuchContainer(
                "Container %r does not exist" % paths.container_name(container)
            ) from None

    def list_container_objects(
        self,
        container: Any,
        prefix: Optional[str] = None,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
    ) -> List[StorageObject]:
        """The objects of a container (all pages unless ``limit``)."""
        return list(self._objects(StorageObject, container, limit, marker, prefix))

    def _objects(
        self,
        kind: Type[ObjectT],
        container: Any,
        limit: Optional[int],
        marker: Optional[str],
        prefix: Optional[str],
        delimiter: Optional[str] = None,
        end_marker: Optional[str] = None,
    ) -> Iterator[ObjectT]:
        """A container's listing as ``kind`` objects, page by page as the
        iterator advances (with ``delimiter``, pseudo-folders come as objects
        named after the ``subdir``); the arguments are checked now."""
        cname = paths.container_name(container)
        if delimiter == "":
            raise exc.InvalidArgument("delimiter cannot be empty")
        params = {"prefix": prefix, "delimiter": delimiter, "end_marker": end_marker}
        entries = iter_listing(self, paths.container_path(cname), params, limit, marker)
        return self._wrap_entries(kind, cname, entries)

    def _wrap_entries(
        self, kind: Type[ObjectT], cname: str, entries: Iterator[Dict[str, Any]]
    ) -> Iterator[ObjectT]:
        try:
            for item in entries:
                yield kind(self, cname, entry_name(item), object_headers(item))
        except exc.NotFound:
            raise exc.NoSuchContainer("Container %r does not exist" % cname) from None

    # -- objects ----------------------------------------------------------------------
    def get_object(self, container: Any, obj: Any) -> StorageObject:
        """The object (HEAD); ``NoSuchObject`` if it does not exist."""
        cname, oname = paths.container_name(container), paths.object_name(obj)
        try:
            response, _ = self.method_head(self.object_uri(cname, oname))
        except exc.NotFound:
            raise exc.NoSuchObject("Object %r does not exist in container %r" % (oname, cname)) from None
        return StorageObject(self, cname, oname, decoded_headers(response.headers))

    def store_object(
        self,
        container: Any,
        obj_name: str,
        data: Any,
        content_type: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        size: Optional[int] = None,
        chunk_size: Optional[int] = None,
        progress: Optional[Progress] = None,
        segment_threshold: Optional[int] = None,
        segment_size: Optional[int] = None,
    ) -> StorageObject:
        """Upload ``data`` (bytes, path, file object or iterator of bytes),
        streamed and checked against Swift's ETag; past ``segment_threshold``
        bytes it becomes a static large object. Returns the stored object."""
        cname = paths.container_name(container)
        paths.object_name(obj_name)
        send_headers = swift_headers(headers)
        if content_type is not None:
            send_headers["Content-Type"] = check_text("content_type", content_type)
        uploader = ObjectUploader(
            self,
            cname,
            obj_name,
            chunk_size=self.chunk_size if chunk_size is None else chunk_size,
            threshold=self.segment_threshold if segment_threshold is None else segment_threshold,
            segment_size=self.segment_size if segment_size is None else segment_size,
            headers=send_headers,
            progress=progress,
        )
        try:
            uploader.upload(data, size=size)
        except exc.NotFound:
            raise exc.NoSuchContainer("Container %r does not exist" % cname) from None
        return self.get_object(cname, obj_name)

    def upload_file(
        self, container: Any, file_or_path: Any, obj_name: Optional[str] = None, **kwargs: Any
    ) -> StorageObject:
        """Upload a file given by path or as a file object (named after the
        file unless ``obj_name``)."""
        return self.store_object(container, paths.upload_name(file_or_path, obj_name), file_or_path, **kwargs)

    def copy_object(self, container: Any, obj: Any, new_container: Any, new_obj_name: str) -> Dict[str, str]:
        """Copy an object server-side; returns the response headers."""
        source = paths.object_path(container, obj)
        response, _ = self.method_put(
            self.object_uri(new_container, new_obj_name),
            data=b"",
            headers={"X-Copy-From": source, "Content-Length": "0"},
        )
        return dict(response.headers)

    def fetch_object(
        self,
        container: Any,
        obj: Any,
        include_meta: bool = False,
        chunk_size: Optional[int] = None,
        size: Optional[int] = None,
    ) -> Any:
        """The object's data (see ``StorageObject.fetch``)."""
        check_flag("include_meta", include_meta)
        if chunk_size is not None:
            check_int("chunk_size", chunk_size, 1)
        if size is not None:
            check_int("size", size)
        return self.get_object(container, obj).fetch(
            include_meta=include_meta, chunk_size=chunk_size, size=size
        )

    def delete_object(self, container: Any, obj: Any, delete_segments: bool = True) -> None:
        """Delete an object; a static large object with its segments."""
        params = None
        paths.object_path(container, obj)
        if check_flag("delete_segments", delete_segments):
            target = obj if isinstance(obj, StorageObject) else self.get_object(container, obj)
            if target.is_static_large_object:
                params = {"multipart-manifest": "delete"}
        try:
            self.method_delete(self.object_uri(container, obj), params=params)
        except exc.NotFound:
            raise exc.NoSuchObject(
                "Object %r does not exist in container %r"
                % (paths.object_name(obj), paths.container_name(container))
            ) from None

    # -- temporary URLs ----------------------------------------------------------------
    def get_temp_url_key(self, cached: bool = True) -> Optional[str]:
        """The account's temp-URL key (None if it has none)."""
        if not (check_flag("cached", cached) and self._temp_url_key):
            response, _ = self.method_head(self.management_url)
            self._temp_url_key = response.headers.get(TEMP_URL_KEY_HEADER)
            self.secrets.add(self._temp_url_key)  # never shown, even echoed back by a server
        return self._temp_url_key

    def set_temp_url_key(self, key: Optional[str] = None) -> str:
        """Set the account's temp-URL key (a random one unless given); note
        that replacing a key invalidates the temp URLs signed with the old one."""
        key = secrets.token_hex(32) if key is None else check_temp_url_key(key)
        self.method_post(self.management_url, headers={TEMP_URL_KEY_HEADER: key})
        self._temp_url_key = key
        return key

    def get_temp_url(
        self,
        container: Any,
        obj: Any,
        seconds: float,
        method: str = "GET",
        key: Optional[str] = None,
        digest: str = "sha256",
        cached: bool = True,
    ) -> str:
        """A URL giving ``method`` access to the object for ``seconds``, signed
        with HMAC-``digest`` by ``key`` or the account's temp-URL key."""
        paths.object_path(container, obj)
        check_temp_url_request(method, seconds, digest)
        check_flag("cached", cached)
        if key is not None:
            check_temp_url_key(key)
        key = key or self.get_temp_url_key(cached=cached)
        if not key:
            raise exc.MissingTemporaryURLKey(
                "The account has no temp-URL key; call set_temp_url_key() or pass key="
            )
        return make_temp_url(
            self.management_url,
            paths.container_name(container),
            paths.object_name(obj),
            key,
            seconds,
            method,
            digest,
        )
