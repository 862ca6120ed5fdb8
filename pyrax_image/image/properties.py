"""Image attributes as a caller gives them (``create``'s metadata,
``update``'s changes), checked before any request.

The attributes Glance types are checked against their type (``visibility``
one of its values, ``min_ram``/``min_disk`` integers, ``protected`` and
``os_hidden`` booleans, ``tags`` a list of strings); any other property must
be a string, number or boolean under a non-empty name. Names and strings are
limited to Glance's 255 characters. The attributes only the server sets are
listed here once, for updates (refused) and copies (left out).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_flag, check_int, check_text

MAX_LENGTH = 255
# What Glance 33 refuses to let a client set: the attributes its image schema
# marks readOnly (GET /v2/schemas/image), the id, and its reserved names
# (403 "Attribute ... is reserved"); tests/integration/test_images.py checks
# the list against the running Glance.
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
        "location",
        "deleted",
        "deleted_at",
    )
)
# Glance reserves properties with these prefixes for its own bookkeeping (import progress...).
RESERVED_PREFIXES = ("os_glance_",)
VISIBILITY_VALUES = ("public", "private", "shared", "community")
INTEGER_ATTRIBUTES = ("min_ram", "min_disk")
BOOLEAN_ATTRIBUTES = ("protected", "os_hidden")
TEXT_ATTRIBUTES = ("name", "disk_format", "container_format", "os_distro", "os_version")
_SCALARS = (str, int, float, bool)


def check_properties(properties: Any, what: str = "metadata", removals: bool = False) -> Dict[str, Any]:
    """A copy of ``properties`` once every name and value is checked;
    ``removals`` lets a value of None stand for "remove this property"."""
    if not isinstance(properties, Mapping):
        raise exc.InvalidArgument(
            "%s must be a dict of image properties, not %s" % (what, type(properties).__name__)
        )
    for key, value in properties.items():
        if not isinstance(key, str) or not key:
            raise exc.InvalidArgument("Property names must be non-empty strings, not %r" % (key,))
        check_text("A property name", key, MAX_LENGTH)
        if value is None and removals:
            continue
        check_property(key, value)
    return dict(properties)


def read_only_names(names: Iterable[Any]) -> List[str]:
    """Which of ``names`` only the server may set (sorted)."""
    return sorted(
        name
        for name in names
        if isinstance(name, str) and (name in READ_ONLY_ATTRIBUTES or name.startswith(RESERVED_PREFIXES))
    )


def check_property(key: str, value: Any) -> None:
    """Refuse a value Glance would reject (or misread) for ``key``."""
    if key == "visibility":
        check_choice("visibility", value, VISIBILITY_VALUES)
    elif key in INTEGER_ATTRIBUTES:
        check_int(key, value)
    elif key in BOOLEAN_ATTRIBUTES:
        check_flag(key, value)
    elif key == "tags":
        if not isinstance(value, (list, tuple)):
            raise exc.InvalidArgument("tags must be a list of strings, not %s" % type(value).__name__)
        for tag in value:
            check_text("A tag", tag, MAX_LENGTH)
    elif key in TEXT_ATTRIBUTES:
        check_text(key, value, MAX_LENGTH, empty=key in ("os_distro", "os_version"))
    elif not isinstance(value, _SCALARS):
        raise exc.InvalidArgument(
            "Property %s must be a string, number or boolean, not %s" % (key, type(value).__name__)
        )
    elif isinstance(value, str) and len(value) > MAX_LENGTH:
        raise exc.InvalidArgument("Property %s is limited to %d characters" % (key, MAX_LENGTH))
