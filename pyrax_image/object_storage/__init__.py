"""Object storage (Swift / Cloud Files): the part image import and export use.

::

    from pyrax_image.object_storage import ObjectStorageClient

    swift = ObjectStorageClient(identity, region_name="RegionOne")
    obj = swift.store_object("images", "disk.raw", "/path/disk.raw")
    url = obj.get_temp_url(3600)

The names below are imported on first use, so that ``import pyrax_image``
does not load object storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrax_image.lazy import lazy_exports

if TYPE_CHECKING:
    from pyrax_image.object_storage.client import ObjectStorageClient
    from pyrax_image.object_storage.resources import Container, ObjectReader, StorageObject
    from pyrax_image.object_storage.tempurl import DEFAULT_TEMP_URL_SECONDS, make_temp_url, temp_url_signature
    from pyrax_image.object_storage.upload import DEFAULT_SEGMENT_THRESHOLD

_SUBMODULE = {
    "ObjectStorageClient": "client",
    "Container": "resources",
    "ObjectReader": "resources",
    "StorageObject": "resources",
    "DEFAULT_TEMP_URL_SECONDS": "tempurl",
    "make_temp_url": "tempurl",
    "temp_url_signature": "tempurl",
    "DEFAULT_SEGMENT_THRESHOLD": "upload",
}


__getattr__ = lazy_exports(__name__, _SUBMODULE)


__all__ = [
    "DEFAULT_SEGMENT_THRESHOLD",
    "DEFAULT_TEMP_URL_SECONDS",
    "Container",
    "ObjectReader",
    "ObjectStorageClient",
    "StorageObject",
    "make_temp_url",
    "temp_url_signature",
]
