"""Metadata definitions (Glance's ``/v2/metadefs``): namespaces of property,
object and tag definitions, and the resource types they apply to.

Reached from an ``ImageClient``: ``images.metadef_namespaces`` (a
:class:`MetadefNamespaceManager`), ``images.list_metadef_namespaces()``,
``images.get_metadef_namespace(name).list_objects()``...
The names below are imported on first use (``ImageClient`` mixes in
``metadefs/client.py``, so ``import pyrax_image`` loads this package; the
managers and resources wait for a first metadata-definition call).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrax_image.lazy import lazy_exports

if TYPE_CHECKING:
    from pyrax_image.metadefs.contents import (
        MetadefAssociationManager,
        MetadefObjectManager,
        MetadefPropertyManager,
        MetadefTagManager,
    )
    from pyrax_image.metadefs.managers import MetadefNamespaceManager, MetadefResourceTypeManager
    from pyrax_image.metadefs.resources import (
        MetadefNamespace,
        MetadefObject,
        MetadefProperty,
        MetadefResourceType,
        MetadefResourceTypeAssociation,
        MetadefTag,
    )

_SUBMODULE = {
    "MetadefAssociationManager": "contents",
    "MetadefObjectManager": "contents",
    "MetadefPropertyManager": "contents",
    "MetadefTagManager": "contents",
    "MetadefNamespaceManager": "managers",
    "MetadefResourceTypeManager": "managers",
    "MetadefNamespace": "resources",
    "MetadefObject": "resources",
    "MetadefProperty": "resources",
    "MetadefResourceType": "resources",
    "MetadefResourceTypeAssociation": "resources",
    "MetadefTag": "resources",
}

__getattr__ = lazy_exports(__name__, _SUBMODULE)

__all__ = [
    "MetadefAssociationManager",
    "MetadefNamespace",
    "MetadefNamespaceManager",
    "MetadefObject",
    "MetadefObjectManager",
    "MetadefProperty",
    "MetadefPropertyManager",
    "MetadefResourceType",
    "MetadefResourceTypeAssociation",
    "MetadefResourceTypeManager",
    "MetadefTag",
    "MetadefTagManager",
]
