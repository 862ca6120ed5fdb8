"""Request and response bodies: what can be sent again, and reading a reply
under a deadline.

:class:`RequestBody` knows whether a body can be resent (bytes, seekable
files) or only sent once (iterators). :func:`read_body` reads a whole reply
body, checking the call's deadline after every read, so a server trickling a
byte at a time cannot hold a call forever; :func:`iter_body` does the same
for a streamed download that wants an overall deadline.
"""

from __future__ import annotations

import http.client
import time
from typing import TYPE_CHECKING, Any, Iterator, List, Optional

import requests
import urllib3

from pyrax_image import exceptions as exc
from pyrax_image.exceptions import BodyCut, DeadlinePassed, ReplyTooLarge

if TYPE_CHECKING:  # imported for streamed bodies only
    from pyrax_image.transfer.bodies import RewindableBody

READ_SIZE = 64 * 1024
SMALL_BODY = 1024 * 1024  # larger bytes bodies are uploads: no call deadline while they are sent
# A Glance page of 1,000 images is ~2 MiB, a Keystone catalog well under 1 MiB.
DEFAULT_MAX_REPLY_BYTES = 32 * 1024 * 1024


class RequestBody:
    """A request body and how to send it again: bytes resend as they are,
    seekable files are rewound, anything else (an iterator) only once."""

    def __init__(self, data: Any):
        self.data = data
        in_memory = data is None or isinstance(data, (bytes, str))
        self._start: Optional[int] = None
        self._rewindable: Optional[RewindableBody] = None
        if not in_memory:  # a stream: the transfer layer is loaded only for those
            from pyrax_image.transfer.bodies import RewindableBody
            from pyrax_image.transfer.sources import start_position

            self._start = start_position(data)
            self._rewindable = data if isinstance(data, RewindableBody) else None  # checked once: it is slow
        self._sent = False

    @property
    def rewindable(self) -> bool:
        """True if the body can be sent again from its start."""
        if self._rewindable is not None:
            return self._rewindable.rewindable
        return self.data is None or isinstance(self.data, (bytes, str)) or self._start is not None

    @property
    def small(self) -> bool:
        """True for no body or a short one in memory (a JSON document, not an upload)."""
        return self.data is None or (isinstance(self.data, (bytes, str)) and len(self.data) <= SMALL_BODY)

    def payload(self) -> Any:
        """The body ready to send, rewound if it was sent before."""
        if self._sent:
            if not self.rewindable:
                raise exc.BodyNotRewindable(
                    "The request must be sent again but its streamed body was already "
                    "consumed; pass bytes or a seekable file to allow a resend."
                )
            if self._start is not None:
                self.data.seek(self._start)
            elif self._rewindable is not None:
                self._rewindable.rewind()
        self._sent = True
        return self.data


def iter_body(
    response: requests.Response, chunk_size: int = READ_SIZE, deadline_at: Optional[float] = None
) -> Iterator[bytes]:
    """The decoded body of a streamed ``response`` in pieces of at most
    ``chunk_size`` bytes, as they arrive.

    ``deadline_at`` (a ``time.monotonic()`` value) ends the read with
    :class:`DeadlinePassed` once passed; a broken or short body raises
    :class:`BodyCut`; a silent server raises ``requests``' ``ReadTimeout``
    after the per-read timeout.
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # urllib3 2: returns what arrived, without waiting for more
    try:
        while True:
            if read1 is not None:
                chunk = read1(chunk_size, decode_content=True)
            else:  # urllib3 1.26: waits for a whole chunk, so the deadline is checked less often
                chunk = raw.read(chunk_size, decode_content=True)
            if not chunk:
                return
            yield chunk
            if deadline_at is not None and time.monotonic() > deadline_at:
                raise DeadlinePassed()
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.exceptions.ReadTimeout(error) from None
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as error:
        raise BodyCut(error) from None


def read_body(
    response: requests.Response, deadline_at: Optional[float], limit: Optional[int] = None
) -> bytes:
    """Read all of ``response``'s body (kept as ``response.content``) before
    ``deadline_at``; closes the response and re-raises if that fails.

    Past ``limit`` decoded bytes (urllib3 inflates ``gzip`` bodies by pieces,
    so a bomb stops there too) it closes the response and raises
    :class:`ReplyTooLarge`.
    """
    if getattr(response, "_content_consumed", False):  # already read (by a response hook)
        return response.content
    parts: List[bytes] = []
    size = 0
    try:
        for chunk in iter_body(response, READ_SIZE, deadline_at):
            size += len(chunk)
            if limit is not None and size > limit:
                raise ReplyTooLarge(limit)
            parts.append(chunk)
    except BaseException:
        parts.clear()
        response.close()
        raise
    content = b"".join(parts)
    response._content = content  # what requests itself does after reading
    response._content_consumed = True  # type: ignore[attr-defined]
    return content
