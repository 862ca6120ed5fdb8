"""Which failed requests may be sent again, and how long to wait first.

:func:`may_resend` is the one answer to "may this be resent?": a request
that never reached the server (the connection timed out) may be, whatever
its method; one whose connection broke or whose reply was cut short only if
its method is idempotent; a TLS error, a silent server past the read
timeout or a request the library refused never. An error status may be
resent if it is 429/502/503/504 (429 for any method: the server did not
act on it), and only with a body that can be sent again.

A :class:`RetryPolicy` holds the budget and the waits: at most ``retries``
resends, waiting ``backoff`` seconds (with jitter) growing up to
``max_backoff``; a server's ``Retry-After`` is honoured up to
``max_retry_after``, past which the error is raised instead. A download
whose connection broke mid-body is resumed with ``Range`` after the same
waits (:meth:`RetryPolicy.reconnect_wait`, on the transport's clock); how
many resumes is the download's ``max_resumes``. A request that may not be
resent goes out on a kept-alive connection idle at most ``fresh_after_idle``
seconds (:meth:`RetryPolicy.idle_limit`; older ones are replaced by a fresh
connection, ``pyrax_image.http_pool``), so a server closing it at the end
of its keep-alive timeout cannot break it. Pass one as
``Transport(retry_policy=...)`` or ``ImageClient(..., retry_policy=...)``
(as requests takes ``max_retries=Retry(...)``); a subclass may change any
rule by overriding its method.
"""

from __future__ import annotations

import random
import time
from typing import Optional

import requests

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int, check_seconds

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))
RETRY_STATUSES = frozenset((429, 502, 503, 504))
# Below the shortest common server keep-alive timeouts (gunicorn 2 s, uWSGI's
# socket-timeout 4 s, Apache and Node.js 5 s, nginx 75 s), with a round trip to spare.
DEFAULT_FRESH_AFTER_IDLE = 1.0


def may_resend(method: str, cause: BaseException) -> bool:
    """True if a request that failed with ``cause`` (no complete reply) may be sent again."""
    if isinstance(cause, requests.exceptions.ConnectTimeout):
        return True  # it never reached the server
    if method not in IDEMPOTENT_METHODS:
        return False
    if isinstance(cause, requests.exceptions.SSLError):
        return False  # a certificate problem does not go away by retrying
    # A broken connection, a reply cut short, or (for a caller above the
    # transport, such as an upload) the ConnectionFailed they became.
    broken = (
        exc.BodyCut,
        exc.ConnectionFailed,
        requests.exceptions.ConnectionError,
        requests.exceptions.ChunkedEncodingError,
    )
    return isinstance(cause, broken)


class RetryPolicy:
    """The retry rules of a transport (see the module's docstring)."""

    def __init__(
        self,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 120.0,
        fresh_after_idle: float = DEFAULT_FRESH_AFTER_IDLE,
    ):
        self.retries = check_int("retries", retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.fresh_after_idle = check_seconds("fresh_after_idle", fresh_after_idle)

    def idle_limit(self, method: str, resendable: bool) -> Optional[float]:
        """How long the kept-alive connection a request goes out on may have
        been idle: no limit (None) for one resent if that connection turns
        out closed (an idempotent ``method``, ``resendable``: retries on and a
        body that can be sent again), else ``fresh_after_idle`` seconds, so a
        server's keep-alive timeout cannot close it under a request that
        would be lost."""
        if resendable and method in IDEMPOTENT_METHODS:
            return None
        return self.fresh_after_idle

    def failure_wait(
        self, method: str, cause: BaseException, attempt: int, rewindable: bool, deadline_at: Optional[float]
    ) -> Optional[float]:
        """The wait before resending after attempt ``attempt`` failed with
        ``cause`` (no complete reply); None when it must not be resent."""
        if not may_resend(method, cause) or attempt >= self.retries or not rewindable:
            return None
        wait = self.reconnect_wait(attempt)
        return wait if fits(deadline_at, wait) else None

    def reconnect_wait(self, attempt: int) -> float:
        """The wait before a new connection after ``attempt`` earlier ones
        broke in a row: none after the first (a stale keep-alive connection,
        or one drop), then the backoff. Used for resends and for resuming a
        body with ``Range``."""
        return self.backoff_for(attempt) if attempt else 0.0

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

    def __repr__(self) -> str:
        return (
            "RetryPolicy(retries=%d, backoff=%s, max_backoff=%s, max_retry_after=%s, fresh_after_idle=%s)"
            % (self.retries, self.backoff, self.max_backoff, self.max_retry_after, self.fresh_after_idle)
        )


def fits(deadline_at: Optional[float], wait: float) -> bool:
    """True if waiting ``wait`` seconds still leaves time before the deadline."""
    return deadline_at is None or time.monotonic() + wait < deadline_at
