"""The deadline of the call under way in this thread.

A client call sets it (:func:`call_deadline`) before anything it may wait
for, so a login the call needs, or another thread's login it waits for,
ends with the call instead of running on with the identity's own timeouts.
Deadlines are ``time.monotonic()`` values; None is no deadline.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional

_current = threading.local()


@contextmanager
def call_deadline(deadline_at: Optional[float]) -> Iterator[None]:
    """Within the block, :func:`current` is ``deadline_at`` (or an earlier
    deadline an enclosing call set)."""
    previous: Optional[float] = getattr(_current, "at", None)
    if previous is not None and (deadline_at is None or previous < deadline_at):
        deadline_at = previous
    _current.at = deadline_at
    try:
        yield
    finally:
        _current.at = previous


def current() -> Optional[float]:
    """The deadline of this thread's call under way, if any."""
    return getattr(_current, "at", None)


def earliest(deadline_at: Optional[float]) -> Optional[float]:
    """``deadline_at`` or the current call's deadline, whichever comes first."""
    outer = current()
    if outer is None:
        return deadline_at
    return outer if deadline_at is None else min(outer, deadline_at)


def remaining() -> Optional[float]:
    """Seconds left before the current call's deadline (None: no deadline)."""
    outer = current()
    return None if outer is None else outer - time.monotonic()
