"""Checks of what callers give, made before any request is sent.

Each rule is written once here and used by identities, the transport, the
managers and object storage alike. A bad value raises
:class:`~pyrax_image.exceptions.InvalidArgument` naming the argument; messages
about text never quote the value (it may be a password or a token).
"""

from __future__ import annotations

import os
import re
from typing import Any, Dict, Iterable, Optional, Tuple, Union
from urllib.parse import urlsplit

from pyrax_image import exceptions as exc

MAX_TEXT_LENGTH = 255  # Glance's limit for names, tags and property values
MAX_URL_LENGTH = 8192
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # line breaks, NUL, escapes (terminal injection)
_BOOLEAN_WORDS = frozenset(("true", "false", "yes", "no", "on", "off", "1", "0", "none", ""))
Timeout = Union[float, Tuple[float, float], None]


def check_text(
    name: str, value: Any, max_length: Optional[int] = MAX_TEXT_LENGTH, empty: bool = False
) -> str:
    """``value`` if it is a string without control characters, of at most
    ``max_length`` characters (None: any length), non-empty unless ``empty``."""
    if not isinstance(value, str):
        raise exc.InvalidArgument("%s must be a string, not %s" % (name, type(value).__name__))
    if not value and not empty:
        raise exc.InvalidArgument("%s cannot be empty" % name)
    if max_length is not None and len(value) > max_length:
        raise exc.InvalidArgument("%s is limited to %d characters" % (name, max_length))
    if _CONTROL.search(value):
        raise exc.InvalidArgument("%s must not contain control characters (such as a newline)" % name)
    return check_encodable(name, value)


def check_encodable(name: str, text: str) -> str:
    """Refuse text with a lone surrogate (``"\\ud800"``): it has no UTF-8, so
    no server or database can store it and no URL can carry it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise exc.InvalidArgument("%s contains a lone surrogate (no UTF-8 for it)" % name) from None
    return text


def check_given_texts(**values: Any) -> None:
    """``check_text`` on each of ``values`` that is given (not None)."""
    for name, value in values.items():
        if value is not None:
            check_text(name, value)


def optional_text(name: str, value: Any) -> Optional[str]:
    """``value`` if it is None or a string of any length without control
    characters (what an identity's names, region and credentials may be)."""
    return None if value is None else check_text(name, value, max_length=None, empty=True)


def check_flag(name: str, value: Any) -> bool:
    """Refuse anything but True or False (a string such as "false" is truthy)."""
    if not isinstance(value, bool):
        raise exc.InvalidArgument("%s must be True or False, not %s" % (name, type(value).__name__))
    return value


def check_seconds(name: str, value: Any, positive: bool = False) -> float:
    """A finite number of seconds (not a bool, not NaN), at least 0, or more
    than 0 when ``positive``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise exc.InvalidArgument("%s must be a number of seconds, not %s" % (name, type(value).__name__))
    if value in (float("inf"), float("-inf")):
        raise exc.InvalidArgument("%s must be a finite number of seconds" % name)
    if value < 0 or (positive and value == 0):
        bound = "more than 0" if positive else "at least 0"
        raise exc.InvalidArgument("%s must be %s seconds, not %s" % (name, bound, value))
    return float(value)


def check_timeout(value: Any) -> Timeout:
    """None (no limit), seconds, or a ``(connect, read)`` pair of seconds."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise exc.InvalidArgument("timeout must be seconds or a (connect, read) pair")
        return (
            check_seconds("timeout (connect)", value[0], positive=True),
            check_seconds("timeout (read)", value[1], positive=True),
        )
    return check_seconds("timeout", value, positive=True)


def check_choice(name: str, value: Any, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed`` (which the message lists, in that order)."""
    choices = tuple(allowed)
    if not isinstance(value, str) or value not in choices:
        raise exc.InvalidArgument("%s must be one of %s, not %r" % (name, ", ".join(choices), value))
    return value


def check_int(name: str, value: Any, minimum: int = 0, digits: bool = False) -> int:
    """Refuse anything but an integer of at least ``minimum`` (bools too);
    ``digits`` also takes a string of decimal digits (pyrax passed ``"10"`` on)."""
    if digits and isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "positive" if minimum == 1 else "non-negative" if minimum == 0 else ">= %d" % minimum
        raise exc.InvalidArgument("%s must be a %s integer, not %r" % (name, kind, value))
    return value


def check_callable(name: str, value: Any) -> None:
    """Refuse a callback (``progress``, ``callback``) that cannot be called (None passes)."""
    if value is not None and not callable(value):
        raise exc.InvalidArgument("%s must be callable, not %s" % (name, type(value).__name__))


def check_headers(headers: Any) -> Dict[str, str]:
    """A copy of ``headers`` (None: empty), refused unless a mapping of strings."""
    if headers is None:
        return {}
    if not isinstance(headers, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in headers.items()
    ):
        raise exc.InvalidArgument("headers must be a dict of strings")
    return dict(headers)


def check_path(name: str, value: Any) -> str:
    """Refuse a file path that is not a string (or os.PathLike)."""
    if not isinstance(value, (str, os.PathLike)):
        raise exc.InvalidArgument("%s must be a file path, not %s" % (name, type(value).__name__))
    return os.fspath(value)


def check_url(name: str, value: Any) -> str:
    """An absolute http(s) URL with a host."""
    url = check_text(name, value, MAX_URL_LENGTH)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise exc.InvalidArgument("%s must be an http:// or https:// URL with a host" % name)
    return url


def check_token(value: Any) -> str:
    """A token as given, without surrounding white space (a trailing newline
    read from a file); it must be a non-empty string without control characters."""
    if not isinstance(value, str):
        raise exc.InvalidArgument("The token must be a string, not %s" % type(value).__name__)
    return check_text("The token", value.strip(), max_length=None)


def check_service(service_type: Any, region: Any, public: Any, service_name: Any = None) -> None:
    """Refuse a service lookup (``get_endpoint``/``get_client``) made of
    the wrong types, before any login it would trigger."""
    if not isinstance(service_type, str) or not service_type:
        raise exc.InvalidArgument(
            "The service type must be a non-empty string, not %s" % type(service_type).__name__
        )
    optional_text("region", region)
    optional_text("service_name", service_name)
    check_flag("public", public)


def check_verify(value: Any) -> Union[bool, str]:
    """TLS verification: True, False, or the path of an existing CA bundle
    file or directory (a string such as "false" is refused: pass the boolean)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise exc.InvalidArgument(
            "verify_ssl must be True, False or the path of a CA bundle, not %s" % type(value).__name__
        )
    path = os.fspath(value)
    if path.strip().lower() in _BOOLEAN_WORDS:
        raise exc.InvalidArgument(
            "verify_ssl must be True, False or the path of a CA bundle, not the string %r "
            "(pass the boolean instead)" % path
        )
    if not os.path.exists(path):
        raise exc.InvalidArgument("verify_ssl: no CA bundle file or directory at %r" % path)
    return path


def check_cert(value: Any) -> Union[str, Tuple[str, str], None]:
    """A client certificate: None, the path of a PEM file holding certificate
    and key, or a ``(certificate path, key path)`` pair; the files must exist."""
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return _existing_file("cert", value)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (_existing_file("cert (certificate)", value[0]), _existing_file("cert (key)", value[1]))
    raise exc.InvalidArgument(
        "cert must be the path of a PEM file or a (certificate path, key path) pair, not %s"
        % type(value).__name__
    )


def _existing_file(name: str, value: Any) -> str:
    if not isinstance(value, (str, os.PathLike)):
        raise exc.InvalidArgument("%s must be a path, not %s" % (name, type(value).__name__))
    path = os.fspath(value)
    if not os.path.isfile(path):
        raise exc.InvalidArgument("%s: no file at %r" % (name, path))
    return path
