"""The image client as its managers see it: ``BaseClient``'s HTTP verbs and
the object storage it reaches. Declared here so that ``image/manager.py`` and
``image/tasks.py`` need not import ``ImageClient``, which builds them.

The managers make and return records; they never call the data service
(``ImageClient`` calls them, then it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrax_image.client import BaseClient
from pyrax_image.image.resources import Image

if TYPE_CHECKING:
    from pyrax_image.image.storage_access import StorageAccess


class ImageClientBase(BaseClient[Image]):
    """A client of images whose task manager checks containers in its object storage."""

    @property
    def storage_access(self) -> StorageAccess:
        """The client's object storage (``ImageClient`` builds it on first use)."""
        raise NotImplementedError
