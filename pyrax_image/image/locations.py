"""An image's locations (Image API 2.17): where its data is stored.

Adding one (``POST /images/{id}/locations``) starts Glance's
``location_import`` task on a ``queued`` image: the image becomes active
once Glance has read (and, with ``validation_data``, hashed) the data there.
Reading them (``GET``) takes the ``service`` role (or admin) under Glance's
default policy: for other users it is ``Forbidden``. A cloud without the API (older
than 2.17) answers 404: that becomes
:class:`~pyrax_image.exceptions.ApiVersionNotSupported`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_text
from pyrax_image.image.discovery import LOCATIONS_VERSION, needing
from pyrax_image.manager import BaseManager
from pyrax_image.replies import expect_objects, json_document
from pyrax_image.resource import BaseResource
from pyrax_image.utils import get_id, quote_segment

MAX_LOCATION_URL = 2048
_HEX = re.compile(r"^[0-9a-f]+$")


class ImageLocation(BaseResource):
    """One location of an image: its ``url`` and ``metadata`` (the store id
    under ``metadata["store"]`` on a multi-store cloud)."""

    get_details = False
    listed_complete = True
    NAME_ATTR = "url"

    @property
    def store(self) -> Optional[str]:
        """The store holding the data there, when the cloud says."""
        metadata = self._info.get("metadata")
        store = metadata.get("store") if isinstance(metadata, dict) else None
        return store if isinstance(store, str) else None


def validation_body(validation_data: Optional[Dict[str, Any]]) -> Optional[Dict[str, str]]:
    """``validation_data`` checked: ``os_hash_algo`` (a hashlib algorithm) and
    ``os_hash_value`` (its hex digest), both or neither."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, dict) or set(validation_data) - {"os_hash_algo", "os_hash_value"}:
        raise exc.InvalidArgument("validation_data is a dict of os_hash_algo and os_hash_value")
    algo = check_text("os_hash_algo", validation_data.get("os_hash_algo"))
    value = check_text("os_hash_value", validation_data.get("os_hash_value"), 512)
    try:
        size = hashlib.new(algo).digest_size
    except (ValueError, TypeError):
        raise exc.InvalidArgument("os_hash_algo %r is not a hash algorithm" % algo) from None
    if len(value) != 2 * size or not _HEX.match(value):
        raise exc.InvalidArgument("os_hash_value must be the %d hex digits of a %s digest" % (2 * size, algo))
    return {"os_hash_algo": algo, "os_hash_value": value}


class LocationsManager(BaseManager[ImageLocation]):
    """``/images/{image_id}/locations`` (``images.image_locations``)."""

    resource_class = ImageLocation

    def _uri(self, img: Any) -> str:
        return "/images/%s/locations" % quote_segment(get_id(img))

    def add(self, img: Any, url: str, validation_data: Optional[Dict[str, Any]] = None) -> None:
        """Give a queued image the data at ``url`` (202: Glance imports it in the background)."""
        body: Dict[str, Any] = {"url": check_text("url", url, MAX_LOCATION_URL)}
        checked = validation_body(validation_data)
        if checked is not None:
            body["validation_data"] = checked
        uri = self._uri(img)
        needing(
            self.api, LOCATIONS_VERSION, "the locations API", lambda: self.api.method_post(uri, body=body)
        )

    def list(self, img: Any) -> List[ImageLocation]:  # type: ignore[override]
        """The locations of an image (service role or admin)."""
        uri = self._uri(img)
        response, body = needing(
            self.api, LOCATIONS_VERSION, "the locations API", lambda: self.api.method_get(uri)
        )
        what = "The image's locations"
        items = expect_objects(body if body is not None else json_document(response, what), what, response)
        return [self._make_listed(item) for item in items]
