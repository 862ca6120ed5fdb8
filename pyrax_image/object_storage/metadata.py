"""pyrax's metadata and upload arguments as Swift request headers, checked
before any request (Cloud Files names: ``metadata=``, ``etag=``, ``ttl=``)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from pyrax_image import exceptions as exc
from pyrax_image.utils import check_headers, check_int, check_text

CONTAINER_META_PREFIX = "X-Container-Meta-"
OBJECT_META_PREFIX = "X-Object-Meta-"


def prefixed_metadata(metadata: Optional[Dict[str, Any]], prefix: str) -> Dict[str, str]:
    """Metadata as headers, ``prefix`` added where missing (as pyrax did);
    names must be strings and values strings, numbers or booleans."""
    if metadata is not None and not isinstance(metadata, dict):
        raise exc.InvalidArgument("metadata must be a dict, not %s" % type(metadata).__name__)
    check_text("prefix", prefix, empty=True)
    headers = {}
    for key, value in (metadata or {}).items():
        check_text("A metadata name", key)
        if not isinstance(value, (str, int, float, bool)):
            raise exc.InvalidArgument(
                "Metadata %s must be a string or number, not %s" % (key, type(value).__name__)
            )
        name = key if key.lower().startswith(prefix.lower()) else prefix + key
        headers[name] = str(value)
    return headers


def object_headers_to_send(
    headers: Optional[Dict[str, str]],
    metadata: Optional[Dict[str, Any]],
    etag: Optional[str],
    content_encoding: Optional[str],
    ttl: Optional[int],
) -> Dict[str, str]:
    """The headers of an object upload: the caller's ``headers``, the
    ``metadata`` as ``X-Object-Meta-*``, then ETag, Content-Encoding and
    X-Delete-After (``ttl`` seconds) where given."""
    send = check_headers(headers)
    send.update(prefixed_metadata(metadata, OBJECT_META_PREFIX))
    if etag is not None:
        send["ETag"] = check_text("etag", etag)
    if content_encoding is not None:
        send["Content-Encoding"] = check_text("content_encoding", content_encoding)
    if ttl is not None:
        send["X-Delete-After"] = str(check_int("ttl", ttl, 1, digits=True))
    return send
