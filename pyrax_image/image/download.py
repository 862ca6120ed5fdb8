"""Image data coming down: streamed, resumed after a dropped connection, verified.

:class:`ImageDownload` reads the image through a
:class:`~pyrax_image.transfer.RangedReader` (resumed with ``Range`` after
a dropped connection), hashes what it reads and verifies the whole image
(its multihash, else MD5) before it hands over the last chunk, so a consumer
never holds a complete-looking corrupt image.
:func:`download_image` writes to a path (through a temporary file renamed only
after verification), to a file object, or returns the iterator.
"""

from __future__ import annotations

import io
import logging
import os
from typing import Any, Dict, Iterator, Optional

import requests

from pyrax_image import exceptions as exc
from pyrax_image.image.api import ImageApi
from pyrax_image.statuses import IMAGE_NO_DATA_STATUSES
from pyrax_image.transfer.files import check_file_path, replacing
from pyrax_image.transfer.hashing import HashSet, verify_digests
from pyrax_image.transfer.options import (
    DEFAULT_MIN_PROGRESS,
    DEFAULT_TRANSFER,
    MinimumProgress,
    TransferOptions,
)
from pyrax_image.transfer.ranged import Opener, RangedReader
from pyrax_image.transfer.sources import start_position
from pyrax_image.utils import quote_segment

logger = logging.getLogger("pyrax_image.data")


def hashes_for(info: Dict[str, Any], threaded: bool) -> HashSet:
    """What to hash to verify a download: the image's multihash when it has
    one this platform can compute (MD5 would add nothing but CPU time),
    else MD5 (``checksum`` or the ``Content-MD5`` header)."""
    algo = info.get("os_hash_algo")
    if algo and info.get("os_hash_value") and algo != "md5":
        hashes = HashSet(algo, threaded, md5=False)
        if algo in hashes.hashers:
            return hashes
    return HashSet(None, threaded)


class ImageDownload:
    """The data of one image as an iterator of chunks, verified at the end.

    Iterating streams the image; a dropped connection is resumed with
    ``Range``. Unless ``verify`` is False, the image's ``os_hash_value``
    (or, without one, its ``checksum``, then the ``Content-MD5`` header) and
    size are checked before the last chunk is handed over; a mismatch raises
    ``ChecksumMismatch`` instead. Hashing runs in a background thread.
    ``progress(bytes_done, total)`` is called as bytes arrive.
    """

    def __init__(
        self,
        open_request: Opener,
        info: Dict[str, Any],
        options: TransferOptions = DEFAULT_TRANSFER,
        min_progress: Optional[MinimumProgress] = DEFAULT_MIN_PROGRESS,
    ):
        self.info = info
        self.options = options
        self.image_id: Optional[str] = info.get("id")
        self.size: Optional[int] = info.get("size")
        self.verify = options.verify
        self.progress = options.progress
        self.reader = RangedReader(
            open_request, self.size, options.chunk_size, options.max_resumes, min_progress=min_progress
        )
        self.hashes = hashes_for(info, threaded=True) if options.verify else None
        self.bytes_read = 0
        self.verified_with: Optional[str] = None
        self._iterator: Optional[Iterator[bytes]] = None

    def start(self) -> ImageDownload:
        """Send the first request now (errors such as 403/404 raise here)."""
        self.reader.prefetch()
        return self

    @property
    def resumes(self) -> int:
        """How many times a dropped connection was resumed."""
        return self.reader.resumes

    def __iter__(self) -> Iterator[bytes]:
        if self._iterator is None:
            self._iterator = self._chunks()
        return self._iterator

    def __next__(self) -> bytes:
        return next(iter(self))

    def _chunks(self) -> Iterator[bytes]:
        held: Optional[bytes] = None
        try:
            for chunk in self.reader:
                self.bytes_read += len(chunk)
                if self.hashes is not None:
                    self.hashes.update(chunk)
                if self.progress is not None:
                    self.progress(self.bytes_read, self.size)
                if held is not None:
                    yield held
                held = chunk
            if self.verify:
                self._verify()
            elif self.size is not None and self.bytes_read != self.size:
                raise exc.ChecksumMismatch("size", str(self.size), str(self.bytes_read), self.image_id)
            if held is not None:
                yield held
        finally:
            self.close()

    def _verify(self) -> None:
        assert self.hashes is not None
        digests = self.hashes.hexdigests()
        expected = dict(self.info)
        header_md5 = self.reader.first_headers.get("Content-MD5")
        if not expected.get("checksum") and header_md5:
            expected["checksum"] = header_md5
        if self.size is None:
            expected.pop("size", None)
        self.verified_with = verify_digests(expected, digests, self.bytes_read, self.image_id)

    def hexdigests(self) -> Dict[str, str]:
        """The digests of the data read (empty when not verifying)."""
        return self.hashes.hexdigests() if self.hashes is not None else {}

    def close(self) -> None:
        """Drop the connection and stop hashing (safe to call twice)."""
        self.reader.close()
        if self.hashes is not None:
            self.hashes.close()

    def __enter__(self) -> ImageDownload:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def open_image_download(api: ImageApi, img: Any, options: TransferOptions) -> ImageDownload:
    """Fetch the image's current metadata and prepare a download of its data.

    Raises ``ImageStatusError`` when the image has no data (queued, importing,
    killed...) and ``NotFound`` when it does not exist.
    """
    info = api.images.get(img).to_dict()
    status = info.get("status")
    if status in IMAGE_NO_DATA_STATUSES:
        raise exc.ImageStatusError("Image %s is %s: it has no data to download" % (info.get("id"), status))
    uri = "/images/%s/file" % quote_segment(info["id"])

    def open_request(headers: Dict[str, str]) -> requests.Response:
        headers = dict(headers, Accept="application/octet-stream")
        response, _ = api.http.method_get(uri, headers=headers, stream=True)
        if response.status_code == 204:
            response.close()
            raise exc.ImageStatusError("Image %s has no data (the server answered 204)" % info["id"])
        return response

    return ImageDownload(open_request, info, options, min_progress=api.http.min_progress)


def check_destination(dest: Any) -> None:
    """Refuse a ``dest`` that is neither None, a file path nor a writable file."""
    if dest is None:
        return
    if isinstance(dest, (str, os.PathLike)):
        check_file_path(dest)
        return
    if not callable(getattr(dest, "write", None)) or isinstance(dest, io.TextIOBase):
        raise exc.InvalidArgument("dest must be None, a path or a writable binary file object")


def download_image(download: ImageDownload, dest: Any) -> ImageDownload:
    """Run ``download`` into ``dest``: a path or a writable binary file object.

    A path is written through a temporary file in the same directory, renamed
    over ``dest`` only after verification; on any failure it is removed. A
    seekable file object is truncated back to where it started on failure.
    """
    check_destination(dest)
    if isinstance(dest, (str, os.PathLike)):
        return _to_path(download, os.fspath(dest))
    start = start_position(dest)
    try:
        for chunk in download:
            dest.write(chunk)
    except BaseException:
        download.close()
        if start is not None:
            try:
                dest.seek(start)
                dest.truncate()
            except (OSError, ValueError):
                pass
        raise
    return download


def _to_path(download: ImageDownload, path: str) -> ImageDownload:
    try:
        with replacing(path) as handle:
            for chunk in download:
                handle.write(chunk)
    except BaseException:
        download.close()
        raise
    return download
