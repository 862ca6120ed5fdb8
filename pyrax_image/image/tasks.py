"""Tasks (Rackspace-style import/export) and the API's JSON schemas.

:func:`import_task_body` is the one builder of an ``import`` task body. Its
disk-format default is ``vhd``, as pyrax's ``import_task`` had it (and as
``create`` has): every entry point that starts an import task without an
explicit format (``import_task``, ``import_from_container(method="task")``)
gets the same one.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Protocol

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_given_texts, check_int, check_text
from pyrax_image.image.client_base import ImageClientBase
from pyrax_image.image.filters import SORT_DIRS, ImageFilter, choice, encoded, given
from pyrax_image.image.properties import check_properties
from pyrax_image.image.resources import ImageTask
from pyrax_image.manager import BaseManager
from pyrax_image.object_storage import paths
from pyrax_image.replies import expect_object, expect_objects, json_document
from pyrax_image.resource import BaseResource
from pyrax_image.statuses import TASK_STATUSES
from pyrax_image.utils import get_id, quote_segment

DEFAULT_IMPORT_FORMAT = "vhd"
# The task filters, in the order they are sent. ImageTasksManager.list and
# TaskCalls.list_tasks write them as typed parameters (before page_size), and
# ``pyrax-image task list`` offers them; tests/unit/test_listing_declared.py
# fails if a signature and this disagree.
TASK_FILTERS = (
    ImageFilter("type", "Optional[str]", check_text, "import, ..."),
    ImageFilter("status", "Optional[str]", choice(TASK_STATUSES), "only tasks in this status", TASK_STATUSES),
    ImageFilter(
        "sort_key", "Optional[str]", check_text, "created_at (the default), updated_at, status, type, id"
    ),
    ImageFilter("sort_dir", "Optional[str]", choice(SORT_DIRS), "asc or desc (default desc)", SORT_DIRS),
)
# The metadata-definition schemas, /schemas/metadefs/<name>: what each describes.
METADEF_SCHEMAS = {
    "namespace": "one metadef namespace",
    "namespaces": "a list of metadef namespaces",
    "resource_type": "one metadef resource type association",
    "resource_types": "a list of resource type associations definition",
    "object": "one metadef object",
    "objects": "a list of metadef objects",
    "property": "one metadef property",
    "properties": "a list of metadef properties",
    "tag": "one metadef tag",
    "tags": "a list of metadef tags",
}


def import_task_body(
    import_from: str, img_format: Optional[str], image_properties: Dict[str, Any]
) -> Dict[str, Any]:
    """The body of an ``import`` task reading ``import_from`` (``container/object``
    on Rackspace, an http(s) URL upstream) as ``img_format`` (default vhd)."""
    return {
        "type": "import",
        "input": {
            "image_properties": image_properties,
            "import_from": import_from,
            "import_from_format": img_format or DEFAULT_IMPORT_FORMAT,
        },
    }


class ImageTasksManager(BaseManager[ImageTask]):
    """Import and export tasks, in the Rackspace Cloud Images formats."""

    api: ImageClientBase
    resource_class = ImageTask

    def list(  # type: ignore[override]
        self,
        type: Optional[str] = None,
        status: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
        page_size: Optional[int] = None,
    ) -> List[ImageTask]:
        """Every task matching the filters (each checked before any request),
        following the server's ``next`` links."""
        query = encoded(TASK_FILTERS, given(locals(), TASK_FILTERS))
        if page_size is not None:
            query["limit"] = check_int("page_size", page_size, 1)
        return list(self.iter_all(**query))

    def list_for_image(self, img: Any) -> List[ImageTask]:
        """``GET /images/{image_id}/tasks``. Its 404 is the image's when the
        image is missing, else the route's (a cloud before 2.12): asked of
        the image, never of the versions list (Glance lists 2.12 only with
        several stores but serves the route anyway)."""
        uri = "/images/%s/tasks" % quote_segment(get_id(img))
        try:
            response, body = self.api.method_get(uri)
        except exc.NotFound as error:
            from pyrax_image.image.discovery import IMAGE_TASKS_VERSION, unsupported

            self.api.get(img)  # NotFound of the image itself when it is missing
            raise unsupported(error, IMAGE_TASKS_VERSION, "an image's tasks", ()) from None
        what = "The image's tasks"
        container = expect_object(body if body is not None else json_document(response, what), what, response)
        items = expect_objects(container.get("tasks"), what, response)
        return [self._make(item, loaded=True) for item in items]

    def create(
        self,
        name: str,
        img: Any = None,
        cont: Any = None,
        img_format: Optional[str] = None,
        img_name: Optional[str] = None,
        **kwargs: Any,
    ) -> ImageTask:
        """Create a task; for ``export`` and ``import`` after checking the container.

        ``cont`` is a container name or object; it must exist in the object
        storage of the client's own identity and region. Any other task type
        (e.g. ``api_image_import``), or any type given ``input=``, is sent as
        ``{"type": name, "input": input}`` (upstream Glance's own bodies).
        """
        if not isinstance(name, str) or not name:
            raise exc.InvalidArgument("The task type must be a non-empty string, not %r" % (name,))
        if cont is None and name in ("export", "import") and "input" not in kwargs:
            raise exc.InvalidArgument("A container is required for an %s task" % name)
        body = self._create_body(name, img=img, cont=cont, img_format=img_format, img_name=img_name, **kwargs)
        if cont is not None:
            self.api.storage_access.check_container(cont)
        return self.create_task(body)

    def create_task(self, body: Dict[str, Any]) -> ImageTask:
        """``POST /tasks`` with a ready body (see :func:`import_task_body`)."""
        return self._create(self._collection_uri(), body)

    def _create_body(
        self,
        name: str,
        img: Any = None,
        cont: Any = None,
        img_format: Optional[str] = None,
        img_name: Optional[str] = None,
        **kwargs: Any,
    ) -> Dict[str, Any]:
        if name not in ("export", "import") or "input" in kwargs:
            return {"type": name, "input": kwargs.pop("input", None) or {}}
        container = paths.container_name(cont)
        if name == "export":
            return {
                "type": "export",
                "input": {"image_uuid": get_id(img), "receiving_swift_container": container},
            }
        object_name = paths.object_name(img)
        check_given_texts(img_format=img_format, img_name=img_name)
        properties = {"name": img_name or object_name}
        properties.update(kwargs.pop("image_properties", None) or {})
        check_properties(properties, "image_properties")
        return import_task_body("%s/%s" % (container, object_name), img_format, properties)


class TaskCalls:
    """``ImageClient``'s task methods, as pyrax has them (mixed into it)."""

    _tasks_manager: ImageTasksManager

    def list_tasks(
        self,
        type: Optional[str] = None,
        status: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
        page_size: Optional[int] = None,
    ) -> List[ImageTask]:
        """Every task, over all pages (pages of ``page_size``), of a ``type``
        (``import``) and ``status`` (pending, processing, success, failure),
        sorted by ``sort_key`` (default created_at) in ``sort_dir``."""
        return self._tasks_manager.list(page_size=page_size, **given(locals(), TASK_FILTERS))

    def list_image_tasks(self, img: Any) -> List[ImageTask]:
        """The tasks that worked on an image (imports, copies), oldest first.
        A cloud without the route (before Image API 2.12) raises
        ``ApiVersionNotSupported``, whatever its versions list says."""
        return self._tasks_manager.list_for_image(img)

    def get_task(self, task: Any) -> ImageTask:
        """A task by id."""
        return self._tasks_manager.get(task)

    def export_task(self, img: Any, cont: Any) -> ImageTask:
        """Start exporting an image to an object-storage container
        (NoSuchContainer if it does not exist)."""
        return self._tasks_manager.create("export", img=img, cont=cont)

    def import_task(
        self, img: Any, cont: Any, img_format: Optional[str] = None, img_name: Optional[str] = None
    ) -> ImageTask:
        """Start importing object ``img`` of container ``cont`` as an image
        named ``img_name`` (default: the object's name), format vhd by default."""
        return self._tasks_manager.create(
            "import", img=img, cont=cont, img_format=img_format, img_name=img_name
        )


def schema_reader(path: str, what: str) -> Callable[[JSONSchemaManager], Dict[str, Any]]:
    """A :class:`JSONSchemaManager` method returning the schema of ``what``,
    ``GET /schemas/<path>`` (``ImageClient`` offers each through
    :func:`schema_call`)."""

    def read(self: JSONSchemaManager) -> Dict[str, Any]:
        return self._schema(path)

    read.__doc__ = "The JSON schema of %s." % what
    return read


class HasSchemaManager(Protocol):
    """What :func:`schema_call` needs of a client: its schema manager."""

    _schema_manager: JSONSchemaManager


def schema_call(
    read: Callable[[JSONSchemaManager], Dict[str, Any]],
) -> Callable[[HasSchemaManager], Dict[str, Any]]:
    """pyrax's ``get_*_schema`` method of ``ImageClient`` for ``read`` (a
    :func:`schema_reader`), called on the client's schema manager, with its docstring."""

    def get_schema(self: HasSchemaManager) -> Dict[str, Any]:
        return read(self._schema_manager)

    get_schema.__doc__ = read.__doc__
    return get_schema


class JSONSchemaManager(BaseManager[BaseResource]):
    """The JSON schemas under ``/schemas`` (returned as plain dicts)."""

    def _schema(self, name: str) -> Dict[str, Any]:
        response, body = self.api.method_get("/%s/%s" % (self.uri_base, name))
        if body is None:
            body = json_document(response, "The %s schema" % name)
        return expect_object(body, "The %s schema" % name, response)

    # pyrax's schema methods, one a line.
    images = schema_reader("images", "a list of images")
    image = schema_reader("image", "one image")
    image_members = schema_reader("members", "a list of image members")
    image_member = schema_reader("member", "one image member")
    image_tasks = schema_reader("tasks", "a list of tasks")
    image_task = schema_reader("task", "one task")

    def metadef(self, name: str) -> Dict[str, Any]:
        """Schema of a metadata definition entity, ``name`` one of :data:`METADEF_SCHEMAS`."""
        check_choice("name", name, METADEF_SCHEMAS)
        return self._schema("metadefs/" + name)
