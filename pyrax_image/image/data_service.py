"""ImageDataService: the one owner of an image client's data work.

It uploads (and discards what a failed upload leaves), downloads, stages and
imports, waits for images and tasks, moves images to and from object storage
and copies an image between the stores of its cloud. It owns the state of
that work: the digests of staged data (checked once the image is active) and
the hash algorithm the cloud reported. ``ImageClient`` keeps pyrax's method
names, builds the one :class:`~pyrax_image.transfer.options.TransferOptions`
of a call and calls here (a copy to another client it hands to
:func:`~pyrax_image.image.copy.copy_image` itself); this service calls down
only (the image manager to POST, GET and delete records, the step modules
``uploads``, ``download``, ``importing``, ``waiters``, ``storage_access``,
``object_transfer``, ``copy``), and nothing below calls back up.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from pyrax_image import exceptions as exc
from pyrax_image.image import container_upload, importing, object_transfer, waiters
from pyrax_image.image import copy as copies
from pyrax_image.image import download as downloads
from pyrax_image.image.api import ImageApi
from pyrax_image.image.destinations import writer_for
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.image.storage_access import object_source
from pyrax_image.image.uploads import (
    hashes_to_compute,
    missing_digest,
    send_image_data,
    verify_image,
)
from pyrax_image.inspector import ImageInspection, inspect_upload
from pyrax_image.object_storage import ObjectReader, StorageObject
from pyrax_image.transfer.bodies import UploadStream
from pyrax_image.transfer.options import TransferOptions
from pyrax_image.utils import get_id


class StagedData:
    """What was sent to an image's staging area, to verify once it is imported."""

    def __init__(self, digests: Dict[str, str], size: int):
        self.digests = digests
        self.size = size


class PreparedUpload:
    """An upload checked and opened before any request: its stream and
    whether the image is verified once the data is sent."""

    def __init__(self, stream: UploadStream, verify: bool, store: Optional[str] = None):
        self.stream = stream
        self.verify = verify
        self.store = store

    def close(self) -> None:
        """Release the data (a file opened from a path) if it is not sent."""
        self.stream.close()


class ImageDataService:
    """Uploads, downloads, staging and import, waiting, object-storage transfer
    and cleanup for the client behind ``api``."""

    def __init__(self, api: ImageApi):
        self.api = api
        self.storage = api.storage
        self._staged: Dict[str, StagedData] = {}
        # The os_hash_algo this cloud reported for an uploaded image, so later
        # uploads hash only that.
        self.cloud_hash_algo: Optional[str] = None

    # -- uploads --------------------------------------------------------------------
    def upload(
        self,
        img: Any,
        data: Any,
        size: Optional[int],
        options: TransferOptions,
        route: container_upload.ViaContainer,
    ) -> Image:
        """Stream ``data`` into a queued image; verify it once active.

        Only the digest the cloud will report is computed while sending (see
        :func:`~pyrax_image.image.uploads.hashes_to_compute`); should the
        active image report another algorithm, a source that can be read
        again is hashed again with it. With ``route.via_container`` the
        data goes through object storage
        (:func:`~pyrax_image.image.container_upload.upload_via_container`).
        """
        get_id(img)
        if route.via_container is None:
            return self._send(img, self._checked_upload(img, data, size, options))
        _check_via_container(size, options)
        inspection = self.inspect(data, options)
        container_upload.check_source(data)
        self.refuse_what_glance_would(img, inspection)
        image = img if isinstance(img, Image) else self.api.images.get(img)
        active = container_upload.upload_via_container(
            self.api, self.storage, data, route, options, image=image
        )
        return self._refreshed(img, active)

    def _checked_upload(
        self, img: Any, data: Any, size: Optional[int], options: TransferOptions
    ) -> PreparedUpload:
        """Open the data, then raise what Glance would refuse it with as image
        ``img`` (see :meth:`refuse_what_glance_would`): nothing is sent yet."""
        inspection = self.inspect(data, options)
        upload = self._open_upload(data, size, options)
        try:
            self.refuse_what_glance_would(img, inspection)
        except BaseException:
            upload.close()
            raise
        return upload

    @staticmethod
    def inspect(data: Any, options: TransferOptions) -> Optional[ImageInspection]:
        """What upload ``data`` holds, read locally (None: ``options.inspect``
        is off, or the data cannot be inspected, see
        :func:`~pyrax_image.inspector.inspect_upload`)."""
        return inspect_upload(data) if options.inspect and data is not None else None

    def refuse_what_glance_would(self, img: Any, inspection: Optional[ImageInspection]) -> None:
        """Raise, before any byte is sent, the ``ImageRejected`` Glance would
        answer these bytes with as image ``img`` (whose formats are read
        first when ``img`` is not an ``Image`` holding them)."""
        if inspection is None:
            return
        info = img.to_dict() if isinstance(img, Image) else {}
        if "disk_format" not in info or "container_format" not in info:
            info = self.api.images.get(img).to_dict()
        # A queued image without formats: Glance refuses any data (400); the
        # safety checks still say what the bytes are.
        disk_format = info.get("disk_format") or inspection.disk_format
        inspection.check(disk_format, info.get("container_format") or "bare")

    @staticmethod
    def _open_upload(data: Any, size: Optional[int], options: TransferOptions) -> PreparedUpload:
        """Open the data (nothing is sent yet)."""
        return PreparedUpload(UploadStream(data, options, size), options.verify, options.store)

    def _send(self, img: Any, upload: PreparedUpload) -> Image:
        """Send a prepared upload to ``img``; with ``verify``, the image must
        end up active (``ImageStatusError`` otherwise: Glance kept it queued,
        so it holds no data) and its digests match what was sent."""
        stream, verify = upload.stream, upload.verify
        if not verify:
            stream.choose_hashes(None, False)
        else:
            info = img.to_dict() if isinstance(img, Image) else {}
            algo, md5 = hashes_to_compute(info, self.cloud_hash_algo, stream.hash_algo, stream.can_rehash)
            stream.choose_hashes(algo, md5 or bool(stream.expected_md5))
        digests = send_image_data(self.api.http, img, "file", stream, store=upload.store)
        expected_md5 = stream.expected_md5
        if verify and expected_md5 and digests.get("md5") not in (None, expected_md5):
            raise exc.ChecksumMismatch("md5 (source)", expected_md5, digests["md5"], get_id(img))
        image = self.api.images.get(img)
        if verify and image.to_dict().get("status") == "saving":
            image = self.wait_for_status(image, "active")
        if verify:
            status = image.to_dict().get("status")
            if status != "active":
                raise exc.ImageStatusError(
                    "Image %s is %s after its %d bytes were sent: the server did not store "
                    "the data" % (get_id(img), status, stream.bytes_sent),
                    image,
                )
            info = image.to_dict()
            self.cloud_hash_algo = info.get("os_hash_algo") or self.cloud_hash_algo
            missing = missing_digest(info, digests)
            if missing and stream.can_rehash:
                digests.update(stream.rehash(missing))
            verify_image(image, digests, stream.bytes_sent)
        return self._refreshed(img, image)

    def create_image(
        self,
        body: Dict[str, Any],
        data: Any,
        container: Any,
        obj: Any,
        size: Optional[int],
        options: TransferOptions,
        keep_on_failure: bool,
        inspection: Optional[ImageInspection],
        route: container_upload.ViaContainer,
    ) -> Image:
        """Open the data (``data``, or object ``obj`` of ``container``), POST
        the record ``body`` through the image manager, then upload into the
        new image; unless ``keep_on_failure``, delete the image if the upload
        fails (then re-raise), so nothing stays queued. Data Glance would
        refuse (``inspection``, from :meth:`inspect`) raises before any request.
        With ``route.via_container``, local ``data`` goes
        through object storage and a server-side import instead (everything
        refusable refused before any request)."""
        if inspection is not None:
            inspection.check(body["disk_format"], body["container_format"])
        if route.via_container is not None:
            if container is not None or obj is not None:
                raise exc.InvalidArgument("via_container uploads local data: give data, not container/obj")
            _check_via_container(size, options)
            container_upload.check_source(data)
            return container_upload.upload_via_container(
                self.api, self.storage, data, route, options, body=body, keep_on_failure=keep_on_failure
            )
        if data is None:
            data = self.object_source(container, obj)
        upload = self._open_upload(data, size, options)
        try:
            image = self.api.images.post_record(body)
        except BaseException:
            upload.close()
            raise
        try:
            return self._send(image, upload)
        except BaseException:
            if not keep_on_failure:
                self.api.images.discard(image)
            raise

    # -- downloads ------------------------------------------------------------------
    def download(self, img: Any, dest: Any, options: TransferOptions) -> downloads.ImageDownload:
        """Download to ``dest`` (path or file object, resolved into a writer
        before any request) or, with None, return the started iterator of
        verified chunks."""
        writer = writer_for(dest, options.connections)
        download = downloads.open_image_download(self.api, img, options)
        if writer is None:
            return download.start()
        return downloads.download_into(download, writer)

    # -- copies -------------------------------------------------------------------------
    def copy_between_stores(self, img: Any, target: Any, stores: List[str]) -> Image:
        """Copy ``img`` between this cloud's stores server-side (``target``
        must be this service's own client)."""
        if target is not self.api.http:
            raise exc.InvalidArgument(
                "stores= copies inside this client's cloud: pass the same client as target"
            )
        return self._refreshed(img, copies.copy_between_stores(self, img, stores))

    # -- staging and import ---------------------------------------------------------
    def stage(self, img: Any, data: Any, size: Optional[int], options: TransferOptions) -> Image:
        """Stream data to the staging area (unless Glance would refuse to
        import it); remember its digests for the wait."""
        sent = importing.stage(self.api.http, img, self._checked_upload(img, data, size, options).stream)
        self._staged[get_id(img)] = StagedData(sent["digests"], sent["size"])
        return self._refreshed(img, self.api.images.get(img))

    def import_image(self, img: Any, body: Dict[str, Any]) -> Image:
        """Start an import with a body from :func:`importing.import_body`."""
        importing.import_image(self.api.http, img, body)
        return self._refreshed(img, self.api.images.get(img))

    def get_import_info(self) -> Dict[str, Any]:
        """The import methods the cloud enables."""
        return importing.get_import_info(self.api.http)

    def get_stores_info(self) -> List[Dict[str, Any]]:
        """The stores of a multi-store cloud."""
        return importing.get_stores_info(self.api.http)

    # -- waiting --------------------------------------------------------------------
    def wait_for_status(
        self,
        img: Any,
        status: Union[str, Iterable[str]] = "active",
        timeout: Optional[float] = waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = waiters.DEFAULT_WAIT_INTERVAL,
        callback: Optional[Callable[[Image], None]] = None,
    ) -> Image:
        """Poll until the image has ``status``; staged data is verified once
        the image is active."""
        return self._verified_if_staged(
            waiters.wait_for_status(self.api, img, status, timeout, interval, callback)
        )

    def wait_for_import_end(self, img: Any, timeout: Optional[float], interval: float) -> Image:
        """Poll until the import on the image has ended, active
        (``ImageStatusError`` when it ended otherwise); staged data is
        verified then. The
        defaults are ``ImageClient.wait_for_import_end``'s."""
        image = waiters.wait_for_import_end(self.api, img, timeout, interval)
        return self._verified_if_staged(self._refreshed(img, image))

    def _verified_if_staged(self, image: Image) -> Image:
        """``image``, its data checked against the digests ``stage`` sent
        once it is active (``ChecksumMismatch``); each staging checked once."""
        info = image.to_dict()
        staged = self._staged.get(info.get("id", ""))
        if staged and info.get("status") == "active":
            self._staged.pop(info["id"], None)
            verify_image(image, staged.digests, staged.size)
        return image

    def wait_for_task(
        self,
        task: Any,
        timeout: Optional[float],
        interval: float,
        callback: Optional[Callable[[ImageTask], None]],
    ) -> ImageTask:
        """Poll a task until it succeeds (TaskFailed, WaitTimeout otherwise);
        the defaults are ``ImageClient.wait_for_task``'s."""
        return waiters.wait_for_task(self.api, task, timeout, interval, callback)

    # -- object storage -------------------------------------------------------------
    def object_source(self, container: Any, obj: Any) -> ObjectReader:
        """A seekable reader streaming an object (NoSuchContainer / NoSuchObject)."""
        return object_source(self.storage.reachable("read the object"), container, obj)

    def import_from_container(self, img: Any, cont: Any, **options: Any) -> Union[Image, ImageTask]:
        """Server-side import of an object by a temporary URL."""
        return object_transfer.import_from_container(self.api, self.storage, img, cont, **options)

    def export_to_container(
        self,
        img: Any,
        cont: Any,
        obj_name: Optional[str],
        options: TransferOptions,
        segment_threshold: Optional[int] = None,
    ) -> StorageObject:
        """Copy an image's data into a container through this client."""
        return object_transfer.export_to_container(
            self.api, self.storage, img, cont, obj_name, options, segment_threshold
        )

    @staticmethod
    def _refreshed(img: Any, image: Image) -> Image:
        """``image``'s state, put into ``img`` when that is an ``Image`` (whole,
        as ``image`` is: a name it lacks is then not fetched again)."""
        if isinstance(img, Image):
            img.replace_details(image.to_dict())
            img.loaded = image.loaded
            return img
        return image


def _check_via_container(size: Optional[int], options: TransferOptions) -> None:
    """Refuse what an upload through object storage cannot honour."""
    if size is not None:
        raise exc.InvalidArgument("via_container reads the size from the file: do not give size")
    if not options.verify:
        raise exc.InvalidArgument("via_container always verifies the image: verify=False is not supported")
    if options.store is not None:
        raise exc.InvalidArgument("via_container imports into the default store: store= is not supported")
