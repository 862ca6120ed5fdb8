"""Swift's JSON listings (an account's containers, a container's objects), page by page,
and the headers each entry stands for."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_int
from pyrax_image.client import BaseClient


def iter_listing(
    client: BaseClient[Any],
    path: str,
    params: Dict[str, Any],
    limit: Optional[int] = None,
    marker: Optional[str] = None,
) -> Iterator[Dict[str, Any]]:
    """The entries (``name`` or ``subdir`` dicts) of the listing at
    ``client.management_url + path``, following markers; ``limit`` caps the
    total. A reply of the wrong shape, or one that does not advance, raises
    InvalidResponse. The arguments are checked when called, before any request."""
    if limit is not None:
        limit = check_int("limit", limit, digits=True)
    for key, value in dict(params, marker=marker).items():
        if value is not None and not isinstance(value, str):
            raise exc.InvalidArgument("%s must be a string, not %s" % (key, type(value).__name__))
    query = {key: value for key, value in params.items() if value}
    query["format"] = "json"
    return _pages(client, path, query, limit, marker)


def _pages(
    client: BaseClient[Any], path: str, query: Dict[str, Any], limit: Optional[int], marker: Optional[str]
) -> Iterator[Dict[str, Any]]:
    count = 0
    while limit is None or count < limit:
        if marker:
            query["marker"] = marker
        if limit is not None:
            query["limit"] = limit - count
        response, body = client.method_get(client.management_url + path, params=query)
        if response.status_code == 204:
            return
        if not isinstance(body, list) or not all(_is_entry(item) for item in body):
            raise exc.InvalidResponse(
                response.status_code,
                "The listing of %s is not a JSON list of entries" % (path or "the account"),
                url=response.url,
            )
        if not body:
            return
        yield from body
        count += len(body)
        previous, marker = marker, entry_name(body[-1])
        if marker == previous:
            raise exc.InvalidResponse(
                response.status_code, "The listing repeats itself after %r" % marker, url=response.url
            )


def entry_name(item: Dict[str, Any]) -> str:
    """The name of an entry: an object's or container's ``name``, or a pseudo-folder's ``subdir``."""
    name: str = item.get("name") or item["subdir"]
    return name


def container_headers(item: Dict[str, Any]) -> Dict[str, str]:
    """The headers of a container as its account-listing entry describes it."""
    return {
        "X-Container-Object-Count": str(item.get("count")),
        "X-Container-Bytes-Used": str(item.get("bytes")),
    }


def object_headers(item: Dict[str, Any]) -> Dict[str, str]:
    """The headers of an object (or pseudo-folder) as its listing entry describes it."""
    if "subdir" in item and "name" not in item:
        return {"Content-Type": "pseudo/subdirectory"}
    headers = {
        "Content-Length": str(item.get("bytes")),
        "Etag": item.get("hash") or "",
        "Content-Type": item.get("content_type") or "",
        "Last-Modified": item.get("last_modified") or "",
    }
    if "slo_etag" in item:
        headers["X-Static-Large-Object"] = "True"
    return headers


def _is_entry(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("name", item.get("subdir")), str)
