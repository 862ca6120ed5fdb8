"""Copying an image to another region's or another cloud's Glance, through this client.

:func:`copy_image` creates the image in the target with the source's formats,
``min_ram``, ``min_disk``, tags and custom properties (the server-owned ones
left out; visibility and ``protected`` on request and at the end), then
streams the data Glance to Glance in constant memory: the source is read
with a :class:`~pyrax_image.image.download.ImageDownload` (resumed with
``Range`` after a dropped connection, verified against the source's
multihash before its last chunk is handed on), a background thread keeps a
few chunks ahead, and the target upload sends them (not hashed again here:
the target computes its multihash, which must then equal the source's). If anything fails the new image is
deleted, unless ``keep_on_failure``.

:func:`copy_between_stores` is the alternative inside one multi-store cloud:
Glance's own ``copy-image`` import, no bytes through the client.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Protocol, Set, runtime_checkable

from pyrax_image import exceptions as exc
from pyrax_image.image.api import ImageApi
from pyrax_image.image.download import open_image_download
from pyrax_image.image.importing import import_body
from pyrax_image.image.properties import read_only_names
from pyrax_image.image.resources import Image
from pyrax_image.image.uploads import send_image_data
from pyrax_image.image.waiters import import_failure, wait_for_import_end
from pyrax_image.transfer.bodies import UploadStream
from pyrax_image.transfer.options import TransferOptions
from pyrax_image.transfer.ranged import ReadAhead
from pyrax_image.utils import get_id

logger = logging.getLogger("pyrax_image.data")

# Never copied, beside what only the server sets (properties.READ_ONLY_ATTRIBUTES):
# the owner (the target's project owns the copy) and this cloud's storage locations.
OF_THIS_CLOUD = frozenset(("owner", "locations"))
# Set on the copy separately: ``visibility`` only when asked, ``protected`` last.
SET_SEPARATELY = frozenset(("name", "visibility", "protected"))
READ_AHEAD_CHUNKS = 8


class CopySource(Protocol):
    """What a copy reads from: an ImageDataService."""

    api: ImageApi

    def import_image(self, img: Any, body: Dict[str, Any]) -> Image: ...


class TargetData(Protocol):
    """The target's data service: where the copy's data goes."""

    api: ImageApi

    def wait_for_status(self, *args: Any, **kwargs: Any) -> Image: ...


@runtime_checkable
class CopyTarget(Protocol):
    """What a copy writes to: an ImageClient (another region's or cloud's)."""

    data_service: TargetData

    def create(self, *args: Any, **kwargs: Any) -> Image: ...


def copied_attributes(info: Dict[str, Any]) -> Dict[str, Any]:
    """What of a source image's body the copy is created with (formats,
    ``min_ram``, ``min_disk``, tags, custom properties...)."""
    skipped = set(read_only_names(info)) | OF_THIS_CLOUD | SET_SEPARATELY
    return {key: value for key, value in info.items() if key not in skipped and value is not None}


def check_target(target: Any) -> CopyTarget:
    """``target``, refused unless it is an image client."""
    if not isinstance(target, CopyTarget) or not callable(getattr(target, "create", None)):
        raise exc.InvalidArgument("target must be an ImageClient (another region's or cloud's)")
    return target


def copy_image(
    api: ImageApi,
    img: Any,
    target: Any,
    name: Optional[str],
    copy_visibility: bool,
    keep_on_failure: bool,
    options: TransferOptions,
) -> Image:
    """Copy ``img`` of the client behind ``api`` into ``target`` (an
    ImageClient); return the new, active and verified ``Image``. The
    defaults are ``ImageClient.copy_image``'s, declared there only.
    ``options.progress`` follows the bytes sent to the target."""
    client = check_target(target)
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise exc.MissingName("The copy needs a non-empty name")
    download = open_image_download(api, img, options._replace(verify=True, progress=None))
    info = download.info
    if info.get("status") != "active":
        raise exc.ImageStatusError(
            "Image %s is %s: only an active image can be copied" % (info.get("id"), info.get("status"))
        )
    body = copied_attributes(info)
    if copy_visibility and info.get("visibility"):
        body["visibility"] = info["visibility"]
    created = client.create(
        name or info.get("name") or info["id"],
        img_format=body.pop("disk_format", None),
        img_container_format=body.pop("container_format", None),
        metadata=body,
    )
    try:
        chunks = ReadAhead(download.start(), READ_AHEAD_CHUNKS)
        # No hashing on this side: the download verifies the source's
        # multihash, and the copy's (computed by the target) must equal it.
        stream = UploadStream(chunks, options._replace(hash_algo=None), info.get("size"), md5=False)
        try:
            send_image_data(client.data_service.api.http, created, "file", stream)
        finally:
            chunks.close()
        copy = client.data_service.wait_for_status(created, "active")
        check_same_data(info, copy.to_dict())
        if info.get("protected"):
            copy = copy.update({"protected": True})
    except BaseException:
        download.close()
        if not keep_on_failure:
            client.data_service.api.images.discard(created)
        raise
    logger.info("Copied image %s to %s (%s bytes)", info["id"], copy.id, info.get("size"))
    return copy


def check_same_data(source: Dict[str, Any], copy: Dict[str, Any]) -> None:
    """The copy's multihash (else MD5) and size must be the source's."""
    image_id = copy.get("id")
    if copy.get("status") != "active":
        raise exc.ImageStatusError("The copy %s is %s, not active" % (image_id, copy.get("status")))
    algo = source.get("os_hash_algo")
    if algo and source.get("os_hash_value") and copy.get("os_hash_algo") == algo:
        if copy.get("os_hash_value") != source["os_hash_value"]:
            raise exc.ChecksumMismatch(
                algo, source["os_hash_value"], str(copy.get("os_hash_value")), image_id
            )
    elif source.get("checksum"):
        if copy.get("checksum") != source["checksum"]:
            raise exc.ChecksumMismatch("md5", source["checksum"], str(copy.get("checksum")), image_id)
    else:
        raise exc.ChecksumMismatch(
            "checksum", "a checksum or hash of the source", "none to compare", image_id
        )
    if source.get("size") is not None and copy.get("size") != source["size"]:
        raise exc.ChecksumMismatch("size", str(source["size"]), str(copy.get("size")), image_id)


def copy_between_stores(
    source: CopySource,
    img: Any,
    stores: List[str],
    timeout: Optional[float] = 600.0,
    interval: float = 1.0,
) -> Image:
    """Glance's ``copy-image`` import: the cloud copies the image's data into
    ``stores`` itself; wait until the import has ended (its last step writes
    back the record it read: a change made before could be reverted) with
    the image in them (``ImageStatusError`` when Glance reports a store
    failed, ``WaitTimeout`` after ``timeout``)."""
    source.import_image(img, import_body("copy-image", stores=stores))

    def copied_or_failed(image: Image) -> bool:
        # Where Glance has no import lock (before Wallaby), the image is
        # active throughout: the stores tell when the copy has ended.
        info = image.to_dict()
        return set(stores) <= _store_names(info.get("stores")) or bool(
            set(stores) & _store_names(info.get("os_glance_failed_import"))
        )

    # The flow clears the stores asked for from os_glance_failed_import as it
    # starts: read them once the import has ended, not before.
    image = wait_for_import_end(source.api, img, timeout, interval, ended=copied_or_failed)
    info = image.to_dict()
    failed = set(stores) & _store_names(info.get("os_glance_failed_import"))
    missing = set(stores) - _store_names(info.get("stores"))
    if failed or missing:
        reason = import_failure(source.api.http, img)
        raise exc.ImageStatusError(
            "Glance could not copy image %s to store(s) %s%s"
            % (get_id(img), ", ".join(sorted(failed or missing)), ": %s" % reason if reason else ""),
            image,
        )
    return image


def _store_names(listed: Any) -> Set[str]:
    """The store names of a comma-separated image property."""
    return set(filter(None, str(listed or "").split(",")))
