"""The filters of an image listing, declared once, and the query they make.

:data:`IMAGE_FILTERS` holds pyrax's ten named filters, in pyrax's positional
order, each with its local check (so a typo fails before any request). It
drives :func:`image_query` (keyword-only) and, through
:func:`takes_image_filters`, the parameters of ``ImageClient.list``/
``list_all`` and ``ImageManager.list``. Every other filter Glance knows (and
any custom property) is sent to the server as given, never dropped.
"""

from __future__ import annotations

import functools
import types
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, TypeVar, cast

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.statuses import IMAGE_STATUSES, MEMBER_STATUS_FILTERS

VISIBILITIES = frozenset(("public", "private", "shared", "community", "all"))
SORT_DIRS = frozenset(("asc", "desc"))
# The sort keys Glance v2 accepts (glance/api/v2/images.py _available_sort_keys).
SORT_KEYS = frozenset(
    ("name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at")
)
# What any other filter value may be: sent as text (booleans as true/false).
_SCALARS = (str, int, float, bool)

F = TypeVar("F", bound=Callable[..., Any])


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise exc.InvalidArgument("%s must be a non-empty string, not %r" % (field, value))
    return value


def _choice(allowed: Iterable[str]) -> Callable[[str, Any], str]:
    def check(field: str, value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise exc.InvalidArgument(
                "%s must be one of %s, not %r" % (field, ", ".join(sorted(allowed)), value)
            )
        return str(value)

    return check


def _tags(field: str, value: Any) -> List[str]:
    if not isinstance(value, (str, list, tuple, set, frozenset)):
        raise exc.InvalidArgument(
            "%s must be a string or a list of strings, not %s" % (field, type(value).__name__)
        )
    tags = [value] if isinstance(value, str) else list(value)
    return [_text(field, tag) for tag in tags]


def _status(field: str, value: Any) -> str:
    """One image status, or Glance's ``in:a,b`` of several."""
    text = _text(field, value)
    names = text[3:].split(",") if text.startswith("in:") else [text]
    unknown = [name for name in names if name not in IMAGE_STATUSES]
    if unknown:
        raise exc.InvalidArgument(
            "%s must be one of %s, not %r" % (field, ", ".join(sorted(IMAGE_STATUSES)), unknown[0])
        )
    return text


def _sort_list(allowed: Iterable[str]) -> Callable[[str, Any], Any]:
    """One sort key (or direction), or a list of them: sent repeated
    (``sort_key=name&sort_key=size``), Glance pairing each with its direction."""
    one = _choice(allowed)

    def check(field: str, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if not value:
                raise exc.InvalidArgument("%s cannot be an empty list" % field)
            return [one(field, item) for item in value]
        return one(field, value)

    return check


def _sort(value: Any) -> str:
    """Glance's ``sort=key[:dir],key[:dir]`` string, each part checked."""
    text = _text("sort", value)
    for part in text.split(","):
        key, _, direction = part.strip().partition(":")
        _choice(SORT_KEYS)("sort key", key)
        if direction:
            _choice(SORT_DIRS)("sort direction", direction)
    return text


def _scalar(field: str, value: Any) -> str:
    """Any other filter's value as sent: text, a number, or true/false."""
    if not isinstance(value, _SCALARS):
        raise exc.InvalidArgument(
            "The %s filter must be a string, number or boolean, not %s" % (field, type(value).__name__)
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _size(field: str, value: Any) -> int:
    return check_int(field, value, digits=True)


def _as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


class ImageFilter(NamedTuple):
    """One named filter: its query parameter and how its value is checked
    and encoded (``encode(name, value)``, raising ``InvalidArgument``)."""

    name: str
    encode: Callable[[str, Any], Any]


IMAGE_FILTERS = (
    ImageFilter("name", _text),
    ImageFilter("visibility", _choice(VISIBILITIES)),
    ImageFilter("member_status", _choice(MEMBER_STATUS_FILTERS)),
    ImageFilter("owner", _text),
    ImageFilter("tag", _tags),
    ImageFilter("status", _status),
    ImageFilter("size_min", _size),
    ImageFilter("size_max", _size),
    ImageFilter("sort_key", _sort_list(SORT_KEYS)),
    ImageFilter("sort_dir", _sort_list(SORT_DIRS)),
)
FILTER_NAMES = tuple(spec.name for spec in IMAGE_FILTERS)


def image_query(**filters: Any) -> Dict[str, Any]:
    """The query parameters of a listing: the named filters checked, then
    any other filter (``os_hidden``, ``protected``, ``created_at="gte:..."``,
    ``sort``, custom properties) as given; None means "not filtered"."""
    params: Dict[str, Any] = {}
    for spec in IMAGE_FILTERS:
        value = filters.pop(spec.name, None)
        if value is not None:
            params[spec.name] = spec.encode(spec.name, value)
    if "sort" in filters and ("sort_key" in params or "sort_dir" in params):
        raise exc.InvalidArgument("Use either sort or sort_key/sort_dir, not both")
    directions = params.get("sort_dir")
    if isinstance(directions, list) and len(directions) > len(_as_list(params.get("sort_key"))):
        raise exc.InvalidArgument("More sort_dir than sort_key values")
    for key, item in filters.items():
        if item is None:
            continue
        if key == "sort":
            params[key] = _sort(item)
        elif isinstance(item, (list, tuple)):
            params[key] = [_scalar(key, value) for value in item]
        else:
            params[key] = _scalar(key, item)
    return params


class _WithFilters:
    """``method`` taking the named filters as further positional parameters.

    A callable bound like a function (a descriptor), not a closure, so that
    its signature is built only when asked for (``help``, ``inspect``):
    ``inspect`` takes longer to import than the rest of a first ``list()``.
    """

    def __init__(self, method: Callable[..., Any]):
        functools.update_wrapper(self, method)
        self._method = method
        self._positional = method.__code__.co_argcount  # its own positional parameters, self included

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        return self if instance is None else types.MethodType(self, instance)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        own, extra = args[: self._positional], args[self._positional :]
        if len(extra) > len(FILTER_NAMES):
            raise TypeError(
                "%s() takes at most %d positional arguments"
                % (self._method.__name__, self._positional + len(FILTER_NAMES))
            )
        for name, value in zip(FILTER_NAMES, extra):
            if name in kwargs:
                raise TypeError("%s() got multiple values for argument %r" % (self._method.__name__, name))
            kwargs[name] = value
        return self._method(*own, **kwargs)

    @property
    def __signature__(self) -> Any:
        """The method's signature with the named filters after its positional parameters."""
        import inspect

        signature = inspect.signature(self._method)
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        own = [p for p in signature.parameters.values() if p.kind is kind]
        rest = [p for p in signature.parameters.values() if p.kind is not kind]
        named = [inspect.Parameter(name, kind, default=None) for name in FILTER_NAMES]
        return signature.replace(parameters=own + named + rest)


def takes_image_filters(method: F) -> F:
    """Give ``method(self, <its positional parameters>, **filters)`` the named
    filters as further positional parameters, in pyrax's order; its
    signature (``help``, ``inspect``) lists them."""
    return cast(F, _WithFilters(method))
