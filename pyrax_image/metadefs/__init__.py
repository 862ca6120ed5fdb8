"""Metadata definitions (Glance's ``/v2/metadefs``): namespaces of property,
object and tag definitions, and the resource types they apply to.

Reached from an ``ImageClient``: ``images.metadef_namespaces`` (a
:class:`MetadefNamespaceManager`), ``images.list_metadef_namespaces()``,
``images.get_metadef_namespace(name).list_objects()``...
"""

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
