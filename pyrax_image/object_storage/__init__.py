"""Object storage (Swift / Cloud Files): the part image import and export use.

::

    from pyrax_image.object_storage import ObjectStorageClient

    swift = ObjectStorageClient(identity, region_name="RegionOne")
    obj = swift.store_object("images", "disk.raw", "/path/disk.raw")
    url = obj.get_temp_url(3600)
"""

from pyrax_image.object_storage.client import ObjectStorageClient
from pyrax_image.object_storage.resources import Container, ObjectReader, StorageObject
from pyrax_image.object_storage.tempurl import make_temp_url, temp_url_signature
from pyrax_image.object_storage.upload import DEFAULT_SEGMENT_THRESHOLD

__all__ = [
    "DEFAULT_SEGMENT_THRESHOLD",
    "Container",
    "ObjectReader",
    "ObjectStorageClient",
    "StorageObject",
    "make_temp_url",
    "temp_url_signature",
]
