"""Tasks, object-storage import and export, schemas."""

from __future__ import annotations

from typing import Any

from pyrax_image import exceptions as exc
from pyrax_image.cli import progress
from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.output import TASK_COLUMNS
from pyrax_image.cli.parser import (
    add_action,
    add_area,
    add_filter_options,
    add_new_image_options,
    filter_arguments,
    new_image_arguments,
)
from pyrax_image.display import human_size
from pyrax_image.image.client import ImageClient
from pyrax_image.image.tasks import TASK_FILTERS

SCHEMAS = {
    "image": "get_image_schema",
    "images": "get_images_schema",
    "member": "get_image_member_schema",
    "members": "get_image_members_schema",
    "task": "get_image_task_schema",
    "tasks": "get_image_tasks_schema",
}


def cmd_task_list(ctx: Any) -> int:
    opts = ctx.options
    tasks = ctx.client.list_tasks(page_size=opts.page_size, **filter_arguments(opts, TASK_FILTERS))
    ctx.out.table(tasks, TASK_COLUMNS)
    return 0


def cmd_image_tasks(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.out.table(ctx.client.list_image_tasks(image), TASK_COLUMNS)
    return 0


def cmd_task_show(ctx: Any) -> int:
    ctx.out.record(ctx.client.get_task(ctx.options.task))
    return 0


def cmd_task_wait(ctx: Any) -> int:
    with progress.waiting("task", ctx.options):
        task = ctx.client.wait_for_task(ctx.options.task, timeout=ctx.options.timeout)
    ctx.out.record(task)
    return 0


def import_method(client: ImageClient, asked: str) -> str:
    """``auto``: web-download where the cloud enables it, else the import task."""
    if asked != "auto":
        return asked
    try:
        methods = client.get_import_info().get("import-methods", {}).get("value", [])
    except exc.NotFound:  # a cloud older than interoperable import
        methods = []
    return "web-download" if "web-download" in methods else "task"


def cmd_import(ctx: Any) -> int:
    opts = ctx.options
    method = import_method(ctx.client, opts.method)
    with progress.waiting("import", opts):
        result = ctx.client.import_from_container(
            opts.object,
            opts.container,
            img_name=opts.name,
            method=method,
            timeout=opts.timeout,
            **new_image_arguments(opts),
        )
    ctx.out.record(result)
    return 0


def cmd_export(ctx: Any) -> int:
    opts = ctx.options
    image = find_image(ctx.client, opts.image)
    if opts.create_container:
        ctx.client.object_storage.create_container(opts.container)
    with progress.transfer("export", opts) as bar:
        stored = ctx.client.export_to_container(image, opts.container, obj_name=opts.object, progress=bar)
    ctx.out.message(
        "Exported %s to %s/%s (%s)" % (image.id, stored.container, stored.name, human_size(stored.bytes)),
        {"id": image.id, "container": stored.container, "object": stored.name, "bytes": stored.bytes},
    )
    return 0


def cmd_schema(ctx: Any) -> int:
    ctx.out.document(getattr(ctx.client, SCHEMAS[ctx.options.schema])())
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add ``task``, ``image-tasks``, ``import``, ``export`` and ``schema`` to the ``commands`` subparsers."""
    actions = add_area(commands, common, "task", "list, show or wait for tasks")
    p = add_action(actions, common, "list", cmd_task_list, "every task")
    add_filter_options(p, TASK_FILTERS)
    p.add_argument("--page-size", type=int, metavar="N", help="tasks per request")
    for action, func, text in (
        ("show", cmd_task_show, "one task"),
        ("wait", cmd_task_wait, "wait until a task succeeds (exit 1 if it fails)"),
    ):
        p = add_action(actions, common, action, func, text, "TASK")
        if action == "wait":
            progress.add_timeout(p, "the task")

    add_action(commands, common, "image-tasks", cmd_image_tasks, "the tasks that worked on an image", "IMAGE")

    p = add_action(
        commands,
        common,
        "import",
        cmd_import,
        "import an object-storage object as a new image",
        transfer=transfer,
    )
    p.add_argument("container", metavar="CONTAINER", help="the object-storage container holding the data")
    p.add_argument("object", metavar="OBJECT", help="the object (the image's data) in that container")
    p.add_argument("--name", help="the image's name (default: the object's)")
    add_new_image_options(p)
    p.add_argument(
        "--method",
        choices=("auto", "web-download", "task"),
        default="auto",
        help="auto (the default): web-download where the cloud enables it, else the import task",
    )
    progress.add_timeout(p, "the import")

    p = add_action(
        commands,
        common,
        "export",
        cmd_export,
        "copy an image's data into an object-storage container",
        "IMAGE",
        transfer=transfer,
    )
    p.add_argument("container", metavar="CONTAINER", help="the object-storage container to write into")
    p.add_argument("--object", help="object name (default: <image id>.<disk_format>)")
    p.add_argument(
        "--create-container", action="store_true", help="create the container if it does not exist"
    )

    p = add_action(commands, common, "schema", cmd_schema, "a JSON schema of the API")
    p.add_argument("schema", metavar="NAME", choices=sorted(SCHEMAS), help=" | ".join(sorted(SCHEMAS)))
