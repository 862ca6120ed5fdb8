"""Image data going up: send a stream to an image, verify the image.

The bytes are read and hashed by :class:`~pyrax_image.transfer.UploadStream`;
this module sends them to ``/images/{id}/file`` (or ``/stage``) and compares
the digests with what the active image reports (the image manager deletes an
image a failed operation left: ``ImageManager.discard``).
"""

from __future__ import annotations

import itertools
import logging
from typing import Any, Dict, Mapping, Optional, Tuple

from pyrax_image import exceptions as exc
from pyrax_image.client import BaseClient
from pyrax_image.image.resources import Image
from pyrax_image.replies import expect_object
from pyrax_image.transfer.bodies import UploadStream, raise_source_error
from pyrax_image.transfer.hashing import verify_digests
from pyrax_image.utils import get_id, quote_segment

SETTLE_SECONDS = 120.0  # how long a failed send may keep the image saving
SETTLE_POLL = 0.25
SETTLE_UNKNOWN_POLLS = 4  # failed status reads before giving up on a resend
logger = logging.getLogger("pyrax_image.data")


def send_image_data(
    http: BaseClient[Any], img: Any, target: str, stream: UploadStream, store: Optional[str] = None
) -> Dict[str, str]:
    """PUT ``stream`` to ``/images/{id}/{target}`` (``file`` or ``stage``),
    into ``store`` of a multi-store cloud if given (``X-Image-Meta-Store``),
    then close it; return the digests of what was sent.

    Resent as the transport's retry policy allows (data that can be read
    again; 429/5xx after its wait), but a send that broke off is resent only
    once Glance has left ``saving``/``uploading``: it may have received part
    of the data and still be writing or discarding it, and a resend then
    meets 409/500. Glance back at ``queued`` gets the data again; an image
    that became ``active`` kept the whole of it, unless it held data before
    (``img`` an :class:`Image` last seen with data) or its size is not the
    number of bytes sent: then Glance refused the send (a 409 lost with the
    connection) and the failure is raised, never taken for a stored upload.
    """
    headers = {"Content-Type": "application/octet-stream"}
    if stream.len is not None:
        headers["x-openstack-image-size"] = str(stream.len)
    if store is not None:
        headers["X-Image-Meta-Store"] = store
    policy = http.transport.retry_policy
    held_data = _held_data(img)
    try:
        image_id = quote_segment(get_id(img))
        uri = "/images/%s/%s" % (image_id, target)
        for attempt in itertools.count():
            try:
                http.method_put(uri, data=stream, headers=headers, retry=False)
                return stream.hexdigests()
            except exc.ClientException as error:
                code = error.code or 0
                wait = policy.status_wait("PUT", code, attempt, stream.rewindable, error.retry_after, None)
                if wait is None:
                    raise
            except exc.ConnectionFailed as failure:
                wait = policy.failure_wait("PUT", failure, attempt, stream.rewindable, None)
                if wait is None:
                    raise
                if stream.bytes_sent:  # Glance may hold part of it: wait until it lets go
                    status, size = _status_after_send(http, "/images/%s" % image_id)
                    if status == "active" and not held_data and _all_sent(stream, size):
                        return stream.hexdigests()
                    if status != "queued":
                        raise
                    logger.info("Resending the data of image %s (Glance has it queued again)", image_id)
            http.transport.sleep(wait)
            stream.rewind()
        raise AssertionError("unreachable")  # pragma: no cover
    except exc.PyraxImageException as error:
        raise_source_error(stream, error)
        raise
    finally:
        stream.close()


def _held_data(img: Any) -> bool:
    """True when ``img`` is an :class:`Image` last seen holding data: Glance
    never takes data into such an image again (active and deactivated do not
    go back to queued), so seeing it active after a send does not mean the
    send was stored."""
    return isinstance(img, Image) and img.to_dict().get("status") in ("active", "deactivated")


def _all_sent(stream: UploadStream, size: Any) -> bool:
    """Whether the whole of ``stream`` went out and an active image reporting
    ``size`` can hold exactly those bytes."""
    if stream.len not in (None, stream.bytes_sent):
        return False
    return not isinstance(size, int) or size == stream.bytes_sent


def _status_after_send(http: BaseClient[Any], image_uri: str) -> Tuple[Optional[str], Any]:
    """The image's status and size once Glance has finished with a send that
    failed (polled while ``saving`` or ``uploading``, for at most
    ``SETTLE_SECONDS``)."""
    waited = 0.0
    for poll in itertools.count():
        size = None
        try:
            response, info = http.method_get(image_uri)
            image = expect_object(info, "The image", response)
            status, size = image.get("status"), image.get("size")
        except (exc.ConnectionFailed, exc.InternalServerError):
            if poll >= SETTLE_UNKNOWN_POLLS:
                return None, None
            status = "saving"  # not known yet: ask again
        if status not in ("saving", "uploading") or waited >= SETTLE_SECONDS:
            return (status if isinstance(status, str) else None), size
        pause = min(SETTLE_POLL * 2**poll, 2.0)
        http.transport.sleep(pause)
        waited += pause
    raise AssertionError("unreachable")  # pragma: no cover


def hashes_to_compute(
    info: Mapping[str, Any], cloud_algo: Optional[str], hash_algo: Optional[str], can_rehash: bool
) -> Tuple[Optional[str], bool]:
    """What to hash while sending so the digest the server will report can be
    compared: ``(algorithm or None, md5)``.

    The image's ``os_hash_algo``, else the one this cloud reported before
    (``cloud_algo``), alone. A multihash cloud that has not said which
    (``os_hash_algo`` present but null, as on a queued image): ``hash_algo``,
    plus MD5 when the source cannot be read again to hash it with another
    algorithm. A cloud without multihash (``checksum`` but no
    ``os_hash_algo``): MD5 alone. Nothing known of the image: both.
    """
    algo = info.get("os_hash_algo") or cloud_algo
    if algo:
        return (None, True) if algo == "md5" else (algo, False)
    if "os_hash_algo" in info:
        return hash_algo, not can_rehash or not hash_algo
    if "checksum" in info:
        return None, True
    return hash_algo, True


def missing_digest(info: Mapping[str, Any], digests: Mapping[str, str]) -> Optional[str]:
    """The algorithm of the digest an active image reports (its multihash,
    else MD5) when ``digests`` lacks it, else None."""
    algo = info.get("os_hash_algo")
    needed = algo if algo and info.get("os_hash_value") else ("md5" if info.get("checksum") else None)
    return needed if needed and needed not in digests else None


def verify_image(image: Any, digests: Dict[str, str], size: int, required: bool = False) -> Optional[str]:
    """Compare what was sent with what an active image reports; raise on mismatch.

    The server's multihash is checked first, then MD5, then the size. Returns
    the algorithm that matched (None when the image reports nothing this side
    could compare, which raises ``ChecksumMismatch`` if ``required``).
    """
    info = image.to_dict()
    image_id = info.get("id")
    return verify_digests(info, digests, size, image_id, required)
