"""Defaults and callback types every transfer shares (uploads, downloads, Swift)."""

from __future__ import annotations

import time
from typing import Callable, Optional

from pyrax_image import exceptions as exc

DEFAULT_CHUNK_SIZE = 1024 * 1024
DEFAULT_HASH_ALGO = "sha512"  # the multihash assumed until the cloud names its own
DEFAULT_MAX_RESUMES = 5  # times a dropped ranged read is asked again
# ``progress(bytes_done, total_or_None)``, called after each chunk; an
# exception it raises aborts the transfer.
Progress = Callable[[int, Optional[int]], None]


class MinimumProgress:
    """The slowest a streamed body may arrive: at least ``min_bytes`` in
    every ``seconds`` (default 64 KiB a minute, about 1 KiB/s, so a server
    trickling a byte at a time is given up on while any real download,
    however slow the link, goes on). A stream that brings less raises
    ``RequestTimeout``; a silent one already ends at the read timeout."""

    def __init__(self, min_bytes: int = 64 * 1024, seconds: float = 60.0):
        if isinstance(min_bytes, bool) or not isinstance(min_bytes, int) or min_bytes < 1:
            raise exc.InvalidArgument("min_bytes must be a positive integer, not %r" % (min_bytes,))
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds < 1e9:
            raise exc.InvalidArgument("seconds must be a positive number, not %r" % (seconds,))
        self.min_bytes = min_bytes
        self.seconds = float(seconds)

    def start(self) -> ProgressWindow:
        """A window that starts counting now."""
        return ProgressWindow(self)

    def __repr__(self) -> str:
        return "MinimumProgress(min_bytes=%d, seconds=%g)" % (self.min_bytes, self.seconds)


class ProgressWindow:
    """Bytes counted in consecutive windows of ``rule.seconds``."""

    def __init__(self, rule: MinimumProgress):
        self.rule = rule
        self.started = time.monotonic()
        self.count = 0

    def advance(self, received: int) -> None:
        """Count ``received`` bytes; raise if a whole window brought too few."""
        self.count += received
        now = time.monotonic()
        if now - self.started < self.rule.seconds:
            return
        if self.count < self.rule.min_bytes:
            raise exc.RequestTimeout(
                "The body arrived too slowly: %d bytes in %.0f s, below the minimum of %d bytes "
                "per %g s" % (self.count, now - self.started, self.rule.min_bytes, self.rule.seconds)
            )
        self.started, self.count = now, 0


DEFAULT_MIN_PROGRESS = MinimumProgress()
