"""What the fault proxy does to an exchange: faults, the rules that arm them,
the record of what it saw, and random idle-connection closing (:class:`Chaos`)."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Dict, Optional

IDEMPOTENT_WITHOUT_BODY = frozenset(("GET", "HEAD", "DELETE"))


@dataclass
class Fault:
    """What to do to one exchange (build it with the functions below)."""

    kind: str
    after: Optional[int] = 0
    seconds: float = 0.0
    limit: float = 0.0
    status: int = 0
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    forward: bool = True


def reset_request(after: int = 0, forward: bool = True) -> Fault:
    """Reset the client's connection after ``after`` bytes of the request body.
    With ``forward`` the head and those bytes reach the server first (the
    server sees a request cut short); without, the server sees nothing."""
    return Fault("reset_request", after=after, forward=forward)


def reset_response(after: int = 0) -> Fault:
    """Send the response head and ``after`` body bytes (all of a shorter body),
    then end the connection: the client reads those bytes, then finds the end."""
    return Fault("reset_response", after=after)


def stall(seconds: float, after: Optional[int] = None) -> Fault:
    """Send nothing for ``seconds`` (before the head, or after ``after`` body
    bytes), then go on with the response."""
    return Fault("stall", after=after, seconds=seconds)


def trickle(interval: float, after: int = 0, limit: float = 30.0) -> Fault:
    """After ``after`` body bytes, send one byte every ``interval`` seconds;
    cut the connection after ``limit`` seconds of that."""
    return Fault("trickle", after=after, seconds=interval, limit=limit)


def throttle(bytes_per_second: float) -> Fault:
    """Send the response body at no more than ``bytes_per_second`` (each
    exchange on its own connection: a per-connection limit, like a WAN link
    or a load balancer's)."""
    return Fault("throttle", limit=float(bytes_per_second))


def corrupt(after: int) -> Fault:
    """Flip the bits of the response body byte at offset ``after`` (on the
    wire); the rest goes through unchanged."""
    return Fault("corrupt", after=after)


def drop_request_headers(*names: str) -> Fault:
    """Forward the request without the headers ``names`` (e.g. ``Range``: the
    server then answers as one that ignores it)."""
    return Fault("drop_headers", headers={name.lower(): "" for name in names})


def respond(status: int, body: bytes = b"", headers: Optional[Dict[str, str]] = None) -> Fault:
    """Answer ``status`` without forwarding the request (its body is read and dropped)."""
    return Fault("respond", status=status, headers=dict(headers or {}), body=body)


def retry_after(status: int = 503, seconds: int = 0) -> Fault:
    """A 503 or 429 with ``Retry-After: seconds``."""
    body = b'{"message": "busy, try again later", "code": %d, "title": "Busy"}' % status
    return respond(status, body, {"Retry-After": str(seconds), "Content-Type": "application/json"})


def redirect(location: str, status: int = 307) -> Fault:
    """A redirect to ``location``."""
    return respond(status, b"", {"Location": location})


def close_idle() -> Fault:
    """Close the connection without notice once the response is sent."""
    return Fault("close_idle")


def race_close() -> Fault:
    """Close a kept-alive connection as a request arrives on it, unanswered
    (the server's idle timer fired while the request was on its way)."""
    return Fault("race_close")


@dataclass
class Rule:
    """Apply ``fault`` to ``times`` (None: all) matching requests, after letting
    ``skip`` matching ones through. ``path`` is a regular expression searched
    in the request target (path and query)."""

    fault: Fault
    method: Optional[str] = None
    path: Optional[str] = None
    skip: int = 0
    times: Optional[int] = 1
    seen: int = 0
    applied: int = 0

    def take(self, method: str, target: str, reused: bool) -> bool:
        """True (and counted) if this rule applies to the request."""
        if self.method is not None and method != self.method.upper():
            return False
        if self.path is not None and not re.search(self.path, target):
            return False
        if self.fault.kind == "race_close" and not reused:
            return False
        if self.times is not None and self.applied >= self.times:
            return False
        self.seen += 1
        if self.seen <= self.skip:
            return False
        self.applied += 1
        return True


@dataclass
class Exchange:
    """One request the proxy received, and what became of it."""

    connection: int
    number: int  # 1 for the first request on its connection
    method: str
    target: str
    headers: Dict[str, str]  # lower-case names
    body: bytes = b""  # the first bytes of the request body (up to 64 KiB)
    fault: Optional[str] = None
    status: Optional[int] = None
    body_sent: int = 0  # response body bytes sent to the client


class Chaos:
    """Idle keep-alive connections closed at random, for a whole test run.

    After a response, with probability ``rate``, the connection is closed
    without notice (the client has to notice before reusing it). A GET, HEAD
    or DELETE arriving on a kept-alive connection finds it closed with the
    same probability, but never two requests in a row, so a client that
    retries a stale connection once always gets through. Requests with a body
    are never raced: a streamed body may not be replayable, and a real
    server's race is equally rare for them.
    """

    def __init__(self, seed: int, rate: float = 0.2):
        self.seed = seed
        self.rate = rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._raced_last = False
        self.idle_closes = 0
        self.races = 0

    def close_after_response(self) -> bool:
        with self._lock:
            close = self._random.random() < self.rate
            self.idle_closes += close
            return close

    def race(self, method: str, reused: bool) -> bool:
        with self._lock:
            if not reused or method not in IDEMPOTENT_WITHOUT_BODY:
                return False
            raced = not self._raced_last and self._random.random() < self.rate
            self._raced_last = raced
            self.races += raced
            return raced
