"""Following a listing's ``next`` links to an end that always comes.

A listing stops with :class:`PagingLoop` (an
:class:`~pyrax_image.exceptions.InvalidResponse`) when the server sends a
page URL already visited (the first page's included) or a page whose ids were
all seen before, and with :class:`TooManyPages` after ``max_pages`` pages.
No item is ever returned twice: an id seen on an earlier page is skipped.
A page holding more entries than asked for, and more than Glance ever
serves (:data:`MAX_PAGE_ENTRIES`), is an InvalidResponse (:func:`check_page_size`).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple, Type
from urllib.parse import parse_qsl, urlsplit

import requests

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.client import BaseClient
from pyrax_image.exceptions import PagingLoop, TooManyPages  # their pyrax_image.paging names
from pyrax_image.replies import expect_object, invalid, kind_of

DEFAULT_MAX_PAGES = 10000
MAX_PAGE_ENTRIES = 1000  # Glance's api_limit_max: no page it serves is longer
logger = logging.getLogger(__name__)

Unwrap = Callable[[Any, requests.Response], List[Dict[str, Any]]]


def _page_key(url: str) -> Tuple[str, str, str, Tuple[Tuple[str, str], ...]]:
    """What makes two page URLs the same page (query order aside)."""
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), query


def check_page_size(
    items: List[Dict[str, Any]], params: Optional[Dict[str, Any]], response: requests.Response
) -> List[Dict[str, Any]]:
    """``items`` unless the page holds more than the ``limit`` asked for and
    more than :data:`MAX_PAGE_ENTRIES` (no Glance page does)."""
    asked = params.get("limit") if params else None
    bound = max(MAX_PAGE_ENTRIES, asked if isinstance(asked, int) else 0)
    if len(items) > bound:
        raise invalid(
            response,
            "A page of the listing holds %d entries, more than the %d a page may hold "
            "(the limit asked for, and at least Glance's %d)" % (len(items), bound, MAX_PAGE_ENTRIES),
        )
    return items


def _next_link(body: Any, response: requests.Response) -> Optional[str]:
    link = expect_object(body, "A page of the listing", response).get("next")
    if link is not None and not isinstance(link, str):
        raise invalid(response, "A page's 'next' link is %s, not a string" % kind_of(link))
    return link or None


def iter_pages(
    api: BaseClient[Any],
    uri: str,
    params: Optional[Dict[str, Any]],
    unwrap: Unwrap,
    max_pages: Optional[int] = None,
    tolerate_loops: bool = False,
) -> Iterator[List[Dict[str, Any]]]:
    """Yield each page's new items, following ``next`` links from ``uri``.

    ``tolerate_loops`` ends quietly (with a warning) where a loop would
    raise: a link back to a page already listed has nothing new to list, so
    ``find`` still sees every item.
    """
    cap = DEFAULT_MAX_PAGES if max_pages is None else check_int("max_pages", max_pages, minimum=1)
    url = requests.Request("GET", api.url_for(uri), params=params or None).prepare().url or uri
    visited = {_page_key(url)}
    seen: Set[Any] = set()
    response, body = api.method_get(uri, params=params or None)
    pages = 1
    while True:
        items = check_page_size(unwrap(body, response), params, response)
        fresh = []
        for item in items:
            key = item.get("id")
            if key is None or isinstance(key, (dict, list)):
                fresh.append(item)
            elif key not in seen:
                seen.add(key)
                fresh.append(item)
        if items and not fresh:
            _loop(response, "page %d holds only items already listed" % pages, tolerate_loops)
            return
        yield fresh
        link = _next_link(body, response)
        if link is None:
            return
        url = api.resolve_link(link)
        if _page_key(url) in visited:
            _loop(response, "page %d links back to a page already listed" % pages, tolerate_loops)
            return
        if pages >= cap:
            raise _error(TooManyPages, response, "The listing has more than %d pages (max_pages)" % cap)
        visited.add(_page_key(url))
        response, body = api.method_get(url)
        pages += 1


def _loop(response: requests.Response, what: str, tolerate: bool) -> None:
    message = "The server's 'next' links loop: %s" % what
    if tolerate:
        logger.warning("%s; the listing ends there", message)
        return
    raise _error(PagingLoop, response, message)


def _error(cls: Type[exc.InvalidResponse], response: requests.Response, message: str) -> exc.InvalidResponse:
    base = invalid(response, message)
    return cls(code=base.code, message=message, request_id=base.request_id, method=base.method, url=base.url)
