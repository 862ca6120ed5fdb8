"""What the image-data work needs of an ImageClient, named and typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyrax_image.client import BaseClient
from pyrax_image.image.manager import ImageManager
from pyrax_image.image.storage_access import StorageAccess
from pyrax_image.image.tasks import ImageTasksManager


@dataclass(frozen=True)
class ImageApi:
    """The HTTP verbs (``http.method_get`` ...), managers and object storage
    of one image client.

    Handed to the data service and the modules doing its work, so none of
    them reaches into the client's private parts.
    """

    http: BaseClient[Any]
    images: ImageManager
    tasks: ImageTasksManager
    storage: StorageAccess
