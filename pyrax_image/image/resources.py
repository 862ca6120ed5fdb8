"""The resources of the Images API: Image, ImageMember, ImageTag, ImageTask."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pyrax_image.resource import BaseResource


class Image(BaseResource):
    """A Glance image; its members and tags are managed from here too."""

    NAME_ATTR = "name"
    _non_display = ("schema", "file", "self", "locations")

    @property
    def _member_manager(self) -> Any:
        from pyrax_image.image.members import ImageMemberManager

        return ImageMemberManager(self.manager.api, image=self)

    @property
    def _tag_manager(self) -> Any:
        from pyrax_image.image.members import ImageTagManager

        return ImageTagManager(self.manager.api, image=self)

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

    def _id(self) -> Optional[str]:
        return self._info.get("member_id")

    @property
    def id(self) -> Optional[str]:
        """The member's project id."""
        return self._id()


class ImageTag(BaseResource):
    """A tag on an image."""

    get_details = False


class ImageTask(BaseResource):
    """An asynchronous import or export task."""
