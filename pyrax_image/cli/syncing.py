"""The sync command: keep a selected set of images identical from one region
or cloud into others (see docs/sync.md)."""

from __future__ import annotations

from typing import Any, List

from pyrax_image import exceptions as exc
from pyrax_image.cli.lookup import parse_pairs
from pyrax_image.display import human_size
from pyrax_image.image.client import ImageClient

SYNC_COLUMNS = (
    ("ACTION", lambda row: row.get("action")),
    ("TARGET", lambda row: row.get("target")),
    ("SOURCE ID", lambda row: row.get("source_id")),
    ("NAME", lambda row: row.get("name")),
    ("TARGET ID", lambda row: row.get("target_id")),
    ("METHOD", lambda row: row.get("method")),
    ("SIZE", lambda row: human_size(row.get("size")) if row.get("size") is not None else ""),
    ("DETAIL", lambda row: row.get("detail")),
)


def client_for(ctx: Any, where: str) -> ImageClient:
    """The ImageClient of ``where``: a region of this login, else a cloud of
    clouds.yaml (``CLOUD`` in its own region, or ``CLOUD:REGION``)."""
    import pyrax_image

    source: ImageClient = ctx.client
    public = (source.endpoint_type or "public").lower() in ("public", "publicurl")
    regions = set(getattr(pyrax_image, "regions", None) or ())
    if where in regions:
        if where == source.region_name:
            return source
        return pyrax_image.connect_to_images(where, public=public)
    from pyrax_image.identity.keystone import KeystoneIdentity

    cloud, _, region = where.partition(":")
    try:
        identity = KeystoneIdentity.from_cloud(cloud)
    except exc.PyraxImageException as error:
        raise exc.InvalidArgument(
            "%r is neither a region of this login (%s) nor a usable clouds.yaml cloud: %s"
            % (where, ", ".join(sorted(regions)) or "none", error)
        )
    identity.authenticate()
    return ImageClient(
        identity, region_name=region or identity.region, endpoint_type="public" if public else "internal"
    )


def cmd_sync(ctx: Any) -> int:
    from pyrax_image.sync import ImageSelector, sync_images

    opts = ctx.options
    selector = ImageSelector(
        tag=opts.tag,
        name_prefix=opts.name_prefix,
        properties=parse_pairs(opts.property, "--property") if opts.property else None,
    )
    if opts.parallel < 1:
        raise exc.InvalidArgument("--parallel takes a positive number")
    source = client_for(ctx, opts.source)
    targets: List[ImageClient] = [client_for(ctx, where) for where in opts.targets]
    report = sync_images(
        source,
        targets,
        selector,
        dry_run=opts.dry_run,
        delete_extra=opts.delete_extra,
        parallel=opts.parallel,
        copy_method=opts.method,
        source_label=opts.source_label,
    )
    if ctx.out.json_mode:
        ctx.out.document(report.to_dict())
    else:
        ctx.out.table([result.to_dict() for result in report.results], SYNC_COLUMNS)
        counts = ", ".join("%d %s" % (count, action) for action, count in report.counts().items())
        ctx.note("%s%s" % ("dry run, nothing changed: " if report.dry_run else "", counts))
    return 1 if report.failed else 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add the sync command to the ``commands`` subparsers."""
    p = commands.add_parser(
        "sync",
        parents=[common],
        help="make selected images present and identical in other regions or clouds (copied once, verified)",
    )
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="REGION_OR_CLOUD",
        help="a region of this login, or a clouds.yaml cloud (CLOUD or CLOUD:REGION)",
    )
    p.add_argument(
        "--to",
        dest="targets",
        required=True,
        nargs="+",
        metavar="REGION_OR_CLOUD",
        help="the target regions of this login, or clouds of clouds.yaml (one or more)",
    )
    p.add_argument("--tag", help="sync the images with this tag")
    p.add_argument("--name-prefix", metavar="P", help="sync the images whose name starts with P")
    p.add_argument(
        "--property", action="append", metavar="KEY=VALUE", help="sync images with it (repeatable)"
    )
    p.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    p.add_argument(
        "--delete-extra", action="store_true", help="delete target images the sync made whose source is gone"
    )
    p.add_argument(
        "--parallel", type=int, default=4, metavar="N", help="images worked on at once (default 4)"
    )
    p.add_argument(
        "--method",
        choices=("auto", "glance-download", "client"),
        default="auto",
        help="how bytes are copied: auto (glance-download where the target offers it, else through this client)",
    )
    p.add_argument(
        "--source-label",
        metavar="LABEL",
        help="the source's name in the provenance property (default: its endpoint URL)",
    )
    p.set_defaults(func=cmd_sync)
