"""The image-data half of ImageClient: upload, download, staging and import,
waiters, and images to and from object storage.

ImageClient inherits these methods; they live here to keep each module
small. The work is done in ``data``, ``download``, ``importing``,
``waiters`` and ``object_transfer``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.client import BaseClient
from pyrax_image.image import download as _download
from pyrax_image.image import importing as _importing
from pyrax_image.image import object_transfer as _transfer
from pyrax_image.image import waiters as _waiters
from pyrax_image.image.data import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_HASH_ALGO,
    Progress,
    UploadStream,
    send_image_data,
    verify_image,
)
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.utils import get_id, get_name

DISCARD_ATTEMPTS = 4
logger = logging.getLogger(__name__)


class ImageDataClient(BaseClient):
    """Image data methods of :class:`~pyrax_image.image.client.ImageClient`."""

    _manager: Any
    _tasks_manager: Any

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
    ) -> Image:
        """Stream ``data`` (bytes, file object, path or iterator of bytes) into a
        queued image in ``chunk_size`` pieces and return it reloaded.

        Content-Length and ``x-openstack-image-size`` are sent when the size is
        known. With ``verify`` the MD5 and ``hash_algo`` digests computed while
        sending are compared with the server's once the image is active
        (:class:`~pyrax_image.exceptions.ChecksumMismatch` otherwise).
        ``progress(bytes_done, total_or_None)`` is called after each chunk.
        """
        stream = UploadStream(data, chunk_size=chunk_size, size=size, progress=progress, hash_algo=hash_algo)
        digests = send_image_data(self, img, "file", stream)
        expected_md5 = getattr(stream.source, "expected_md5", None)
        if verify and expected_md5 and digests.get("md5") not in (None, expected_md5):
            raise exc.ChecksumMismatch("md5 (source)", expected_md5, digests["md5"], get_id(img))
        image = self._manager.get(img)
        if verify and image.to_dict().get("status") == "saving":
            image = self.wait_for_status(image, "active")
        if verify and image.to_dict().get("status") == "active":
            verify_image(image, digests, stream.bytes_sent)
        if isinstance(img, Image):
            img._replace_details(image.to_dict())
            return img
        return image

    def _upload_new_image(
        self, image: Image, source: Any, keep_on_failure: bool = False, **upload_args: Any
    ) -> Image:
        """Upload into a just-created image; unless ``keep_on_failure``, delete
        the image if the upload fails (then re-raise), so nothing stays queued."""
        try:
            return self.upload(image, source, **upload_args)
        except BaseException:
            if not keep_on_failure:
                self._discard(image)
            raise

    def _discard(self, image: Any) -> bool:
        """Delete an image created for an operation that failed; False if it stays.

        Right after an aborted upload Glance may still be writing the image and
        answer 500 or 409, so a few attempts are made before giving up.
        """
        last: Optional[Exception] = None
        for attempt in range(DISCARD_ATTEMPTS):
            try:
                self._manager.delete(image)
                return True
            except exc.NotFound:
                return True
            except (exc.InternalServerError, exc.Conflict, exc.ConnectionFailed) as error:
                last = error
                self.transport.sleep(0.25 * 2**attempt)
            except exc.PyraxImageException as error:
                last = error
                break
        logger.warning("Could not delete image %s after a failed operation: %s", get_id(image), last)
        return False

    def download(
        self,
        img: Any,
        dest: Any = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = True,
        progress: Optional[Progress] = None,
        max_resumes: int = _download.DEFAULT_MAX_RESUMES,
    ) -> _download.ImageDownload:
        """Download an image's data, streamed in ``chunk_size`` pieces.

        ``dest`` is a path (written to a temporary file beside it, renamed only
        once verified), a binary file object, or None: the returned
        ``ImageDownload`` is then an iterator of chunks, verified at the end.
        A dropped connection is resumed with ``Range`` (up to ``max_resumes``
        times); the image's multihash, then MD5, must match or
        ``ChecksumMismatch`` is raised.
        """
        _download.check_destination(dest)
        download = _download.open_image_download(self, img, chunk_size, verify, progress, max_resumes)
        if dest is None:
            return download.start()
        return _download.download_image(download, dest)

    # -- interoperable import -----------------------------------------------------------
    def stage(
        self,
        img: Any,
        data: Any,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
    ) -> Image:
        """Stream data to the image's staging area (then ``import_image(img,
        "glance-direct")``). The digests sent are remembered, and checked when
        ``wait_for_status`` sees the image active. Returns the image reloaded."""
        sent = _importing.stage(self, img, data, size=size, chunk_size=chunk_size, progress=progress)
        self._staged()[get_id(img)] = sent
        return self._refreshed(img)

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
        body = _importing.import_body(
            method,
            uri=uri,
            stores=stores,
            all_stores=all_stores,
            all_stores_must_succeed=all_stores_must_succeed,
            remote_region=remote_region,
            remote_image_id=remote_image_id,
            remote_service_interface=remote_service_interface,
        )
        self._import(img, body)
        return self._refreshed(img)

    def _import(self, img: Any, body: Dict[str, Any]) -> None:
        _importing.import_image(self, img, body)

    def get_import_info(self) -> Dict[str, Any]:
        """The import methods this cloud enables (``GET /v2/info/import``)."""
        return _importing.get_import_info(self)

    def get_stores_info(self) -> List[Dict[str, Any]]:
        """The stores of a multi-store cloud: ``[{"id", "description",
        "default"?}, ...]`` (``GET /v2/info/stores``)."""
        return _importing.get_stores_info(self)

    def _staged(self) -> Dict[str, Dict[str, Any]]:
        return self.__dict__.setdefault("_staged_data", {})

    def _refreshed(self, img: Any) -> Image:
        image = self._manager.get(img)
        if isinstance(img, Image):
            img._replace_details(image.to_dict())
            return img
        return image

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
        ``stage`` is verified once the image is active."""
        image = _waiters.wait_for_status(self, img, status, timeout, interval, callback)
        info = image.to_dict()
        staged = self._staged().get(info.get("id", ""))
        if staged and info.get("status") == "active":
            self._staged().pop(info["id"], None)
            verify_image(image, staged["digests"], staged["size"])
        return image

    def wait_for_task(
        self,
        task: Any,
        timeout: Optional[float] = _waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = _waiters.DEFAULT_WAIT_INTERVAL,
        callback: Optional[Callable[[ImageTask], None]] = None,
    ) -> ImageTask:
        """Poll a task until ``success`` and return it; ``TaskFailed`` (with
        the server's message) on ``failure``, ``WaitTimeout`` on timeout."""
        return _waiters.wait_for_task(self, task, timeout, interval, callback)

    # -- object storage -----------------------------------------------------------------
    check_containers = True

    @property
    def object_storage(self) -> Any:
        """The ``ObjectStorageClient`` of this client's identity and region
        (public or internal like the image endpoint), sharing its HTTP session.
        Its endpoint is ``object_storage_url`` when set, else the catalog's.
        Assign an ``ObjectStorageClient`` to use another one."""
        storage = self.__dict__.get("_object_storage")
        if storage is None:
            from pyrax_image.object_storage import ObjectStorageClient

            storage = ObjectStorageClient(
                self.identity,
                region_name=self.region_name,
                endpoint_type=self.endpoint_type,
                management_url=self.object_storage_url,
                transport=self.transport,
            )
            self.__dict__["_object_storage"] = storage
        return storage

    @object_storage.setter
    def object_storage(self, storage: Any) -> None:
        self.__dict__["_object_storage"] = storage

    @property
    def object_storage_url(self) -> Optional[str]:
        """An explicit object-storage endpoint (``https://host/v1/AUTH_<project>``);
        None (the default) takes it from the identity's catalog."""
        return self.__dict__.get("_object_storage_url")

    @object_storage_url.setter
    def object_storage_url(self, url: Optional[str]) -> None:
        self.__dict__["_object_storage_url"] = url
        self.__dict__.pop("_object_storage", None)

    def _object_source(self, container: Any, obj: Any) -> Any:
        """The data of an object-storage object: a seekable reader streaming
        it (HEADs it first: NoSuchContainer / NoSuchObject)."""
        return _transfer.object_source(self._reachable_storage("read the object"), container, obj)

    def _check_container(self, cont: Any) -> None:
        """Make sure the container exists in this client's object storage
        (NoSuchContainer). Without an object-storage endpoint this raises
        NoEndpointForService (or ...ForRegion) rather than skipping the check; set
        ``check_containers = False`` to skip it on purpose."""
        if not self.check_containers:
            return
        hint = "check that container %r exists (or set client.check_containers = False)" % get_name(cont)
        self._reachable_storage(hint).get_container(cont)

    def _reachable_storage(self, purpose: str) -> Any:
        """``object_storage`` with its endpoint resolved; a missing endpoint
        raises NoEndpointFor* saying what needed it and how to give one."""
        storage = self.object_storage
        try:
            storage.management_url  # noqa: B018 - resolves the endpoint
        except (exc.NoEndpointForService, exc.NoEndpointForRegion) as error:
            raise type(error)(
                "Cannot %s: this client has no object storage (%s). Set client.object_storage_url "
                "or use an identity whose catalog has an object-store endpoint." % (purpose, error)
            ) from error
        return storage

    def import_from_container(
        self,
        img: Any,
        cont: Any,
        img_format: Optional[str] = None,
        img_name: Optional[str] = None,
        method: str = "web-download",
        metadata: Optional[Dict[str, Any]] = None,
        img_container_format: Optional[str] = None,
        temp_url_seconds: int = _transfer.DEFAULT_TEMP_URL_SECONDS,
        wait: bool = True,
        timeout: Optional[float] = _waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = _waiters.DEFAULT_WAIT_INTERVAL,
        keep_on_failure: bool = False,
    ) -> Any:
        """Import object ``img`` of container ``cont`` server-side (the bytes do
        not pass through this client), as ``import_task`` does on Rackspace.

        Glance fetches a temporary URL of the object (the account gets a random
        temp-URL key if it has none) by the ``web-download`` import method, or
        with ``method="task"`` by the legacy ``import`` task. With ``wait`` the
        active image is returned, its MD5 checked against the object's ETag;
        otherwise the image (web-download) or task (task) right away. A failed
        import deletes the image it created unless ``keep_on_failure``.
        """
        return _transfer.import_from_container(
            self,
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
    ) -> Any:
        """Copy an image's data into container ``cont`` through this client, for
        clouds without an export task; returns the ``StorageObject`` (named
        ``<image id>.<disk_format>`` unless ``obj_name``). The download is
        verified against the image's hashes and every PUT against Swift's ETag;
        images larger than ``segment_threshold`` become static large objects."""
        return _transfer.export_to_container(
            self,
            img,
            cont,
            obj_name=obj_name,
            chunk_size=chunk_size,
            progress=progress,
            segment_threshold=segment_threshold,
        )
