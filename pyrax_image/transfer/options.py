"""Defaults and callback types every transfer shares (uploads, downloads, Swift)."""

from __future__ import annotations

import hashlib
import time
from typing import Any, Callable, NamedTuple, Optional, Sequence

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_callable, check_flag, check_int, check_seconds, check_text

DEFAULT_CHUNK_SIZE = 1024 * 1024
DEFAULT_HASH_ALGO = "sha512"  # the multihash assumed until the cloud names its own
DEFAULT_MAX_RESUMES = 5  # times a dropped ranged read is asked again
# A download of at least this many bytes into a destination that can be written
# at offsets may fetch up to this many ranges at once unless told otherwise
# (``connections=None``): one stream across a long link is capped at its window
# over the round trip, parallel ranges are not. It starts as one stream; after
# the warm-up (seconds), a stream slower than the rate (bytes a second) has the
# rest of the image split into ranges. On a fast link (loopback, a LAN) one
# stream is faster than several: fewer requests, no reading back to hash.
DEFAULT_PARALLEL_SIZE = 64 * 1024 * 1024
DEFAULT_PARALLEL_CONNECTIONS = 4
DEFAULT_PARALLEL_WARMUP = 0.25
DEFAULT_PARALLEL_RATE = 40 * 1024 * 1024
# ``progress(bytes_done, total_or_None)``, called after each chunk; an
# exception it raises aborts the transfer.
Progress = Callable[[int, Optional[int]], None]


class _TransferFields(NamedTuple):
    chunk_size: int = DEFAULT_CHUNK_SIZE
    verify: bool = True
    progress: Optional[Progress] = None
    hash_algo: Optional[str] = DEFAULT_HASH_ALGO
    max_resumes: int = DEFAULT_MAX_RESUMES
    connections: Optional[int] = 1
    parallel_size: int = DEFAULT_PARALLEL_SIZE
    parallel_connections: int = DEFAULT_PARALLEL_CONNECTIONS
    parallel_warmup: float = DEFAULT_PARALLEL_WARMUP
    parallel_rate: int = DEFAULT_PARALLEL_RATE
    store: Optional[str] = None
    prefer: Optional[Sequence[str]] = None
    inspect: bool = True


class TransferOptions(_TransferFields):
    """The knobs of one transfer, declared once and checked when made (as
    boto3's ``TransferConfig``): the façade builds one from pyrax's keyword
    arguments and every layer below reads it. Immutable; a new knob is one
    field above and one check in :meth:`_check`.

    ``chunk_size``: bytes per read and write. ``verify``: compare the digests.
    ``progress(bytes_done, total_or_None)``: called after each chunk.
    ``hash_algo``: the multihash an upload assumes until the cloud names its
    own. ``max_resumes``: times a dropped read is asked again with ``Range``.
    ``connections``: ranges a download fetches at once (1: one stream; more:
    parallel ranges from the start); None chooses: an image of at least
    ``parallel_size`` bytes starts as one stream and, if after
    ``parallel_warmup`` seconds it moves fewer than ``parallel_rate`` bytes a
    second, the rest is split over ``parallel_connections`` ranges; a smaller
    image is one stream. ``store``: the store of a multi-store cloud an upload
    writes to (``X-Image-Meta-Store``; None: the default store). ``prefer``:
    the store ids a download reads from first (Glance's ``prefer`` query).
    ``inspect``: an upload of a path or a seekable file first checks that
    Glance would take the bytes (see :func:`~pyrax_image.inspector.inspect_upload`).
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> TransferOptions:
        options = super().__new__(cls, *args, **kwargs)
        options._check()
        return options

    def _replace(self, **changes: Any) -> TransferOptions:
        """A copy with ``changes``, checked like a new one."""
        return TransferOptions(**dict(self._asdict(), **changes))

    def _check(self) -> None:
        """Refuse a value of the wrong type or range, before any request."""
        check_int("chunk_size", self.chunk_size, 1)
        check_flag("verify", self.verify)
        check_callable("progress", self.progress)
        _check_hash_algo(self.hash_algo)
        check_int("max_resumes", self.max_resumes)
        if self.connections is not None:
            check_int("connections", self.connections, 1)
        check_int("parallel_size", self.parallel_size, 0)
        check_int("parallel_connections", self.parallel_connections, 1)
        check_seconds("parallel_warmup", self.parallel_warmup)
        check_int("parallel_rate", self.parallel_rate, 0)
        if self.store is not None:
            check_text("store", self.store)
        if self.prefer is not None:
            _check_prefer(self.prefer)
        check_flag("inspect", self.inspect)

    def connections_for(self, size: Optional[int]) -> int:
        """The most ranges an image of ``size`` bytes is fetched over (with
        ``connections=None``, only if its first stream proves slow)."""
        if self.connections is not None:
            return self.connections
        return self.parallel_connections if size is not None and size >= self.parallel_size else 1


def _check_hash_algo(hash_algo: Any) -> None:
    """None or a hashlib algorithm available here (refused before any byte
    is sent, not found out after the upload)."""
    if hash_algo is None:
        return
    if not isinstance(hash_algo, str):
        raise exc.InvalidArgument("hash_algo must be a hashlib name or None, not %r" % (hash_algo,))
    try:
        hashlib.new(hash_algo)
    except (ValueError, TypeError):
        raise exc.InvalidArgument(
            "hash_algo %r is not a hash algorithm available here" % (hash_algo,)
        ) from None


def _check_prefer(prefer: Any) -> None:
    """A non-empty list of store ids, none with a comma (they are sent
    joined by commas)."""
    if not isinstance(prefer, (list, tuple)) or not prefer:
        raise exc.InvalidArgument("prefer must be a non-empty list of store ids, not %r" % (prefer,))
    for store in prefer:
        check_text("prefer", store)
        if "," in store:
            raise exc.InvalidArgument("A store id in prefer cannot contain a comma: %r" % store)


#: The options of a transfer that sets none: every field at its default above.
#:
#: :meta hide-value:
DEFAULT_TRANSFER = TransferOptions()
# The options an upload takes (``create(..., **upload_args)`` accepts these).
UPLOAD_OPTIONS = ("chunk_size", "verify", "progress", "hash_algo", "store", "inspect")


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
