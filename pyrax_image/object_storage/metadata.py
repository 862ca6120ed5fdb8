"""pyrax's metadata and upload arguments as Swift request headers, checked
before any request (Cloud Files names: ``metadata=``, ``etag=``, ``ttl=``).

Swift keeps header values as UTF-8 bytes (python-swiftclient sends them so),
while HTTP libraries send and read a ``str`` header as Latin-1: values go out
through :func:`swift_headers` (UTF-8) and come back through
:func:`decoded_headers`. A header name must be an HTTP token (ASCII letters,
digits and ``!#$%&'*+-.^_`|~``); a value may not hold NUL, CR or LF.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_encodable, check_headers, check_int, check_text

CONTAINER_META_PREFIX = "X-Container-Meta-"
OBJECT_META_PREFIX = "X-Object-Meta-"
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def checked_headers(headers: Optional[Dict[str, str]]) -> Dict[str, str]:
    """A copy of ``headers`` (None: none), refused unless each name is a
    token and each value text without NUL, CR, LF or a lone surrogate."""
    send = check_headers(headers)
    for name, value in send.items():
        if not _TOKEN.fullmatch(name):
            raise exc.InvalidArgument("%r is not a valid header name (ASCII letters, digits, -)" % (name,))
        if any(char in value for char in "\x00\r\n"):
            raise exc.InvalidArgument("The value of %s contains NUL or a line break" % name)
        check_encodable("The value of %s" % name, value)
    return send


def swift_headers(headers: Optional[Dict[str, str]]) -> Dict[str, str]:
    """``headers`` checked, each value's UTF-8 bytes as the Latin-1 text
    the HTTP library sends byte for byte (done once, where a request is made)."""
    return {name: value.encode("utf-8").decode("latin-1") for name, value in checked_headers(headers).items()}


def decoded_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """Swift's reply headers with UTF-8 values decoded (others kept as read)."""
    decoded = {}
    for name, value in headers.items():
        try:
            decoded[name] = value.encode("latin-1").decode("utf-8")
        except UnicodeError:
            decoded[name] = value
    return decoded


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
    return checked_headers(headers)


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
    send = checked_headers(headers)
    send.update(prefixed_metadata(metadata, OBJECT_META_PREFIX))
    if etag is not None:
        send["ETag"] = check_text("etag", etag)
    if content_encoding is not None:
        send["Content-Encoding"] = check_text("content_encoding", content_encoding)
    if ttl is not None:
        send["X-Delete-After"] = str(check_int("ttl", ttl, 1, digits=True))
    return send
