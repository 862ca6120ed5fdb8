"""Image data going up: sources of bytes, streamed and hashed on the way.

An :class:`UploadStream` turns bytes, a file object, a path or an iterator of
bytes into the chunks ``requests`` sends, computing MD5 and the server's
``os_hash_algo`` digest as it goes, so the image can be verified once active
without reading the data twice.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Callable, Iterable, Iterator, Optional

from pyrax_image import exceptions as exc

DEFAULT_CHUNK_SIZE = 1024 * 1024
DEFAULT_HASH_ALGO = "sha512"
Progress = Callable[[int, Optional[int]], None]


def new_hashers(hash_algo: Optional[str] = DEFAULT_HASH_ALGO) -> dict[str, Any]:
    """MD5 (when the platform allows it, FIPS hosts may not) and ``hash_algo``."""
    hashers: dict[str, Any] = {}
    try:
        hashers["md5"] = hashlib.md5(usedforsecurity=False)
    except (TypeError, ValueError):  # pragma: no cover - FIPS or old Python
        pass
    if hash_algo:
        try:
            hashers[hash_algo] = hashlib.new(hash_algo)
        except ValueError:
            pass
    return hashers


class UploadStream:
    """An iterable request body over image data, hashing what it yields.

    ``len`` is the byte count when known (requests then sends Content-Length;
    otherwise the body goes chunked). Seekable sources can be rewound, so a
    retry resends the data from the start and hashes it afresh.
    """

    def __init__(
        self,
        data: Any,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        size: Optional[int] = None,
        hash_algo: Optional[str] = DEFAULT_HASH_ALGO,
        progress: Optional[Progress] = None,
    ):
        if chunk_size <= 0:
            raise exc.InvalidArgument("chunk_size must be positive")
        self.chunk_size = chunk_size
        self.hash_algo = hash_algo
        self.progress = progress
        self._owned_file = None
        if isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            if not os.path.isfile(path):
                raise exc.InvalidArgument("No such file: %s" % path)
            data = self._owned_file = open(path, "rb")
        elif isinstance(data, bytearray):
            data = bytes(data)
        elif not (isinstance(data, bytes) or hasattr(data, "read") or hasattr(data, "__iter__")):
            raise exc.InvalidArgument(
                "Image data must be bytes, a file object, a path or an iterator of bytes, not %s"
                % type(data).__name__
            )
        self.source = data
        self._start = self._position(data)
        self.len = size if size is not None else _known_size(data, self._start)
        self.bytes_sent = 0
        self.hashers = new_hashers(hash_algo)
        self._started = False

    @staticmethod
    def _position(data: Any) -> Optional[int]:
        if isinstance(data, bytes) or not hasattr(data, "seek"):
            return None
        try:
            if callable(getattr(data, "seekable", None)) and not data.seekable():
                return None
            return int(data.tell())
        except (OSError, ValueError):
            return None

    @property
    def rewindable(self) -> bool:
        """True when the data can be sent again from its start."""
        return isinstance(self.source, bytes) or self._start is not None or not self._started

    def rewind(self) -> None:
        """Go back to the start of the data (and of the hashes)."""
        if not self.rewindable:
            raise exc.BodyNotRewindable("The image data is a one-shot stream and was already sent")
        if self._start is not None:
            self.source.seek(self._start)
        self.bytes_sent = 0
        self.hashers = new_hashers(self.hash_algo)

    def __iter__(self) -> Iterator[bytes]:
        self._started = True
        for chunk in self._chunks():
            if not chunk:
                continue
            if isinstance(chunk, str):
                raise exc.InvalidArgument("Image data must be bytes, not text")
            for hasher in self.hashers.values():
                hasher.update(chunk)
            self.bytes_sent += len(chunk)
            if self.progress is not None:
                self.progress(self.bytes_sent, self.len or None)
            yield chunk

    def _chunks(self) -> Iterable[bytes]:
        data = self.source
        if isinstance(data, bytes):
            view = memoryview(data)
            return (bytes(view[i : i + self.chunk_size]) for i in range(0, len(data), self.chunk_size))
        if hasattr(data, "read"):
            return iter(lambda: data.read(self.chunk_size), b"")
        return data

    def hexdigests(self) -> dict[str, str]:
        """The digests of everything sent so far, by algorithm name."""
        return {name: hasher.hexdigest() for name, hasher in self.hashers.items()}

    def close(self) -> None:
        """Close the file this stream opened from a path."""
        if self._owned_file is not None:
            self._owned_file.close()


def _known_size(data: Any, start: Optional[int]) -> Optional[int]:
    """The number of bytes left in ``data``, when that can be known up front."""
    if isinstance(data, bytes):
        return len(data)
    if start is not None:
        try:
            fileno = data.fileno()
            return max(0, os.fstat(fileno).st_size - start)
        except (AttributeError, OSError, ValueError):
            pass
        try:
            end = data.seek(0, os.SEEK_END)
            data.seek(start)
            return max(0, end - start)
        except (OSError, ValueError):
            return None
    return None


def verify_image(image: Any, digests: dict[str, str], size: int) -> None:
    """Compare what was sent with what an active image reports; raise on mismatch."""
    info = image.to_dict()
    image_id = info.get("id")
    if info.get("size") is not None and info["size"] != size:
        raise exc.ChecksumMismatch("size", str(info["size"]), str(size), image_id)
    algo = info.get("os_hash_algo")
    expected = info.get("os_hash_value")
    if algo and expected and algo in digests and digests[algo] != expected:
        raise exc.ChecksumMismatch(algo, expected, digests[algo], image_id)
    checksum = info.get("checksum")
    if checksum and "md5" in digests and digests["md5"] != checksum:
        raise exc.ChecksumMismatch("md5", checksum, digests["md5"], image_id)
