"""Managers of what one metadata definition namespace holds: objects,
properties, tags and resource type associations, each named by ``name``
below ``/metadefs/namespaces/<namespace>``.

Glance's PUT replaces a whole object or property: ``update`` fetches the
current definition, applies the changes and sends the result, so what the
caller does not name is kept.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_flag, check_text
from pyrax_image.client import BaseClient
from pyrax_image.manager import BaseManager, R, page_params
from pyrax_image.metadefs.checks import (
    CONTENT_SORT_KEYS,
    OBJECT_FIELDS,
    PROPERTY_FIELDS,
    PROPERTY_TYPES,
    check_fields,
    check_name,
    expect_dict,
    name_of,
    resource_type_query,
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


class MergingManager(BaseManager[R]):
    """A manager of definitions that Glance's PUT replaces whole: an update
    (:meth:`_update`) is checked before any request, then applied to the
    current definition, fetched, so what the caller does not name is kept."""

    name_key = "name"  # the member that names an item
    what = "name"  # an item's name, as errors say it
    kind = "definition"  # an item, as errors say it
    fields: Tuple[str, ...] = ()  # what an update may change, the name included
    stand_ins: Dict[str, Any] = {}  # what the body needs and the changes may leave out, for the first check

    def _body(self, fields: Dict[str, Any]) -> Dict[str, Any]:
        """The checked JSON body of a definition with these fields."""
        raise NotImplementedError

    def _put(self, item: Any, body: Dict[str, Any]) -> R:
        response, reply = self.api.method_put(self._item_uri(item), body=body)
        return self._make(self._unwrap(reply, response=response), loaded=True)

    def _update(self, item: Any, changes: Dict[str, Any]) -> R:
        check_fields(changes, self.fields, self.kind)
        name = name_of(item, self.name_key, self.what)
        self._body({**self.stand_ins, self.name_key: name, **changes})  # checked before any request
        current = self.get(item).to_dict()
        merged = {key: current[key] for key in self.fields if current.get(key) is not None}
        merged.update(changes)
        return self._put(item, self._body(merged))


class _ContentManager(MergingManager[R]):
    """A manager of what one namespace holds, each item named by ``name``,
    below ``/metadefs/namespaces/<namespace>/<uri_base>``."""

    uri_base = ""
    plural_key: Optional[str] = None  # the listing's member, where not named as uri_base

    def __init__(self, api: BaseClient[Any], namespace: str):
        plural = self.plural_key or self.uri_base
        super().__init__(api, response_key="", plural_response_key=plural, uri_base=self.uri_base)
        self.namespace = namespace

    def _collection_uri(self) -> str:
        return "/metadefs/namespaces/%s/%s" % (quote_segment(self.namespace), self.uri_base)

    def _item_uri(self, item: Any) -> str:
        return "%s/%s" % (self._collection_uri(), quote_segment(name_of(item, "name", self.what)))

    def delete_all(self) -> None:
        """Delete every item of this kind in the namespace."""
        self.api.method_delete(self._collection_uri())


class MetadefObjectManager(_ContentManager[MetadefObject]):
    """The object definitions of one namespace."""

    resource_class = MetadefObject
    uri_base = "objects"
    what = "object name"
    kind = "metadef object"
    fields = OBJECT_FIELDS

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
        return self._update(item, changes)

    def _body(self, fields: Dict[str, Any]) -> Dict[str, Any]:
        return object_body(*(fields.get(key) for key in OBJECT_FIELDS))


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
    uri_base = "properties"
    what = "property name"
    kind = "metadef property"
    fields = ("name", "title", "type") + PROPERTY_FIELDS
    stand_ins = {"title": "-", "type": "string"}

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
        return self._get(self._item_uri(item), resource_type_query(resource_type))

    def create(self, name: str, title: str, type: str, **definition: Any) -> MetadefProperty:
        """Define a property: ``type`` is a JSON-schema type; ``definition`` takes
        ``description``, ``enum``, ``default``, ``minimum``... (see PROPERTY_FIELDS)."""
        return self._create(self._collection_uri(), property_body(name, title, type, definition))

    def update(self, item: Any, **changes: Any) -> MetadefProperty:
        """Change the definition (or ``name`` to rename it); the rest is kept."""
        return self._update(item, changes)

    def _body(self, fields: Dict[str, Any]) -> Dict[str, Any]:
        definition = {key: value for key, value in fields.items() if key not in ("name", "title", "type")}
        return property_body(fields.get("name"), fields.get("title"), fields.get("type"), definition)


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
    uri_base = "tags"
    what = "tag name"

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
        return self._create(self._item_uri(name), None)

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
    uri_base = "resource_types"
    plural_key = "resource_type_associations"
    what = "resource type name"

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
