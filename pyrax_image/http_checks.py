"""The transport's own checks of what it sends, its timeout arithmetic and
the naming of bad header values.

The checks of its settings (``verify_ssl``, ``cert``, timeouts) are in
:mod:`pyrax_image.checks`, with every other argument check.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import Timeout


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
