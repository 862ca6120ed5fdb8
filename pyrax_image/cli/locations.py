"""``locations``: where an image's data is (list: service role; add: a queued image)."""

from __future__ import annotations

from typing import Any, List

from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.output import Column
from pyrax_image.cli.parser import add_action, add_area

LOCATION_COLUMNS: List[Column] = [
    Column("URL", lambda info: info.get("url")),
    Column("STORE", lambda info: (info.get("metadata") or {}).get("store")),
]


def cmd_locations_list(ctx: Any) -> int:
    ctx.out.table(ctx.client.list_image_locations(ctx.options.image), LOCATION_COLUMNS)
    return 0


def cmd_locations_add(ctx: Any) -> int:
    opts = ctx.options
    image = find_image(ctx.client, opts.image)
    validation = None
    if opts.hash_value is not None:
        validation = {"os_hash_algo": opts.hash_algo, "os_hash_value": opts.hash_value}
    ctx.client.add_image_location(image, opts.url, validation_data=validation)
    ctx.out.message("Added a location to %s" % image.id, {"id": image.id, "url": opts.url, "added": True})
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add the ``locations`` group to the ``commands`` subparsers."""
    actions = add_area(commands, common, "locations", "where an image's data is stored")
    p = add_action(actions, common, "list", cmd_locations_list, "an image's locations (service role)")
    p.add_argument("image", metavar="IMAGE", help="image id")
    p = add_action(
        actions, common, "add", cmd_locations_add, "give a queued image the data at a URL", "IMAGE"
    )
    p.add_argument("url", metavar="URL", help="where the data is (a URL one of the cloud's stores can read)")
    p.add_argument("--hash-algo", default="sha512", help="algorithm of --hash-value (default sha512)")
    p.add_argument("--hash-value", help="the data's hex digest, for Glance to check")
