"""The methods of ImageClient for the rest of Glance v2: API versions, image
locations, stores, quota usage and the image cache.

Each is one line over a manager: ``images.versions``, ``images.image_locations``,
``images.stores`` and ``images.image_cache``, built on first use (so that
``import pyrax_image`` loads none of them) and stateless. Admin-only operations raise
:class:`~pyrax_image.exceptions.Forbidden` for other users; an optional API
the cloud lacks raises :class:`~pyrax_image.exceptions.ApiVersionNotSupported`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from pyrax_image.image.client_base import ImageClientBase
from pyrax_image.lazy import built_once

if TYPE_CHECKING:
    from pyrax_image.image.cache import CacheManager, CacheState, PruneResult
    from pyrax_image.image.discovery import ApiSupport, ApiVersion, VersionsManager
    from pyrax_image.image.locations import ImageLocation, LocationsManager
    from pyrax_image.image.manager import ImageManager
    from pyrax_image.image.stores import ImageStore, StoresManager
    from pyrax_image.image.usage import ImageUsage


class ImageOperationsClient(ImageClientBase):
    """Versions, locations, stores, usage and cache methods of
    :class:`~pyrax_image.image.client.ImageClient`."""

    _manager: ImageManager

    # -- the managers -------------------------------------------------------------------
    @property
    def versions(self) -> VersionsManager:
        """The manager of the API versions the cloud offers."""
        from pyrax_image.image.discovery import VersionsManager

        return built_once(self, "_versions_manager", lambda: VersionsManager(self))

    @property
    def image_locations(self) -> LocationsManager:
        """The manager of images' locations."""
        from pyrax_image.image.locations import LocationsManager

        return built_once(self, "_locations_manager", lambda: LocationsManager(self))

    @property
    def stores(self) -> StoresManager:
        """The manager of a multi-store cloud's stores."""
        from pyrax_image.image.stores import StoresManager

        return built_once(self, "_stores_manager", lambda: StoresManager(self))

    @property
    def image_cache(self) -> CacheManager:
        """The manager of the image cache of the Glance node answering (admin)."""
        from pyrax_image.image.cache import CacheManager

        return built_once(self, "_cache_manager", lambda: CacheManager(self, self._manager))

    # -- versions -------------------------------------------------------------------
    def list_versions(self, root: bool = False) -> List[ApiVersion]:
        """The Image API versions the cloud offers (``GET /versions``; with
        ``root``, ``GET /``, which Glance answers 300 Multiple Choices)."""
        return self.versions.list(root=root)

    def get_api_support(self) -> ApiSupport:
        """Which versions the cloud lists, and so which optional APIs: image
        tasks (2.12), the cache (2.14), stores (2.10), locations (2.17)."""
        return self.versions.support()

    # -- locations ------------------------------------------------------------------
    def list_image_locations(self, img: Any) -> List[ImageLocation]:
        """Where an image's data is stored (for the ``service`` role and admins,
        by default; others get ``Forbidden``)."""
        return self.image_locations.list(img)

    def add_image_location(
        self, img: Any, url: str, validation_data: Optional[Dict[str, Any]] = None
    ) -> None:
        """Give a queued image the data at ``url``; Glance reads it in the
        background and activates the image. ``validation_data``
        (``{"os_hash_algo": "sha512", "os_hash_value": hex}``) makes Glance check it."""
        self.image_locations.add(img, url, validation_data)

    # -- stores and usage -----------------------------------------------------------
    def get_stores_detail(self) -> List[ImageStore]:
        """Every store with its type, weight and driver properties (admin)."""
        return self.stores.list_detail()

    def delete_image_from_store(self, img: Any, store_id: Any) -> None:
        """Delete an image's data from one store (admin). Its only copy is
        never deleted: :class:`~pyrax_image.exceptions.LastImageLocation`."""
        self.stores.delete_image(store_id, img)

    def get_usage(self) -> ImageUsage:
        """The project's image quotas and usage (empty when the cloud enforces none)."""
        from pyrax_image.image.usage import parse_usage

        response, body = self.method_get("/info/usage")
        return parse_usage(response, body)

    # -- cache --------------------------------------------------------------------------
    def list_cached_images(self) -> CacheState:
        """The images cached on the Glance node answering, and those queued (admin)."""
        return self.image_cache.state()

    def cache_image(self, img: Any) -> None:
        """Queue an active image for caching (admin)."""
        self.image_cache.queue(img)

    def delete_cached_image(self, img: Any) -> None:
        """Remove an image from the cache and its queue (admin)."""
        self.image_cache.delete(img)

    def clear_image_cache(self, target: Optional[str] = None) -> None:
        """Empty the cache and the queue, or only ``target`` (``"cache"`` or
        ``"queue"``) (admin)."""
        self.image_cache.clear(target)

    def clean_image_cache(self) -> None:
        """Remove invalid and stalled files from the cache (admin)."""
        self.image_cache.clean()

    def prune_image_cache(self) -> PruneResult:
        """Shrink the cache below its configured size (admin)."""
        return self.image_cache.prune()

    def list_image_cache_nodes(self, img: Any) -> List[str]:
        """The URLs of the Glance nodes that cache the image (admin; a cloud
        without the ``centralized_db`` cache driver answers Conflict)."""
        return self.image_cache.nodes(img)
