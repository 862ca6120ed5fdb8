"""pyrax_image: a Python SDK for OpenStack / Rackspace Cloud Images (Glance v2).

A standalone re-creation of pyrax's ``pyrax.image`` module::

    from pyrax_image import ImageClient, TokenIdentity

    images = ImageClient(TokenIdentity(token, tenant_id), management_url="http://host:9292")
    for image in images.iter_all(status="active"):
        print(image.name)
"""

from pyrax_image import exceptions
from pyrax_image.client import BaseClient
from pyrax_image.identity import BaseIdentity, TokenIdentity
from pyrax_image.image import (
    Image,
    ImageClient,
    ImageMember,
    ImageTag,
    ImageTask,
)
from pyrax_image.manager import BaseManager
from pyrax_image.resource import BaseResource
from pyrax_image.version import __version__

__all__ = [
    "BaseClient",
    "BaseIdentity",
    "BaseManager",
    "BaseResource",
    "Image",
    "ImageClient",
    "ImageMember",
    "ImageTag",
    "ImageTask",
    "TokenIdentity",
    "__version__",
    "exceptions",
]
