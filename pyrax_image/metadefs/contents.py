"""Managers of what one metadata definition namespace holds: objects,
properties, tags and resource type associations, each named by ``name``
below ``/metadefs/namespaces/<namespace>``.

Glance's PUT replaces a whole object or property: ``update`` fetches the
current definition, applies the changes and sends the result, so what the
caller does not name is kept.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_flag, check_text
from pyrax_image.client import BaseClient
from pyrax_image.manager import BaseManager, R, page_params
from pyrax_image.metadefs.checks import (
    CONTENT_SORT_KEYS,
    OBJECT_FIELDS,
    PROPERTY_FIELDS,
    PROPERTY_TYPES,
    check_choice,
    check_fields,
    check_name,
    expect_dict,
    name_of,
    sort_params,
)
from pyrax_image.metadefs.resources import (
    MetadefObject,
    MetadefProperty,
    MetadefResourceTypeAssociation,
    MetadefTag,
)
from pyrax_image.replies import expect_object, invalid
from pyrax_image.resource import ResourceList
from pyrax_image.utils import quote_segment


class _ContentManager(BaseManager[R]):
    """A manager of what one namespace holds, each item named by ``name``."""

    what = "name"

    def __init__(self, api: BaseClient[Any], namespace: str, plural_response_key: str, uri_base: str):
        super().__init__(api, response_key="", plural_response_key=plural_response_key, uri_base=uri_base)
        self.namespace = namespace

    def _collection_uri(self) -> str:
        return "/metadefs/namespaces/%s/%s" % (quote_segment(self.namespace), self.uri_base)

    def _item_uri(self, item: Any) -> str:
        return "%s/%s" % (self._collection_uri(), quote_segment(name_of(item, "name", self.what)))

    def _put(self, item: Any, body: Dict[str, Any]) -> R:
        response, reply = self.api.method_put(self._item_uri(item), body=body)
        return self._make(self._unwrap(reply, response=response), loaded=True)

    def _merged(self, item: Any, changes: Dict[str, Any], fields: Iterable[str]) -> Dict[str, Any]:
        """The current definition (fetched) with ``changes`` applied, limited to ``fields``."""
        current = self.get(item).to_dict()
        body = {key: current[key] for key in fields if current.get(key) is not None}
        body.update(changes)
        return body

    def delete_all(self) -> None:
        """Delete every item of this kind in the namespace."""
        self.api.method_delete(self._collection_uri())


class MetadefObjectManager(_ContentManager[MetadefObject]):
    """The object definitions of one namespace."""

    resource_class = MetadefObject
    what = "object name"

    def __init__(self, api: BaseClient[Any], namespace: str):
        super().__init__(api, namespace, "objects", "objects")

    def list(self, *args: Any, **kwargs: Any) -> List[MetadefObject]:
        """Every object definition of the namespace, in no set order: Glance 33
        ignores the sort, limit and filter parameters its api-ref lists here."""
        return self._list(self._collection_uri())

    def create(
        self,
        name: str,
        description: Optional[str] = None,
        properties: Optional[Dict[str, Any]] = None,
        required: Optional[List[str]] = None,
    ) -> MetadefObject:
        """Define an object: ``properties`` maps names to property definitions,
        ``required`` lists the names that must be set."""
        return self._create(self._collection_uri(), object_body(name, description, properties, required))

    def update(self, item: Any, **changes: Any) -> MetadefObject:
        """Change ``name``, ``description``, ``properties`` or ``required``; the rest is kept."""
        check_fields(changes, OBJECT_FIELDS, "metadef object")
        fields = [changes.get(key) for key in OBJECT_FIELDS[1:]]
        object_body(
            changes.get("name", name_of(item, "name", self.what)), *fields
        )  # checked before any request
        body = self._merged(item, changes, OBJECT_FIELDS)
        return self._put(
            item,
            object_body(
                body.get("name"), body.get("description"), body.get("properties"), body.get("required")
            ),
        )


def object_body(name: Any, description: Any, properties: Any, required: Any) -> Dict[str, Any]:
    """An object definition's JSON body, checked."""
    body: Dict[str, Any] = {"name": check_name("name", name)}
    if description is not None:
        if not isinstance(description, str):
            raise exc.InvalidArgument("description must be a string, not %s" % type(description).__name__)
        body["description"] = description
    if properties is not None:
        body["properties"] = expect_dict(properties, "properties")
    if required is not None:
        if not isinstance(required, list) or not all(isinstance(entry, str) for entry in required):
            raise exc.InvalidArgument("required must be a list of property names")
        body["required"] = required
    return body


class MetadefPropertyManager(_ContentManager[MetadefProperty]):
    """The property definitions of one namespace."""

    resource_class = MetadefProperty
    what = "property name"

    def __init__(self, api: BaseClient[Any], namespace: str):
        super().__init__(api, namespace, "properties", "properties")

    def list(self, *args: Any, **kwargs: Any) -> List[MetadefProperty]:
        """Every property definition of the namespace (Glance answers a dict by name)."""
        response, body = self.api.method_get(self._collection_uri())
        what = "The properties of namespace %s" % self.namespace
        definitions = expect_object(expect_object(body, what, response).get("properties", {}), what, response)
        items = []
        for name, definition in definitions.items():
            if not isinstance(definition, dict):
                raise invalid(response, "%s: %r is not an object" % (what, name))
            items.append(self._make_listed(dict(definition, name=name)))
        return ResourceList(items)

    def get(self, item: Any, resource_type: Optional[str] = None) -> MetadefProperty:
        """One property definition; with ``resource_type``, ``item`` may carry that type's prefix."""
        params = {"resource_type": check_text("resource_type", resource_type)} if resource_type else None
        response, body = self.api.method_get(self._item_uri(item), params=params)
        return self._make(self._unwrap(body, response=response), loaded=True)

    def create(self, name: str, title: str, type: str, **definition: Any) -> MetadefProperty:
        """Define a property: ``type`` is a JSON-schema type; ``definition`` takes
        ``description``, ``enum``, ``default``, ``minimum``... (see PROPERTY_FIELDS)."""
        return self._create(self._collection_uri(), property_body(name, title, type, definition))

    def update(self, item: Any, **changes: Any) -> MetadefProperty:
        """Change the definition (or ``name`` to rename it); the rest is kept."""
        check_fields(changes, ("name", "title", "type") + PROPERTY_FIELDS, "metadef property")
        extra = {key: value for key, value in changes.items() if key not in ("name", "title", "type")}
        name, title, kind = (changes.get(key, default) for key, default in _PLACEHOLDERS)
        property_body(name if "name" in changes else name_of(item, "name", self.what), title, kind, extra)
        body = self._merged(item, changes, ("name", "title", "type") + PROPERTY_FIELDS)
        extra = {key: value for key, value in body.items() if key not in ("name", "title", "type")}
        return self._put(item, property_body(body.get("name"), body.get("title"), body.get("type"), extra))


# Stand-ins for what update does not change, to check the changes before any request.
_PLACEHOLDERS = (("name", "-"), ("title", "-"), ("type", "string"))


def property_body(name: Any, title: Any, type: Any, definition: Dict[str, Any]) -> Dict[str, Any]:
    """A property definition's JSON body, checked."""
    check_fields(definition, PROPERTY_FIELDS, "metadef property")
    body: Dict[str, Any] = {
        "name": check_name("name", name),
        "title": check_text("title", title),
        "type": check_choice("type", type, PROPERTY_TYPES),
    }
    body.update(definition)
    return body


class MetadefTagManager(_ContentManager[MetadefTag]):
    """The tag definitions of one namespace."""

    resource_class = MetadefTag
    what = "tag name"

    def __init__(self, api: BaseClient[Any], namespace: str):
        super().__init__(api, namespace, "tags", "tags")

    def list(  # type: ignore[override]
        self,
        limit: Optional[int] = None,
        marker: Optional[Any] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefTag]:
        """The tag definitions (``limit`` of them after tag ``marker``)."""
        params: Dict[str, Any] = sort_params(sort_key, sort_dir, CONTENT_SORT_KEYS)
        params.update(page_params(limit, None))
        if marker is not None:
            params["marker"] = name_of(marker, "name", "marker")
        return self._list(self._collection_uri(), params=params)

    def create(self, name: str, *args: Any, **kwargs: Any) -> MetadefTag:
        """Define tag ``name`` (Conflict if it exists)."""
        response, body = self.api.method_post(self._item_uri(name))
        return self._make(self._unwrap(body, response=response), loaded=True)

    def create_many(self, names: List[str], append: bool = False) -> List[MetadefTag]:
        """Define several tags in one request. They REPLACE the namespace's
        tags unless ``append`` (Glance's ``X-Openstack-Append``)."""
        if not isinstance(names, (list, tuple)) or not names:
            raise exc.InvalidArgument("names must be a non-empty list of tag names")
        body = {"tags": [{"name": check_name("tag name", name)} for name in names]}
        headers = {"X-Openstack-Append": "true" if check_flag("append", append) else "false"}
        response, reply = self.api.method_post(self._collection_uri(), body=body, headers=headers)
        return self._list_from(reply, response)

    def _list_from(self, body: Any, response: Any) -> List[MetadefTag]:
        return ResourceList(
            self._make_listed(item) for item in self._unwrap(body, plural=True, response=response)
        )

    def update(self, item: Any, name: str) -> MetadefTag:
        """Rename tag ``item`` to ``name``."""
        return self._put(item, {"name": check_name("name", name)})


class MetadefAssociationManager(_ContentManager[MetadefResourceTypeAssociation]):
    """The resource types one namespace is associated with."""

    resource_class = MetadefResourceTypeAssociation
    what = "resource type name"

    def __init__(self, api: BaseClient[Any], namespace: str):
        super().__init__(api, namespace, "resource_type_associations", "resource_types")

    def list(self, *args: Any, **kwargs: Any) -> List[MetadefResourceTypeAssociation]:
        """Every association of the namespace (not paged)."""
        return self._list(self._collection_uri())

    def create(
        self, name: str, prefix: Optional[str] = None, properties_target: Optional[str] = None
    ) -> MetadefResourceTypeAssociation:
        """Associate resource type ``name`` (created if the cloud does not know it)."""
        body = {"name": check_name("name", name)}
        for key, value in (("prefix", prefix), ("properties_target", properties_target)):
            if value is not None:
                body[key] = check_text(key, value)
        return self._create(self._collection_uri(), body)
