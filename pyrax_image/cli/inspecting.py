"""The inspect command: an image file's format, virtual size and whether
Glance would take it, read locally (nothing is sent); see docs/inspect.md."""

from __future__ import annotations

import logging
from typing import Any

from pyrax_image.cli.images import readable_file
from pyrax_image.display import human_size

# oslo.utils logs each failed safety check; the command reports them itself.
logging.getLogger("oslo_utils").addHandler(logging.NullHandler())


def cmd_inspect(ctx: Any) -> int:
    from pyrax_image.inspector import inspect_image

    opts = ctx.options
    inspection = inspect_image(readable_file(opts.file))
    declared = opts.disk_format or inspection.disk_format
    refusal = inspection.refusal(declared, opts.container_format)
    result = inspection.to_dict()
    result.update(file=opts.file, declared_disk_format=declared, accepted=refusal is None)
    result["refusal"] = str(refusal) if refusal is not None else None
    if ctx.out.json_mode:
        ctx.out.document(result)
    else:
        findings = ", ".join("%s (%s)" % item for item in sorted(inspection.findings.items()))
        ctx.out.record(
            {
                "file": opts.file,
                "format": inspection.format or "unknown",
                "virtual_size": "%s (%s bytes)"
                % (human_size(inspection.virtual_size), inspection.virtual_size)
                if inspection.virtual_size is not None
                else "unknown",
                "size": "%s (%s bytes)" % (human_size(inspection.size), inspection.size),
                "read": "%s bytes" % inspection.bytes_read,
                "findings": findings or inspection.error or "none",
                "glance": "accepts it as %s" % declared if refusal is None else "refuses it as %s" % declared,
            }
        )
    if refusal is not None:
        ctx.report(refusal)
        return 1
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add the inspect command to the ``commands`` subparsers."""
    p = commands.add_parser(
        "inspect",
        parents=[common],
        help="an image file's format, virtual size and safety, as Glance would judge it (nothing sent; "
        'needs pip install "pyrax_image[inspect]")',
    )
    p.add_argument("file", metavar="FILE", help="the image file to read (nothing is sent)")
    p.add_argument("--disk-format", help="the disk format to check it against (default: the detected one)")
    p.add_argument("--container-format", default="bare", help="bare (the default; Glance inspects only bare)")
    p.set_defaults(func=cmd_inspect)
