"""Checks of what callers give an identity, made before any request.

Messages name the argument and the type received, never the value (it may
be a password or a token).
"""

from __future__ import annotations

import os
import re
from typing import Any, Optional, Tuple, Union
from urllib.parse import unquote, urlsplit

from pyrax_image import exceptions as exc

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_text(name: str, value: Any) -> Optional[str]:
    """``value`` if it is None or a string without control characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise exc.InvalidArgument("%s must be a string, not %s" % (name, type(value).__name__))
    if _CONTROL.search(value):
        raise exc.InvalidArgument("%s must not contain control characters (such as a newline)" % name)
    return value


def check_service(service_type: Any, region: Any, public: Any, service_name: Any = None) -> None:
    """Refuse a service lookup (``get_endpoint``/``get_client``) made of
    the wrong types, before any login it would trigger."""
    if not isinstance(service_type, str) or not service_type:
        raise exc.InvalidArgument(
            "The service type must be a non-empty string, not %s" % type(service_type).__name__
        )
    check_text("region", region)
    check_text("service_name", service_name)
    check_flag("public", public)


def check_flag(name: str, value: Any) -> bool:
    """Refuse anything but True or False (a string such as "no" is truthy)."""
    if not isinstance(value, bool):
        raise exc.InvalidArgument("%s must be True or False, not %s" % (name, type(value).__name__))
    return value


def check_path(name: str, value: Any) -> str:
    """Refuse a file path that is not a string (or os.PathLike)."""
    if not isinstance(value, (str, os.PathLike)):
        raise exc.InvalidArgument("%s must be a file path, not %s" % (name, type(value).__name__))
    return os.fspath(value)


def check_token(value: Any) -> str:
    """A token as given, without surrounding white space (a trailing newline
    read from a file); it must be a non-empty string without control characters."""
    if not isinstance(value, str):
        raise exc.InvalidArgument("The token must be a string, not %s" % type(value).__name__)
    token = check_text("The token", value.strip())
    if not token:
        raise exc.InvalidArgument("The token must not be empty")
    return token


def check_url(name: str, value: Any) -> Optional[str]:
    """``value`` if it is None or an absolute http(s) URL."""
    url = check_text(name, value)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise exc.InvalidArgument("%s must be an http:// or https:// URL with a host" % name)
    return url


def url_secrets(url: Optional[str]) -> Tuple[str, ...]:
    """The userinfo of a URL (``user:password@``) and its password, raw and decoded."""
    if not url:
        return ()
    parts = urlsplit(url)
    found = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        found += [userinfo, unquote(userinfo)]
        password = userinfo.partition(":")[2]
        found += [password, unquote(password)]
    return tuple(value for value in found if value)


def without_userinfo(url: Optional[str]) -> Optional[str]:
    """``url`` with any ``user:password@`` removed (for reprs and messages)."""
    if not url:
        return url
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def check_number(name: str, value: Any, minimum: float = 0.0) -> float:
    """A number of seconds (not a bool) at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise exc.InvalidArgument("%s must be a number, not %s" % (name, type(value).__name__))
    if value < minimum:
        raise exc.InvalidArgument("%s must be at least %s" % (name, minimum))
    return float(value)


def check_cert(value: Any) -> Union[str, Tuple[str, str], None]:
    """A client certificate: None, a PEM path, or ``(cert path, key path)``."""
    if value is None or isinstance(value, str):
        return check_text("cert", value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return (value[0], value[1])
    raise exc.InvalidArgument("cert must be a path or a (cert path, key path) pair")


def check_verify(value: Any) -> Union[bool, str]:
    """TLS verification: True, False or a CA bundle path."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value:
        return check_text("verify_ssl", value) or value
    raise exc.InvalidArgument(
        "verify_ssl must be True, False or a CA bundle path, not %s" % type(value).__name__
    )
