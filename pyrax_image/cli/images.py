"""Image commands: list, show, create, upload, download, update, delete,
deactivate, reactivate."""

from __future__ import annotations

import os
import sys
from typing import Any, Dict

from pyrax_image import exceptions as exc
from pyrax_image.cli import progress
from pyrax_image.cli.lookup import find_image, parse_pairs
from pyrax_image.cli.output import IMAGE_COLUMNS
from pyrax_image.cli.parser import (
    POSITIONAL_HELP,
    add_action,
    add_filter_options,
    add_new_image_options,
    filter_arguments,
    new_image_arguments,
)
from pyrax_image.display import human_size
from pyrax_image.image.filters import IMAGE_FILTERS

STDIO = "-"  # standard input or output, wherever a file is read or written
NO_INSPECT = "--no-inspect"
NO_INSPECT_HELP = "send the file without first checking that Glance would take it (see 'inspect')"


def cmd_list(ctx: Any) -> int:
    opts = ctx.options
    filters = filter_arguments(opts, IMAGE_FILTERS)
    if opts.all:
        images = list(ctx.client.iter_all(page_size=opts.limit, **filters))
    else:
        images = ctx.client.list(limit=opts.limit, **filters)
    ctx.out.table(images, IMAGE_COLUMNS)
    if getattr(images, "has_more", False):
        ctx.note("more images may exist: --all lists every page")
    return 0


def cmd_show(ctx: Any) -> int:
    ctx.out.record(find_image(ctx.client, ctx.options.image))
    return 0


def cmd_create(ctx: Any) -> int:
    opts = ctx.options
    arguments = new_image_arguments(opts)
    arguments["metadata"].update(
        {key: value for key, value in (("visibility", opts.visibility), ("tags", opts.tag)) if value}
    )
    data = readable_source(opts.file) if opts.file else None
    if data:
        note_if_not_inspected(ctx)
    with progress.transfer("upload", opts) as bar:
        extra = {"progress": bar, "inspect": not opts.no_inspect} if data else {}
        if opts.store:
            extra["store"] = opts.store
        extra.update(via_container_options(opts))
        image = ctx.client.create(opts.name, data=data, **arguments, **extra)
    ctx.out.record(image)
    return 0


def cmd_upload(ctx: Any) -> int:
    path = readable_source(ctx.options.path)
    note_if_not_inspected(ctx)
    image = find_image(ctx.client, ctx.options.image)
    with progress.transfer("upload", ctx.options) as bar:
        image = ctx.client.upload(
            image,
            path,
            progress=bar,
            store=ctx.options.store,
            inspect=not ctx.options.no_inspect,
            **via_container_options(ctx.options),
        )
    ctx.out.record(image)
    return 0


def cmd_stage(ctx: Any) -> int:
    opts = ctx.options
    path = readable_source(opts.path)
    note_if_not_inspected(ctx)
    image = find_image(ctx.client, opts.image)
    with progress.transfer("stage", opts) as bar:
        image = ctx.client.stage(image, path, progress=bar, inspect=not opts.no_inspect)
    if not opts.stage_only:
        ctx.client.import_image(image, "glance-direct")
        with progress.waiting("import", opts):
            image = ctx.client.wait_for_import_end(image, timeout=opts.timeout)
    ctx.out.record(image)
    return 0


def cmd_download(ctx: Any) -> int:
    path = None if ctx.options.file == STDIO else ctx.options.file
    if path is None and sys.stdout.isatty():
        raise exc.InvalidArgument("stdout is a terminal: give --file PATH or redirect the output")
    connections = ctx.options.connections
    if connections is not None and (connections < 1 or (connections > 1 and path is None)):
        raise exc.InvalidArgument("--connections takes a positive number, and more than 1 needs --file PATH")
    image = find_image(ctx.client, ctx.options.image)
    with progress.transfer("download", ctx.options) as bar:
        dest = path if path else sys.stdout.buffer
        done = ctx.client.download(
            image, dest, progress=bar, connections=connections, prefer=ctx.options.prefer
        )
    if path:
        verified = " verified with %s" % done.verified_with if done.verified_with else ""
        ctx.out.message(
            "Downloaded %s to %s (%s%s)" % (image.id, path, human_size(done.bytes_read), verified),
            {"id": image.id, "file": path, "bytes": done.bytes_read, "verified_with": done.verified_with},
        )
    return 0


def cmd_update(ctx: Any) -> int:
    opts = ctx.options
    changes = parse_pairs(opts.set, "--set")
    changes.update({key: None for key in opts.unset or ()})
    if opts.name:
        changes["name"] = opts.name
    if not changes:
        raise exc.InvalidArgument("nothing to update: give --name, --set KEY=VALUE or --unset KEY")
    ctx.out.record(ctx.client.update(find_image(ctx.client, opts.image), changes))
    return 0


def cmd_delete(ctx: Any) -> int:
    failed = 0
    for value in ctx.options.images:
        try:
            image = find_image(ctx.client, value)
            ctx.client.delete(image)
        except exc.ClientException as error:
            ctx.report(error)
            failed += 1
            continue
        ctx.out.message("Deleted %s (%s)" % (image.id, image.name), {"id": image.id, "deleted": True})
    return 1 if failed else 0


def cmd_deactivate(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.client.deactivate(image)
    ctx.out.message("Deactivated %s" % image.id, {"id": image.id, "status": "deactivated"})
    return 0


def cmd_reactivate(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.client.reactivate(image)
    ctx.out.message("Reactivated %s" % image.id, {"id": image.id, "status": "active"})
    return 0


def note_if_not_inspected(ctx: Any) -> None:
    """Say that the file goes up unchecked when the ``inspect`` extra is missing."""
    from pyrax_image.inspector import INSTALL_HINT, inspector_available

    if not ctx.options.no_inspect and not inspector_available():
        ctx.note("note: the file is sent without checking that Glance would take it (%s)" % INSTALL_HINT)


def readable_source(path: str) -> Any:
    """Standard input (its bytes) for ``-``, else ``path`` if it is a readable file."""
    return sys.stdin.buffer if path == STDIO else readable_file(path)


def readable_file(path: str) -> str:
    """``path`` if it is a readable file (checked before any request)."""
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise exc.InvalidArgument("cannot read %r: not a readable file" % path)
    return path


def add_via_container_options(parser: Any) -> None:
    """The options sending a local file through object storage (create, upload)."""
    parser.add_argument(
        "--via-container",
        metavar="CONTAINER",
        help="send the file through this object-storage container (created if missing): parallel "
        "segment PUTs, then Glance imports it server-side; the segments are deleted afterwards",
    )
    parser.add_argument(
        "--segment-mib", type=int, metavar="N", help="with --via-container: segments of N MiB (default 32)"
    )
    parser.add_argument(
        "--connections",
        type=int,
        metavar="N",
        help="with --via-container: N segment PUTs at once (default 4)",
    )
    parser.add_argument(
        "--import-method",
        choices=("web-download", "task"),
        help="with --via-container: how Glance imports (default: web-download where enabled, else the task)",
    )
    parser.add_argument(
        "--keep-segments", action="store_true", help="with --via-container: keep the large object afterwards"
    )


def via_container_options(opts: Any) -> Dict[str, Any]:
    """The keyword arguments of create()/upload() the options above give (none without --via-container)."""
    given = {
        "--segment-mib": (
            "segment_size",
            None if opts.segment_mib is None else opts.segment_mib * 1024 * 1024,
        ),
        "--connections": ("connections", opts.connections),
        "--import-method": ("import_method", opts.import_method),
        "--keep-segments": ("keep_segments", opts.keep_segments or None),
    }
    chosen = {name: value for name, value in given.values() if value is not None}
    if opts.via_container is None:
        if chosen:
            raise exc.InvalidArgument(
                "%s needs --via-container"
                % ", ".join(flag for flag, (_, v) in given.items() if v is not None)
            )
        return {}
    return dict(chosen, via_container=opts.via_container)


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add the image commands to the ``commands`` subparsers."""
    p = add_action(commands, common, "list", cmd_list, "list images (one page unless --all)")
    add_filter_options(p, IMAGE_FILTERS)
    p.add_argument("--limit", type=int, metavar="N", help="at most N images a page (default: the server's)")
    p.add_argument("--all", action="store_true", help="follow every page")

    add_action(commands, common, "show", cmd_show, "show one image", "IMAGE")

    p = add_action(
        commands,
        common,
        "create",
        cmd_create,
        "create an image, with its data from --file",
        transfer=transfer,
    )
    p.add_argument("name", metavar="NAME", help="the new image's name")
    p.add_argument("--file", metavar="PATH", help="upload this file, verified; - reads standard input")
    add_new_image_options(
        p,
        "raw, qcow2, vmdk, vhd, vdi, vhdx, iso, ploop, aki, ari or ami (default: what --file holds, "
        "see 'inspect'; else vhd)",
    )
    p.add_argument(
        "--visibility",
        choices=("public", "private", "shared", "community"),
        help="public, private, shared or community (default: the cloud's, usually shared)",
    )
    p.add_argument("--tag", action="append", help="add this tag (repeatable)")
    p.add_argument("--store", metavar="STORE", help="the store the data goes to (multi-store clouds)")
    p.add_argument(NO_INSPECT, action="store_true", help=NO_INSPECT_HELP)
    add_via_container_options(p)

    p = add_action(
        commands, common, "upload", cmd_upload, "upload data into a queued image", "IMAGE", transfer=transfer
    )
    p.add_argument("path", metavar="PATH", help="the file to upload, verified; - reads standard input")
    p.add_argument("--store", metavar="STORE", help="the store the data goes to (multi-store clouds)")
    p.add_argument(NO_INSPECT, action="store_true", help=NO_INSPECT_HELP)
    add_via_container_options(p)

    p = add_action(
        commands,
        common,
        "stage",
        cmd_stage,
        "stage data into a queued image, then import it (glance-direct)",
        "IMAGE",
        transfer=transfer,
    )
    p.add_argument("path", metavar="PATH", help="the file to stage; - reads standard input")
    p.add_argument(
        "--stage-only",
        action="store_true",
        help="leave the staged data for a later import (no glance-direct)",
    )
    p.add_argument(NO_INSPECT, action="store_true", help=NO_INSPECT_HELP)
    progress.add_timeout(p, "the import")

    p = add_action(
        commands,
        common,
        "download",
        cmd_download,
        "download an image's data, verified",
        "IMAGE",
        transfer=transfer,
    )
    p.add_argument(
        "--file",
        metavar="PATH",
        help="write here; - (or no --file) writes standard output when it is not a terminal",
    )
    p.add_argument(
        "--connections",
        type=int,
        default=None,
        metavar="N",
        help="fetch N ranges at once (needs --file; default: one stream, split over 4 ranges "
        "when an image of 64 MiB or more arrives under 40 MiB/s)",
    )
    p.add_argument(
        "--prefer", action="append", metavar="STORE", help="read from this store first (repeatable)"
    )

    p = add_action(commands, common, "update", cmd_update, "rename, set or unset properties", "IMAGE")
    p.add_argument("--name", help="the new name")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="set this property (repeatable)")
    p.add_argument("--unset", action="append", metavar="KEY", help="remove this property (repeatable)")

    p = add_action(commands, common, "delete", cmd_delete, "delete images (each is reported)")
    p.add_argument("images", metavar="IMAGE", nargs="+", help=POSITIONAL_HELP["IMAGE"])

    for name, func, text in (
        ("deactivate", cmd_deactivate, "make an image's data unavailable"),
        ("reactivate", cmd_reactivate, "make a deactivated image's data available again"),
    ):
        add_action(commands, common, name, func, text, "IMAGE")
