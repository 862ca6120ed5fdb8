"""ImageClient: pyrax's Cloud Images client, working against Images v2."""

from __future__ import annotations

import functools
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    TypeVar,
    cast,
)

from pyrax_image.image.data_client import ImageDataClient
from pyrax_image.image.filters import ImageListing
from pyrax_image.image.manager import ImageManager
from pyrax_image.image.operations_client import ImageOperationsClient
from pyrax_image.image.resources import Image, ImageMember, ImageTask
from pyrax_image.image.tasks import ImageTasksManager, JSONSchemaManager, TaskCalls, schema_call
from pyrax_image.metadefs.client import MetadefCalls
from pyrax_image.utils import get_id

if TYPE_CHECKING:  # Python 3.9's typing has neither
    from typing_extensions import Concatenate, ParamSpec

    P = ParamSpec("P")

C = TypeVar("C", bound="ImageClient")
T = TypeVar("T")


def assure_image(fnc: Callable[Concatenate[C, Image, P], T]) -> Callable[Concatenate[C, Any, P], T]:
    """Let a method take an image id where it needs an ``Image`` (no request)."""

    @functools.wraps(fnc)
    def _wrapped(self: C, img: Any, *args: P.args, **kwargs: P.kwargs) -> T:
        if not isinstance(img, Image):
            img = Image(self._manager, {"id": get_id(img)})
        return fnc(self, img, *args, **kwargs)

    # mypy cannot say "img by position or name" with Concatenate; the wrapper takes both.
    return cast("Callable[Concatenate[C, Any, P], T]", _wrapped)


class ImageClient(ImageListing, TaskCalls, ImageDataClient, ImageOperationsClient, MetadefCalls):
    """The Cloud Images (Glance v2) client, as ``pyrax.images`` was; listing
    is in :class:`~pyrax_image.image.filters.ImageListing`, tasks in
    :class:`~pyrax_image.image.tasks.TaskCalls`, versions,
    locations, stores, usage and the cache are in
    :class:`~pyrax_image.image.operations_client.ImageOperationsClient`,
    metadata definitions in :class:`~pyrax_image.metadefs.client.MetadefCalls`."""

    name = "Images"
    service_type = "image"
    _manager: ImageManager
    _tasks_manager: ImageTasksManager
    _schema_manager: JSONSchemaManager

    def _configure_manager(self) -> None:
        """Create the managers for images, tasks and schemas (the data service is built on first use)."""
        self._manager = ImageManager(
            self, resource_class=Image, response_key="", plural_response_key="images", uri_base="images"
        )
        self._tasks_manager = ImageTasksManager(
            self, resource_class=ImageTask, response_key="", plural_response_key="tasks", uri_base="tasks"
        )
        self._schema_manager = JSONSchemaManager(
            self, resource_class=None, response_key="", plural_response_key="", uri_base="schemas"
        )

    # -- images -------------------------------------------------------------------
    def update(self, img: Any, value_dict: Dict[str, Any]) -> Image:
        """Change image attributes; a value of None removes a property.
        Returns the updated image (an ``Image`` passed in is refreshed)."""
        return self._manager.update(img, value_dict)

    def change_image_name(self, img: Any, newname: str) -> Image:
        """Rename an image."""
        return self.update(img, {"name": newname})

    def deactivate(self, img: Any) -> None:
        """Deactivate an image so its data cannot be downloaded (admins excepted)."""
        self._manager.deactivate(img)

    def reactivate(self, img: Any) -> None:
        """Reactivate a deactivated image."""
        self._manager.reactivate(img)

    # -- members ------------------------------------------------------------------
    @assure_image
    def list_image_members(self, img: Image) -> List[ImageMember]:
        """The projects an image is shared with."""
        return img.list_members()

    @assure_image
    def get_image_member(self, img: Image, member: Any) -> ImageMember:
        """One member of an image."""
        return img.get_member(member)

    @assure_image
    def add_image_member(self, img: Image, project_id: Any) -> ImageMember:
        """Share an image with a project (raises UnsharableImage on 403)."""
        return img.add_member(project_id)

    @assure_image
    def delete_image_member(self, img: Image, project_id: Any) -> None:
        """Stop sharing an image with a project."""
        return img.delete_member(project_id)

    def update_image_member(self, img_id: Any, status: str, member: Any = None) -> ImageMember:
        """Set your project's membership of a shared image (or ``member``'s,
        a project id): pending, accepted or rejected (InvalidImageMemberStatus
        otherwise; ImageMemberForbidden when the owner tries, as Glance only
        lets the member project answer)."""
        return self._manager.update_image_member(img_id, status, member=member)

    # -- tags -----------------------------------------------------------------------
    @assure_image
    def add_image_tag(self, img: Image, tag: str) -> None:
        """Add a tag to an image."""
        return img.add_tag(tag)

    @assure_image
    def delete_image_tag(self, img: Image, tag: str) -> None:
        """Remove a tag from an image."""
        return img.delete_tag(tag)

    # -- schemas ------------------------------------------------------------------------
    get_images_schema = schema_call(JSONSchemaManager.images)
    get_image_schema = schema_call(JSONSchemaManager.image)
    get_image_members_schema = schema_call(JSONSchemaManager.image_members)
    get_image_member_schema = schema_call(JSONSchemaManager.image_member)
    get_image_tasks_schema = schema_call(JSONSchemaManager.image_tasks)
    get_image_task_schema = schema_call(JSONSchemaManager.image_task)
