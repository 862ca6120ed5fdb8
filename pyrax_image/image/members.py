"""Per-image managers: members (sharing) and tags."""

from __future__ import annotations

from typing import Any, Dict, List

from pyrax_image import exceptions as exc
from pyrax_image.client import BaseClient
from pyrax_image.image.resources import ImageMember
from pyrax_image.manager import BaseManager, R
from pyrax_image.resource import BaseResource
from pyrax_image.utils import get_id, quote_segment

MAX_TAG_LENGTH = 255


class _PerImageManager(BaseManager[R]):
    """A manager whose collection lives below one image (an Image or its id)."""

    def __init__(self, api: BaseClient[Any], image: Any, **kwargs: Any):
        super().__init__(api, **kwargs)
        self.image = image

    def _collection_uri(self) -> str:
        return "/images/%s/%s" % (quote_segment(get_id(self.image)), self.uri_base)


class ImageMemberManager(_PerImageManager[ImageMember]):
    """The projects one image is shared with."""

    def __init__(self, api: BaseClient[Any], image: Any):
        super().__init__(
            api,
            image,
            resource_class=ImageMember,
            response_key="",
            plural_response_key="members",
            uri_base="members",
        )

    def list(self, *args: Any, **kwargs: Any) -> List[ImageMember]:
        """Every member of the image (the members list is not paged)."""
        return self._list(self._collection_uri())

    def create(self, project_id: Any, *args: Any, **kwargs: Any) -> ImageMember:  # type: ignore[override]
        """Share the image with ``project_id``; a 403 means it cannot be shared."""
        try:
            return super().create(project_id)
        except exc.Forbidden as error:
            raise exc.UnsharableImage(
                error.code,
                "Image %s cannot be shared (its visibility must be 'shared' and you "
                "must own it): %s" % (get_id(self.image), error.message),
                details=error.details,
                request_id=error.request_id,
                method=error.method,
                url=error.url,
            ) from error

    def _create_body(self, name: Any, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        return {"member": get_id(name)}


class ImageTagManager(_PerImageManager[BaseResource]):
    """The tags of one image."""

    def __init__(self, api: BaseClient[Any], image: Any):
        super().__init__(api, image, resource_class=None, response_key="", uri_base="tags")

    def add(self, tag: str) -> None:
        """Add ``tag`` to the image."""
        self.api.method_put(self._tag_uri(tag))

    def delete(self, tag: str) -> None:
        """Remove ``tag`` from the image."""
        self.api.method_delete(self._tag_uri(tag))

    def _tag_uri(self, tag: str) -> str:
        if not isinstance(tag, str) or not tag:
            raise exc.InvalidArgument("A tag must be a non-empty string, not %r" % (tag,))
        if len(tag) > MAX_TAG_LENGTH:
            raise exc.InvalidArgument("A tag is at most %d characters long" % MAX_TAG_LENGTH)
        return "%s/%s" % (self._collection_uri(), quote_segment(tag))
