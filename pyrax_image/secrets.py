"""The secret values a client or identity holds, and scrubbing them from text.

One :class:`SecretValues` is shared by an identity and every client built on
it: tokens (current and past), passwords, API keys, application-credential
secrets, temp-URL keys and URL userinfo are added as they become known, and
every log line, exception message and repr passes through :meth:`scrub`.
"""

from __future__ import annotations

import threading
from typing import Iterable, List, Optional

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


class SecretValues:
    """A thread-safe set of secret strings, scrubbed from text by value."""

    def __init__(self, values: Iterable[Optional[str]] = ()) -> None:
        self._lock = threading.Lock()
        self._values: List[str] = []
        for value in values:
            self.add(value)

    def add(self, value: Optional[str]) -> None:
        """Remember ``value`` (and its stripped form) as a secret."""
        if not isinstance(value, str):
            return
        with self._lock:
            for candidate in {value, value.strip()}:
                if len(candidate) >= MIN_SECRET_LENGTH and candidate not in self._values:
                    self._values.append(candidate)
            # Longest first, so a secret containing another is masked whole.
            self._values.sort(key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def __reduce__(self) -> tuple:
        # The lock cannot be pickled (a resource pickles its client with it).
        return (SecretValues, (list(self._values),))

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return "<SecretValues: %d>" % len(self._values)
