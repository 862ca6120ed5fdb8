"""An image downloaded over several connections at once (``download(..., connections=N)``).

The first range is asked for in this thread: a 206 shows the server honours
``Range`` and the parts are fetched by a
:class:`~pyrax_image.transfer.parallel.ParallelFetch`; a 200 (the server
ignored ``Range``) is read as one ordinary stream. Either way the image is
verified (multihash, else MD5, and size) before a path is renamed into place;
on any failure the temporary file is removed, or a file object truncated back
to where it stood.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Optional, Union

import requests

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.image.download import ImageDownload, download_image, hashes_for
from pyrax_image.transfer.files import replacing
from pyrax_image.transfer.hashing import HashSet, verify_digests
from pyrax_image.transfer.parallel import (
    FileDescriptorAccess,
    FileObjectAccess,
    ParallelFetch,
    RandomAccess,
    plan_parts,
)
from pyrax_image.transfer.ranged import Opener
from pyrax_image.transfer.sources import start_position

logger = logging.getLogger("pyrax_image.data")


def check_parallel_destination(dest: Any, connections: Any) -> None:
    """Refuse ``connections`` that is not a positive integer, and (with more
    than one) a ``dest`` that cannot be written at offsets and read back."""
    check_int("connections", connections, 1)
    if connections == 1 or isinstance(dest, (str, os.PathLike)):
        return
    if dest is None:
        raise exc.InvalidArgument("connections > 1 needs a path or a seekable file object to write to")
    for ability in ("seekable", "readable", "writable"):
        probe = getattr(dest, ability, None)
        try:
            able = bool(probe()) if callable(probe) else False
        except (OSError, ValueError):
            able = False
        if not able:
            raise exc.InvalidArgument(
                "connections > 1 writes at offsets and reads back to hash: dest must be a path "
                "or a seekable file object opened for reading and writing (e.g. mode 'w+b')"
            )


class ParallelDownload:
    """What a parallel download did: the image's ``info``, ``bytes_read``,
    ``verified_with`` (the algorithm that matched), ``resumes`` (dropped
    ranges resumed) and ``connections`` used (1 when it fell back)."""

    def __init__(self, download: ImageDownload, connections: int):
        self.info = download.info
        self.image_id = download.image_id
        self.size = download.size
        self.verify = download.verify
        self.connections = connections
        self.bytes_read = 0
        self.resumes = 0
        self.verified_with: Optional[str] = None
        self.hashes: Optional[HashSet] = None

    def hexdigests(self) -> Dict[str, str]:
        """The digests of the data written (empty when not verifying)."""
        return self.hashes.hexdigests() if self.hashes is not None else {}


def download_parallel(
    download: ImageDownload, dest: Any, connections: int
) -> Union[ImageDownload, ParallelDownload]:
    """Run ``download`` (not started) into ``dest`` over ``connections`` ranges.

    Small images (one part) and servers that ignore ``Range`` go through the
    ordinary single stream, which is returned then.
    """
    size = download.size
    if not size or len(plan_parts(size, connections)) < 2:
        return download_image(download, dest)
    open_request = download.reader.open_request
    first_end = plan_parts(size, connections)[0][1]
    probe = open_request({"Range": "bytes=0-%d" % (first_end - 1)})
    if probe.status_code != 206:
        logger.info("The server ignored Range (HTTP %d); downloading as one stream", probe.status_code)
        download.reader.open_request = _reusing(probe, open_request)
        return download_image(download, dest)
    result = ParallelDownload(download, connections)
    try:
        if isinstance(dest, (str, os.PathLike)):
            _to_path(result, open_request, probe, os.fspath(dest), download)
        else:
            _to_file(result, open_request, probe, dest, download)
    finally:
        probe.close()
    return result


def _reusing(response: requests.Response, open_request: Opener) -> Opener:
    """An opener answering the first plain GET with ``response`` (already open)."""
    held = [response]

    def open_again(headers: Dict[str, str]) -> requests.Response:
        if held and not headers:
            return held.pop()
        while held:
            held.pop().close()
        return open_request(headers)

    return open_again


def _run(
    result: ParallelDownload,
    open_request: Any,
    probe: requests.Response,
    destination: RandomAccess,
    download: ImageDownload,
) -> None:
    assert result.size is not None
    if result.verify:
        result.hashes = hashes_for(result.info, threaded=False)
    fetch = ParallelFetch(
        open_request,
        result.size,
        destination,
        result.connections,
        hashes=result.hashes,
        chunk_size=download.options.chunk_size,
        max_resumes=download.options.max_resumes,
        progress=download.options.progress,
        first=probe,
    )
    result.connections = fetch.connections
    try:
        fetch.run()
    finally:
        result.bytes_read = fetch.bytes_done
        result.resumes = fetch.resumes
    if result.hashes is None:
        return
    expected = dict(result.info)
    header_md5 = probe.headers.get("Content-MD5")
    if not expected.get("checksum") and header_md5:
        expected["checksum"] = header_md5
    digests = result.hashes.hexdigests()
    result.verified_with = verify_digests(expected, digests, result.bytes_read, result.image_id)


def _to_path(
    result: ParallelDownload, open_request: Any, probe: requests.Response, path: str, download: ImageDownload
) -> None:
    with replacing(path, read_back=True) as handle:
        _run(result, open_request, probe, FileDescriptorAccess(handle.fileno()), download)


def _to_file(
    result: ParallelDownload,
    open_request: Any,
    probe: requests.Response,
    handle: Any,
    download: ImageDownload,
) -> None:
    start = start_position(handle)
    if start is None:
        raise exc.InvalidArgument("connections > 1 needs a seekable file object")
    try:
        _run(result, open_request, probe, FileObjectAccess(handle, start), download)
        handle.seek(start + result.bytes_read)
    except BaseException:
        try:
            handle.seek(start)
            handle.truncate()
        except (OSError, ValueError):
            pass
        raise
