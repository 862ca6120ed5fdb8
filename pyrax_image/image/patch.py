"""Build the JSON-patch document of an image update, valid on every Glance.

Old Glance (Rackspace) answers 409 to ``add`` on an existing property and to
``replace`` on a missing one, so each operation is chosen from the image's
current state. Read-only attributes are refused before any request.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from pyrax_image import exceptions as exc

PATCH_CONTENT_TYPE = "application/openstack-images-v2.1-json-patch"

READ_ONLY_ATTRIBUTES = frozenset(
    (
        "id",
        "status",
        "size",
        "virtual_size",
        "checksum",
        "os_hash_algo",
        "os_hash_value",
        "created_at",
        "updated_at",
        "file",
        "schema",
        "self",
        "direct_url",
        "stores",
    )
)


def escape_pointer(token: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def check_changes(changes: Mapping[str, Any]) -> None:
    """Refuse, before any request, an update no server would accept."""
    if not isinstance(changes, Mapping):
        raise exc.InvalidArgument("value_dict must be a mapping of attribute names to values")
    read_only = sorted(key for key in changes if key in READ_ONLY_ATTRIBUTES)
    if read_only:
        raise exc.ReadOnlyAttribute(
            "These image attributes are read-only and cannot be updated: %s" % ", ".join(read_only)
        )
    for key, value in changes.items():
        if not isinstance(key, str) or not key:
            raise exc.InvalidArgument("Attribute names must be non-empty strings, not %r" % (key,))
        if key == "name" and not value:
            raise exc.MissingName("An image name cannot be empty")


def build_patch(current: Mapping[str, Any], changes: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The operations that turn ``current`` into ``current`` updated by ``changes``.

    A value of None removes the property (and is skipped if it is absent).
    """
    check_changes(changes)
    operations: List[Dict[str, Any]] = []
    for key, value in changes.items():
        path = "/" + escape_pointer(key)
        if value is None:
            if key in current:
                operations.append({"op": "remove", "path": path})
            continue
        op = "replace" if key in current else "add"
        operations.append({"op": op, "path": path, "value": value})
    return operations
