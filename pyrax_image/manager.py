"""BaseManager: turns API calls into resources, and pages through lists.

Every reply is checked for its shape before it becomes a resource: an object
where one is expected, a list of objects under the plural key, a string
``next`` link (:mod:`pyrax_image.replies`); anything else raises
:class:`~pyrax_image.exceptions.InvalidResponse`. Listings always end
(:mod:`pyrax_image.paging`).
"""

from __future__ import annotations

from typing import Any, Dict, Generic, Iterator, List, Literal, Optional, Type, TypeVar, cast, overload

import requests

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.client import BaseClient
from pyrax_image.paging import check_page_size, iter_pages
from pyrax_image.replies import expect_object, expect_objects, invalid, json_document
from pyrax_image.resource import BaseResource, ResourceList
from pyrax_image.utils import get_id, quote_segment

R = TypeVar("R", bound=BaseResource)


class BaseManager(Generic[R]):
    """CRUD for one kind of resource (``R``) under ``/<uri_base>``, through
    the client ``api``.

    ``response_key`` names the member holding a single object (``""`` when
    the body *is* the object, as in Images v2) and ``plural_response_key``
    the member holding a list. Without a ``resource_class`` the objects are
    returned as plain dicts (as in pyrax).
    """

    resource_class: Optional[Type[R]] = None

    def __init__(
        self,
        api: BaseClient[Any],
        resource_class: Optional[Type[R]] = None,
        response_key: Optional[str] = None,
        plural_response_key: Optional[str] = None,
        uri_base: Optional[str] = None,
    ):
        self.api = api
        self.resource_class = resource_class or self.resource_class
        self.response_key = response_key
        self.plural_response_key = plural_response_key or ("%ss" % response_key if response_key else None)
        self.uri_base = uri_base

    # -- URIs ---------------------------------------------------------------
    def _collection_uri(self) -> str:
        return "/%s" % self.uri_base

    def _item_uri(self, item: Any) -> str:
        return "%s/%s" % (self._collection_uri(), quote_segment(get_id(item)))

    # -- public API -----------------------------------------------------------
    def list(
        self,
        limit: Optional[int] = None,
        marker: Optional[str] = None,
        return_raw: bool = False,
        other_keys: Optional[List[str]] = None,
    ) -> Any:
        """One page of resources (the server's default page unless ``limit``)."""
        params = page_params(limit, marker)
        return self._list(self._collection_uri(), params=params, return_raw=return_raw, other_keys=other_keys)

    def iter_all(self, max_pages: Optional[int] = None, **params: Any) -> Iterator[R]:
        """Every resource, lazily, following the server's ``next`` links (at
        most ``max_pages`` pages, default :data:`~pyrax_image.paging.DEFAULT_MAX_PAGES`)."""
        return self._iter_items(self._collection_uri(), params, max_pages)

    def get(self, item: Any) -> R:
        """The resource with this id (or the fresh state of this resource)."""
        return self._get(self._item_uri(item))

    def head(self, item: Any) -> Dict[str, str]:
        """The response headers of a HEAD on the resource."""
        resp, _ = self.api.method_head(self._item_uri(item))
        return dict(resp.headers)

    def create(self, name: str, *args: Any, **kwargs: Any) -> R:
        """Create a resource from the body that ``_create_body`` builds."""
        body = self._create_body(name, *args, **kwargs)
        return self._create(self._collection_uri(), body)

    def delete(self, item: Any) -> None:
        """Delete the resource."""
        self.api.method_delete(self._item_uri(item))

    def find(self, **kwargs: Any) -> R:
        """The single resource whose attributes equal ``kwargs``.

        Raises ``NotFound`` if none matches and ``NoUniqueMatch`` if several do.
        """
        found = self.findall(**kwargs)
        if not found:
            raise exc.NotFound(404, "No %s matching %s." % (self._kind(), kwargs))
        if len(found) > 1:
            raise exc.NoUniqueMatch(message="More than one %s matches %s." % (self._kind(), kwargs))
        return found[0]

    def findall(self, **kwargs: Any) -> List[R]:
        """Every resource, over all pages, whose attributes equal ``kwargs``."""
        check_criteria(kwargs)
        return [obj for obj in self._iter_candidates(kwargs) if _matches(obj, kwargs)]

    # -- hooks and helpers ------------------------------------------------------
    def _iter_candidates(self, criteria: Dict[str, Any]) -> Iterator[R]:
        """Resources ``findall`` checks; managers narrow this with server filters."""
        return self._iter_items(self._collection_uri(), {}, tolerate_loops=True)

    def _create_body(self, name: str, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """The JSON body of a create request; subclasses define it."""
        raise NotImplementedError("%s cannot create resources" % type(self).__name__)

    def _kind(self) -> str:
        return self.resource_class.__name__ if self.resource_class else "resource"

    def _make(self, info: Dict[str, Any], loaded: bool = False) -> R:
        if self.resource_class is None:
            return cast(R, info)  # pyrax's manager without a resource class: the dict itself
        return self.resource_class(self, info, loaded=loaded)

    def _make_listed(self, info: Dict[str, Any]) -> R:
        """A resource from a list reply: loaded when its class says list entries are complete."""
        return self._make(info, loaded=bool(getattr(self.resource_class, "listed_complete", False)))

    def _what(self, plural: bool = False) -> str:
        return "The %s" % (self.plural_response_key if plural and self.plural_response_key else self._kind())

    @overload
    def _unwrap(
        self, body: Any, plural: Literal[False] = False, response: Optional[requests.Response] = None
    ) -> Dict[str, Any]: ...

    @overload
    def _unwrap(
        self, body: Any, plural: Literal[True], response: Optional[requests.Response] = None
    ) -> List[Dict[str, Any]]: ...

    def _unwrap(self, body: Any, plural: bool = False, response: Optional[requests.Response] = None) -> Any:
        """The object (or, ``plural``, the list of objects) a reply holds;
        InvalidResponse when it has another shape."""
        what = self._what(plural)
        if body is None and response is not None:
            body = json_document(response, what)  # empty, not JSON, or JSON without the header
        key = self.plural_response_key if plural else self.response_key
        if key:
            container = expect_object(body, what, response)
            if key not in container:
                raise invalid(response, "%s: the reply has no '%s'" % (what, key))
            body = container[key]
        if plural:
            return expect_objects(body, what, response)
        return expect_object(body, what, response)

    def _list(
        self,
        uri: str,
        params: Optional[Dict[str, Any]] = None,
        return_raw: bool = False,
        other_keys: Optional[List[str]] = None,
    ) -> List[Any]:
        """A page: resources, their bodies (``return_raw``), or the resources
        followed by the values of ``other_keys`` of the reply."""
        response, body = self.api.method_get(uri, params=params)
        items = check_page_size(self._unwrap(body, plural=True, response=response), params, response)
        if return_raw:
            return items
        next_link = body.get("next") if isinstance(body, dict) else None
        objects = ResourceList((self._make_listed(item) for item in items), next_link, self._next_page)
        if other_keys:
            return [objects] + [body.get(key) for key in other_keys]
        return objects

    def _next_page(self, link: str) -> ResourceList[R]:
        """The page a listing's ``next`` link names (same origin only)."""
        return cast(ResourceList[R], self._list(self.api.resolve_link(link)))

    def _iter_items(
        self,
        uri: str,
        params: Optional[Dict[str, Any]],
        max_pages: Optional[int] = None,
        tolerate_loops: bool = False,
    ) -> Iterator[R]:
        """Every resource of every page, each once (see :func:`~pyrax_image.paging.iter_pages`)."""

        def unwrap(body: Any, response: requests.Response) -> List[Dict[str, Any]]:
            return self._unwrap(body, plural=True, response=response)

        pages = iter_pages(self.api, uri, params, unwrap, max_pages, tolerate_loops)
        for page in pages:
            for item in page:
                yield self._make_listed(item)

    def _get(self, uri: str, params: Optional[Dict[str, Any]] = None) -> R:
        response, body = self.api.method_get(uri, params=params)
        return self._make(self._unwrap(body, response=response), loaded=True)

    def _create(self, uri: str, body: Any) -> R:
        response, resp_body = self.api.method_post(uri, body=body)
        return self._make(self._unwrap(resp_body, response=response), loaded=True)

    def action(self, item: Any, action_type: str, body: Optional[Dict[str, Any]] = None) -> Any:
        """POST to ``/<uri_base>/<id>/actions/<action_type>``."""
        uri = "%s/actions/%s" % (self._item_uri(item), quote_segment(action_type))
        return self.api.method_post(uri, body=body)


def page_params(limit: Optional[int], marker: Optional[str], size_name: str = "limit") -> Dict[str, Any]:
    """The ``limit``/``marker`` query of one page, checked the same way on
    every route (``size_name``: what the caller called the page size)."""
    params: Dict[str, Any] = {}
    if limit is not None:
        params["limit"] = check_int(size_name, limit, 1, digits=True)
    if marker is not None:
        params["marker"] = get_id(marker)
    return params


def check_criteria(criteria: Dict[str, Any]) -> None:
    """Refuse, for find and findall, criteria no resource attribute could equal: none at all, or
    values other than strings, numbers, booleans, None and lists of them."""
    if not criteria:
        raise exc.InvalidArgument("find and findall need at least one attribute to match")
    for key, value in criteria.items():
        items = value if isinstance(value, list) else [value]
        if key == "tags" and not isinstance(value, list):
            raise exc.InvalidArgument("tags is a list of strings, not %s" % type(value).__name__)
        if not all(item is None or isinstance(item, _SCALARS) for item in items):
            raise exc.InvalidArgument(
                "%s must be a string, number, boolean or None to match, not %s" % (key, type(value).__name__)
            )


_SCALARS = (str, int, float, bool)


def _matches(obj: BaseResource, criteria: Dict[str, Any]) -> bool:
    info = obj.to_dict()
    return all(key in info and info[key] == value for key, value in criteria.items())
