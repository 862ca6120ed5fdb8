"""The image cache of a Glance node (Image API 2.14+, admin-only by default).

The cache state lists cached and queued images as :class:`~pyrax_image.image.resources.Image`
objects of the client (their details load on first use); a cached image also
carries its :class:`CacheEntry`. A cloud without a cache (no
``image_cache_dir``) answers 404: that becomes
:class:`~pyrax_image.exceptions.ApiVersionNotSupported`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, TypeVar

import requests

from pyrax_image import exceptions as exc
from pyrax_image.client import BaseClient
from pyrax_image.image.discovery import CACHE_VERSION, needing
from pyrax_image.image.resources import Image
from pyrax_image.manager import BaseManager
from pyrax_image.replies import expect_object, invalid, json_document, kind_of
from pyrax_image.utils import get_id, quote_segment

T = TypeVar("T")

#: ``x-image-cache-clear-target`` values: None clears both.
CLEAR_TARGETS = ("cache", "queue")
CLEAR_TARGET_HEADER = "x-image-cache-clear-target"


@dataclass(frozen=True)
class CacheEntry:
    """What the cache holds of one image: bytes, hits and UTC times."""

    size: Optional[int]
    hits: Optional[int]
    last_accessed: Optional[datetime]
    last_modified: Optional[datetime]
    checksum: Optional[str] = None


class CachedImage(Image):
    """An image in the cache: an :class:`Image` (details load on first use)
    whose ``cache_entry`` says what the cache holds."""

    cache_entry: CacheEntry


@dataclass(frozen=True)
class CacheState:
    """The images a node has cached and the ones queued for caching."""

    cached: List[CachedImage]
    queued: List[Image]


@dataclass(frozen=True)
class PruneResult:
    """What ``prune_image_cache`` removed."""

    files: int
    bytes: int


class CacheManager(BaseManager[CachedImage]):
    """``/cache`` of the client's Glance node (``images.image_cache``); images
    are built by ``images`` (the client's ImageManager) so that they load and
    act like any other image."""

    resource_class = CachedImage

    def __init__(self, api: BaseClient[Any], images: Any):
        super().__init__(api, uri_base="cache")
        self.images = images

    def list(self) -> List[Image]:  # type: ignore[override]
        """Every image the cache lists: the cached ones, then the queued ones."""
        state = self.state()
        return [*state.cached, *state.queued]

    def _call(self, call: Callable[[], T]) -> T:
        return needing(self.api, CACHE_VERSION, "the image cache API", call)

    def state(self) -> CacheState:
        """``GET /cache``: cached and queued images."""
        response, body = self._call(lambda: self.api.method_get("/cache"))
        what = "The image cache"
        body = expect_object(body if body is not None else json_document(response, what), what, response)
        cached = [self._cached(entry, response) for entry in _list_of(body, "cached_images", response)]
        queued = [
            self._image(_text(image_id, "a queued image id", response))
            for image_id in _list_of(body, "queued_images", response)
        ]
        return CacheState(cached, queued)

    def queue(self, img: Any) -> None:
        """``PUT /cache/{image_id}``: cache this (active) image (202)."""
        uri = "/cache/%s" % quote_segment(get_id(img))
        self._call(lambda: self.api.method_put(uri))

    def delete(self, img: Any) -> None:
        """``DELETE /cache/{image_id}``: drop the image from the cache and the queue."""
        uri = "/cache/%s" % quote_segment(get_id(img))
        self._call(lambda: self.api.method_delete(uri))

    def clear(self, target: Optional[str] = None) -> None:
        """``DELETE /cache``: clear the cache and the queue, or only ``target``
        (``"cache"`` or ``"queue"``)."""
        headers = {}
        if target is not None:
            if target not in CLEAR_TARGETS:
                raise exc.InvalidArgument("target must be None, 'cache' or 'queue', not %r" % (target,))
            headers[CLEAR_TARGET_HEADER] = target
        self._call(lambda: self.api.method_delete("/cache", headers=headers))

    def clean(self) -> None:
        """``POST /cache/clean``: remove invalid and stalled cache files."""
        self._call(lambda: self.api.method_post("/cache/clean", parse=False))

    def prune(self) -> PruneResult:
        """``POST /cache/prune``: shrink the cache below its maximum size."""
        response, body = self._call(lambda: self.api.method_post("/cache/prune"))
        body = expect_object(body, "The pruned cache", response)
        return PruneResult(
            _count(body.get("total_files_pruned"), "total_files_pruned", response),
            _count(body.get("total_bytes_pruned"), "total_bytes_pruned", response),
        )

    def nodes(self, img: Any) -> List[str]:
        """``GET /cache/nodes/{image_id}``: the URLs of the nodes caching the image
        (Conflict unless the cloud uses the ``centralized_db`` cache driver)."""
        uri = "/cache/nodes/%s" % quote_segment(get_id(img))
        response, body = self._call(lambda: self.api.method_get(uri))
        if not isinstance(body, list) or not all(isinstance(url, str) for url in body):
            raise invalid(response, "The cache nodes: expected a list of URLs, got %s" % kind_of(body))
        return list(body)

    def _image(self, image_id: str) -> Image:
        return Image(self.images, {"id": image_id})

    def _cached(self, entry: Dict[str, Any], response: requests.Response) -> CachedImage:
        image_id = _text(entry.get("image_id"), "a cached image id", response)
        image = CachedImage(self.images, {"id": image_id})
        image.cache_entry = CacheEntry(
            size=_optional_count(entry.get("size"), "size", response),
            hits=_optional_count(entry.get("hits"), "hits", response),
            last_accessed=_epoch(entry.get("last_accessed"), "last_accessed", response),
            last_modified=_epoch(entry.get("last_modified"), "last_modified", response),
            checksum=entry.get("checksum") if isinstance(entry.get("checksum"), str) else None,
        )
        return image


def _list_of(body: Dict[str, Any], key: str, response: requests.Response) -> List[Any]:
    value = body.get(key, [])
    if not isinstance(value, list):
        raise invalid(response, "The image cache: '%s' is %s, not a list" % (key, kind_of(value)))
    return value


def _text(value: Any, what: str, response: requests.Response) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(response, "The image cache: %s is %s, not a string" % (what, kind_of(value)))
    return value


def _count(value: Any, what: str, response: requests.Response) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid(response, "The image cache: '%s' is %s, not a count" % (what, kind_of(value)))
    return value


def _optional_count(value: Any, what: str, response: requests.Response) -> Optional[int]:
    return None if value is None else _count(value, what, response)


def _epoch(value: Any, what: str, response: requests.Response) -> Optional[datetime]:
    """Glance's cache times: seconds since the epoch (a float)."""
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise invalid(response, "The image cache: '%s' is %s, not a time" % (what, kind_of(value)))
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise invalid(response, "The image cache: '%s' is not a time" % what) from None
