"""Checks of the shape of a server's reply: objects, lists, strings, dates.

A reply of the wrong shape raises :class:`~pyrax_image.exceptions.InvalidResponse`
carrying the status, method, URL and request id of the response; the message
says what was expected and what came, never the body itself (it may hold
secrets).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import requests

from pyrax_image import exceptions as exc
from pyrax_image import json_limits
from pyrax_image.error_bodies import request_id_of


def invalid(response: Optional[requests.Response], message: str) -> exc.InvalidResponse:
    """The InvalidResponse for ``response`` (not raised here)."""
    if response is None:
        return exc.InvalidResponse(message=message)
    request = response.request
    return exc.InvalidResponse(
        code=response.status_code,
        message=message,
        request_id=request_id_of(response),
        method=request.method if request is not None else None,
        url=response.url or None,
    )


def kind_of(value: Any) -> str:
    """A JSON-ish name for the type of ``value`` (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def json_document(response: requests.Response, what: str) -> Any:
    """The JSON body of ``response``, whatever its Content-Type."""
    if not response.content:
        raise invalid(response, "%s: the reply is empty, JSON was expected" % what)
    try:
        return json_limits.response_json(response)
    except ValueError as error:
        raise invalid(
            response, "%s: the reply is %s" % (what, json_limits.problem(error, "not JSON"))
        ) from None


def expect_object(body: Any, what: str, response: Optional[requests.Response] = None) -> Dict[str, Any]:
    """``body`` if it is a JSON object."""
    if not isinstance(body, dict):
        raise invalid(response, "%s: expected an object, got %s" % (what, kind_of(body)))
    return body


def expect_objects(
    body: Any, what: str, response: Optional[requests.Response] = None
) -> List[Dict[str, Any]]:
    """``body`` if it is a list of JSON objects."""
    if not isinstance(body, list):
        raise invalid(response, "%s: expected a list, got %s" % (what, kind_of(body)))
    for number, entry in enumerate(body):
        if not isinstance(entry, dict):
            raise invalid(response, "%s: entry %d is %s, not an object" % (what, number, kind_of(entry)))
    return body


def optional_text(
    body: Dict[str, Any], key: str, what: str, response: Optional[requests.Response] = None
) -> Optional[str]:
    """``body[key]`` if it is absent, null or a string."""
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise invalid(response, "%s: '%s' is %s, not a string" % (what, key, kind_of(value)))
    return value


def parse_timestamp(
    value: Any, what: str = "timestamp", response: Optional[requests.Response] = None
) -> Optional[datetime]:
    """An ISO 8601 timestamp of a reply as a timezone-aware datetime in the
    zone it names (UTC when it names none); None stays None. Anything else
    (another type, free text such as "yesterday") is an InvalidResponse: the
    package's one timestamp parser (``display.lenient_timestamp`` wraps it)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid(response, "%s is %s, not a date" % (what, kind_of(value)))
    from dateutil import (
        parser as date_parser,  # here: importing dateutil costs more than the rest of a list()
    )

    try:
        parsed = date_parser.isoparse(value)
    except (ValueError, OverflowError):
        raise invalid(response, "%s is not a date" % what) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
