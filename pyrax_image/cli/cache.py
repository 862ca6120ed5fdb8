"""``cache``: the image cache of the Glance node answering (admin)."""

from __future__ import annotations

from typing import Any, Dict, List

from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.output import Column
from pyrax_image.cli.parser import add_action, add_area
from pyrax_image.display import human_size

CACHE_COLUMNS: List[Column] = [
    Column("ID", lambda info: info.get("id")),
    Column("STATE", lambda info: info.get("state")),
    Column("SIZE", lambda info: human_size(info.get("size"))),
    Column("HITS", lambda info: info.get("hits")),
    Column("LAST ACCESSED", lambda info: info.get("last_accessed")),
]


def cache_rows(state: Any) -> List[Dict[str, Any]]:
    """One row per cached, then per queued image."""
    rows = []
    for image in state.cached:
        entry = image.cache_entry
        rows.append(
            {
                "id": image.id,
                "state": "cached",
                "size": entry.size,
                "hits": entry.hits,
                "last_accessed": entry.last_accessed.isoformat() if entry.last_accessed else None,
                "last_modified": entry.last_modified.isoformat() if entry.last_modified else None,
            }
        )
    rows += [{"id": image.id, "state": "queued"} for image in state.queued]
    return rows


def cmd_cache_list(ctx: Any) -> int:
    ctx.out.table(cache_rows(ctx.client.list_cached_images()), CACHE_COLUMNS)
    return 0


def cmd_cache_queue(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.client.cache_image(image)
    ctx.out.message("Queued %s for caching" % image.id, {"id": image.id, "queued": True})
    return 0


def cmd_cache_delete(ctx: Any) -> int:
    image_id = ctx.options.image  # an id: the image may be gone while still cached
    ctx.client.delete_cached_image(image_id)
    ctx.out.message("Removed %s from the cache" % image_id, {"id": image_id, "deleted": True})
    return 0


def cmd_cache_clear(ctx: Any) -> int:
    ctx.client.clear_image_cache(ctx.options.target)
    what = ctx.options.target or "cache and queue"
    ctx.out.message("Cleared the %s" % what, {"cleared": what})
    return 0


def cmd_cache_clean(ctx: Any) -> int:
    ctx.client.clean_image_cache()
    ctx.out.message("Cleaned the cache", {"cleaned": True})
    return 0


def cmd_cache_prune(ctx: Any) -> int:
    pruned = ctx.client.prune_image_cache()
    ctx.out.message(
        "Pruned %d files (%s)" % (pruned.files, human_size(pruned.bytes)),
        {"files": pruned.files, "bytes": pruned.bytes},
    )
    return 0


def cmd_cache_nodes(ctx: Any) -> int:
    nodes = ctx.client.list_image_cache_nodes(ctx.options.image)
    ctx.out.table([{"url": url} for url in nodes], [Column("NODE", "url")])
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add the ``cache`` group to the ``commands`` subparsers."""
    actions = add_area(commands, common, "cache", "the image cache (admin)")
    add_action(actions, common, "list", cmd_cache_list, "cached and queued images")
    for action, func, text in (
        ("queue", cmd_cache_queue, "queue an active image for caching"),
        ("delete", cmd_cache_delete, "remove an image (by id) from the cache and its queue"),
        ("nodes", cmd_cache_nodes, "the nodes caching an image (by id)"),
    ):
        p = add_action(actions, common, action, func, text)
        p.add_argument("image", metavar="IMAGE", help="id" if action != "queue" else "id or unique name")
    p = add_action(actions, common, "clear", cmd_cache_clear, "empty the cache and the queue")
    p.add_argument("--target", choices=("cache", "queue"), help="only the cache, or only the queue")
    add_action(actions, common, "clean", cmd_cache_clean, "remove invalid and stalled cache files")
    add_action(actions, common, "prune", cmd_cache_prune, "shrink the cache below its size limit")
