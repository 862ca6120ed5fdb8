"""pyrax's small helpers (ids, names, waiting) and URL path quoting."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterable, Optional, Union
from urllib.parse import quote

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_encodable
from pyrax_image.statuses import TERMINAL_STATES

MAX_ID_LENGTH = 255  # Glance's ids are 36 characters, project ids at most 64


def get_id(id_or_obj: Any) -> str:
    """The id of a resource, or the value itself when it already is one
    (a string or an integer; anything else must have an ``id``)."""
    found = id_or_obj if _is_id(id_or_obj) else getattr(id_or_obj, "id", None)
    if not _is_id(found):
        raise exc.InvalidArgument("%s is not an id and has no id" % _kind(id_or_obj))
    value = str(found)
    if not value:
        raise exc.EmptyId()
    if len(value) > MAX_ID_LENGTH or any(char in value for char in "\x00\r\n"):
        raise exc.InvalidArgument("%r is not a valid id" % (value[:40],))
    return check_encodable("An id", value)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _kind(value: Any) -> str:
    """How a wrong value is named in an error: its type, and the value when short."""
    shown = repr(value) if isinstance(value, (int, float, bool, type(None))) else ""
    return "%s %s" % (type(value).__name__, shown) if shown else "A %s" % type(value).__name__


def get_name(name_or_obj: Any) -> str:
    """The name of a resource, or the value itself when it already is one."""
    if isinstance(name_or_obj, str):
        return name_or_obj
    name = getattr(name_or_obj, "name", None)
    if name is None:
        raise exc.MissingName("%r has no name" % (name_or_obj,))
    return str(name)


def to_bool(value: Any) -> bool:
    """A setting's truth: "1", "true", "yes", "on" (any case) for text, else ``bool``."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def quote_segment(value: Any) -> str:
    """Percent-encode one URL path segment; ``/``, ``?`` and ``#`` included."""
    text = str(value)
    if not text:
        raise exc.InvalidArgument("An empty value cannot be used in a URL path")
    if text in (".", ".."):
        # Dot segments are removed by URL normalisation (requests, proxies),
        # so /images/.. would address /v2/ instead: refuse rather than misroute.
        raise exc.InvalidArgument("%r cannot be used as a URL path segment" % text)
    return quote(check_encodable("A URL path segment", text), safe="")


def wait_until(
    obj: Any,
    att: str,
    desired: Any,
    callback: Optional[Callable[[Any], None]] = None,
    interval: float = 5,
    attempts: int = 0,
    verbose: bool = False,
    verbose_atts: Optional[Iterable[str]] = None,
) -> Any:
    """Reload ``obj`` until ``att`` is one of ``desired`` or a terminal state.

    ``attempts=0`` polls without limit. With a ``callback`` the wait runs in a
    thread, the call returns that thread, and ``callback(obj)`` is called at
    the end; otherwise the reloaded object is returned.
    """
    # As in pyrax, one value (of any type, e.g. progress 100) or a list of them.
    single = isinstance(desired, (str, bytes)) or not hasattr(desired, "__iter__")
    wanted = {desired} if single else set(desired)
    if callback is not None:
        thread = threading.Thread(
            target=lambda: callback(_wait(obj, att, wanted, interval, attempts, verbose, verbose_atts)),
            daemon=True,
        )
        thread.start()
        return thread
    return _wait(obj, att, wanted, interval, attempts, verbose, verbose_atts)


def _wait(
    obj: Any,
    att: str,
    wanted: set[Any],
    interval: float,
    attempts: int,
    verbose: bool,
    verbose_atts: Optional[Iterable[str]],
) -> Any:
    count = 0
    while True:
        obj.reload()
        value = getattr(obj, att, None)
        if verbose:
            shown = [att] + list(verbose_atts or [])
            print(", ".join("%s=%s" % (name, getattr(obj, name, None)) for name in shown))
        if value in wanted or (att == "status" and value in TERMINAL_STATES):
            return obj
        count += 1
        if attempts and count >= attempts:
            return obj
        time.sleep(interval)


def wait_for_build(
    obj: Any,
    att: str = "status",
    desired: Union[str, Iterable[str]] = ("active", "success", "error", "killed", "failure"),
    callback: Optional[Callable[[Any], None]] = None,
    interval: float = 5,
    attempts: int = 0,
    verbose: bool = False,
    verbose_atts: Optional[Iterable[str]] = None,
) -> Any:
    """pyrax's shortcut: wait until an image or task finishes building."""
    return wait_until(obj, att, desired, callback, interval, attempts, verbose, verbose_atts)
