"""The resources of the Images API: Image, ImageMember, ImageTag, ImageTask."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Protocol

from pyrax_image.client import BaseClient
from pyrax_image.display import human_size, lenient_timestamp, short_id
from pyrax_image.resource import BaseResource


class ImageMembers(Protocol):
    """The projects one image is shared with (an ImageMemberManager)."""

    def list(self) -> List[ImageMember]: ...

    def get(self, item: Any) -> ImageMember: ...

    def create(self, project_id: Any) -> ImageMember: ...

    def delete(self, item: Any) -> None: ...


class ImageTags(Protocol):
    """The tags of one image (an ImageTagManager)."""

    def add(self, tag: str) -> None: ...

    def delete(self, tag: str) -> None: ...


class ImagesApi(Protocol):
    """What an Image asks of its manager, an ImageManager (declared here: the
    manager's module imports this one)."""

    @property
    def api(self) -> BaseClient[Any]: ...

    def update(self, img: Any, value_dict: Dict[str, Any]) -> Image: ...

    def members_of(self, image: Image) -> ImageMembers: ...

    def tags_of(self, image: Image) -> ImageTags: ...


class Image(BaseResource):
    """A Glance image; its members and tags are managed from here too.

    ``repr`` is short (``<Image 3f2a1b9c… 'ubuntu-24.04' active 2.1 GiB>``);
    ``to_dict()`` is the whole body.
    """

    manager: ImagesApi
    NAME_ATTR = "name"
    listed_complete = True  # a Glance v2 list entry is the whole image
    _non_display = ("schema", "file", "self", "locations")

    def _repr_parts(self) -> List[str]:
        parts = super()._repr_parts()
        size = human_size(self._info.get("size"))
        return parts + [size] if size else parts

    @property
    def _member_manager(self) -> ImageMembers:
        return self.manager.members_of(self)

    @property
    def _tag_manager(self) -> ImageTags:
        return self.manager.tags_of(self)

    def update(self, value_dict: Dict[str, Any]) -> Image:
        """Change attributes (a value of None removes a property); returns self."""
        return self.manager.update(self, value_dict)

    def change_name(self, newname: str) -> Image:
        """Rename the image."""
        return self.update({"name": newname})

    def list_members(self) -> List[ImageMember]:
        """The projects this image is shared with."""
        return self._member_manager.list()

    def get_member(self, member: Any) -> ImageMember:
        """One member (a project id or an ImageMember)."""
        return self._member_manager.get(member)

    def add_member(self, project_id: Any) -> ImageMember:
        """Share the image with a project; the member starts ``pending``."""
        return self._member_manager.create(project_id)

    def delete_member(self, project_id: Any) -> None:
        """Stop sharing the image with a project."""
        self._member_manager.delete(project_id)

    def add_tag(self, tag: str) -> None:
        """Add a tag (adding an existing tag is a no-op)."""
        self._tag_manager.add(tag)
        tags = self._info.get("tags")  # unknown (not loaded): leave to lazy load
        if isinstance(tags, list) and tag not in tags:
            tags.append(tag)

    def delete_tag(self, tag: str) -> None:
        """Remove a tag."""
        self._tag_manager.delete(tag)
        tags = self._info.get("tags")
        if tags and tag in tags:
            tags.remove(tag)


class ImageMember(BaseResource):
    """A project an image is shared with; its ``id`` is the ``member_id``."""

    get_details = False
    listed_complete = True

    def _id(self) -> Optional[str]:
        return self._info.get("member_id")

    def _repr_parts(self) -> List[str]:
        parts = [short_id(self._id())]
        if self._info.get("image_id"):
            parts += ["of", "image", short_id(self._info["image_id"])]
        if self._info.get("status"):
            parts.append(str(self._info["status"]))
        return parts

    @property
    def id(self) -> Optional[str]:
        """The member's project id."""
        return self._id()


class ImageTag(BaseResource):
    """A tag on an image."""

    get_details = False


class ImageTask(BaseResource):
    """An asynchronous import or export task (a list entry lacks ``input``,
    ``result`` and ``message``: reading one fetches the task)."""

    #: Fields Glance leaves out while they have no value (``expires_at`` of a
    #: pending task): read as None, as pyrax's samples expect.
    _OPTIONAL = frozenset(("expires_at", "message", "result"))

    def __getattr__(self, key: str) -> Any:
        try:
            return super().__getattr__(key)
        except AttributeError:
            if key in self._OPTIONAL:
                return None
            raise

    def _repr_parts(self) -> List[str]:
        parts = [short_id(self._id())] if self._id() is not None else []
        return parts + [str(self._info[key]) for key in ("type", "status") if self._info.get(key)]

    @property
    def expires_at_dt(self) -> Optional[datetime]:
        """``expires_at`` as a timezone-aware datetime (None when absent)."""
        return lenient_timestamp(self._info.get("expires_at"))
