"""Checks of a transport's settings, made before any request is sent.

``verify_ssl`` must be a bool or the path of an existing CA bundle (file or
directory); ``cert`` an existing PEM file or a ``(cert, key)`` pair of them;
timeouts and deadlines positive numbers of seconds. Each bad value raises
:class:`~pyrax_image.exceptions.InvalidArgument` naming the setting.
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Mapping, Optional, Tuple, Union

from pyrax_image import exceptions as exc

Timeout = Union[float, Tuple[float, float], None]
_BOOLEAN_WORDS = frozenset(("true", "false", "yes", "no", "on", "off", "1", "0", "none", ""))


def check_verify(value: Any) -> Union[bool, str]:
    """True, False, or the path of an existing CA bundle file or directory."""
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
    """None, the path of a PEM file holding certificate and key, or ``(cert, key)`` paths."""
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


def check_seconds(name: str, value: Any) -> float:
    """A positive number of seconds (not a bool, not NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise exc.InvalidArgument("%s must be a number of seconds, not %s" % (name, type(value).__name__))
    if value <= 0:
        raise exc.InvalidArgument("%s must be more than 0 seconds, not %s" % (name, value))
    return float(value)


def check_timeout(value: Any) -> Timeout:
    """None (no limit), seconds, or a ``(connect, read)`` pair of seconds."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise exc.InvalidArgument("timeout must be seconds or a (connect, read) pair")
        return (check_seconds("timeout (connect)", value[0]), check_seconds("timeout (read)", value[1]))
    return check_seconds("timeout", value)


def read_timeout(timeout: Timeout) -> Optional[float]:
    """The per-read part of a timeout."""
    return timeout[1] if isinstance(timeout, tuple) else timeout


def bounded(timeout: Timeout, remaining: float) -> Timeout:
    """``timeout`` with no part longer than the ``remaining`` seconds of a deadline."""
    remaining = max(remaining, 0.001)
    if timeout is None:
        return remaining
    if isinstance(timeout, tuple):
        return (min(timeout[0], remaining), min(timeout[1], remaining))
    return min(timeout, remaining)


def bad_headers(headers: Mapping[str, Any]) -> str:
    """Which headers have a value with surrounding white space or a line break
    (names only: the value may be a token)."""
    names = [
        name
        for name, value in headers.items()
        if isinstance(value, str) and (value != value.strip() or "\n" in value or "\r" in value)
    ]
    return "header %s" % ", ".join(names) if names else "a header"


def _texts(value: Any) -> Iterator[str]:
    """Every string in ``value`` (a JSON document, query parameters), keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def check_outgoing(url: str, params: Any, headers: Mapping[str, Any], json: Any) -> None:
    """Refuse, before a request is sent, text the wire cannot carry as given:
    a lone surrogate (``"\\ud800"``: no UTF-8 for it) in the URL, the query,
    a header or the JSON body, and in a header value a NUL, CR or LF or a
    character outside Latin-1 (Swift metadata arrives here UTF-8 encoded)."""
    for text in _texts([url, params, json, list(headers)]):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise exc.InvalidArgument(
                "Text with a lone surrogate cannot be sent: %r" % (text[:60],)
            ) from None
    for name, value in headers.items():
        if not isinstance(value, str):
            continue
        if any(char in value for char in "\x00\r\n"):
            raise exc.InvalidArgument("The value of header %s contains NUL or a line break" % name)
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise exc.InvalidArgument(
                "The value of header %s has characters an HTTP header cannot carry" % name
            ) from None
