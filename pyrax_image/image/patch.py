"""Build the JSON-patch document of an image update.

With the v2.1 patch media type ``add`` sets a property whether or not it
exists, so an update needs no read first. Glance answers 409 to ``remove`` of
a missing property (and old Glance to ``add`` on an existing one), refusing
the whole patch; the manager then rebuilds it from the image's current state.
Read-only attributes are refused before any request.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from pyrax_image import exceptions as exc
from pyrax_image.image.properties import check_properties, read_only_names

PATCH_CONTENT_TYPE = "application/openstack-images-v2.1-json-patch"


def escape_pointer(token: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def check_changes(changes: Mapping[str, Any]) -> None:
    """Refuse, before any request, an update no server would accept."""
    if not isinstance(changes, Mapping):
        raise exc.InvalidArgument("value_dict must be a mapping of attribute names to values")
    read_only = read_only_names(changes)
    if read_only:
        raise exc.ReadOnlyAttribute(
            "These image attributes are read-only and cannot be updated: %s" % ", ".join(read_only)
        )
    for key, value in changes.items():
        if not isinstance(key, str) or not key:
            raise exc.InvalidArgument("Attribute names must be non-empty strings, not %r" % (key,))
        if key == "name" and not value:
            raise exc.MissingName("An image name cannot be empty")
    check_properties(changes, "value_dict", removals=True)


def build_patch(current: Optional[Mapping[str, Any]], changes: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The operations that apply ``changes`` (a value of None removes the property).

    Without ``current`` every value is an ``add`` and every None a ``remove``.
    From ``current``, each value is an ``add`` or a ``replace`` as the property
    is missing or present, and removing an absent property is skipped.
    """
    check_changes(changes)
    operations: List[Dict[str, Any]] = []
    for key, value in changes.items():
        path = "/" + escape_pointer(key)
        present = current is not None and key in current
        if value is None:
            if current is None or present:
                operations.append({"op": "remove", "path": path})
            continue
        operations.append({"op": "replace" if present else "add", "path": path, "value": value})
    return operations
