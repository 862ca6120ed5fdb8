"""Small formatting helpers shared by resource reprs and the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pyrax_image import exceptions as exc
from pyrax_image.replies import parse_timestamp

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(size: Any) -> str:
    """``2254857830`` -> ``'2.1 GiB'`` (binary units); ``''`` for no size."""
    if isinstance(size, bool) or not isinstance(size, (int, float)) or size < 0:
        return ""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return "%d %s" % (value, unit) if unit == "B" else "%.1f %s" % (value, unit)
        value /= 1024
    return ""  # pragma: no cover - the loop always returns


def short_id(value: Any, length: int = 8) -> str:
    """The first ``length`` characters of an id, with ``…`` when cut."""
    text = str(value)
    return text if len(text) <= length + 1 else text[:length] + "\u2026"


def lenient_timestamp(value: Any) -> Optional[datetime]:
    """``replies.parse_timestamp`` for display (a resource's ``*_at_dt``): None
    for no value or one that is not a timestamp, so showing a resource never fails."""
    try:
        return parse_timestamp(value)
    except exc.InvalidResponse:
        return None
