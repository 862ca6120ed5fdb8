"""Digests of a stream of bytes, computed on the way, and their verification.

:class:`HashSet` feeds MD5 and/or one more algorithm (Glance's
``os_hash_algo``, SHA-512 by default), in the caller's thread (uploads) or
a background thread overlapping the socket (``threaded``, downloads);
:func:`verify_digests` compares them with what the server reports.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from typing import Any, Dict, List, Mapping, Optional

from pyrax_image import exceptions as exc
from pyrax_image.transfer.options import DEFAULT_HASH_ALGO

logger = logging.getLogger("pyrax_image.data")

# Chunks waiting per hashing thread; bounds the memory hashing can hold.
_HASH_QUEUE_DEPTH = 4
_STOP = object()


def new_hashers(hash_algo: Optional[str] = DEFAULT_HASH_ALGO, md5: bool = True) -> Dict[str, Any]:
    """MD5 (unless ``md5`` is False, or the platform forbids it: FIPS hosts
    may) and ``hash_algo``."""
    hashers: Dict[str, Any] = {}
    if md5:
        try:
            hashers["md5"] = hashlib.md5(usedforsecurity=False)
        except (TypeError, ValueError):  # pragma: no cover - FIPS or old Python
            pass
    if hash_algo and hash_algo != "md5":
        try:
            hashers[hash_algo] = hashlib.new(hash_algo)
        except ValueError:
            logger.warning("Hash algorithm %s is not available here; it will not be verified", hash_algo)
    return hashers


class _HashThread(threading.Thread):
    """Feeds chunks, in order, to the hashers (hashlib releases the GIL)."""

    def __init__(self, hashers: List[Any]):
        super().__init__(name="pyrax_image-hash", daemon=True)
        self.hashers = hashers
        self.chunks: queue.Queue[Any] = queue.Queue(_HASH_QUEUE_DEPTH)

    def run(self) -> None:
        while True:
            chunk = self.chunks.get()
            if chunk is _STOP:
                return
            for hasher in self.hashers:
                hasher.update(chunk)


class HashSet:
    """Several digests of one stream of bytes.

    With ``threaded`` the hashing runs in one background thread fed through a
    small bounded queue, so it overlaps with this thread moving bytes; memory
    held is at most a few chunks. (One thread, not one per algorithm: with
    the server on the same few cores, fewer busy threads measured faster.)
    """

    def __init__(self, hash_algo: Optional[str] = DEFAULT_HASH_ALGO, threaded: bool = True, md5: bool = True):
        self.hash_algo = hash_algo
        self.hashers = new_hashers(hash_algo, md5)
        self.threaded = threaded
        self._thread: Optional[_HashThread] = None
        self._digests: Optional[Dict[str, str]] = None

    def update(self, chunk: bytes) -> None:
        """Add ``chunk`` (immutable bytes) to every digest."""
        if self._digests is not None:
            raise RuntimeError("The digests were already computed")
        if not self.threaded:
            for hasher in self.hashers.values():
                hasher.update(chunk)
            return
        if self._thread is None:
            self._thread = _HashThread(list(self.hashers.values()))
            self._thread.start()
        self._thread.chunks.put(chunk)

    def hexdigests(self) -> Dict[str, str]:
        """The digests of everything added, by algorithm name (ends the stream)."""
        if self._digests is None:
            self._join()
            self._digests = {name: hasher.hexdigest() for name, hasher in self.hashers.items()}
        return dict(self._digests)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.chunks.put(_STOP)
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Stop the hashing thread (the digests stay as they were)."""
        self._join()

    def hash_inline(self) -> None:
        """Finish what the thread has queued, then hash each later chunk in
        the thread that adds it (when several threads take turns adding,
        each holds only its own chunk: no queue)."""
        self._join()
        self.threaded = False


def verify_digests(
    info: Mapping[str, Any],
    digests: Mapping[str, str],
    size: Optional[int],
    image_id: Optional[str] = None,
    required: bool = False,
) -> Optional[str]:
    """Check ``digests`` against ``os_hash_algo``/``os_hash_value``, then
    ``checksum`` (MD5), then ``size`` of ``info`` (an image body, in Glance's
    names); raise ``ChecksumMismatch`` on a difference.

    Returns the algorithm that matched (None when ``info`` reports nothing
    this side could compare, which raises ``ChecksumMismatch`` if ``required``).
    """
    matched: Optional[str] = None
    algo = info.get("os_hash_algo")
    expected = info.get("os_hash_value")
    if algo and expected and algo in digests:
        if digests[algo] != expected:
            raise exc.ChecksumMismatch(algo, expected, digests[algo], image_id)
        matched = algo
    checksum = info.get("checksum")
    if checksum and "md5" in digests:
        if digests["md5"] != checksum:
            raise exc.ChecksumMismatch("md5", checksum, digests["md5"], image_id)
        matched = matched or "md5"
    expected_size = info.get("size")
    if expected_size is not None and size is not None and expected_size != size:
        raise exc.ChecksumMismatch("size", str(expected_size), str(size), image_id)
    if matched is None:
        if required:
            raise exc.ChecksumMismatch(
                "checksum", "a checksum or hash the client can compute", "none to compare", image_id
            )
        logger.warning("Image %s reports no checksum this client can verify", image_id)
    return matched
