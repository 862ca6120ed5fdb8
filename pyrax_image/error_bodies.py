"""What an error reply says: its message and details (JSON, HTML or text,
from Glance, Swift, Keystone or a proxy in front of them), its request id and
its ``Retry-After``.

:func:`pyrax_image.exceptions.from_response` builds the exception from these;
a new error body format is read here, in :func:`message_and_details`.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Optional, Tuple

import requests

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    """Strip HTML tags, entities and runs of white space from a message."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def _message_from_html(text: str) -> str:
    """Drop the ``<title>``/``<h1>`` status line Glance repeats, keep the rest;
    a proxy page (nginx, Apache) that says nothing more keeps its heading."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"(?is)<hr\b.*", " ", text)  # the server signature below the rule
    heading = re.search(r"(?is)<(h1|title)>(.*?)</\1>", text)
    rest = _clean(re.sub(r"(?is)<(title|h1)>.*?</\1>", " ", text))
    return rest or (_clean(heading.group(2)) if heading else "")


def message_and_details(response: requests.Response) -> Tuple[Optional[str], Any]:
    """Return ``(message, details)`` from any error body format we know."""
    text = response.text if response.content else ""
    if not text:
        return None, None
    try:
        body = json.loads(text)
    except ValueError:
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
