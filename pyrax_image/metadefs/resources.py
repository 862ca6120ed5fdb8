"""The resources of metadata definitions: a namespace and what it holds.

A :class:`MetadefNamespace` is named by its ``namespace``; its objects,
properties, tags and resource type associations are named by their ``name``
and know their namespace (``namespace_name``), so ``obj.delete()`` or
``tag.rename("new")`` need nothing else. A namespace's own JSON members
``objects``, ``properties``, ``tags`` and ``resource_type_associations`` (in
a namespace fetched whole) stay readable as ``ns["objects"]``...; its
methods (``list_objects()``, ``create_tag()``...) ask the server.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Protocol

from pyrax_image.resource import BaseResource


class NamespaceContents(Protocol):
    """What a namespace's content resource asks of its manager (a per-namespace manager)."""

    namespace: str

    def get(self, item: Any) -> Any: ...

    def delete(self, item: Any) -> None: ...

    def update(self, item: Any, **changes: Any) -> Any: ...


class MetadefContent(BaseResource):
    """An object, property, tag or resource type association of one namespace."""

    manager: NamespaceContents
    listed_complete = True  # list entries are whole

    def _id(self) -> Optional[str]:
        return self._info.get("name")

    @property
    def namespace_name(self) -> str:
        """The name of the namespace this belongs to."""
        return self.manager.namespace

    def _repr_parts(self) -> List[str]:
        return ["%s/%s" % (self.namespace_name, self._info.get("name"))]


class MetadefObject(MetadefContent):
    """An object definition: a named group of property definitions."""

    def update(self, **changes: Any) -> MetadefObject:
        """Change ``name``, ``description``, ``properties`` or ``required``
        (the rest is kept); returns self, refreshed."""
        fresh = self.manager.update(self, **changes)
        self.replace_details(fresh.to_dict())
        return self


class MetadefProperty(MetadefContent):
    """A property definition (a JSON-schema fragment: ``title``, ``type``, ``enum``...)."""

    def update(self, **changes: Any) -> MetadefProperty:
        """Change the definition (``title``, ``type``, ``enum``..., or ``name``
        to rename it; the rest is kept); returns self, refreshed."""
        fresh = self.manager.update(self, **changes)
        self.replace_details(fresh.to_dict())
        return self


class MetadefTag(MetadefContent):
    """A tag definition."""

    def rename(self, new_name: str) -> MetadefTag:
        """Rename the tag; returns self, refreshed."""
        fresh = self.manager.update(self, name=new_name)
        self.replace_details(fresh.to_dict())
        return self


class MetadefResourceTypeAssociation(MetadefContent):
    """A namespace's association with a resource type (``OS::Glance::Image``...),
    with the ``prefix`` and ``properties_target`` its properties take there."""

    get_details = False  # the API has no GET of one association


class MetadefResourceType(BaseResource):
    """A resource type the cloud knows (``OS::Nova::Flavor``...)."""

    get_details = False
    listed_complete = True

    def _id(self) -> Optional[str]:
        return self._info.get("name")


class ObjectsApi(Protocol):
    """The object definitions of one namespace (a MetadefObjectManager)."""

    def list(self) -> List[MetadefObject]: ...

    def get(self, item: Any) -> MetadefObject: ...

    def create(self, name: str, **definition: Any) -> MetadefObject: ...

    def update(self, item: Any, **changes: Any) -> MetadefObject: ...

    def delete(self, item: Any) -> None: ...

    def delete_all(self) -> None: ...


class PropertiesApi(Protocol):
    """The property definitions of one namespace (a MetadefPropertyManager)."""

    def list(self) -> List[MetadefProperty]: ...

    def get(self, item: Any, resource_type: Optional[str] = None) -> MetadefProperty: ...

    def create(self, name: str, title: str, type: str, **definition: Any) -> MetadefProperty: ...

    def update(self, item: Any, **changes: Any) -> MetadefProperty: ...

    def delete(self, item: Any) -> None: ...

    def delete_all(self) -> None: ...


class TagsApi(Protocol):
    """The tag definitions of one namespace (a MetadefTagManager)."""

    def list(
        self,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefTag]: ...

    def get(self, item: Any) -> MetadefTag: ...

    def create(self, name: str) -> MetadefTag: ...

    def create_many(self, names: List[str], append: bool = False) -> List[MetadefTag]: ...

    def update(self, item: Any, name: str) -> MetadefTag: ...

    def delete(self, item: Any) -> None: ...

    def delete_all(self) -> None: ...


class AssociationsApi(Protocol):
    """The resource type associations of one namespace (a MetadefAssociationManager)."""

    def list(self) -> List[MetadefResourceTypeAssociation]: ...

    def create(
        self, name: str, prefix: Optional[str] = None, properties_target: Optional[str] = None
    ) -> MetadefResourceTypeAssociation: ...

    def delete(self, item: Any) -> None: ...


class NamespacesApi(Protocol):
    """What a namespace asks of its manager (a MetadefNamespaceManager)."""

    def get(self, item: Any, resource_type: Optional[str] = None) -> MetadefNamespace: ...

    def update(self, item: Any, **changes: Any) -> MetadefNamespace: ...

    def delete(self, item: Any) -> None: ...

    def export_namespace(self, item: Any, path: Optional[str] = None) -> Dict[str, Any]: ...

    def objects_of(self, item: Any) -> ObjectsApi: ...

    def properties_of(self, item: Any) -> PropertiesApi: ...

    def tags_of(self, item: Any) -> TagsApi: ...

    def associations_of(self, item: Any) -> AssociationsApi: ...


class MetadefNamespace(BaseResource):
    """A metadata definition namespace (``OS::Compute::Libvirt``...).

    A namespace from a listing lacks its objects and properties; reading
    ``ns["objects"]`` needs a fetched one (``get()``), while ``list_objects()``
    always asks the server.
    """

    manager: NamespacesApi
    NAME_ATTR = "namespace"
    _non_display = ("schema", "self", "objects", "properties", "tags", "resource_type_associations")

    def _id(self) -> Optional[str]:
        return self._info.get("namespace")

    def _repr_parts(self) -> List[str]:
        parts = [repr(self._info.get("namespace"))]
        if self._info.get("visibility"):
            parts.append(str(self._info["visibility"]))
        if self._info.get("protected"):
            parts.append("protected")
        return parts

    def update(self, **changes: Any) -> MetadefNamespace:
        """Change ``display_name``, ``description``, ``visibility``, ``protected``
        or ``namespace`` (a rename); the rest is kept. Returns self, refreshed."""
        fresh = self.manager.update(self, **changes)
        self.replace_details(fresh.to_dict())
        return self

    def export(self, path: Optional[str] = None) -> Dict[str, Any]:
        """This namespace as a Glance metadefs document (written to ``path`` if given)."""
        return self.manager.export_namespace(self, path)

    # -- objects ------------------------------------------------------------------
    def list_objects(self) -> List[MetadefObject]:
        """The namespace's object definitions (in no set order)."""
        return self.manager.objects_of(self).list()

    def get_object(self, name: Any) -> MetadefObject:
        """One object definition."""
        return self.manager.objects_of(self).get(name)

    def create_object(self, name: str, **definition: Any) -> MetadefObject:
        """Define an object (``description``, ``properties``, ``required``)."""
        return self.manager.objects_of(self).create(name, **definition)

    def update_object(self, obj: Any, **changes: Any) -> MetadefObject:
        """Change an object definition (what is not given is kept)."""
        return self.manager.objects_of(self).update(obj, **changes)

    def delete_object(self, obj: Any) -> None:
        """Delete an object definition."""
        self.manager.objects_of(self).delete(obj)

    def delete_all_objects(self) -> None:
        """Delete every object definition of the namespace."""
        self.manager.objects_of(self).delete_all()

    # -- properties -------------------------------------------------------------
    def list_properties(self) -> List[MetadefProperty]:
        """The namespace's property definitions."""
        return self.manager.properties_of(self).list()

    def get_property(self, name: Any, resource_type: Optional[str] = None) -> MetadefProperty:
        """One property definition (``resource_type``: named with that type's prefix)."""
        return self.manager.properties_of(self).get(name, resource_type=resource_type)

    def create_property(self, name: str, title: str, type: str, **definition: Any) -> MetadefProperty:
        """Define a property (``enum``, ``default``, ``minimum``... as JSON schema has them)."""
        return self.manager.properties_of(self).create(name, title, type, **definition)

    def update_property(self, prop: Any, **changes: Any) -> MetadefProperty:
        """Change a property definition (what is not given is kept)."""
        return self.manager.properties_of(self).update(prop, **changes)

    def delete_property(self, prop: Any) -> None:
        """Delete a property definition."""
        self.manager.properties_of(self).delete(prop)

    def delete_all_properties(self) -> None:
        """Delete every property definition of the namespace."""
        self.manager.properties_of(self).delete_all()

    # -- tags -----------------------------------------------------------------------
    def list_tags(
        self,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefTag]:
        """The namespace's tag definitions."""
        tags = self.manager.tags_of(self)
        return tags.list(limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir)

    def get_tag(self, name: Any) -> MetadefTag:
        """One tag definition."""
        return self.manager.tags_of(self).get(name)

    def create_tag(self, name: str) -> MetadefTag:
        """Define one tag."""
        return self.manager.tags_of(self).create(name)

    def create_tags(self, names: List[str], append: bool = False) -> List[MetadefTag]:
        """Define several tags at once; they REPLACE the namespace's tags unless ``append``."""
        return self.manager.tags_of(self).create_many(names, append=append)

    def rename_tag(self, tag: Any, new_name: str) -> MetadefTag:
        """Rename a tag definition."""
        return self.manager.tags_of(self).update(tag, name=new_name)

    def delete_tag(self, tag: Any) -> None:
        """Delete a tag definition."""
        self.manager.tags_of(self).delete(tag)

    def delete_all_tags(self) -> None:
        """Delete every tag definition of the namespace."""
        self.manager.tags_of(self).delete_all()

    # -- resource type associations -------------------------------------------------
    def list_resource_type_associations(self) -> List[MetadefResourceTypeAssociation]:
        """The resource types this namespace applies to."""
        return self.manager.associations_of(self).list()

    def associate_resource_type(
        self, name: str, prefix: Optional[str] = None, properties_target: Optional[str] = None
    ) -> MetadefResourceTypeAssociation:
        """Apply the namespace to resource type ``name`` (its properties named
        ``prefix`` + name there; ``properties_target`` e.g. ``image`` for Cinder)."""
        associations = self.manager.associations_of(self)
        return associations.create(name, prefix=prefix, properties_target=properties_target)

    def dissociate_resource_type(self, name: Any) -> None:
        """Stop applying the namespace to resource type ``name``."""
        self.manager.associations_of(self).delete(name)
