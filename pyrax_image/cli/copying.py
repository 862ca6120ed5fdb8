"""The copy command: an image to another region (same login) or another cloud
(a ``clouds.yaml`` entry), through this client, verified; see docs/copy.md."""

from __future__ import annotations

from typing import Any

from pyrax_image import exceptions as exc
from pyrax_image.cli import progress
from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.parser import add_action
from pyrax_image.image.client import ImageClient


def target_client(ctx: Any) -> ImageClient:
    """The ImageClient to copy into: ``--to-region`` of this login, or
    ``--to-cloud`` (then in ``--to-region`` if given)."""
    opts = ctx.options
    source = ctx.client
    public = (source.endpoint_type or "public").lower() in ("public", "publicurl")
    if opts.to_cloud:
        from pyrax_image.identity.keystone import KeystoneIdentity

        identity = KeystoneIdentity.from_cloud(opts.to_cloud)
        identity.authenticate()
        region = opts.to_region or identity.region
        return ImageClient(identity, region_name=region, endpoint_type="public" if public else "internal")
    import pyrax_image

    return pyrax_image.connect_to_images(opts.to_region, public=public)


def cmd_copy(ctx: Any) -> int:
    opts = ctx.options
    if not opts.to_region and not opts.to_cloud:
        raise exc.InvalidArgument("copy needs --to-region R or --to-cloud NAME")
    image = find_image(ctx.client, opts.image)
    target = target_client(ctx)
    with progress.transfer("copy", opts) as bar:
        copy = ctx.client.copy_image(
            image,
            target,
            name=opts.name,
            copy_visibility=opts.copy_visibility,
            keep_on_failure=opts.keep_on_failure,
            progress=bar,
        )
    ctx.out.record(copy)
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add the copy command to the ``commands`` subparsers."""
    text = "copy an image to another region or cloud (metadata kept, bytes verified)"
    p = add_action(commands, common, "copy", cmd_copy, text, "IMAGE", transfer=transfer)
    p.add_argument("--to-region", metavar="R", help="the target region (of this login, or of --to-cloud)")
    p.add_argument("--to-cloud", metavar="NAME", help="the target cloud, a clouds.yaml entry")
    p.add_argument("--name", help="the copy's name (default: the source's)")
    p.add_argument("--copy-visibility", action="store_true", help="give the copy the source's visibility")
    p.add_argument(
        "--keep-on-failure", action="store_true", help="keep a half-made copy instead of deleting it"
    )
