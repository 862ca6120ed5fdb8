"""The filters of an image listing, declared once, the query they make and
the listing methods that take them.

:data:`IMAGE_FILTERS` holds pyrax's ten named filters, in pyrax's positional
order, each with its type, its local check (so a typo fails before any
request) and its command-line form. It drives :func:`image_query` and the
``pyrax-image list`` options. The listing methods are defined here too
(:class:`ImagePages` for ``ImageManager``, :class:`ImageListing` for
``ImageClient``), writing the same filters as typed parameters that IDEs and
type checkers read (checked against :data:`IMAGE_FILTERS` by a test), so a
new filter is a change to this module only. Every other filter Glance knows
(and any custom property) is sent to the server as given, never dropped.
"""

from __future__ import annotations

from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
    cast,
)

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_int
from pyrax_image.image.resources import Image
from pyrax_image.manager import BaseManager, page_params
from pyrax_image.resource import ResourceList
from pyrax_image.statuses import IMAGE_STATUSES, MEMBER_STATUS_FILTERS

VISIBILITIES = ("public", "private", "shared", "community", "all")
SORT_DIRS = ("asc", "desc")
# The sort keys Glance v2 accepts (glance/api/v2/images.py _available_sort_keys).
SORT_KEYS = ("name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at")
# What any other filter value may be: sent as text (booleans as true/false).
_SCALARS = (str, int, float, bool)


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise exc.InvalidArgument("%s must be a non-empty string, not %r" % (field, value))
    return value


def choice(allowed: Iterable[str]) -> Callable[[str, Any], str]:
    """The check of a filter taking one of ``allowed`` (listed sorted)."""
    listed = sorted(allowed)
    return lambda field, value: check_choice(field, value, listed)


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
    one = choice(allowed)

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
        choice(SORT_KEYS)("sort key", key)
        if direction:
            choice(SORT_DIRS)("sort direction", direction)
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
    """One named filter of a listing (pyrax's image filters; the task
    filters of ``image/tasks.py``): its parameter, the type the listing
    methods declare for it, how its value is checked and encoded
    (``encode(name, value)``, raising ``InvalidArgument``), and what the
    command line offers (``choices``, ``metavar``; ``repeatable`` for
    ``--tag a --tag b``)."""

    name: str
    annotation: str
    encode: Callable[[str, Any], Any]
    help: str
    choices: Tuple[str, ...] = ()
    repeatable: bool = False
    metavar: str = ""


# pyrax's named filters, in pyrax's positional order. The listing methods
# below (ImagePages.list, ImageListing.list/list_all/iter_all) write them
# as typed parameters, so IDEs and type checkers read them;
# tests/unit/test_listing_declared.py fails if a signature and this disagree.
IMAGE_FILTERS = (
    ImageFilter("name", "Optional[str]", _text, "only images with exactly this name"),
    ImageFilter(
        "visibility",
        "Optional[str]",
        choice(VISIBILITIES),
        "only images of this visibility: public, private, shared, community, or all",
        VISIBILITIES,
    ),
    ImageFilter(
        "member_status",
        "Optional[str]",
        choice(MEMBER_STATUS_FILTERS),
        "shared images by your answer: pending, accepted, rejected, or all",
        tuple(sorted(MEMBER_STATUS_FILTERS)),
    ),
    ImageFilter("owner", "Optional[str]", _text, "only images owned by this project id", metavar="PROJECT"),
    ImageFilter(
        "tag",
        "Union[str, Sequence[str], None]",
        _tags,
        "only images having this tag (repeat: every tag)",
        (),
        True,
    ),
    ImageFilter(
        "status",
        "Optional[str]",
        _status,
        "only images in this status: %s (or in:a,b)" % ", ".join(sorted(IMAGE_STATUSES)),
        metavar="STATUS",
    ),
    ImageFilter(
        "size_min", "Optional[int]", _size, "only images of at least this many bytes", metavar="BYTES"
    ),
    ImageFilter(
        "size_max", "Optional[int]", _size, "only images of at most this many bytes", metavar="BYTES"
    ),
    ImageFilter(
        "sort_key",
        "Union[str, Sequence[str], None]",
        _sort_list(SORT_KEYS),
        "sort by: %s (repeat for several)" % ", ".join(sorted(SORT_KEYS)),
        SORT_KEYS,
        True,
        "KEY",
    ),
    ImageFilter(
        "sort_dir",
        "Union[str, Sequence[str], None]",
        _sort_list(SORT_DIRS),
        "asc or desc (default desc), one per --sort-key",
        SORT_DIRS,
        True,
    ),
)
FILTER_NAMES = tuple(spec.name for spec in IMAGE_FILTERS)
# The page iter_all asks for: Glance's default api_limit_max. A server capping
# lower serves fewer per page (silently), and its ``next`` links still page on.
ALL_PAGE_SIZE = 1000


def given(arguments: Mapping[str, Any], filters: Sequence[ImageFilter] = IMAGE_FILTERS) -> Dict[str, Any]:
    """The named ``filters`` among a listing method's ``locals()``, so that
    each method passes them on without writing their names again."""
    return {spec.name: arguments[spec.name] for spec in filters}


def encoded(filters: Sequence[ImageFilter], values: Dict[str, Any]) -> Dict[str, Any]:
    """The query parameters of the named ``filters`` given in ``values``
    (each checked; None means "not filtered"), taken out of ``values``."""
    params: Dict[str, Any] = {}
    for spec in filters:
        value = values.pop(spec.name, None)
        if value is not None:
            params[spec.name] = spec.encode(spec.name, value)
    return params


def image_query(**filters: Any) -> Dict[str, Any]:
    """The query parameters of a listing: the named filters checked, then
    any other filter (``os_hidden``, ``protected``, ``created_at="gte:..."``,
    ``sort``, custom properties) as given; None means "not filtered"."""
    params = encoded(IMAGE_FILTERS, filters)
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


class ImagePages(BaseManager[Image]):
    """``ImageManager``'s listing: one page, or every page lazily."""

    def list(  # type: ignore[override]
        self,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        name: Optional[str] = None,
        visibility: Optional[str] = None,
        member_status: Optional[str] = None,
        owner: Optional[str] = None,
        tag: Union[str, Sequence[str], None] = None,
        status: Optional[str] = None,
        size_min: Optional[int] = None,
        size_max: Optional[int] = None,
        sort_key: Union[str, Sequence[str], None] = None,
        sort_dir: Union[str, Sequence[str], None] = None,
        *,
        return_raw: bool = False,
        **filter_args: Any,
    ) -> List[Image]:
        """One page of images matching the filters (``IMAGE_FILTERS``,
        or any other Glance filter by keyword)."""
        params = image_query(**given(locals()), **filter_args)
        params.update(page_params(limit, marker))
        return self._list(self._collection_uri(), params=params, return_raw=return_raw)

    def iter_all(  # type: ignore[override]
        self, page_size: Optional[int] = None, max_pages: Optional[int] = None, **filter_args: Any
    ) -> Iterator[Image]:
        """Every image matching the filters (those of :meth:`list`, by
        keyword), lazily, page after page: pages of ``page_size`` (or
        ``limit``) if given, else the largest Glance serves, from after
        ``marker``; at most ``max_pages`` pages, each image once."""
        limit, marker = filter_args.pop("limit", None), filter_args.pop("marker", None)
        if page_size is not None and limit is not None:
            raise exc.InvalidArgument("Give page_size or limit, not both")
        params = image_query(**filter_args)
        size_name = "limit" if limit is not None else "page_size"
        size = page_size if page_size is not None else limit
        params.update(page_params(ALL_PAGE_SIZE if size is None else size, marker, size_name))
        return self._iter_items(self._collection_uri(), params, max_pages)

    def list_all(self, **filter_args: Any) -> List[Image]:
        """Every image matching the filters, all pages, as one list."""
        return list(self.iter_all(**filter_args))


class ImageListing:
    """``ImageClient``'s listing methods, as pyrax has them."""

    _manager: ImagePages

    def list(
        self,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        name: Optional[str] = None,
        visibility: Optional[str] = None,
        member_status: Optional[str] = None,
        owner: Optional[str] = None,
        tag: Union[str, Sequence[str], None] = None,
        status: Optional[str] = None,
        size_min: Optional[int] = None,
        size_max: Optional[int] = None,
        sort_key: Union[str, Sequence[str], None] = None,
        sort_dir: Union[str, Sequence[str], None] = None,
        **filters: Any,
    ) -> ResourceList[Image]:
        """One page of images. Page with ``limit`` and ``marker`` (or the
        returned list's ``next_page()``); filter with the other parameters or
        any filter Glance accepts (``os_hidden=True``,
        ``created_at="gte:2026-01-01T00:00:00Z"``, ``os_distro="ubuntu"``)."""
        return cast("ResourceList[Image]", self._manager.list(limit, marker, **given(locals()), **filters))

    def list_all(
        self,
        name: Optional[str] = None,
        visibility: Optional[str] = None,
        member_status: Optional[str] = None,
        owner: Optional[str] = None,
        tag: Union[str, Sequence[str], None] = None,
        status: Optional[str] = None,
        size_min: Optional[int] = None,
        size_max: Optional[int] = None,
        sort_key: Union[str, Sequence[str], None] = None,
        sort_dir: Union[str, Sequence[str], None] = None,
        **filters: Any,
    ) -> List[Image]:
        """Every image matching the filters of :meth:`list`, over all pages, in
        one list (``filters`` also takes :meth:`iter_all`'s paging)."""
        return list(self._manager.iter_all(**given(locals()), **filters))

    def iter_all(
        self,
        *,
        page_size: Optional[int] = None,
        max_pages: Optional[int] = None,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        name: Optional[str] = None,
        visibility: Optional[str] = None,
        member_status: Optional[str] = None,
        owner: Optional[str] = None,
        tag: Union[str, Sequence[str], None] = None,
        status: Optional[str] = None,
        size_min: Optional[int] = None,
        size_max: Optional[int] = None,
        sort_key: Union[str, Sequence[str], None] = None,
        sort_dir: Union[str, Sequence[str], None] = None,
        **filters: Any,
    ) -> Iterator[Image]:
        """Every image matching the filters of :meth:`list`, fetched lazily
        page by page: pages of ``page_size`` (or ``limit``; default the largest
        Glance serves) from after ``marker``, at most ``max_pages`` pages."""
        return self._manager.iter_all(
            page_size, max_pages, limit=limit, marker=marker, **given(locals()), **filters
        )
