"""The methods of ImageClient for the rest of Glance v2: API versions, image
locations, stores, quota usage and the image cache.

Each builds its (stateless) manager on use, so that ``import pyrax_image``
loads none of them. Admin-only operations raise
:class:`~pyrax_image.exceptions.Forbidden` for other users; an optional API
the cloud lacks raises :class:`~pyrax_image.exceptions.ApiVersionNotSupported`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from pyrax_image.image.client_base import ImageClientBase

if TYPE_CHECKING:
    from pyrax_image.image.cache import CacheManager, CacheState, PruneResult
    from pyrax_image.image.discovery import ApiSupport, ApiVersion, VersionsManager
    from pyrax_image.image.locations import ImageLocation
    from pyrax_image.image.manager import ImageManager
    from pyrax_image.image.stores import ImageStore
    from pyrax_image.image.usage import ImageUsage


class ImageOperationsClient(ImageClientBase):
    """Versions, locations, stores, usage and cache methods of
    :class:`~pyrax_image.image.client.ImageClient`."""

    _manager: ImageManager

    # -- versions -------------------------------------------------------------------
    def _versions(self) -> VersionsManager:
        from pyrax_image.image.discovery import VersionsManager

        return VersionsManager(self, plural_response_key="versions")

    def list_versions(self, root: bool = False) -> List[ApiVersion]:
        """The Image API versions the cloud offers (``GET /versions``; with
        ``root``, ``GET /``, which Glance answers 300 Multiple Choices)."""
        return self._versions().list(root=root)

    def get_api_support(self) -> ApiSupport:
        """Which versions the cloud lists, and so which optional APIs: image
        tasks (2.12), the cache (2.14), stores (2.10), locations (2.17)."""
        return self._versions().support()

    # -- locations ------------------------------------------------------------------
    def list_image_locations(self, img: Any) -> List[ImageLocation]:
        """Where an image's data is stored (for the ``service`` role and admins,
        by default; others get ``Forbidden``)."""
        from pyrax_image.image.locations import LocationsManager

        return LocationsManager(self).list_of(img)

    def add_image_location(
        self, img: Any, url: str, validation_data: Optional[Dict[str, Any]] = None
    ) -> None:
        """Give a queued image the data at ``url``; Glance reads it in the
        background and activates the image. ``validation_data``
        (``{"os_hash_algo": "sha512", "os_hash_value": hex}``) makes Glance check it."""
        from pyrax_image.image.locations import LocationsManager

        LocationsManager(self).add(img, url, validation_data)

    # -- stores and usage -----------------------------------------------------------
    def get_stores_detail(self) -> List[ImageStore]:
        """Every store with its type, weight and driver properties (admin)."""
        from pyrax_image.image.stores import StoresManager

        return StoresManager(self, plural_response_key="stores").list_detail()

    def delete_image_from_store(self, img: Any, store_id: Any) -> None:
        """Delete an image's data from one store (admin). Its only copy is
        never deleted: :class:`~pyrax_image.exceptions.LastImageLocation`."""
        from pyrax_image.image.stores import StoresManager

        StoresManager(self).delete_image(store_id, img)

    def get_usage(self) -> ImageUsage:
        """The project's image quotas and usage (empty when the cloud enforces none)."""
        from pyrax_image.image.usage import parse_usage

        response, body = self.method_get("/info/usage")
        return parse_usage(response, body)

    # -- cache --------------------------------------------------------------------------
    def _cache(self) -> CacheManager:
        from pyrax_image.image.cache import CacheManager

        return CacheManager(self, self._manager)

    def list_cached_images(self) -> CacheState:
        """The images cached on the Glance node answering, and those queued (admin)."""
        return self._cache().state()

    def cache_image(self, img: Any) -> None:
        """Queue an active image for caching (admin)."""
        self._cache().queue(img)

    def delete_cached_image(self, img: Any) -> None:
        """Remove an image from the cache and its queue (admin)."""
        self._cache().delete(img)

    def clear_image_cache(self, target: Optional[str] = None) -> None:
        """Empty the cache and the queue, or only ``target`` (``"cache"`` or
        ``"queue"``) (admin)."""
        self._cache().clear(target)

    def clean_image_cache(self) -> None:
        """Remove invalid and stalled files from the cache (admin)."""
        self._cache().clean()

    def prune_image_cache(self) -> PruneResult:
        """Shrink the cache below its configured size (admin)."""
        return self._cache().prune()

    def list_image_cache_nodes(self, img: Any) -> List[str]:
        """The URLs of the Glance nodes that cache the image (admin; a cloud
        without the ``centralized_db`` cache driver answers Conflict)."""
        return self._cache().nodes(img)
