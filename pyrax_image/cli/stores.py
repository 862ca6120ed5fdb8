"""``stores`` (list, delete an image from one) and ``usage`` (quotas)."""

from __future__ import annotations

from typing import Any, List

from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.output import Column
from pyrax_image.cli.parser import add_action, add_area

STORE_COLUMNS: List[Column] = [
    Column("ID", lambda info: info.get("id")),
    Column("DEFAULT", lambda info: "yes" if str(info.get("default", "")).lower() == "true" else ""),
    Column("TYPE", lambda info: info.get("type")),
    Column("DESCRIPTION", lambda info: info.get("description")),
]
USAGE_COLUMNS: List[Column] = [
    Column("QUOTA", lambda info: info.get("quota")),
    Column("LIMIT", lambda info: info.get("limit")),
    Column("USAGE", lambda info: info.get("usage")),
]


def cmd_stores_list(ctx: Any) -> int:
    stores = ctx.client.get_stores_detail() if ctx.options.detail else ctx.client.get_stores_info()
    ctx.out.table(stores, STORE_COLUMNS)
    return 0


def cmd_stores_delete(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.client.delete_image_from_store(image, ctx.options.store)
    ctx.out.message(
        "Deleted the data of %s from store %s" % (image.id, ctx.options.store),
        {"id": image.id, "store": ctx.options.store, "deleted": True},
    )
    return 0


def cmd_usage(ctx: Any) -> int:
    usage = ctx.client.get_usage()
    rows = [
        {"quota": name, "limit": quota.limit, "usage": quota.usage}
        for name, quota in sorted(usage.quotas.items())
    ]
    if not rows and not ctx.out.json_mode:
        ctx.note("The cloud enforces no image quotas")
    ctx.out.table(rows, USAGE_COLUMNS)
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add ``stores`` and ``usage`` to the ``commands`` subparsers."""
    actions = add_area(commands, common, "stores", "the stores of a multi-store cloud")
    p = add_action(
        actions, common, "list", cmd_stores_list, "the stores (--detail: type and properties, admin)"
    )
    p.add_argument("--detail", action="store_true", help="with type, weight and properties (admin)")
    text = "delete an image's data from one store (admin)"
    add_action(actions, common, "delete", cmd_stores_delete, text, "IMAGE", "STORE")

    add_action(commands, common, "usage", cmd_usage, "the project's image quotas and usage")
