"""ImageManager: images — listing, create, update, sharing status, actions."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import unquote, urlsplit

from pyrax_image import exceptions as exc
from pyrax_image.image import filters
from pyrax_image.image.client_base import ImageClientBase
from pyrax_image.image.members import ImageMemberManager, ImageTagManager
from pyrax_image.image.patch import PATCH_CONTENT_TYPE, build_patch
from pyrax_image.image.properties import check_properties
from pyrax_image.image.resources import Image, ImageMember
from pyrax_image.manager import page_params
from pyrax_image.replies import expect_object, invalid, json_document
from pyrax_image.statuses import MEMBER_STATUSES
from pyrax_image.utils import get_id, quote_segment

logger = logging.getLogger("pyrax_image.data")

# Attributes that findall can hand to the server as filters (exact match).
SERVER_SIDE_FILTERS = ("name", "status", "owner", "visibility", "disk_format", "container_format")
# Values Glance would read as an operator ("in:a,b", "gte:..."): matched client-side.
_OPERATOR = re.compile(r"^(in|nin|eq|neq|gt|gte|lt|lte):")
# Attempts at deleting an image a failed operation left (see ImageManager.discard).
DISCARD_ATTEMPTS = 4


class ImageManager(filters.ImagePages):
    """Images: listing with filters and paging (``filters.ImagePages``), create, update and actions."""

    api: ImageClientBase

    def _iter_candidates(self, criteria: Dict[str, Any]) -> Iterator[Image]:
        server: Dict[str, Any] = {
            key: value
            for key, value in criteria.items()
            if key in SERVER_SIDE_FILTERS and isinstance(value, str) and value and not _OPERATOR.match(value)
        }
        if "id" in criteria and isinstance(criteria["id"], str) and "," not in criteria["id"]:
            server["id"] = "in:%s" % criteria["id"]
        if isinstance(criteria.get("os_hidden"), bool):  # Glance lists hidden images only when asked
            server["os_hidden"] = criteria["os_hidden"]
        params = filters.image_query(**server)
        params.update(page_params(filters.ALL_PAGE_SIZE, None))
        return self._iter_items(self._collection_uri(), params, None, tolerate_loops=True)

    def create(
        self,
        name: str,
        img_format: Optional[str] = None,
        img_container_format: Optional[str] = None,
        data: Any = None,
        container: Any = None,
        obj: Any = None,
        metadata: Optional[Dict[str, Any]] = None,
        **upload_args: Any,
    ) -> Image:
        """Create an image record and return it.

        The manager makes records only: data (``data``, ``container``/``obj``
        and the upload options) goes through ``ImageClient.create``, which
        creates the record here and then uploads into it.
        """
        if data is not None or container is not None or obj is not None or upload_args:
            raise exc.InvalidArgument(
                "ImageManager.create makes the image record only; pass the data to ImageClient.create"
            )
        return self.post_record(self.record_body(name, img_format, img_container_format, metadata))

    def post_record(self, body: Dict[str, Any]) -> Image:
        """POST an image record (from :meth:`record_body`) and return the
        image; a reply of the wrong shape raises InvalidResponse after
        deleting the image if its id can be told."""
        response, _ = self.api.method_post(self._collection_uri(), body=body, parse=False)
        info: Any = None
        try:
            info = json_document(response, "The created image")
            image = self._unwrap(info, response=response)
            if not isinstance(image.get("id"), str) or not image["id"]:
                raise invalid(response, "The created image has no id")
        except exc.InvalidResponse as error:
            image_id = _created_id(info, response)
            if image_id is not None and not self.discard(image_id):
                error.message += "; image %s was created and could not be deleted" % image_id
            elif image_id is not None:
                error.message += "; image %s was created and has been deleted" % image_id
            raise
        return self._make(image, loaded=True)

    def discard(self, image: Any) -> bool:
        """Delete an image left by a failed operation; False if it stays.

        Right after an aborted upload Glance may still be writing the image and
        answer 500 or 409, so a few attempts are made before giving up.
        """
        last: Optional[Exception] = None
        for attempt in range(DISCARD_ATTEMPTS):
            try:
                self.delete(image)
                return True
            except exc.NotFound:
                return True
            except (exc.InternalServerError, exc.Conflict, exc.ConnectionFailed) as error:
                last = error
                self.api.transport.sleep(0.25 * 2**attempt)
            except exc.PyraxImageException as error:
                last = error
                break
        logger.warning("Could not delete image %s after a failed operation: %s", get_id(image), last)
        return False

    def record_body(
        self,
        name: str,
        img_format: Optional[str] = None,
        img_container_format: Optional[str] = None,
        metadata: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, Any]:
        """The body of a new image record, checked (no request): ``metadata``
        at the top, disk format vhd and container format bare by default."""
        if not isinstance(name, str) or not name.strip():
            raise exc.MissingName("An image needs a non-empty name")
        body: Dict[str, Any] = check_properties(metadata) if metadata is not None else {}
        body.update(
            name=name,
            disk_format=img_format if img_format is not None else body.get("disk_format") or "vhd",
            container_format=(
                img_container_format
                if img_container_format is not None
                else body.get("container_format") or "bare"
            ),
        )
        return check_properties(body)

    def update(self, img: Any, value_dict: Dict[str, Any]) -> Image:
        """Apply ``value_dict`` in one PATCH and return the updated image.

        A value of None removes the property. If Glance refuses the patch
        (409: a property to remove is absent, or an old Glance refusing
        ``add`` on an existing one; nothing is applied), the image is read and
        the patch rebuilt from its state, so removing an absent property stays
        a no-op. An ``Image`` passed in is refreshed in place.
        """
        operations = build_patch(None, value_dict)
        try:
            info = self._patch(img, operations) if operations else self.get(img).to_dict()
        except exc.Conflict:
            current = self.get(img).to_dict()
            operations = build_patch(current, value_dict)
            info = self._patch(img, operations) if operations else current
        if isinstance(img, Image):
            img.replace_details(info)
            img.loaded = True
            return img
        return self._make(info, loaded=True)

    def _patch(self, img: Any, operations: List[Dict[str, Any]]) -> Dict[str, Any]:
        response, info = self.api.method_patch(
            self._item_uri(img), body=operations, headers={"Content-Type": PATCH_CONTENT_TYPE}
        )
        return self._unwrap(info, response=response)

    def update_image_member(self, img_id: Any, status: str, member: Any = None) -> ImageMember:
        """Accept, reject or reset (pending) a share of ``img_id`` with your
        project, or with ``member`` (a project id or ImageMember) when given."""
        if status not in MEMBER_STATUSES:
            raise exc.InvalidImageMemberStatus(
                "The status must be one of %s, not %r" % (", ".join(MEMBER_STATUSES), status)
            )
        project_id = get_id(member) if member is not None else self.api.projectid
        if not project_id:
            raise exc.NotAuthenticated("Your project id is unknown, so there is no membership to update")
        uri = "%s/members/%s" % (self._item_uri(img_id), quote_segment(project_id))
        try:
            response, info = self.api.method_put(uri, body={"status": status})
            info = expect_object(info, "The image member", response)
        except (exc.Forbidden, exc.NotFound) as error:
            # Glance answers the owner 403, or 404 (it is not in its own member list).
            if isinstance(error, exc.Forbidden) or self._owned_by(img_id, project_id):
                message = (
                    "Only the project the image is shared with can change its membership "
                    "status; the owner cannot (%s)" % error.message
                )
            else:
                message = "No member request for that image was found (%s)" % error.message
            cls = exc.ImageMemberForbidden if isinstance(error, exc.Forbidden) else exc.ImageMemberNotFound
            raise cls(
                error.code, message, error.details, error.request_id, error.method, error.url
            ) from error
        image = img_id if isinstance(img_id, Image) else self._make({"id": get_id(img_id)})
        return ImageMember(ImageMemberManager(self.api, image), info, loaded=True)

    def _owned_by(self, img: Any, project_id: str) -> bool:
        """True if ``project_id`` owns the image (False if it cannot be read)."""
        try:
            return self.get(img).to_dict().get("owner") == project_id
        except exc.PyraxImageException:
            return False

    def members_of(self, image: Image) -> ImageMemberManager:
        """The manager of the projects ``image`` is shared with."""
        return ImageMemberManager(self.api, image=image)

    def tags_of(self, image: Image) -> ImageTagManager:
        """The manager of the tags of ``image``."""
        return ImageTagManager(self.api, image=image)

    def deactivate(self, img: Any) -> None:
        """Deactivate an active image (its data can no longer be downloaded)."""
        self.action(img, "deactivate")

    def reactivate(self, img: Any) -> None:
        """Make a deactivated image active again."""
        self.action(img, "reactivate")


_IMAGE_PATH = re.compile(r"/images/([^/]+)/?$")


def _created_id(info: Any, response: Any) -> Optional[str]:
    """The id of an image a malformed create reply still names: from the
    body (an object, or a list of one) or the ``Location`` header."""
    candidates = [info] + (info if isinstance(info, list) and len(info) == 1 else [])
    for candidate in candidates:
        if isinstance(candidate, dict) and isinstance(candidate.get("id"), str) and candidate["id"]:
            return str(candidate["id"])
    location = response.headers.get("Location") if response is not None else None
    match = _IMAGE_PATH.search(urlsplit(location).path) if isinstance(location, str) else None
    return unquote(match.group(1)) if match else None
