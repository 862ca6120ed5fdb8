"""The local checks of metadata definitions: names, filters and bodies.

Every argument is checked here before a request is sent, so a typo fails
with ``InvalidArgument`` and nothing reaches the server.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_flag, check_text
from pyrax_image.image.filters import SORT_DIRS
from pyrax_image.resource import BaseResource

NAMESPACE_VISIBILITIES = ("private", "public")
# The sort keys Glance's metadef tables have (glance/db/sqlalchemy/models_metadef.py).
NAMESPACE_SORT_KEYS = (
    "created_at",
    "updated_at",
    "namespace",
    "display_name",
    "visibility",
    "protected",
    "owner",
)
CONTENT_SORT_KEYS = ("created_at", "updated_at", "name")
NAMESPACE_FIELDS = ("namespace", "display_name", "description", "visibility", "protected")
NAMESPACE_CONTENTS = ("resource_type_associations", "properties", "objects", "tags")
OBJECT_FIELDS = ("name", "description", "properties", "required")
# What a property definition may hold besides name, title and type (the api-ref's list).
PROPERTY_FIELDS = (
    "description",
    "default",
    "items",
    "operators",
    "enum",
    "maximum",
    "minimum",
    "maxItems",
    "minItems",
    "maxLength",
    "minLength",
    "uniqueItems",
    "pattern",
    "readonly",
    "additionalItems",
)
PROPERTY_TYPES = ("array", "boolean", "integer", "number", "object", "string", "null")


def check_name(what: str, value: Any) -> str:
    """A definition's name: text without ``/`` (Glance routes on the decoded
    path, so a name holding one could be created but never read or deleted)."""
    name = check_text(what, value)
    if "/" in name:
        raise exc.InvalidArgument("A %s cannot contain '/': Glance could never address it" % what)
    return name


def name_of(item: Any, key: str, what: str) -> str:
    """The name identifying ``item`` (a string, or a resource's ``key`` member), checked."""
    if isinstance(item, BaseResource):
        value = item[key] if key in item else None
        if value is None:
            raise exc.InvalidArgument("This %s has no %s" % (type(item).__name__, key))
        item = value
    return check_name(what, item)


def namespace_name(item: Any) -> str:
    """The name of a namespace given as a name or a ``MetadefNamespace``."""
    return name_of(item, "namespace", "namespace")


def sort_params(sort_key: Optional[str], sort_dir: Optional[str], keys: Iterable[str]) -> Dict[str, str]:
    params = {}
    if sort_key is not None:
        params["sort_key"] = check_choice("sort_key", sort_key, keys)
    if sort_dir is not None:
        params["sort_dir"] = check_choice("sort_dir", sort_dir, SORT_DIRS)
    return params


def resource_type_query(resource_type: Optional[str]) -> Optional[Dict[str, str]]:
    """The query naming ``resource_type`` (property names then carry its
    prefix), or None when not given."""
    return {"resource_type": check_text("resource_type", resource_type)} if resource_type else None


def check_fields(changes: Dict[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise exc.InvalidArgument("A %s has no field %s (it has %s)" % (what, unknown[0], ", ".join(allowed)))


def namespace_body(namespace: Any, fields: Dict[str, Any]) -> Dict[str, Any]:
    """A namespace's JSON body from its name and the fields given (None: not sent), checked."""
    body: Dict[str, Any] = {"namespace": check_name("namespace", namespace)}
    for key, value in fields.items():
        if value is None:
            continue
        if key in ("display_name", "description"):
            if not isinstance(value, str):
                raise exc.InvalidArgument("%s must be a string, not %s" % (key, type(value).__name__))
        elif key == "visibility":
            check_choice("visibility", value, NAMESPACE_VISIBILITIES)
        elif key == "protected":
            check_flag("protected", value)
        elif key == "properties":
            expect_dict(value, key)
        elif key in ("objects", "tags", "resource_type_associations"):
            expect_list_of_dicts(value, key)
        body[key] = value
    return body


def expect_dict(value: Any, what: str) -> Dict[str, Any]:
    """Refuse anything but a dict with string keys."""
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise exc.InvalidArgument("%s must be a dict with string keys, not %s" % (what, type(value).__name__))
    return value


def expect_list_of_dicts(value: Any, what: str) -> List[Dict[str, Any]]:
    """Refuse anything but a list of dicts."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise exc.InvalidArgument("%s must be a list of dicts" % what)
    return value
