"""Images to and from object storage (Swift / Cloud Files).

Objects as upload sources (``create(name, container=..., obj=...)``) are in
:mod:`~pyrax_image.image.storage_access`.

- :func:`import_from_container`: a server-side import of an object by a
  temporary URL (web-download, or the legacy task import); no bytes pass
  through the client.
- :func:`export_to_container`: Glance -> Swift streamed through the client,
  verified against the image's hashes and each PUT's ETag.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Union

from pyrax_image import exceptions as exc
from pyrax_image.checks import (
    check_choice,
    check_flag,
    check_given_texts,
    check_int,
    check_seconds,
)
from pyrax_image.image.api import ImageApi
from pyrax_image.image.download import open_image_download
from pyrax_image.image.importing import import_body, import_image
from pyrax_image.image.properties import check_properties
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.image.storage_access import StorageAccess, storage_object
from pyrax_image.image.tasks import import_task_body
from pyrax_image.image.waiters import check_timing, wait_for_import_end, wait_for_task
from pyrax_image.object_storage import ObjectStorageClient, StorageObject, paths
from pyrax_image.transfer.options import TransferOptions
from pyrax_image.utils import get_id

logger = logging.getLogger("pyrax_image.data")

IMPORT_FROM_CONTAINER_METHODS = ("web-download", "task")


def check_object_md5(image: Image, obj: StorageObject) -> None:
    """Raise ``ChecksumMismatch`` if an image's MD5 differs from a plain
    object's ETag (large objects carry no MD5 of their data)."""
    checksum = image.to_dict().get("checksum")
    if obj.md5 and checksum and checksum != obj.md5:
        raise exc.ChecksumMismatch("md5 (object ETag)", obj.md5, checksum, image.to_dict().get("id"))


def import_from_container(
    api: ImageApi,
    storage_access: StorageAccess,
    obj: Any,
    cont: Any,
    *,
    img_format: Optional[str],
    img_name: Optional[str],
    method: str,
    metadata: Optional[Dict[str, Any]],
    img_container_format: Optional[str],
    temp_url_seconds: int,
    wait: bool,
    timeout: Optional[float],
    interval: float,
    keep_on_failure: bool,
) -> Union[Image, ImageTask]:
    """Import an object server-side through a temporary URL; see
    ``ImageClient.import_from_container`` (which gives every option and its default)."""
    check_choice("method", method, IMPORT_FROM_CONTAINER_METHODS)
    if not isinstance(obj, StorageObject):
        paths.object_path(cont, obj)
    check_given_texts(img_format=img_format, img_name=img_name, img_container_format=img_container_format)
    if metadata is not None:
        check_properties(metadata)
    check_seconds("temp_url_seconds", temp_url_seconds, positive=True)
    check_flag("wait", wait)
    check_flag("keep_on_failure", keep_on_failure)
    check_timing(timeout, interval)
    storage = storage_access.reachable("import an object from object storage")
    source = storage_object(storage, cont, obj)
    url = temp_url_of(storage, source.container, source.name, temp_url_seconds)
    name = img_name or source.name
    if method == "task":
        task_or_image = task_import(
            api, url, name, img_format, img_container_format, metadata, wait, timeout, interval
        )
        if isinstance(task_or_image, Image):
            try:
                check_object_md5(task_or_image, source)
            except exc.ChecksumMismatch:
                api.images.discard(task_or_image)
                raise
        return task_or_image
    image = api.images.create(name, img_format, img_container_format, metadata=metadata)
    try:
        import_image(api.http, image, import_body("web-download", uri=url))
        if not wait:
            return api.images.get(image)
        image = wait_for_import_end(api, image, timeout, interval)
        check_object_md5(image, source)
        return image
    except BaseException:
        if not keep_on_failure:
            api.images.discard(image)
        raise


def temp_url_of(storage: ObjectStorageClient, container: str, name: str, seconds: int) -> str:
    """A GET temp URL of an object for Glance to read (the account gets a
    random temp-URL key if it has none)."""
    if not storage.get_temp_url_key():
        storage.set_temp_url_key()
        logger.info("The account had no temp-URL key; a random one was set")
        storage.get_temp_url_key(cached=False)  # another client may have set one meanwhile
    return storage.get_temp_url(container, name, seconds)


def task_import(
    api: ImageApi,
    url: str,
    name: str,
    img_format: Optional[str],
    img_container_format: Optional[str],
    metadata: Optional[Dict[str, Any]],
    wait: bool,
    timeout: Optional[float],
    interval: float,
) -> Union[Image, ImageTask]:
    """The legacy ``import`` task from an http(s) URL (upstream Glance); the
    disk format defaults as in ``import_task`` (vhd). With ``wait``, the image
    the task made."""
    body = import_task_body(url, img_format or (metadata or {}).get("disk_format"), dict(metadata or {}))
    properties = body["input"]["image_properties"]
    properties.update(
        name=name,
        disk_format=body["input"]["import_from_format"],
        container_format=img_container_format or properties.get("container_format") or "bare",
    )
    project_id = api.http.projectid
    if project_id and "owner" not in properties:
        # Glance 33 fails a member's task import unless the owner is given.
        properties["owner"] = project_id
    task = api.tasks.create_task(body)
    if not wait:
        return task
    task = wait_for_task(api, task, timeout, interval)
    image_id = (task.to_dict().get("result") or {}).get("image_id")
    if not image_id:
        raise exc.TaskFailed("Task %s succeeded without an image id" % task.id, task)
    return api.images.get(image_id)


def export_to_container(
    api: ImageApi,
    storage_access: StorageAccess,
    img: Any,
    cont: Any,
    obj_name: Optional[str],
    options: TransferOptions,
    segment_threshold: Optional[int] = None,
    segment_size: Optional[int] = None,
) -> StorageObject:
    """Stream an image into a container; see ``ImageClient.export_to_container``."""
    get_id(img)
    paths.container_name(cont)
    if obj_name is not None:
        paths.object_name(obj_name)
    for option, value in (("segment_threshold", segment_threshold), ("segment_size", segment_size)):
        if value is not None:
            check_int(option, value, 1)
    storage = storage_access.reachable("export an image to object storage")
    container = storage.get_container(cont)
    download = open_image_download(api, img, options._replace(verify=True))
    info = download.info
    name = obj_name or "%s.%s" % (info["id"], info.get("disk_format") or "img")
    try:
        stored = storage.store_object(
            container,
            name,
            download,
            size=download.size,
            content_type="application/octet-stream",
            chunk_size=options.chunk_size,
            segment_threshold=segment_threshold,
            segment_size=segment_size,
        )
    finally:
        download.close()
    if stored.md5 and info.get("checksum") and stored.md5 != info["checksum"]:
        try:
            stored.delete()
        except exc.PyraxImageException as error:
            logger.warning("Could not delete the mismatching object %s: %s", name, error)
        raise exc.ChecksumMismatch("md5 (object ETag)", info["checksum"], stored.md5, info["id"])
    return stored
