"""The Cloud Images (Glance v2) service: ``from pyrax_image.image import ImageClient``."""

from pyrax_image.image.client import ImageClient, assure_image
from pyrax_image.image.manager import ImageManager
from pyrax_image.image.members import ImageMemberManager, ImageTagManager
from pyrax_image.image.resources import Image, ImageMember, ImageTag, ImageTask
from pyrax_image.image.tasks import ImageTasksManager, JSONSchemaManager

__all__ = [
    "Image",
    "ImageClient",
    "ImageManager",
    "ImageMember",
    "ImageMemberManager",
    "ImageTag",
    "ImageTagManager",
    "ImageTask",
    "ImageTasksManager",
    "JSONSchemaManager",
    "assure_image",
]
