"""The secret values a client or identity holds, and scrubbing them from text.

One :class:`SecretValues` is shared by an identity and every client built on
it: tokens (current and past), passwords, API keys, application-credential
secrets, temp-URL keys and URL userinfo are added as they become known, and
every log line, exception message and repr passes through :meth:`scrub`.
Adding a value already known is a set lookup, so the transport can register
the token of every request; scrubbing runs only on log and error paths.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Iterable, List, Optional, Set, Tuple
from urllib.parse import quote, unquote, urlsplit

from pyrax_image import forks

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words
_USERINFO = re.compile(r"(?<=://)[^/?#@\s'\"]+@")
_SIGNATURE = re.compile(r"(temp_url_sig=)[^&\s'\"]+", re.IGNORECASE)


def hide_url_secrets(text: str) -> str:
    """``text`` with URL userinfo (``user:pw@``) and temp-URL signatures masked."""
    if "@" in text:
        text = _USERINFO.sub(MASK + "@", text)
    return _SIGNATURE.sub(r"\1" + MASK, text)


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
        """Remember the password (and whole userinfo) of ``http://user:pw@host``."""
        if not isinstance(url, str) or "@" not in url:
            return
        userinfo = urlsplit(url).netloc.rpartition("@")[0]
        if userinfo:
            self.add(userinfo)
            self.add(unquote(userinfo.partition(":")[2]) or None)

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

    def __reduce__(self) -> Tuple[type, Tuple[List[str]]]:
        # The lock cannot be pickled (a resource pickles its client with it).
        return (SecretValues, (sorted(self._given),))

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return "<SecretValues: %d>" % len(self._values)
