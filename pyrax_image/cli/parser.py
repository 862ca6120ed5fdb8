"""The argument parser: global options, then one command per module.

A command module has ``register(commands, common, transfer)``, adding its
subparsers with ``func=cmd_...`` defaults; a new command (say ``copy``) is a
new module named in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any, NoReturn, Optional, Sequence

from pyrax_image.version import __version__

COMMAND_MODULES = ("images", "sharing", "tasks", "copying", "inspecting", "syncing", "metadefs")
PROG = "pyrax-image"

EPILOG = """\
credentials, in this order:
  --os-cloud NAME          that cloud of clouds.yaml (needs PyYAML: pip install "pyrax_image[yaml]")
  --credential-file PATH   a pyrax credential file ([keystone] or [rackspace_cloud]), with the
                           identity type from CLOUD_ID_TYPE or ~/.pyrax.cfg
  OS_CLOUD                 that cloud of clouds.yaml
  OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, ... (or OS_TOKEN)
  ~/.rackspace_cloud_credentials, when it exists (as --credential-file)

exit status:
  0    success
  1    the cloud refused or failed the operation (one "error: ..." line on stderr)
  2    usage error: bad arguments, or nothing to authenticate with; no request was sent
  130  interrupted (Ctrl-C); a partial download is removed
"""


SHORT_EPILOG = "exit status: 0 success, 1 error from the cloud, 2 usage error, 130 interrupted"


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2); every level's help ends
    with the exit statuses."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("epilog", SHORT_EPILOG)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, "error: %s (see '%s --help')\n" % (message, self.prog))


def build_parser() -> Parser:
    """The whole command line."""
    parser = Parser(
        prog=PROG,
        description="OpenStack / Rackspace Cloud Images (Glance v2) from the command line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--os-cloud", metavar="NAME", help="a cloud of clouds.yaml (default: OS_CLOUD)")
    parser.add_argument("--credential-file", metavar="PATH", help="a pyrax credential file")
    parser.add_argument("--region", metavar="R", help="region of the image service (default: OS_REGION_NAME)")
    parser.add_argument(
        "--interface", choices=("public", "internal"), help="endpoint interface (default public)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="HTTP requests as curl lines on stderr (secrets redacted), tracebacks",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar for transfers")
    parser.add_argument("--version", action="version", version="%s %s" % (PROG, __version__))

    # Also accepted after the command; SUPPRESS keeps the global value when absent.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    transfer = argparse.ArgumentParser(add_help=False)
    transfer.add_argument(
        "--no-progress", action="store_true", default=argparse.SUPPRESS, help="no progress bar"
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module("pyrax_image.cli." + name).register(commands, common, transfer)
    return parser


def parse(argv: Optional[Sequence[str]] = None) -> Any:
    """The parsed options; exits with status 2 on a usage error, 0 on --help."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if not getattr(options, "func", None):
        parser.print_help(sys.stderr)
        parser.exit(2)
    return options
