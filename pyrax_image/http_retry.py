"""When the transport resends a request, and how long it waits first.

Only requests that are safe to send twice are resent: idempotent methods
(any method when the request never reached the server, and 429s), with a
body that can be rewound, within ``retries`` resends and the call's
deadline. The wait grows from ``backoff`` seconds (with jitter) up to
``max_backoff``; a server's ``Retry-After`` is honoured up to
``max_retry_after``, past which the error is raised instead.
"""

from __future__ import annotations

import random
import time
from typing import Optional

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))
RETRY_STATUSES = frozenset((429, 502, 503, 504))


class RetryPolicy:
    """The retry rules of one transport (see the module's docstring)."""

    def __init__(self, retries: int, backoff: float, max_backoff: float, max_retry_after: float):
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after

    def failure_wait(
        self, method: str, attempt: int, rewindable: bool, any_method: bool, deadline_at: Optional[float]
    ) -> Optional[float]:
        """The wait before resending after a failed attempt (no complete reply);
        None when it must not be resent. ``any_method``: it never reached the server."""
        if not (any_method or method in IDEMPOTENT_METHODS):
            return None
        if attempt >= self.retries or not rewindable:
            return None
        wait = self.backoff_for(attempt) if attempt else 0.0
        return wait if fits(deadline_at, wait) else None

    def status_wait(
        self,
        method: str,
        status: int,
        attempt: int,
        rewindable: bool,
        retry_after: Optional[float],
        deadline_at: Optional[float],
    ) -> Optional[float]:
        """The wait before resending after an error status; None when it must not be resent."""
        if status not in RETRY_STATUSES or attempt >= self.retries or not rewindable:
            return None
        if method not in IDEMPOTENT_METHODS and status != 429:
            return None
        if retry_after is None:
            wait = self.backoff_for(attempt)
        elif retry_after > self.max_retry_after:
            return None
        else:
            wait = retry_after
        return wait if fits(deadline_at, wait) else None

    def backoff_for(self, attempt: int) -> float:
        """The jittered exponential wait before resend ``attempt + 1``."""
        base = min(self.max_backoff, self.backoff * 2.0**attempt)
        return base * (0.5 + random.random() / 2)


def fits(deadline_at: Optional[float], wait: float) -> bool:
    """True if waiting ``wait`` seconds still leaves time before the deadline."""
    return deadline_at is None or time.monotonic() + wait < deadline_at
