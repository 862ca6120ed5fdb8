"""Every rule about secrets: which fields, headers, JSON members and query
parameters hold one, and scrubbing them from text and errors.

One :class:`SecretValues` is shared by an identity and every client built on
it: tokens (current and past), passwords, API keys, application-credential
secrets, temp-URL keys and URL userinfo are added as they become known, and
every log line, exception and repr passes through :meth:`SecretValues.scrub`
(exceptions through :meth:`SecretValues.scrub_error`, the one error scrubber
of the package). Adding a value already known is a set lookup, so the
transport can register the token of every request; scrubbing runs only on
log and error paths.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Iterable, List, Optional, Set, Tuple, TypeVar
from urllib.parse import quote, unquote, urlsplit

from pyrax_image import forks

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words

# The identity arguments (and attributes) that hold a secret.
SECRET_FIELDS = ("password", "api_key", "token", "application_credential_secret")
# Headers whose value is a secret; the token headers are logged as a salted digest.
TOKEN_HEADERS = frozenset(
    h.lower() for h in ("X-Auth-Token", "X-Subject-Token", "X-Service-Token", "X-Storage-Token")
)
SECRET_HEADERS = TOKEN_HEADERS | frozenset(
    h.lower()
    for h in (
        "X-Auth-Key",
        "X-Storage-Pass",
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Account-Meta-Temp-URL-Key",
        "X-Account-Meta-Temp-URL-Key-2",
        "X-Container-Meta-Temp-URL-Key",
        "X-Container-Meta-Temp-URL-Key-2",
    )
)
# JSON members (any case) whose string value is a secret; a "token" object's "id" too.
SECRET_KEYS = frozenset(("password", "apikey", "api_key", "secret", "token", "temp_url_key", "key"))
# Words that make a URL query parameter secret-looking (masked in a refused redirect's target).
SECRET_QUERY_WORDS = ("sig", "token", "key", "secret", "password", "pass", "auth", "credential")
# What an exception shows of itself (``str``, ``repr``, pickles): each scrubbed.
_ERROR_PARTS = ("message", "details", "url", "request_id", "location")
_USERINFO = re.compile(r"(?<=://)[^/?#@\s'\"]+@")
_SIGNATURE = re.compile(r"(temp_url_sig=)[^&\s'\"]+", re.IGNORECASE)


def hide_url_secrets(text: str) -> str:
    """``text`` with URL userinfo (``user:pw@``) and temp-URL signatures masked."""
    if "@" in text:
        text = _USERINFO.sub(MASK + "@", text)
    return _SIGNATURE.sub(r"\1" + MASK, text)


def without_userinfo(url: Optional[str]) -> Optional[str]:
    """``url`` with any ``user:password@`` removed (for reprs and messages)."""
    if not url:
        return url
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def secret_members(value: Any) -> List[str]:
    """The string values of a JSON document's secret members (passwords,
    keys, secrets, token ids), to be scrubbed wherever a server echoes them."""
    found: List[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            lowered = str(key).lower()
            if lowered in SECRET_KEYS and isinstance(item, str):
                found.append(item)
            elif lowered == "token" and isinstance(item, dict) and isinstance(item.get("id"), str):
                found.append(item["id"])
            found += secret_members(item)
    elif isinstance(value, list):
        for item in value:
            found += secret_members(item)
    return found


_Error = TypeVar("_Error", bound=BaseException)


class SecretValues:
    """A thread-safe set of secret strings, scrubbed from text by value."""

    def __init__(self, values: Iterable[Optional[str]] = ()) -> None:
        self._lock = threading.Lock()
        self._given: Set[str] = set()
        self._values: List[str] = []
        for value in values:
            self.add(value)
        forks.renew_in_child(self)

    def _after_fork(self) -> None:
        """In a forked child: a fresh lock (a parent thread may have held this one)."""
        self._lock = threading.Lock()

    def add(self, value: Optional[str]) -> None:
        """Remember ``value`` (stripped, URL-quoted and JSON-escaped too) as a secret."""
        if not isinstance(value, str) or value in self._given:
            return
        with self._lock:
            self._given.add(value)
            stripped = value.strip()
            forms = {value, stripped, quote(stripped, safe=""), json.dumps(stripped)[1:-1]}
            for candidate in forms:
                if len(candidate) >= MIN_SECRET_LENGTH and candidate not in self._values:
                    self._values.append(candidate)
            # Longest first, so a secret containing another is masked whole.
            self._values.sort(key=len, reverse=True)

    def add_url(self, url: Optional[str]) -> None:
        """Remember the userinfo and password of ``http://user:pw@host``, raw and decoded."""
        if not isinstance(url, str) or "@" not in url:
            return
        userinfo = urlsplit(url).netloc.rpartition("@")[0]
        password = userinfo.partition(":")[2]
        for value in (userinfo, unquote(userinfo), password, unquote(password)):
            self.add(value or None)

    def add_headers(self, headers: Any) -> None:
        """Remember the values of the secret headers (the token) in ``headers``."""
        for name, value in headers.items():
            if name.lower() in SECRET_HEADERS:
                self.add(value)

    def add_members(self, document: Any) -> None:
        """Remember the secret members of a JSON document (a login body)."""
        for value in secret_members(document):
            self.add(value)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret, URL userinfo and signature replaced by ``***``."""
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return hide_url_secrets(text)

    def scrub_value(self, value: Any) -> Any:
        """A copy of a JSON-like value (dicts, lists, strings) with secrets scrubbed."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub_value(k): self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.scrub_value(item) for item in value)
        return value

    def scrub_error(self, error: _Error) -> _Error:
        """``error`` with every known secret (and URL userinfo) masked in what
        ``str()``, ``repr()`` and a pickle show of it: its message, details,
        URL, redirect location, request id and args. A cause quoting a secret
        is dropped (a traceback would print it)."""
        for name in _ERROR_PARTS:
            value = getattr(error, name, None)
            if value is not None:
                setattr(error, name, self.scrub_value(value))
        error.args = tuple(self.scrub_value(arg) for arg in error.args)
        cause = error.__cause__
        if cause is not None and self.scrub(str(cause)) != str(cause):
            error.__cause__ = None
            error.__suppress_context__ = True
        return error

    def __reduce__(self) -> Tuple[type, Tuple[List[str]]]:
        # The lock cannot be pickled (a resource pickles its client with it).
        return (SecretValues, (sorted(self._given),))

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return "<SecretValues: %d>" % len(self._values)
