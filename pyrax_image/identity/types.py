"""The ``identity_type`` setting: names of identity classes, resolved to classes."""

from __future__ import annotations

import importlib
from typing import Type

from pyrax_image import exceptions as exc
from pyrax_image.identity.auth import AuthIdentity
from pyrax_image.identity.keystone import KeystoneIdentity
from pyrax_image.identity.rax import RaxIdentity


def identity_class(id_type: str) -> Type[AuthIdentity]:
    """The class for an ``identity_type``: keystone, rackspace or ``module.Class``."""
    lowered = id_type.strip().lower()
    if lowered in ("keystone", "keystone_identity.keystoneidentity"):
        return KeystoneIdentity
    if lowered in ("rackspace", "rax", "rax_identity.raxidentity"):
        return RaxIdentity
    module_name, _, class_name = id_type.strip().rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), class_name) if module_name else None
    except ImportError:
        found = None
    if not isinstance(found, type) or not issubclass(found, AuthIdentity):
        raise exc.InvalidSetting(
            "identity_type must be 'keystone', 'rackspace' or 'module.Class' of an AuthIdentity, not %r"
            % id_type
        )
    return found
