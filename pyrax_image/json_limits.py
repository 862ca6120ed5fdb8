"""JSON from a server, parsed under a nesting limit.

A hostile reply such as ``"[" * 100000`` makes ``json.loads`` raise a raw
``RecursionError`` (and a document nested just under that still makes every
recursive walk of it fragile). :func:`loads` and :func:`response_json`
refuse any document nested deeper than :data:`MAX_JSON_DEPTH` with a
``ValueError`` whose text is :data:`TOO_DEEP`, so every caller that already
treats malformed JSON as a bad reply treats this one the same way.
"""

from __future__ import annotations

import json
from typing import Any, List

import requests

MAX_JSON_DEPTH = 100  # Glance, Keystone and Swift documents nest fewer than 10 levels
TOO_DEEP = "JSON nested more than %d levels deep (the nesting limit)" % MAX_JSON_DEPTH


def loads(text: str) -> Any:
    """``json.loads(text)``; ValueError(:data:`TOO_DEEP`) past the nesting limit."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    return _within_limit(value)


def response_json(response: requests.Response) -> Any:
    """``response.json()`` (its encoding rules); ValueError(:data:`TOO_DEEP`) past the nesting limit."""
    try:
        value = response.json()
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    return _within_limit(value)


def problem(error: ValueError, otherwise: str) -> str:
    """What was wrong with a document that did not parse: the nesting, or ``otherwise``."""
    return TOO_DEEP if str(error) == TOO_DEEP else otherwise


def _within_limit(value: Any) -> Any:
    """``value`` if no container in it is deeper than the limit (walked level
    by level, without recursion: a listing page of 1,000 images costs ~2 ms)."""
    level: List[Any] = [value] if isinstance(value, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_JSON_DEPTH:
            raise ValueError(TOO_DEEP)
        below: List[Any] = []
        for node in level:
            for child in node.values() if isinstance(node, dict) else node:
                if isinstance(child, _CONTAINERS):
                    below.append(child)
        level = below
    return value


_CONTAINERS = (dict, list)
