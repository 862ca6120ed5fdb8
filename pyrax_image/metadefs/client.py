"""ImageClient's metadata-definition calls, pyrax-style (``list_metadef_…``, ``get_metadef_…``).

Each is one line over the managers of :mod:`pyrax_image.metadefs.managers`
(``images.metadef_namespaces``, ``images.metadef_resource_types``, built on
first use, so that ``import pyrax_image`` loads neither them nor the
resources); a
namespace is named by its name or given as a ``MetadefNamespace``, an
object, property or tag by its name or its resource. Creating, changing and
deleting definitions is for admins: others get ``Forbidden``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from pyrax_image.image.tasks import (
    METADEF_SCHEMAS,
    HasSchemaManager,
    JSONSchemaManager,
    schema_call,
    schema_reader,
)
from pyrax_image.lazy import built_once

if TYPE_CHECKING:
    from pyrax_image.metadefs.managers import MetadefNamespaceManager, MetadefResourceTypeManager
    from pyrax_image.metadefs.resources import (
        MetadefNamespace,
        MetadefObject,
        MetadefProperty,
        MetadefResourceType,
        MetadefResourceTypeAssociation,
        MetadefTag,
    )


def metadef_schema(name: str) -> Callable[[HasSchemaManager], Dict[str, Any]]:
    """pyrax-style ``get_metadef_<name>_schema``: ``GET /schemas/metadefs/<name>``,
    the schema of what ``METADEF_SCHEMAS[name]`` says."""
    return schema_call(schema_reader("metadefs/" + name, METADEF_SCHEMAS[name]))


class MetadefCalls:
    """The metadata-definition methods of ``ImageClient`` (mixed into it)."""

    _schema_manager: JSONSchemaManager

    @property
    def metadef_namespaces(self) -> MetadefNamespaceManager:
        """The manager of metadata definition namespaces."""
        from pyrax_image.metadefs.managers import MetadefNamespaceManager

        client: Any = self  # mixed into ImageClient, the BaseClient the manager needs
        return built_once(self, "_metadef_namespace_manager", lambda: MetadefNamespaceManager(client))

    @property
    def metadef_resource_types(self) -> MetadefResourceTypeManager:
        """The manager of the resource types metadata definitions apply to."""
        from pyrax_image.metadefs.managers import MetadefResourceTypeManager

        client: Any = self  # mixed into ImageClient, the BaseClient the manager needs
        return built_once(self, "_metadef_resource_type_manager", lambda: MetadefResourceTypeManager(client))

    # -- namespaces -------------------------------------------------------------------
    def list_metadef_namespaces(
        self,
        limit: Optional[int] = None,
        marker: Any = None,
        resource_types: Any = None,
        visibility: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefNamespace]:
        """One page of namespaces (``next_marker`` continues); filter by
        ``resource_types`` (a name or a list) and ``visibility``."""
        return self.metadef_namespaces.list(limit, marker, resource_types, visibility, sort_key, sort_dir)

    def list_all_metadef_namespaces(
        self,
        resource_types: Any = None,
        visibility: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefNamespace]:
        """Every namespace matching the filters, over all pages."""
        return list(self.metadef_namespaces.iter_all(resource_types, visibility, sort_key, sort_dir))

    def get_metadef_namespace(self, namespace: Any, resource_type: Optional[str] = None) -> MetadefNamespace:
        """A namespace with its objects, properties, tags and resource type associations
        (``resource_type``: its properties named with that type's prefix)."""
        return self.metadef_namespaces.get(namespace, resource_type=resource_type)

    def create_metadef_namespace(
        self,
        namespace: str,
        display_name: Optional[str] = None,
        description: Optional[str] = None,
        visibility: Optional[str] = None,
        protected: Optional[bool] = None,
        **contents: Any,
    ) -> MetadefNamespace:
        """Create a namespace (``objects``, ``properties``, ``tags``,
        ``resource_type_associations`` may come with it); Conflict if taken."""
        return self.metadef_namespaces.create(
            namespace, display_name, description, visibility, protected, **contents
        )

    def update_metadef_namespace(self, namespace: Any, /, **changes: Any) -> MetadefNamespace:
        """Change ``display_name``, ``description``, ``visibility``, ``protected``
        or ``namespace`` (a rename); the rest keeps its value."""
        return self.metadef_namespaces.update(namespace, **changes)

    def delete_metadef_namespace(self, namespace: Any) -> None:
        """Delete a namespace and everything in it (Forbidden while it is protected)."""
        self.metadef_namespaces.delete(namespace)

    def import_metadef_namespace(self, source: Any) -> MetadefNamespace:
        """Create a namespace from a Glance metadefs document (``etc/metadefs/*.json``
        format): a path, a file or a dict. Whole or not at all."""
        return self.metadef_namespaces.import_namespace(source)

    def export_metadef_namespace(self, namespace: Any, path: Optional[str] = None) -> Dict[str, Any]:
        """A namespace as a Glance metadefs document, also written to ``path`` if given."""
        return self.metadef_namespaces.export_namespace(namespace, path)

    # -- resource types -------------------------------------------------------------
    def list_metadef_resource_types(self) -> List[MetadefResourceType]:
        """The resource types the cloud knows (``OS::Glance::Image``...)."""
        return self.metadef_resource_types.list()

    def list_metadef_resource_type_associations(self, namespace: Any) -> List[MetadefResourceTypeAssociation]:
        """The resource types a namespace applies to."""
        return self.metadef_namespaces.associations_of(namespace).list()

    def create_metadef_resource_type_association(
        self, namespace: Any, name: str, prefix: Optional[str] = None, properties_target: Optional[str] = None
    ) -> MetadefResourceTypeAssociation:
        """Apply a namespace to resource type ``name`` (``prefix``: what its
        property names start with there; ``properties_target``: e.g. ``image``)."""
        return self.metadef_namespaces.associations_of(namespace).create(name, prefix, properties_target)

    def delete_metadef_resource_type_association(self, namespace: Any, name: Any) -> None:
        """Stop applying a namespace to resource type ``name``."""
        self.metadef_namespaces.associations_of(namespace).delete(name)

    # -- objects ------------------------------------------------------------------------
    def list_metadef_objects(self, namespace: Any) -> List[MetadefObject]:
        """A namespace's object definitions, in no set order (Glance 33 ignores
        the sort and filter parameters its api-ref lists for this call)."""
        return self.metadef_namespaces.objects_of(namespace).list()

    def get_metadef_object(self, namespace: Any, obj: Any) -> MetadefObject:
        """One object definition."""
        return self.metadef_namespaces.objects_of(namespace).get(obj)

    def create_metadef_object(
        self,
        namespace: Any,
        name: str,
        description: Optional[str] = None,
        properties: Optional[Dict[str, Any]] = None,
        required: Optional[List[str]] = None,
    ) -> MetadefObject:
        """Define an object: ``properties`` maps names to property definitions."""
        return self.metadef_namespaces.objects_of(namespace).create(name, description, properties, required)

    def update_metadef_object(self, namespace: Any, obj: Any, **changes: Any) -> MetadefObject:
        """Change ``name``, ``description``, ``properties`` or ``required``; the rest is kept."""
        return self.metadef_namespaces.objects_of(namespace).update(obj, **changes)

    def delete_metadef_object(self, namespace: Any, obj: Any) -> None:
        """Delete an object definition."""
        self.metadef_namespaces.objects_of(namespace).delete(obj)

    def delete_all_metadef_objects(self, namespace: Any) -> None:
        """Delete every object definition of a namespace."""
        self.metadef_namespaces.objects_of(namespace).delete_all()

    # -- properties ---------------------------------------------------------------------
    def list_metadef_properties(self, namespace: Any) -> List[MetadefProperty]:
        """A namespace's property definitions."""
        return self.metadef_namespaces.properties_of(namespace).list()

    def get_metadef_property(
        self, namespace: Any, prop: Any, resource_type: Optional[str] = None
    ) -> MetadefProperty:
        """One property definition (``resource_type``: ``prop`` may carry its prefix)."""
        return self.metadef_namespaces.properties_of(namespace).get(prop, resource_type=resource_type)

    def create_metadef_property(
        self, namespace: Any, name: str, title: str, type: str, **definition: Any
    ) -> MetadefProperty:
        """Define a property of JSON-schema ``type`` (``enum``, ``default``, ``minimum``...)."""
        return self.metadef_namespaces.properties_of(namespace).create(name, title, type, **definition)

    def update_metadef_property(self, namespace: Any, prop: Any, **changes: Any) -> MetadefProperty:
        """Change a property definition (or ``name`` to rename it); the rest is kept."""
        return self.metadef_namespaces.properties_of(namespace).update(prop, **changes)

    def delete_metadef_property(self, namespace: Any, prop: Any) -> None:
        """Delete a property definition."""
        self.metadef_namespaces.properties_of(namespace).delete(prop)

    def delete_all_metadef_properties(self, namespace: Any) -> None:
        """Delete every property definition of a namespace."""
        self.metadef_namespaces.properties_of(namespace).delete_all()

    # -- tags -----------------------------------------------------------------------------
    def list_metadef_tags(
        self,
        namespace: Any,
        limit: Optional[int] = None,
        marker: Any = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefTag]:
        """A namespace's tag definitions (``limit`` of them after tag ``marker``)."""
        return self.metadef_namespaces.tags_of(namespace).list(limit, marker, sort_key, sort_dir)

    def get_metadef_tag(self, namespace: Any, tag: Any) -> MetadefTag:
        """One tag definition."""
        return self.metadef_namespaces.tags_of(namespace).get(tag)

    def create_metadef_tag(self, namespace: Any, name: str) -> MetadefTag:
        """Define one tag (Conflict if it exists)."""
        return self.metadef_namespaces.tags_of(namespace).create(name)

    def create_metadef_tags(self, namespace: Any, names: List[str], append: bool = False) -> List[MetadefTag]:
        """Define several tags in one request: they REPLACE the namespace's
        tags unless ``append=True``."""
        return self.metadef_namespaces.tags_of(namespace).create_many(names, append=append)

    def update_metadef_tag(self, namespace: Any, tag: Any, new_name: str) -> MetadefTag:
        """Rename a tag definition."""
        return self.metadef_namespaces.tags_of(namespace).update(tag, new_name)

    def delete_metadef_tag(self, namespace: Any, tag: Any) -> None:
        """Delete a tag definition."""
        self.metadef_namespaces.tags_of(namespace).delete(tag)

    def delete_all_metadef_tags(self, namespace: Any) -> None:
        """Delete every tag definition of a namespace."""
        self.metadef_namespaces.tags_of(namespace).delete_all()

    # -- schemas --------------------------------------------------------------------------
    get_metadef_namespace_schema = metadef_schema("namespace")
    get_metadef_namespaces_schema = metadef_schema("namespaces")
    get_metadef_resource_type_schema = metadef_schema("resource_type")
    get_metadef_resource_types_schema = metadef_schema("resource_types")
    get_metadef_object_schema = metadef_schema("object")
    get_metadef_objects_schema = metadef_schema("objects")
    get_metadef_property_schema = metadef_schema("property")
    get_metadef_properties_schema = metadef_schema("properties")
    get_metadef_tag_schema = metadef_schema("tag")
    get_metadef_tags_schema = metadef_schema("tags")
