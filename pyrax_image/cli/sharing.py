"""Tags and members: ``tag add|delete``, ``member list|add|show|delete|accept|reject|pending``."""

from __future__ import annotations

from typing import Any

from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.output import MEMBER_COLUMNS
from pyrax_image.cli.parser import add_action, add_area


def cmd_tag(ctx: Any) -> int:
    opts = ctx.options
    image = find_image(ctx.client, opts.image)
    if opts.action == "add":
        ctx.client.add_image_tag(image, opts.tag)
        text = "Added tag %r to %s" % (opts.tag, image.id)
    else:
        ctx.client.delete_image_tag(image, opts.tag)
        text = "Deleted tag %r from %s" % (opts.tag, image.id)
    ctx.out.message(text, {"id": image.id, "tag": opts.tag, "action": opts.action})
    return 0


def cmd_member_list(ctx: Any) -> int:
    ctx.out.table(ctx.client.list_image_members(find_image(ctx.client, ctx.options.image)), MEMBER_COLUMNS)
    return 0


def cmd_member_add(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.out.record(ctx.client.add_image_member(image, ctx.options.project))
    return 0


def cmd_member_show(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.out.record(ctx.client.get_image_member(image, ctx.options.project))
    return 0


def cmd_member_delete(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.client.delete_image_member(image, ctx.options.project)
    text = "Stopped sharing %s with %s" % (image.id, ctx.options.project)
    ctx.out.message(text, {"id": image.id, "member_id": ctx.options.project, "deleted": True})
    return 0


def cmd_member_status(ctx: Any) -> int:
    image = find_image(ctx.client, ctx.options.image)
    ctx.out.record(ctx.client.update_image_member(image, ctx.options.status))
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add ``tag`` and ``member`` to the ``commands`` subparsers."""
    actions = add_area(commands, common, "tag", "add or delete an image tag")
    for action in ("add", "delete"):
        p = add_action(actions, common, action, cmd_tag, "%s a tag" % action, "IMAGE")
        p.add_argument("tag", metavar="TAG", help="the tag (any text)")

    actions = add_area(commands, common, "member", "share images and answer shares")
    add_action(actions, common, "list", cmd_member_list, "the projects an image is shared with", "IMAGE")
    for action, func, text in (
        ("add", cmd_member_add, "share an image with a project (owner)"),
        ("show", cmd_member_show, "one project's share of an image and its answer"),
        ("delete", cmd_member_delete, "stop sharing an image with a project (owner)"),
    ):
        add_action(actions, common, action, func, text, "IMAGE", "PROJECT")
    for status, action in (("accepted", "accept"), ("rejected", "reject"), ("pending", "pending")):
        text = "mark an image shared with you %s" % status
        add_action(actions, common, action, cmd_member_status, text, "IMAGE").set_defaults(status=status)
