"""Tags and members: ``tag add|delete``, ``member list|add|show|delete|accept|reject|pending``."""

from __future__ import annotations

from typing import Any

from pyrax_image.cli.lookup import find_image
from pyrax_image.cli.output import MEMBER_COLUMNS


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
    tag = commands.add_parser("tag", parents=[common], help="add or delete an image tag")
    actions = tag.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action in ("add", "delete"):
        p = actions.add_parser(action, parents=[common], help="%s a tag" % action)
        p.add_argument("image", metavar="IMAGE", help="id or unique name")
        p.add_argument("tag", metavar="TAG", help="the tag (any text)")
        p.set_defaults(func=cmd_tag)

    member = commands.add_parser("member", parents=[common], help="share images and answer shares")
    actions = member.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("list", parents=[common], help="the projects an image is shared with")
    p.add_argument("image", metavar="IMAGE", help="id or unique name")
    p.set_defaults(func=cmd_member_list)
    for action, func, text in (
        ("add", cmd_member_add, "share an image with a project (owner)"),
        ("show", cmd_member_show, "one project's share of an image and its answer"),
        ("delete", cmd_member_delete, "stop sharing an image with a project (owner)"),
    ):
        p = actions.add_parser(action, parents=[common], help=text)
        p.add_argument("image", metavar="IMAGE", help="id or unique name")
        p.add_argument("project", metavar="PROJECT", help="project id")
        p.set_defaults(func=func)
    for status, action in (("accepted", "accept"), ("rejected", "reject"), ("pending", "pending")):
        p = actions.add_parser(action, parents=[common], help="mark an image shared with you %s" % status)
        p.add_argument("image", metavar="IMAGE", help="id or unique name")
        p.set_defaults(func=cmd_member_status, status=status)
