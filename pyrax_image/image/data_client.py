"""The image-data methods of ImageClient, under pyrax's names and signatures.

Each one delegates to the client's :class:`~pyrax_image.image.data_service.ImageDataService`
(``client.data_service``), which owns the work and its state; this mixin
holds none. It exists to keep ``image/client.py`` short.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Union

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_flag
from pyrax_image.image import waiters as _waiters
from pyrax_image.image.client_base import ImageClientBase
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.object_storage.tempurl import DEFAULT_TEMP_URL_SECONDS
from pyrax_image.transfer.options import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_HASH_ALGO,
    DEFAULT_MAX_RESUMES,
    DEFAULT_PARALLEL_CONNECTIONS,
    DEFAULT_PARALLEL_RATE,
    DEFAULT_PARALLEL_SIZE,
    DEFAULT_PARALLEL_WARMUP,
    UPLOAD_OPTIONS,
    Progress,
    TransferOptions,
)

if TYPE_CHECKING:
    from pyrax_image.image.data_service import ImageDataService
    from pyrax_image.image.download import ImageDownload
    from pyrax_image.image.manager import ImageManager
    from pyrax_image.image.storage_access import StorageAccess
    from pyrax_image.image.tasks import ImageTasksManager
    from pyrax_image.object_storage import ObjectStorageClient, StorageObject

_DATA_SERVICE_LOCK = threading.Lock()


class ImageDataClient(ImageClientBase):
    """Image data methods of :class:`~pyrax_image.image.client.ImageClient`."""

    _manager: ImageManager
    _tasks_manager: ImageTasksManager
    #: A download with ``connections=None`` (the default) of an image of at
    #: least this many bytes, into a path or a file it can write at offsets,
    #: starts as one stream; if ``parallel_download_warmup`` seconds after its
    #: first bytes it moves fewer than ``parallel_download_rate`` bytes a
    #: second (one stream over a long link is capped at its window over the
    #: round trip), the rest is fetched over ``parallel_download_connections``
    #: ranges at once.
    parallel_download_size: int = DEFAULT_PARALLEL_SIZE
    parallel_download_connections: int = DEFAULT_PARALLEL_CONNECTIONS
    parallel_download_warmup: float = DEFAULT_PARALLEL_WARMUP
    parallel_download_rate: int = DEFAULT_PARALLEL_RATE
    _data_service: Optional[ImageDataService] = None
    _storage_access: Optional[StorageAccess] = None

    @property
    def storage_access(self) -> StorageAccess:
        """The object storage this client reaches (containers checked before
        a task, objects read or written), built on first use."""
        if self._storage_access is None:
            with _DATA_SERVICE_LOCK:
                if self._storage_access is None:
                    from pyrax_image.image.storage_access import StorageAccess

                    self._storage_access = StorageAccess(self)
        return self._storage_access

    @property
    def data_service(self) -> ImageDataService:
        """The :class:`~pyrax_image.image.data_service.ImageDataService` doing
        this client's data work, built on first use (so importing pyrax_image
        and listing images do not load the transfer machinery)."""
        if self._data_service is None:
            storage = self.storage_access
            with _DATA_SERVICE_LOCK:
                if self._data_service is None:
                    from pyrax_image.image.api import ImageApi
                    from pyrax_image.image.data_service import ImageDataService

                    api = ImageApi(self, self._manager, self._tasks_manager, storage)
                    self._data_service = ImageDataService(api)
        return self._data_service

    # -- images with data -------------------------------------------------------------
    def create(
        self,
        name: str,
        img_format: Optional[str] = None,
        data: Any = None,
        container: Any = None,
        obj: Any = None,
        metadata: Optional[Dict[str, Any]] = None,
        img_container_format: Optional[str] = None,
        **upload_args: Any,
    ) -> Image:
        """Create an image, upload its data if given, and return it reloaded.

        ``data`` is bytes, a file object, a path or an iterator of bytes;
        ``container``/``obj`` name an object-storage object (or ``obj`` is a
        ``StorageObject``) streamed through the client. ``metadata`` keys
        become image properties. ``upload_args``: ``size``, ``keep_on_failure``
        and the options of :meth:`upload`. If the upload fails the new image is
        deleted (unless ``keep_on_failure``), so nothing is left queued.

        ``data`` that is a path or a seekable file is inspected first (the
        ``inspect`` extra; ``inspect=False`` skips it): bytes Glance would
        refuse raise ``DiskFormatMismatch`` or ``UnsafeImage`` before any
        request, and without ``img_format`` the detected disk format is
        declared. Other data keeps pyrax's default, vhd.

        ``via_container="name"`` sends a path or seekable file through that
        object-storage container instead (see :meth:`upload`), with
        ``segment_size``, ``connections``, ``import_method`` (None: web-download
        where the cloud enables it, else ``"task"``, the import task, which
        makes the image itself) and ``keep_segments``.
        """
        from pyrax_image.image.container_upload import ViaContainer

        allowed = set(UPLOAD_OPTIONS) | set(ViaContainer._fields) | {"size", "keep_on_failure"}
        unknown = sorted(set(upload_args) - allowed)
        if unknown:
            raise TypeError("create() got an unexpected keyword argument %r" % unknown[0])
        size = upload_args.pop("size", None)
        keep_on_failure = check_flag("keep_on_failure", upload_args.pop("keep_on_failure", False))
        route = ViaContainer(
            **{name: upload_args.pop(name) for name in ViaContainer._fields if name in upload_args}
        )
        options = TransferOptions(**upload_args)
        if data is not None and (container is not None or obj is not None):
            raise exc.InvalidArgument("Give either data or container/obj, not both")
        if data is None and container is None and obj is None and route.via_container is None:
            return self._manager.post_record(
                self._manager.record_body(name, img_format, img_container_format, metadata)
            )
        inspection = self.data_service.inspect(data, options)
        if inspection is not None and img_format is None and not _declares_disk_format(metadata):
            img_format = inspection.disk_format
        body = self._manager.record_body(name, img_format, img_container_format, metadata)
        return self.data_service.create_image(
            body, data, container, obj, size, options, keep_on_failure, inspection, route
        )

    # -- image data -----------------------------------------------------------------
    def upload(
        self,
        img: Any,
        data: Any,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = True,
        progress: Optional[Progress] = None,
        hash_algo: Optional[str] = DEFAULT_HASH_ALGO,
        store: Optional[str] = None,
        inspect: bool = True,
        via_container: Optional[str] = None,
        segment_size: Optional[int] = None,
        connections: Optional[int] = None,
        import_method: Optional[str] = None,
        keep_segments: bool = False,
    ) -> Image:
        """Stream ``data`` (bytes, file object, path or iterator of bytes) into a
        queued image in ``chunk_size`` pieces and return it reloaded; into
        ``store`` (a store id of a multi-store cloud) if given, else the default one.

        Content-Length and ``x-openstack-image-size`` are sent when the size is
        known. With ``verify`` the digest the cloud reports (its
        ``os_hash_algo`` multihash, else MD5), computed while sending, is
        compared with the server's once the image is active
        (:class:`~pyrax_image.exceptions.ChecksumMismatch` otherwise);
        ``hash_algo`` is the multihash assumed until the cloud names its own.
        ``progress(bytes_done, total_or_None)`` is called after each chunk.
        A path or a seekable file is inspected first, as by :meth:`create`,
        against the image's disk and container formats (``inspect=False``: not).

        With ``via_container`` (a container name; created if missing) a path or
        a seekable file goes through object storage instead, where one stream
        across a long link would be capped by its window: ``connections``
        (default 4) segments of ``segment_size`` bytes (default 32 MiB) are PUT
        at once, each checked against Swift's ETag, joined by a static large
        object, and Glance imports a temporary URL of it (web-download). The
        image must become active with the multihash computed while reading
        the file; the objects are deleted afterwards (also on failure) unless
        ``keep_segments``. ``ServiceNotAvailable`` when the cloud does not
        enable web-download (``import_method="task"`` works with :meth:`create`
        only: the task makes its own image).
        """
        options = TransferOptions(
            chunk_size=chunk_size,
            verify=verify,
            progress=progress,
            hash_algo=hash_algo,
            store=store,
            inspect=inspect,
        )
        from pyrax_image.image.container_upload import ViaContainer

        route = ViaContainer(via_container, segment_size, connections, import_method, keep_segments)
        return self.data_service.upload(img, data, size, options, route)

    def download(
        self,
        img: Any,
        dest: Any = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = True,
        progress: Optional[Progress] = None,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        connections: Optional[int] = None,
        prefer: Optional[List[str]] = None,
    ) -> ImageDownload:
        """Download an image's data, streamed in ``chunk_size`` pieces.

        ``dest`` is a path (written to a temporary file beside it, renamed only
        once verified), a binary file object, or None: the returned
        ``ImageDownload`` is then an iterator of chunks, verified at the end.
        A dropped connection is resumed with ``Range`` (up to ``max_resumes``
        times, waiting as the retry policy waits to resend); the image's multihash, then MD5, must match or
        ``ChecksumMismatch`` is raised.

        With ``connections`` > 1 and a path (or a seekable file opened for
        reading and writing), that many ranges are fetched at once, each
        written at its offset and resumed on its own; the bytes are hashed as
        the contiguous prefix completes and verified before the rename.
        Memory stays about ``connections`` x ``chunk_size``. A server that
        ignores ``Range`` (and an image of one part) is read as one stream.
        By default (``connections=None``) an image of at least
        ``parallel_download_size`` bytes (64 MiB) written to such a destination
        starts as one stream; if after ``parallel_download_warmup`` (0.25) s it
        moves under ``parallel_download_rate`` (40 MiB/s), as one stream
        across a long link does, it stops further on and the rest is fetched
        over ``parallel_download_connections`` (4) ranges (``split_at`` on
        the result says where). A smaller image is one stream;
        ``connections=1`` always means one stream.

        ``prefer`` lists store ids to read from first (a multi-store cloud; the
        others follow when the image is in none of them).
        """
        options = TransferOptions(
            chunk_size=chunk_size,
            verify=verify,
            progress=progress,
            max_resumes=max_resumes,
            connections=connections,
            parallel_size=self.parallel_download_size,
            parallel_connections=self.parallel_download_connections,
            parallel_warmup=self.parallel_download_warmup,
            parallel_rate=self.parallel_download_rate,
            prefer=prefer,
        )
        return self.data_service.download(img, dest, options)

    def copy_image(
        self,
        img: Any,
        target: Any,
        name: Optional[str] = None,
        copy_visibility: bool = False,
        keep_on_failure: bool = False,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        stores: Optional[List[str]] = None,
    ) -> Image:
        """Copy image ``img`` into ``target``, another region's or cloud's
        ``ImageClient``, and return the new image (active, verified).

        The copy gets the source's name (or ``name``), disk and container
        formats, ``min_ram``, ``min_disk``, tags, custom properties (not the
        server-owned ones), ``protected`` and, with ``copy_visibility``, its
        visibility. The data streams Glance to Glance through this client in
        constant memory; a dropped source connection resumes with ``Range``;
        the source's multihash is checked on the way and must equal the
        copy's. On failure the new image is deleted unless ``keep_on_failure``.
        ``progress(bytes_done, total)`` follows the bytes sent to the target.

        With ``stores`` (and ``target`` this same client) Glance copies the
        image into those stores of this cloud itself (``copy-image`` import)
        and the image is returned once the import has ended with it in all
        of them.
        """
        options = TransferOptions(chunk_size=chunk_size, progress=progress, max_resumes=max_resumes)
        if stores is not None:
            return self.data_service.copy_between_stores(img, target, stores)
        from pyrax_image.image.copy import copy_image

        return copy_image(self.data_service.api, img, target, name, copy_visibility, keep_on_failure, options)

    # -- interoperable import -----------------------------------------------------------
    def stage(
        self,
        img: Any,
        data: Any,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
        inspect: bool = True,
    ) -> Image:
        """Stream data to the image's staging area (then ``import_image(img,
        "glance-direct")``). The digests sent are remembered, and checked when
        ``wait_for_import_end`` or ``wait_for_status`` sees the image active. Returns the image reloaded.
        A path or a seekable file Glance would refuse to import raises first,
        as in :meth:`upload` (``inspect=False``: not checked)."""
        return self.data_service.stage(
            img, data, size, TransferOptions(chunk_size=chunk_size, progress=progress, inspect=inspect)
        )

    def import_image(
        self,
        img: Any,
        method: str,
        uri: Optional[str] = None,
        stores: Optional[List[str]] = None,
        all_stores: Optional[bool] = None,
        all_stores_must_succeed: Optional[bool] = None,
        remote_region: Optional[str] = None,
        remote_image_id: Optional[str] = None,
        remote_service_interface: Optional[str] = None,
    ) -> Image:
        """Start an import: glance-direct, web-download (``uri``), copy-image
        (``stores`` or ``all_stores``) or glance-download (``remote_*``).
        Options left None are not sent (the API defaults
        ``all_stores_must_succeed`` to true). Returns the image reloaded."""
        from pyrax_image.image.importing import import_body

        body = import_body(
            method,
            uri=uri,
            stores=stores,
            all_stores=all_stores,
            all_stores_must_succeed=all_stores_must_succeed,
            remote_region=remote_region,
            remote_image_id=remote_image_id,
            remote_service_interface=remote_service_interface,
        )
        return self.data_service.import_image(img, body)

    def get_import_info(self) -> Dict[str, Any]:
        """The import methods this cloud enables (``GET /v2/info/import``)."""
        return self.data_service.get_import_info()

    def get_stores_info(self) -> List[Dict[str, Any]]:
        """The stores of a multi-store cloud: ``[{"id", "description",
        "default"?}, ...]`` (``GET /v2/info/stores``)."""
        return self.data_service.get_stores_info()

    # -- waiters --------------------------------------------------------------------------
    def wait_for_status(
        self,
        img: Any,
        status: Any = "active",
        timeout: Optional[float] = _waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = _waiters.DEFAULT_WAIT_INTERVAL,
        callback: Optional[Callable[[Image], None]] = None,
    ) -> Image:
        """Poll until the image's status is ``status`` (or one of several) and
        return it. Raises ``ImageStatusError`` (killed, deleted, deactivated,
        failed import), ``WaitTimeout`` after ``timeout`` seconds (None: no
        limit). ``callback(image)`` is called after each poll. Data staged by
        ``stage`` is verified once the image is active. After ``import_image``,
        wait with ``wait_for_import_end`` before changing the image."""
        return self.data_service.wait_for_status(img, status, timeout, interval, callback)

    def wait_for_import_end(
        self,
        img: Any,
        timeout: Optional[float] = _waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = _waiters.DEFAULT_WAIT_INTERVAL,
    ) -> Image:
        """Poll until the import on the image has ended (its
        ``os_glance_import_task`` is gone and the import's task is done; on a
        Glance without that lock, its status says) and return it, active.
        Glance makes an imported image active
        before the import's last step writes back the record it read earlier,
        so a change made before then can be reverted: call this (instead of
        ``wait_for_status``) after ``import_image`` before changing the image.
        Raises ``ImageStatusError`` when the import ended without making it
        active (with the reason), ``WaitTimeout`` after ``timeout`` seconds
        (None: no limit). Data staged by ``stage`` is verified."""
        return self.data_service.wait_for_import_end(img, timeout, interval)

    def wait_for_task(
        self,
        task: Any,
        timeout: Optional[float] = _waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = _waiters.DEFAULT_WAIT_INTERVAL,
        callback: Optional[Callable[[ImageTask], None]] = None,
    ) -> ImageTask:
        """Poll a task until ``success`` and return it; ``TaskFailed`` (with
        the server's message) on ``failure``, ``WaitTimeout`` on timeout."""
        return self.data_service.wait_for_task(task, timeout, interval, callback)

    # -- object storage -----------------------------------------------------------------
    @property
    def object_storage(self) -> ObjectStorageClient:
        """The ``ObjectStorageClient`` of this client's identity and region
        (public or internal like the image endpoint), sharing its HTTP session.
        Its endpoint is ``object_storage_url`` when set, else the catalog's.
        Assign an ``ObjectStorageClient`` to use another one."""
        return self.storage_access.client

    @object_storage.setter
    def object_storage(self, storage: ObjectStorageClient) -> None:
        self.storage_access.client = storage

    @property
    def object_storage_url(self) -> Optional[str]:
        """An explicit object-storage endpoint (``https://host/v1/AUTH_<project>``);
        None (the default) takes it from the identity's catalog."""
        return self.storage_access.url

    @object_storage_url.setter
    def object_storage_url(self, url: Optional[str]) -> None:
        self.storage_access.url = url

    @property
    def check_containers(self) -> bool:
        """Whether ``import_task``/``export_task`` check the container first
        (default True); False skips the check on purpose."""
        return self.storage_access.check_containers

    @check_containers.setter
    def check_containers(self, value: bool) -> None:
        self.storage_access.check_containers = bool(value)

    def import_from_container(
        self,
        img: Any,
        cont: Any,
        img_format: Optional[str] = None,
        img_name: Optional[str] = None,
        method: str = "web-download",
        metadata: Optional[Dict[str, Any]] = None,
        img_container_format: Optional[str] = None,
        temp_url_seconds: int = DEFAULT_TEMP_URL_SECONDS,
        wait: bool = True,
        timeout: Optional[float] = _waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = _waiters.DEFAULT_WAIT_INTERVAL,
        keep_on_failure: bool = False,
    ) -> Union[Image, ImageTask]:
        """Import object ``img`` of container ``cont`` server-side (the bytes do
        not pass through this client), as ``import_task`` does on Rackspace.

        Glance fetches a temporary URL of the object (the account gets a random
        temp-URL key if it has none) by the ``web-download`` import method, or
        with ``method="task"`` by the legacy ``import`` task. With ``wait`` the
        active image is returned, its MD5 checked against the object's ETag;
        otherwise the image (web-download) or task (task) right away. A failed
        import deletes the image it created unless ``keep_on_failure``.
        """
        return self.data_service.import_from_container(
            img,
            cont,
            img_format=img_format,
            img_name=img_name,
            method=method,
            metadata=metadata,
            img_container_format=img_container_format,
            temp_url_seconds=temp_url_seconds,
            wait=wait,
            timeout=timeout,
            interval=interval,
            keep_on_failure=keep_on_failure,
        )

    def export_to_container(
        self,
        img: Any,
        cont: Any,
        obj_name: Optional[str] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
        segment_threshold: Optional[int] = None,
    ) -> StorageObject:
        """Copy an image's data into container ``cont`` through this client, for
        clouds without an export task; returns the ``StorageObject`` (named
        ``<image id>.<disk_format>`` unless ``obj_name``). The download is
        verified against the image's hashes and every PUT against Swift's ETag;
        images larger than ``segment_threshold`` become static large objects."""
        options = TransferOptions(chunk_size=chunk_size, progress=progress)
        return self.data_service.export_to_container(img, cont, obj_name, options, segment_threshold)


def _declares_disk_format(metadata: Any) -> bool:
    """True when ``metadata`` names the disk format (``record_body`` takes it)."""
    return isinstance(metadata, dict) and bool(metadata.get("disk_format"))
