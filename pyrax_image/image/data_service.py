"""ImageDataService: the one owner of an image client's data work.

It uploads (and discards what a failed upload leaves), downloads, stages and
imports, waits for images and tasks, and moves images to and from object
storage. It owns the state of that work: the digests of staged data (checked
once the image is active) and the object-storage access. ``ImageClient``
keeps pyrax's method names and delegates here; the steps themselves live in
``uploads``, ``download``, ``importing``, ``waiters``, ``storage_access`` and
``object_transfer``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_flag
from pyrax_image.image import copy as copies
from pyrax_image.image import download as downloads
from pyrax_image.image import importing, object_transfer, waiters
from pyrax_image.image import parallel_download as parallel
from pyrax_image.image.api import ImageApi
from pyrax_image.image.client_base import ImageClientBase
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.image.storage_access import StorageAccess, object_source
from pyrax_image.image.uploads import (
    check_hash_algo,
    discard_image,
    hashes_to_compute,
    missing_digest,
    send_image_data,
    verify_image,
)
from pyrax_image.object_storage import ObjectReader, StorageObject
from pyrax_image.transfer.bodies import UploadStream
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE, DEFAULT_HASH_ALGO, DEFAULT_MAX_RESUMES, Progress
from pyrax_image.utils import get_id


class StagedData:
    """What was sent to an image's staging area, to verify once it is imported."""

    def __init__(self, digests: Dict[str, str], size: int):
        self.digests = digests
        self.size = size


class PreparedUpload:
    """An upload checked and opened before any request: its stream and
    whether the image is verified once the data is sent."""

    def __init__(self, stream: UploadStream, verify: bool):
        self.stream = stream
        self.verify = verify

    def close(self) -> None:
        """Release the data (a file opened from a path) if it is not sent."""
        self.stream.close()


class ImageDataService:
    """Uploads, downloads, staging and import, waiting, object-storage transfer
    and cleanup for the client behind ``api``."""

    def __init__(self, api: ImageApi):
        self.api = api
        self.storage = StorageAccess(api.http)
        self._staged: Dict[str, StagedData] = {}
        # The os_hash_algo this cloud reported for an uploaded image, so later
        # uploads hash only that.
        self.cloud_hash_algo: Optional[str] = None

    # -- uploads --------------------------------------------------------------------
    def upload(self, img: Any, data: Any, **options: Any) -> Image:
        """Stream ``data`` into a queued image (``options``: those of
        :meth:`open_upload`); verify it once active.

        Only the digest the cloud will report is computed while sending (see
        :func:`~pyrax_image.image.uploads.hashes_to_compute`); should the
        active image report another algorithm, a source that can be read
        again is hashed again with it.
        """
        get_id(img)
        return self.send(img, self.open_upload(data, **options))

    @staticmethod
    def open_upload(
        data: Any,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = True,
        progress: Optional[Progress] = None,
        hash_algo: Optional[str] = DEFAULT_HASH_ALGO,
    ) -> PreparedUpload:
        """Check the upload arguments and open the data (nothing is sent yet)."""
        check_flag("verify", verify)
        check_hash_algo(hash_algo)
        stream = UploadStream(data, chunk_size=chunk_size, size=size, progress=progress, hash_algo=hash_algo)
        return PreparedUpload(stream, verify)

    def send(self, img: Any, upload: PreparedUpload) -> Image:
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
        digests = send_image_data(self.api.http, img, "file", stream)
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
        create: Callable[[], Image],
        data: Any = None,
        container: Any = None,
        obj: Any = None,
        keep_on_failure: bool = False,
        **upload_args: Any,
    ) -> Image:
        """Open the data (``data``, or object ``obj`` of ``container``) and check
        the upload options, then ``create`` the image record and upload into
        it (see :meth:`upload_new_image`); without data only the options are checked."""
        if data is None and container is None and obj is None:
            self.open_upload(b"", **upload_args).close()
            return create()
        if data is None:
            data = self.object_source(container, obj)
        upload = self.open_upload(data, **upload_args)
        try:
            image = create()
        except BaseException:
            upload.close()
            raise
        return self.upload_new_image(image, upload, keep_on_failure)

    def upload_new_image(self, image: Image, upload: PreparedUpload, keep_on_failure: bool = False) -> Image:
        """Send a prepared upload into a just-created image; unless
        ``keep_on_failure``, delete the image if that fails (then re-raise),
        so nothing stays queued."""
        try:
            return self.send(image, upload)
        except BaseException:
            if not keep_on_failure:
                self.discard(image)
            raise

    def discard(self, image: Any) -> bool:
        """Delete an image left by a failed operation; False if it stays."""
        return discard_image(self.api, image)

    # -- downloads ------------------------------------------------------------------
    def download(
        self,
        img: Any,
        dest: Any = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        verify: bool = True,
        progress: Optional[Progress] = None,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        connections: int = 1,
    ) -> Union[downloads.ImageDownload, parallel.ParallelDownload]:
        """Download to ``dest`` (path or file object) or, with None, return the
        started iterator of verified chunks; ``connections`` > 1 fetches
        that many ranges at once (into a path or a seekable file)."""
        downloads.check_destination(dest)
        parallel.check_parallel_destination(dest, connections)
        download = downloads.open_image_download(self.api, img, chunk_size, verify, progress, max_resumes)
        if dest is None:
            return download.start()
        if connections > 1:
            return parallel.download_parallel(download, dest, connections)
        return downloads.download_image(download, dest)

    # -- copies -------------------------------------------------------------------------
    def copy_image(
        self,
        img: Any,
        target: Any,
        stores: Optional[List[str]] = None,
        this_client: Optional[ImageClientBase] = None,
        **options: Any,
    ) -> Image:
        """Copy ``img`` into ``target`` through this client (``options``: those
        of :func:`~pyrax_image.image.copy.copy_image`), or (``stores``, ``target``
        being ``this_client``) between this cloud's stores server-side."""
        if stores is not None:
            if target is not this_client:
                raise exc.InvalidArgument(
                    "stores= copies inside this client's cloud: pass the same client as target"
                )
            return self._refreshed(img, copies.copy_between_stores(self, img, stores))
        return copies.copy_image(self, img, target, **options)

    # -- staging and import ---------------------------------------------------------
    def stage(
        self,
        img: Any,
        data: Any,
        size: Optional[int] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Optional[Progress] = None,
    ) -> Image:
        """Stream data to the staging area; remember its digests for the wait."""
        sent = importing.stage(self.api.http, img, data, size=size, chunk_size=chunk_size, progress=progress)
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
        image = waiters.wait_for_status(self.api, img, status, timeout, interval, callback)
        info = image.to_dict()
        staged = self._staged.get(info.get("id", ""))
        if staged and info.get("status") == "active":
            self._staged.pop(info["id"], None)
            verify_image(image, staged.digests, staged.size)
        return image

    def wait_for_task(
        self,
        task: Any,
        timeout: Optional[float] = waiters.DEFAULT_WAIT_TIMEOUT,
        interval: float = waiters.DEFAULT_WAIT_INTERVAL,
        callback: Optional[Callable[[ImageTask], None]] = None,
    ) -> ImageTask:
        """Poll a task until it succeeds (TaskFailed, WaitTimeout otherwise)."""
        return waiters.wait_for_task(self.api, task, timeout, interval, callback)

    # -- object storage -------------------------------------------------------------
    def object_source(self, container: Any, obj: Any) -> ObjectReader:
        """A seekable reader streaming an object (NoSuchContainer / NoSuchObject)."""
        return object_source(self.storage.reachable("read the object"), container, obj)

    def check_container(self, cont: Any) -> None:
        """Make sure a container exists before a task names it."""
        self.storage.check_container(cont)

    def import_from_container(self, img: Any, cont: Any, **options: Any) -> Union[Image, ImageTask]:
        """Server-side import of an object by a temporary URL."""
        return object_transfer.import_from_container(self.api, self.storage, img, cont, **options)

    def export_to_container(self, img: Any, cont: Any, **options: Any) -> StorageObject:
        """Copy an image's data into a container through this client."""
        return object_transfer.export_to_container(self.api, self.storage, img, cont, **options)

    @staticmethod
    def _refreshed(img: Any, image: Image) -> Image:
        """``image``'s state, put into ``img`` when that is an ``Image``."""
        if isinstance(img, Image):
            img.replace_details(image.to_dict())
            return img
        return image
