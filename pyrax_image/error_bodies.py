"""What an error reply says: its message and details (JSON, HTML or text,
from Glance, Swift, Keystone or a proxy in front of them), its request id and
its ``Retry-After``.

:func:`pyrax_image.exceptions.from_response` builds the exception from these;
a new error body format is read here, in :func:`message_and_details`.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, List, Optional, Set, Tuple

import requests

from pyrax_image import json_limits

_TAG = re.compile(r"<[^<>]+>")  # not [^>]: "<" * n would be scanned n times
_SPACE = re.compile(r"\s+")
_HIDDEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_HEADING = re.compile(r"<(h1|title)>", re.IGNORECASE)
_RULE = re.compile(r"<hr\b", re.IGNORECASE)


def _clean(text: str) -> str:
    """Strip HTML tags, entities and runs of white space from a message."""
    import html  # html.entities' table is imported when an error needs it, not with pyrax_image

    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def _split_elements(text: str, opening: "re.Pattern[str]") -> Tuple[str, List[str]]:
    """``(text without the elements opened by `opening`, their contents)``.

    Linear in ``text``: each closing tag is looked for once from where it
    could start, and a name never closed is not looked for again (a regex
    such as ``<script>.*?</script>`` rescans the rest of the body for every
    unclosed opening tag, quadratic in a hostile body). An element that is
    never closed is left in the text, as the regex would leave it.
    """
    kept: List[str] = []
    contents: List[str] = []
    unclosed: Set[str] = set()
    position = 0
    start = 0
    while True:
        found = opening.search(text, start)
        if found is None:
            break
        name = found.group(1).lower()
        close = None if name in unclosed else _closing(name).search(text, found.end())
        if close is None:
            unclosed.add(name)
            start = found.end()
            continue
        kept.append(text[position : found.start()])
        contents.append(text[found.end() : close.start()])
        position = start = close.end()
    kept.append(text[position:])
    return " ".join(kept), contents


def _closing(name: str) -> "re.Pattern[str]":
    """The closing tag of element ``name`` (cached by ``re``)."""
    return re.compile("</%s>" % name, re.IGNORECASE)


def _message_from_html(text: str) -> str:
    """Drop the ``<title>``/``<h1>`` status line Glance repeats, keep the rest;
    a proxy page (nginx, Apache) that says nothing more keeps its heading."""
    text, _ = _split_elements(text, _HIDDEN)
    rule = _RULE.search(text)  # the server signature below the rule
    if rule is not None:
        text = text[: rule.start()]
    rest, headings = _split_elements(text, _HEADING)
    return _clean(rest) or (_clean(headings[0]) if headings else "")


def _text_of(response: requests.Response) -> str:
    """The body as text: in its declared charset, else as UTF-8 when it is
    valid UTF-8 (requests assumes Latin-1 for ``text/*`` without a charset)."""
    if "charset=" not in response.headers.get("Content-Type", "").lower():
        try:
            return response.content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return response.text


def message_and_details(response: requests.Response) -> Tuple[Optional[str], Any]:
    """Return ``(message, details)`` from any error body format we know
    (in time linear in the body, whatever it holds)."""
    text = _text_of(response) if response.content else ""
    if not text:
        return None, None
    try:
        body = json_limits.loads(text)
    except ValueError as error:
        if str(error) == json_limits.TOO_DEEP:
            return "The error reply is %s" % json_limits.TOO_DEEP, None
        body = None
    if isinstance(body, dict):
        # Flat webob JSON: {"message": ..., "code": "404 Not Found", "title": ...}
        if "message" in body or "title" in body:
            message = body.get("message") or body.get("title")
            return _clean(str(message)), body.get("details") or body.get("title")
        # Nested faults: {"itemNotFound": {"message": ..., "code": 404}} or
        # Keystone's {"error": {"message": ..., "code": 401, "title": ...}}.
        for value in body.values():
            if isinstance(value, dict) and ("message" in value or "title" in value):
                message = value.get("message") or value.get("title")
                return _clean(str(message)), value.get("details")
        return None, body
    if "<" in text and ">" in text:
        return _message_from_html(text) or None, None
    return _clean(text) or None, None


def retry_after(response: requests.Response) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (seconds or HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def request_id_of(response: requests.Response) -> Optional[str]:
    """The request id a server put on a response, if any."""
    headers = response.headers
    return (
        headers.get("x-openstack-request-id")
        or headers.get("x-compute-request-id")
        or headers.get("x-trans-id")
    )
