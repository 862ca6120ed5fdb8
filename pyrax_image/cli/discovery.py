"""``versions``: the Image API versions the cloud offers."""

from __future__ import annotations

from typing import Any, List

from pyrax_image.cli.output import Column

VERSION_COLUMNS: List[Column] = [
    Column("VERSION", lambda info: info.get("id")),
    Column("STATUS", lambda info: info.get("status")),
]


def cmd_versions(ctx: Any) -> int:
    ctx.out.table(ctx.client.list_versions(root=ctx.options.root), VERSION_COLUMNS)
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add ``versions`` to the ``commands`` subparsers."""
    p = commands.add_parser("versions", parents=[common], help="the Image API versions the cloud offers")
    p.add_argument("--root", action="store_true", help="ask the service root (GET /) instead of /versions")
    p.set_defaults(func=cmd_versions)
