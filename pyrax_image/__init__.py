"""pyrax_image: a Python SDK for OpenStack / Rackspace Cloud Images (Glance v2).

A standalone re-creation of pyrax's ``pyrax.image`` module::

    from pyrax_image import ImageClient, KeystoneIdentity

    identity = KeystoneIdentity("alice", "secret", tenant_name="alpha",
                                auth_endpoint="https://keystone.example.com:5000/v3")
    images = ImageClient(identity, region_name="RegionOne")
    for image in images.iter_all(status="active"):
        print(image.name)

or, as with pyrax, ``import pyrax_image as pyrax`` and ``pyrax.set_credentials(...)``,
``pyrax.images.list()``. ``pyrax_image.identity``, ``images``, ``cloudfiles``, ``default_region``,
``regions`` and ``services`` are the live module-wide state (see connect.py).
"""

import sys as _sys
from typing import Any as _Any

from pyrax_image import exceptions
from pyrax_image.client import BaseClient
from pyrax_image.connect import (
    _create_identity as _create_identity,
)
from pyrax_image.connect import (
    auth_with_token,
    authenticate,
    clear_credentials,
    connect_to_cloudfiles,
    connect_to_images,
    connect_to_services,
    create_context,
    get_http_debug,
    set_cloud,
    set_credential_file,
    set_credentials,
    set_credentials_from_env,
    set_default_region,
    set_environment,
    set_http_debug,
)
from pyrax_image.identity import BaseIdentity, KeystoneIdentity, RaxIdentity, TokenIdentity
from pyrax_image.image import (
    Image,
    ImageClient,
    ImageMember,
    ImageTag,
    ImageTask,
)
from pyrax_image.lazy import lazy_exports as _lazy_exports
from pyrax_image.manager import BaseManager
from pyrax_image.resource import BaseResource
from pyrax_image.settings import get_encoding, get_environment, get_setting, list_environments, set_setting
from pyrax_image.version import __version__

# ``pyrax_image.identity`` is pyrax's identity object once one exists (else the
# subpackage), so the attribute the import system set is replaced by __getattr__.
globals().pop("identity", None)

# Functions exported from their submodule, imported on first use.
_LAZY_FUNCTIONS = {"inspect_image": "inspector", "sync_images": "sync", "ImageSelector": "sync"}
_lazy_function = _lazy_exports("pyrax_image", _LAZY_FUNCTIONS)


def __getattr__(name: str) -> _Any:
    """The live module-wide state (``identity``, ``images``, ``default_region``...)
    and the functions of ``_LAZY_FUNCTIONS``."""
    from pyrax_image import connect

    if name in _LAZY_FUNCTIONS:
        return _lazy_function(name)
    if name == "identity":
        return connect.module_attribute(name) or _sys.modules["pyrax_image.identity"]
    return connect.module_attribute(name)


__all__ = [
    "BaseClient",
    "BaseIdentity",
    "BaseManager",
    "BaseResource",
    "ImageSelector",
    "Image",
    "ImageClient",
    "ImageMember",
    "ImageTag",
    "ImageTask",
    "KeystoneIdentity",
    "RaxIdentity",
    "TokenIdentity",
    "__version__",
    "auth_with_token",
    "authenticate",
    "clear_credentials",
    "connect_to_cloudfiles",
    "connect_to_images",
    "connect_to_services",
    "create_context",
    "exceptions",
    "get_encoding",
    "get_environment",
    "get_http_debug",
    "get_setting",
    "inspect_image",
    "list_environments",
    "set_cloud",
    "set_credential_file",
    "set_credentials",
    "set_credentials_from_env",
    "set_default_region",
    "set_environment",
    "set_http_debug",
    "set_setting",
    "sync_images",
]
