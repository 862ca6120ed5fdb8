"""BaseResource: an attribute bag over one API object, as in pyrax."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable, ClassVar, Dict, Iterable, List, Optional, Set, Tuple, TypeVar
from urllib.parse import parse_qs, urlsplit

from pyrax_image import exceptions as exc
from pyrax_image.display import lenient_timestamp, short_id
from pyrax_image.secrets import hide_url_secrets

# (resource class, API member name) -> may it become an attribute?
_ATTRIBUTE_KEYS: Dict[Tuple[type, Any], bool] = {}
_ATTRIBUTE_KEYS_MAX = 10000
# resource class -> the member names known to be attributes: a body holding
# only those becomes attributes in one step (a listing builds thousands).
_SAFE_KEYS: Dict[type, Set[str]] = {}
T = TypeVar("T")


class BaseResource:
    """One API object; its JSON members become attributes.

    A member whose name collides with a method (say a custom property called
    ``update``) stays reachable as ``resource["update"]``. Reading a missing
    public attribute of a resource that is not ``loaded`` fetches it once;
    resources built from a list reply are ``loaded`` when ``listed_complete``
    (the list entries carry every member, as Glance v2's images do).
    """

    HUMAN_ID: ClassVar[bool] = False
    NAME_ATTR: ClassVar[str] = "name"
    get_details: ClassVar[bool] = True
    listed_complete: ClassVar[bool] = False
    _non_display: ClassVar[Iterable[str]] = ()

    def __init__(self, manager: Any, info: Dict[str, Any], key: Optional[str] = None, loaded: bool = False):
        self._loaded = loaded
        self.manager = manager
        if key:
            info = info[key]
        self._info: Dict[str, Any] = {}
        self._add_details(info)

    def _add_details(self, info: Dict[str, Any]) -> None:
        """Merge an API body into this resource's attributes."""
        self._info.update(info)
        safe = _SAFE_KEYS.get(type(self))
        if safe is not None and safe.issuperset(info):
            self.__dict__.update(info)
            return
        for key, value in info.items():
            if self._is_attribute(key):
                self.__dict__[key] = value

    def _is_attribute(self, key: Any) -> bool:
        """True if API member ``key`` may become an attribute: never one that
        would shadow a method, the manager or the private state."""
        known = _ATTRIBUTE_KEYS.get((type(self), key))  # memoised: lists build many resources
        if known is None:
            known = (
                isinstance(key, str)
                and key.isidentifier()
                and not key.startswith("_")
                and key != "manager"
                and not hasattr(type(self), key)
            )
            if len(_ATTRIBUTE_KEYS) < _ATTRIBUTE_KEYS_MAX:
                _ATTRIBUTE_KEYS[(type(self), key)] = known
                if known:
                    _SAFE_KEYS.setdefault(type(self), set()).add(key)
        return known

    def replace_details(self, info: Dict[str, Any]) -> None:
        """Make this resource reflect ``info`` (a fresh API body) exactly,
        dropping members it no longer has."""
        for key in list(self._info):
            if key not in info and self._is_attribute(key):
                self.__dict__.pop(key, None)
        self._info = {}
        self._add_details(info)

    def __getattr__(self, key: str) -> Any:
        # Only called for attributes not found normally. Never fetch for
        # private or dunder names (copy, pickle and IPython probe those).
        if key.startswith("_") or key == "manager":
            raise AttributeError(key)
        if not self._loaded and self.get_details and self._id() is not None:
            self.get()
            if key in self.__dict__:
                return self.__dict__[key]
        raise AttributeError("%s has no attribute %r" % (type(self).__name__, key))

    def _id(self) -> Optional[str]:
        """The value that identifies this object to the API."""
        return self._info.get("id")

    def __getitem__(self, key: str) -> Any:
        return self._info[key]

    def __contains__(self, key: object) -> bool:
        return key in self._info

    def to_dict(self) -> Dict[str, Any]:
        """A copy of the API body this resource was built from."""
        return dict(self._info)

    @property
    def human_id(self) -> Optional[str]:
        """A slug of the name, for resources that set ``HUMAN_ID``."""
        if not self.HUMAN_ID:
            return None
        name = self._info.get(self.NAME_ATTR)
        if name is None:
            return None
        slug = re.sub(r"[^\w\s-]", "", str(name)).strip().lower()
        return re.sub(r"[-\s]+", "-", slug)

    @property
    def loaded(self) -> bool:
        """True once the full object has been fetched from the server."""
        return self._loaded

    @loaded.setter
    def loaded(self, value: bool) -> None:
        self._loaded = value

    def get(self) -> BaseResource:
        """Fetch this object again and refresh its attributes."""
        self._loaded = True
        fresh = self.manager.get(self)
        if fresh is not None:
            self.replace_details(fresh._info)
        return self

    reload = get

    def delete(self) -> None:
        """Delete this object on the server."""
        self.manager.delete(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        if self._id() is not None and other._id() is not None:
            return self._id() == other._id()
        return self._info == other._info

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._id()))

    @property
    def created_at_dt(self) -> Optional[datetime]:
        """``created_at`` as a timezone-aware datetime (None when absent)."""
        return lenient_timestamp(self._info.get("created_at"))

    @property
    def updated_at_dt(self) -> Optional[datetime]:
        """``updated_at`` as a timezone-aware datetime (None when absent)."""
        return lenient_timestamp(self._info.get("updated_at"))

    def _repr_parts(self) -> List[str]:
        """The words of the short repr after the class name."""
        parts = []
        if self._id() is not None:
            parts.append(short_id(self._id()))
        name = self._info.get(self.NAME_ATTR)
        if name is not None:
            parts.append(repr(name))
        if self._info.get("status"):
            parts.append(str(self._info["status"]))
        return parts

    def __repr__(self) -> str:
        # Short, from what is held (never a request); to_dict() has the body.
        # Redacted in case a subclass shows a URL carrying a temp-URL signature.
        return hide_url_secrets("<%s>" % " ".join([type(self).__name__] + self._repr_parts()))


class ResourceList(List[T]):
    """One page of resources (a plain ``list``) that knows whether the
    server offered another page (``has_more``, ``next_marker``) and fetches
    it (``next_page()``)."""

    def __init__(
        self,
        items: Iterable[T] = (),
        next_link: Optional[str] = None,
        fetch: Optional[Callable[[str], ResourceList[T]]] = None,
    ):
        super().__init__(items)
        self.next_link = next_link if isinstance(next_link, str) and next_link else None
        self._fetch = fetch

    @property
    def has_more(self) -> bool:
        """True when the reply linked a next page (Glance links one whenever
        a page is full, so the next page may turn out empty)."""
        return self.next_link is not None

    @property
    def next_marker(self) -> Optional[str]:
        """The ``marker`` to pass to ``list()`` for the next page, or None."""
        if self.next_link is None:
            return None
        markers = parse_qs(urlsplit(self.next_link).query).get("marker")
        return markers[0] if markers else None

    def next_page(self) -> ResourceList[T]:
        """The next page, from the server's ``next`` link (same filters and
        page size); an empty list when there is none."""
        if self.next_link is None:
            return ResourceList()
        if self._fetch is None:
            raise exc.InvalidArgument(
                "This list was not returned by a listing, so it cannot fetch the next page"
            )
        return self._fetch(self.next_link)

    def __reduce__(self) -> Any:
        # Pickled as its items and link: the fetcher would drag in the client.
        return (ResourceList, (list(self), self.next_link))
