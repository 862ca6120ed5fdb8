"""Swift temporary URLs: an HMAC over method, expiry and object path.

``sig = HMAC-<digest>(key, "<METHOD>\\n<expires>\\n/v1/AUTH_<project>/<container>/<object>")``,
as 64 hex characters for SHA-256, or ``sha512:<urlsafe base64>`` for SHA-512
(SHA-1 is deprecated by Swift and refused here).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any, Optional
from urllib.parse import quote, unquote, urlsplit

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_seconds, check_text
from pyrax_image.object_storage.paths import object_path

DEFAULT_TEMP_URL_SECONDS = 3600  # how long a temporary URL made for an import lasts

TEMP_URL_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
TEMP_URL_DIGESTS = ("sha256", "sha512")


def temp_url_signature(key: str, method: str, expires: int, path: str, digest: str = "sha256") -> str:
    """The ``temp_url_sig`` value for ``path`` (the unquoted ``/v1/...`` path)."""
    check_choice("digest", digest, TEMP_URL_DIGESTS)
    body = "%s\n%d\n%s" % (method, expires, path)
    mac = hmac.new(key.encode("utf-8"), body.encode("utf-8"), getattr(hashlib, digest))
    if digest == "sha256":
        return mac.hexdigest()
    return "sha512:" + base64.urlsafe_b64encode(mac.digest()).decode("ascii")


def check_temp_url_request(method: Any, seconds: Any, digest: Any) -> str:
    """Refuse a method, lifetime or digest a temp URL cannot have; return the method."""
    if not isinstance(method, str) or method.upper() not in TEMP_URL_METHODS:
        raise exc.InvalidArgument("method must be one of %s, not %r" % (", ".join(TEMP_URL_METHODS), method))
    check_seconds("seconds", seconds, positive=True)
    check_choice("digest", digest, TEMP_URL_DIGESTS)
    return method.upper()


def check_temp_url_key(key: Any) -> str:
    """Refuse a temp-URL key that is not a non-empty single-line string."""
    return check_text("A temp-URL key", key, max_length=None)


def make_temp_url(
    storage_url: str,
    container: str,
    obj: str,
    key: str,
    seconds: float,
    method: str = "GET",
    digest: str = "sha256",
    now: Optional[float] = None,
) -> str:
    """A URL that allows ``method`` on one object for ``seconds`` without a token."""
    method = check_temp_url_request(method, seconds, digest)
    check_temp_url_key(key)
    encoded = object_path(container, obj)  # checks both names
    parts = urlsplit(storage_url)
    account = unquote(parts.path).rstrip("/")
    path = "%s/%s/%s" % (account, container, obj)
    expires = int((time.time() if now is None else now) + seconds)
    signature = temp_url_signature(key, method, expires, path, digest)
    return "%s://%s%s?temp_url_sig=%s&temp_url_expires=%d" % (
        parts.scheme,
        parts.netloc,
        quote(account, safe="/") + encoded,
        quote(signature, safe=""),
        expires,
    )
