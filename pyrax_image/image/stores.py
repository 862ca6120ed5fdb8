"""The stores of a multi-store Glance: their details (admin) and deleting an
image's data from one of them.

Glance refuses to delete an image's data from its only store (403, "Cannot
delete image data from the only store containing it"): that answer becomes
:class:`~pyrax_image.exceptions.LastImageLocation`, a ``Forbidden``.
"""

from __future__ import annotations

from typing import Any, List

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_text
from pyrax_image.image.discovery import STORES_DETAIL_VERSION, STORES_VERSION, needing
from pyrax_image.manager import BaseManager
from pyrax_image.resource import BaseResource
from pyrax_image.utils import get_id, quote_segment

LAST_LOCATION_TEXT = "only store"


class ImageStore(BaseResource):
    """A store: ``id``, ``description``, ``type`` (file, rbd, swift, http...),
    ``weight``, ``properties`` (the driver's), ``default`` and ``read-only``
    (Glance sends those two as the string ``"true"``: see :attr:`is_default`)."""

    get_details = False
    listed_complete = True

    @property
    def is_default(self) -> bool:
        """True for the store new image data goes to."""
        return str(self._info.get("default", "")).lower() == "true"

    @property
    def is_read_only(self) -> bool:
        """True for a store that only serves data (an http store)."""
        return str(self._info.get("read-only", "")).lower() == "true"


class StoresManager(BaseManager[ImageStore]):
    """``/info/stores``, ``/info/stores/detail`` and ``/stores/{store_id}/{image_id}``
    (``images.stores``)."""

    resource_class = ImageStore

    def __init__(self, api: Any):
        super().__init__(api, plural_response_key="stores")

    def list(self) -> List[ImageStore]:  # type: ignore[override]
        """The stores of a multi-store cloud (``id``, ``description``, ``default``), for every user."""
        response, body = needing(
            self.api, STORES_VERSION, "stores", lambda: self.api.method_get("/info/stores")
        )
        return [self._make_listed(item) for item in self._unwrap(body, plural=True, response=response)]

    def list_detail(self) -> List[ImageStore]:
        """Every store with its type, weight and driver properties (admin or service role)."""
        uri = "/info/stores/detail"
        response, body = needing(
            self.api, STORES_DETAIL_VERSION, "store details", lambda: self.api.method_get(uri)
        )
        return [self._make_listed(item) for item in self._unwrap(body, plural=True, response=response)]

    def delete_image(self, store_id: Any, img: Any) -> None:
        """Delete the image's data from store ``store_id`` (not its last one)."""
        store = check_text("store_id", get_id(store_id))
        uri = "/stores/%s/%s" % (quote_segment(store), quote_segment(get_id(img)))
        try:
            needing(self.api, STORES_VERSION, "deleting from a store", lambda: self.api.method_delete(uri))
        except exc.Forbidden as error:
            if LAST_LOCATION_TEXT not in (error.message or ""):
                raise
            raise last_location(error) from None


def last_location(error: exc.Forbidden) -> exc.LastImageLocation:
    """The refusal to delete an image's last copy, as :class:`~pyrax_image.exceptions.LastImageLocation`."""
    return exc.LastImageLocation(
        code=error.code,
        message="The store holds the image's only copy of its data: delete the image instead (%s)"
        % " ".join((error.message or "").split()),
        details=error.details,
        request_id=error.request_id,
        method=error.method,
        url=error.url,
    )
