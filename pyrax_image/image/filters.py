"""Validate and encode the query of an image listing.

Values are checked locally so a typo fails before any request; every filter
Glance knows (and any custom property) is sent to the server, never dropped.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from pyrax_image import exceptions as exc
from pyrax_image.statuses import MEMBER_STATUS_FILTERS
from pyrax_image.utils import check_int

VISIBILITIES = frozenset(("public", "private", "shared", "community", "all"))
SORT_DIRS = frozenset(("asc", "desc"))


def image_query(
    name: Optional[str] = None,
    visibility: Optional[str] = None,
    member_status: Optional[str] = None,
    owner: Optional[str] = None,
    tag: Any = None,
    status: Optional[str] = None,
    size_min: Optional[int] = None,
    size_max: Optional[int] = None,
    sort_key: Optional[str] = None,
    sort_dir: Optional[str] = None,
    **extra: Any,
) -> Dict[str, Any]:
    """The query parameters of a listing; ``extra`` holds any other filter
    (``os_hidden``, ``protected``, ``created_at="gte:..."``, ``sort``,
    custom properties)."""
    params: Dict[str, Any] = {}
    if name is not None:
        params["name"] = _text("name", name)
    if visibility is not None:
        params["visibility"] = _choice("visibility", visibility, VISIBILITIES)
    if member_status is not None:
        params["member_status"] = _choice("member_status", member_status, MEMBER_STATUS_FILTERS)
    if owner is not None:
        params["owner"] = _text("owner", owner)
    if tag is not None:
        tags = [tag] if isinstance(tag, str) else list(tag)
        params["tag"] = [_text("tag", t) for t in tags]
    if status is not None:
        params["status"] = _text("status", status)
    for key, value in (("size_min", size_min), ("size_max", size_max)):
        if value is not None:
            params[key] = check_int(key, value, digits=True)
    if sort_key is not None:
        params["sort_key"] = _text("sort_key", sort_key)
    if sort_dir is not None:
        params["sort_dir"] = _choice("sort_dir", sort_dir, SORT_DIRS)
    if "sort" in extra and (sort_key is not None or sort_dir is not None):
        raise exc.InvalidArgument("Use either sort or sort_key/sort_dir, not both")
    for key, item in extra.items():
        if item is None:
            continue
        if isinstance(item, bool):
            item = "true" if item else "false"
        params[key] = item if isinstance(item, (list, tuple)) else str(item)
    return params


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise exc.InvalidArgument("%s must be a non-empty string, not %r" % (field, value))
    return value


def _choice(field: str, value: Any, allowed: Iterable[str]) -> str:
    if value not in allowed:
        raise exc.InvalidArgument("%s must be one of %s, not %r" % (field, ", ".join(sorted(allowed)), value))
    return str(value)
