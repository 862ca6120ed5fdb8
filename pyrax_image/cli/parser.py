"""The argument parser: global options, then one command per module.

A command module has ``register(commands, common, transfer)``, adding its
commands with :func:`add_action` (and groups of them with :func:`add_area`),
each run by its ``cmd_...`` function; a new command (say ``copy``) is a
new module named in ``COMMAND_MODULES``. ``pyrax-image --help`` lists the
commands in the groups of ``COMMAND_GROUPS`` (by name pattern; a command no
group names is listed under "other commands"). Commands print through
``ctx.out`` (cli/output.py), so each takes the output options.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib
import sys
from typing import Any, Dict, List, NoReturn, Optional, Sequence, Tuple

from pyrax_image.cli.lookup import parse_pairs
from pyrax_image.cli.output import FORMATS
from pyrax_image.version import __version__

COMMAND_MODULES = (
    "images",
    "sharing",
    "tasks",
    "copying",
    "inspecting",
    "syncing",
    "metadefs",
    "completion",
    "locations",
    "stores",
    "cache",
    "discovery",
)
# (title, command name patterns), in the order --help lists them.
COMMAND_GROUPS: Sequence[Tuple[str, Sequence[str]]] = (
    (
        "images",
        ("list", "show", "create", "upload", "download", "update", "delete", "deactivate", "reactivate"),
    ),
    ("sharing", ("tag", "member")),
    ("copying, import and export", ("copy", "stage", "import", "export", "location*")),
    ("tasks", ("task", "image-task*")),
    ("metadata definitions", ("metadef*", "md-*")),
    ("cloud and service", ("cache*", "store*", "usage", "version*", "schema")),
    ("local image files and fleets", ("inspect", "sync")),
    ("this command line", ("completion",)),
)
PROG = "pyrax-image"
# The help of each positional argument, by its metavar (its name is the
# metavar in lower case): written once for every command that takes it.
POSITIONAL_HELP = {
    "IMAGE": "id or unique name",
    "TASK": "task id",
    "PROJECT": "project id",
    "STORE": "store id",
    "NAMESPACE": "the namespace's name (its identifier, not its display name)",
    "FILE": "a Glance metadefs JSON file; - reads standard input",
    "RESOURCE-TYPE": "a resource type's name, e.g. OS::Glance::Image",
    "OBJECT": "the object's name",
    "PROPERTY": "the property's name",
    "TAG": "the tag's name",
    "NEW-NAME": "the tag's new name",
}

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


DEBUG_HELP = "HTTP requests as curl lines on stderr (secrets redacted), tracebacks"
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
        usage="%(prog)s [OPTIONS] COMMAND [ARGS]",
        description="OpenStack / Rackspace Cloud Images (Glance v2) from the command line.\n"
        "'pyrax-image COMMAND --help' describes each command.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--os-cloud", metavar="NAME", help="a cloud of clouds.yaml (default: OS_CLOUD)")
    parser.add_argument(
        "--credential-file", metavar="PATH", help="a pyrax credential file ([keystone] or [rackspace_cloud])"
    )
    parser.add_argument("--region", metavar="R", help="region of the image service (default: OS_REGION_NAME)")
    parser.add_argument(
        "--interface",
        choices=("public", "internal"),
        help="endpoint interface: public (the default) or internal",
    )
    add_output_options(parser)
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar for transfers")
    parser.add_argument("--version", action="version", version="%s %s" % (PROG, __version__))

    # Also accepted after the command; SUPPRESS keeps the global value when absent.
    common = argparse.ArgumentParser(add_help=False)
    add_output_options(common, after_command=True)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    transfer = argparse.ArgumentParser(add_help=False)
    transfer.add_argument(
        "--no-progress", action="store_true", default=argparse.SUPPRESS, help="no progress bar"
    )

    # The commands are listed by group in the description (below), not by argparse.
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=Parser, help=argparse.SUPPRESS, prog=PROG
    )
    for name in COMMAND_MODULES:
        importlib.import_module("pyrax_image.cli." + name).register(commands, common, transfer)
    # argparse keeps each command's help only in its (private) choice actions.
    helps = [(action.dest, action.help or "") for action in commands._choices_actions]
    parser.description = "%s\n\n%s" % (parser.description, grouped(helps))
    return parser


def grouped(helps: List[Tuple[str, str]]) -> str:
    """The commands' one-line helps under the titles of COMMAND_GROUPS."""
    groups: Dict[str, List[Tuple[str, str]]] = {title: [] for title, _ in COMMAND_GROUPS}
    groups["other commands"] = []
    for name, text in helps:
        title = next(
            (
                title
                for title, patterns in COMMAND_GROUPS
                if any(fnmatch.fnmatchcase(name, p) for p in patterns)
            ),
            "other commands",
        )
        groups[title].append((name, text))
    width = max((len(name) for name, _ in helps), default=0)
    sections = [
        "%s:\n%s" % (title, "\n".join("  %s  %s" % (name.ljust(width), text) for name, text in entries))
        for title, entries in groups.items()
        if entries
    ]
    return "\n\n".join(sections)


def add_output_options(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """``-f/--format``, ``-c/--column``, ``--json``, ``--quiet`` (see cli/output.py);
    after the command they override the global ones (SUPPRESS keeps those when absent)."""
    default: Any = {"default": argparse.SUPPRESS} if after_command else {}
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        metavar="FORMAT",
        help="output format: %s (default table)" % " | ".join(FORMATS),
        **default,
    )
    parser.add_argument(
        "-c",
        "--column",
        action="append",
        metavar="COLUMN",
        help="show only this column (a header such as ID, or any API key such as "
        "os_hash_value); repeatable, in the order given",
        **default,
    )
    parser.add_argument("--json", action="store_true", help="the same as -f json", **default)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the ids of what is shown or acted on",
        **default,
    )


def add_new_image_options(
    parser: argparse.ArgumentParser,
    disk_format_help: str = "vhd (the default), raw, qcow2, vmdk, vdi, vhdx, iso, ploop, aki, ari or ami",
) -> None:
    """``--disk-format``, ``--container-format`` and ``--property`` of a
    command that makes an image (``create``, ``import``)."""
    parser.add_argument("--disk-format", metavar="FORMAT", help=disk_format_help)
    parser.add_argument(
        "--container-format", metavar="FORMAT", help="bare (the default), ovf, ova, docker, aki, ari or ami"
    )
    parser.add_argument(
        "--property", action="append", metavar="KEY=VALUE", help="set this property (repeatable)"
    )


def new_image_arguments(opts: Any) -> Dict[str, Any]:
    """What the options of :func:`add_new_image_options` give the call that
    makes the image (``create``, ``import_from_container``)."""
    return {
        "img_format": opts.disk_format,
        "img_container_format": opts.container_format,
        "metadata": parse_pairs(opts.property, "--property"),
    }


def add_filter_options(parser: argparse.ArgumentParser, filters: Sequence[Any]) -> None:
    """An option for each named filter of a listing (``IMAGE_FILTERS``,
    ``TASK_FILTERS``): its help, choices, metavar and type as declared there."""
    for spec in filters:
        parser.add_argument(
            "--" + spec.name.replace("_", "-"),
            help=spec.help,
            metavar=spec.metavar or None,
            choices=spec.choices or None,
            action="append" if spec.repeatable else "store",
            type=int if spec.annotation == "Optional[int]" else str,
        )


def filter_arguments(opts: Any, filters: Sequence[Any]) -> Dict[str, Any]:
    """The filters the options of :func:`add_filter_options` were given."""
    return {spec.name: getattr(opts, spec.name) for spec in filters if getattr(opts, spec.name) is not None}


def parse(argv: Optional[Sequence[str]] = None) -> Any:
    """The parsed options; exits with status 2 on a usage error, 0 on --help."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if not getattr(options, "func", None):
        parser.print_help(sys.stderr)
        parser.exit(2)
    return options


def add_action(
    actions: Any, common: Any, name: str, func: Any, text: str, *positionals: str, transfer: Any = None
) -> Any:
    """The command ``name`` (run by ``func``) in ``actions``, with the common
    options (and the transfer ones when given) and ``positionals`` by metavar
    (their help from ``POSITIONAL_HELP``); returns its parser for the rest."""
    parents = [common] if transfer is None else [common, transfer]
    parser = actions.add_parser(name, parents=parents, help=text)
    for positional in positionals:
        parser.add_argument(
            positional.lower().replace("-", "_"), metavar=positional, help=POSITIONAL_HELP[positional]
        )
    parser.set_defaults(func=func)
    return parser


def add_area(commands: Any, common: Any, name: str, text: str) -> Any:
    """The command group ``name`` (``tag``, ``metadef namespace``...); returns its ACTION subparsers."""
    group = commands.add_parser(name, parents=[common], help=text)
    return group.add_subparsers(dest="action", metavar="ACTION", required=True)
