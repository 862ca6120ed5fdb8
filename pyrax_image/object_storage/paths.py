"""Swift paths: a container and an object name address that container and
that object, never another container or account.

Every segment is percent-encoded. An object name may contain ``/`` (Swift's
pseudo-folders), so it is encoded segment by segment; a ``.`` or ``..``
segment (or a whole name of ``.`` / ``..``) is sent as ``%2E`` / ``%2E%2E``,
which no HTTP stack resolves and Swift decodes back to the literal name, so
such names round-trip. A container name cannot contain ``/`` (Swift splits
the decoded path on it) and no name can be empty or longer than Swift allows.
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_encodable
from pyrax_image.utils import get_name

MAX_CONTAINER_NAME_BYTES = 256
MAX_OBJECT_NAME_BYTES = 1024
DOT_SEGMENTS = (".", "..")


def container_name(container: Any) -> str:
    """The name of ``container`` (a name or a Container), checked."""
    name = _name_of(container, "container")
    if "/" in name:
        raise exc.InvalidArgument("A container name cannot contain '/': %r" % (name,))
    _check_length(name, "container", MAX_CONTAINER_NAME_BYTES)
    return name


def object_name(obj: Any) -> str:
    """The name of ``obj`` (a name or a StorageObject), checked."""
    name = _name_of(obj, "object")
    _check_length(name, "object", MAX_OBJECT_NAME_BYTES)
    return name


def container_path(container: Any) -> str:
    """``/<container>`` below the account, encoded."""
    return "/" + encode_segment(container_name(container))


def object_path(container: Any, obj: Any) -> str:
    """``/<container>/<object>`` below the account, every segment encoded."""
    segments = object_name(obj).split("/")
    return "%s/%s" % (container_path(container), "/".join(encode_segment(part) for part in segments))


def upload_name(file_or_path: Any, obj_name: Optional[str] = None) -> str:
    """``obj_name``, or the base name of the file uploaded (a path, or a file
    object's ``name``); InvalidArgument for a file object without a name."""
    if obj_name is not None:
        return obj_name
    path = file_or_path if isinstance(file_or_path, str) else getattr(file_or_path, "name", None)
    if not isinstance(path, str):
        raise exc.InvalidArgument("obj_name is required for a file object without a name")
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def encode_segment(segment: str) -> str:
    """One path segment percent-encoded; dot segments as ``%2E``."""
    if segment in DOT_SEGMENTS:
        return segment.replace(".", "%2E")
    return quote(segment, safe="")


def _name_of(value: Any, kind: str) -> str:
    if value is None or isinstance(value, (bytes, bytearray, int, float, bool, list, tuple, dict, set)):
        raise exc.InvalidArgument("A %s name must be a string, not %r" % (kind, type(value).__name__))
    name = get_name(value)
    if not name:
        raise exc.InvalidArgument("A %s name cannot be empty" % kind)
    if "\x00" in name:
        raise exc.InvalidArgument("A %s name cannot contain a NUL character" % kind)
    return check_encodable("A %s name" % kind, name)


def _check_length(name: str, kind: str, limit: int) -> None:
    if len(name.encode("utf-8", "surrogatepass")) > limit:
        raise exc.InvalidArgument("A %s name is limited to %d bytes (UTF-8)" % (kind, limit))
