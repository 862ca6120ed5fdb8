"""IMAGE arguments: an id, or a name that exactly one visible image has."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from pyrax_image import exceptions as exc
from pyrax_image.image.client import ImageClient
from pyrax_image.image.resources import Image

_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE)
TYPED_ATTRIBUTES = {"min_disk": int, "min_ram": int, "protected": bool, "os_hidden": bool}
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def find_image(client: ImageClient, value: str) -> Image:
    """The image whose id is ``value``, else the only one named ``value``
    (shared images of any member status included). NotFound / NoUniqueMatch."""
    by_id = None
    if _UUID.match(value):
        try:
            return client.get(value)
        except exc.NotFound as error:
            by_id = error
    named = list(client.iter_all(name=value, member_status="all"))
    if not named:
        raise by_id or exc.NotFound(message="no image with id or name %r" % value)
    if len(named) > 1:
        ids = ", ".join(image.id for image in named)
        raise exc.NoUniqueMatch(message="%d images are named %r (%s): give an id" % (len(named), value, ids))
    return named[0]


def parse_pairs(pairs: List[str], option: str) -> Dict[str, Any]:
    """``["k=v", ...]`` to a dict; the few integer and boolean attributes typed."""
    result: Dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise exc.InvalidArgument("%s wants KEY=VALUE, not %r" % (option, pair))
        result[key] = typed_value(key, value)
    return result


def typed_value(key: str, value: str) -> Any:
    """``value`` converted for the core attributes that are not strings."""
    kind = TYPED_ATTRIBUTES.get(key)
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise exc.InvalidArgument("%s must be an integer, not %r" % (key, value)) from None
    if kind is bool:
        if value.lower() not in _BOOLEANS:
            raise exc.InvalidArgument("%s must be true or false, not %r" % (key, value))
        return _BOOLEANS[value.lower()]
    return value
