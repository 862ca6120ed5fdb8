"""cli/output.py: every format, column choice and --quiet, on known bodies;
the parser's help texts and command groups.

The same options end to end, as a subprocess against the local cloud, are in
tests/integration/test_cli_conventions.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re

import pytest
import yaml

from pyrax_image import exceptions as exc
from pyrax_image.cli.completion import walk
from pyrax_image.cli.output import FORMATS, IMAGE_COLUMNS, MEMBER_COLUMNS, Output
from pyrax_image.cli.parser import build_parser, grouped, parse

IMAGES = [
    {
        "id": "a1",
        "name": "web",
        "status": "active",
        "size": 2048,
        "visibility": "private",
        "os_hash_value": "h1",
    },
    {
        "id": "b2",
        "name": "db, new",
        "status": "queued",
        "size": None,
        "visibility": "shared",
        "tags": ["x", "y"],
    },
]


def printed(method: str, *args, **options) -> str:
    stdout = io.StringIO()
    getattr(Output(stdout=stdout, **options), method)(*args)
    return stdout.getvalue()


def test_table_shows_the_default_columns_with_readable_sizes():
    lines = printed("table", IMAGES, IMAGE_COLUMNS).splitlines()
    assert lines[0].split() == ["ID", "NAME", "STATUS", "SIZE", "VISIBILITY"]
    assert lines[1].split() == ["a1", "web", "active", "2.0", "KiB", "private"]
    assert lines[2].startswith("b2  db, new  queued")


def test_json_and_yaml_give_whole_bodies_or_the_chosen_keys():
    assert json.loads(printed("table", IMAGES, IMAGE_COLUMNS, format="json")) == IMAGES
    assert yaml.safe_load(printed("table", IMAGES, IMAGE_COLUMNS, format="yaml")) == IMAGES
    chosen = json.loads(
        printed("table", IMAGES, IMAGE_COLUMNS, format="json", columns=["ID", "os_hash_value"])
    )
    assert chosen == [{"id": "a1", "os_hash_value": "h1"}, {"id": "b2", "os_hash_value": None}]


def test_value_and_csv_keep_raw_values_for_scripts():
    assert printed("table", IMAGES, IMAGE_COLUMNS, format="value", columns=["id", "SIZE"]) == "a1 2048\nb2 \n"
    rows = list(csv.reader(io.StringIO(printed("table", IMAGES, IMAGE_COLUMNS, format="csv"))))
    assert rows == [
        ["ID", "NAME", "STATUS", "SIZE", "VISIBILITY"],
        ["a1", "web", "active", "2048", "private"],
        ["b2", "db, new", "queued", "", "shared"],
    ]


def test_columns_keep_the_order_given_and_accept_any_key_of_the_bodies():
    lines = printed("table", IMAGES, IMAGE_COLUMNS, columns=["tags", "Name"]).splitlines()
    assert lines == ["tags  NAME", "      web", "x, y  db, new"]


def test_an_unknown_column_is_a_usage_error_naming_the_choices():
    with pytest.raises(exc.InvalidArgument, match=r"no column 'nope': choose from ID, NAME.*os_hash_value"):
        printed("table", IMAGES, IMAGE_COLUMNS, columns=["nope"])
    with pytest.raises(exc.InvalidArgument, match="no column 'nope'"):
        printed("record", IMAGES[0], columns=["nope"])


def test_quiet_prints_only_ids():
    assert printed("table", IMAGES, IMAGE_COLUMNS, quiet=True) == "a1\nb2\n"
    members = [{"member_id": "p1", "status": "accepted"}]
    assert printed("table", members, MEMBER_COLUMNS, quiet=True) == "p1\n"
    assert printed("record", IMAGES[1], quiet=True, format="json") == "b2\n"
    assert printed("message", "Deleted a1", {"id": "a1", "deleted": True}, quiet=True) == "a1\n"
    assert printed("message", "Exported", {"bytes": 3}, quiet=True) == ""


def test_a_record_in_each_format():
    image = dict(IMAGES[1], schema="/v2/schemas/image", file="/v2/images/b2/file")
    table = printed("record", image).splitlines()
    assert table[0] == "id          b2" and "schema" not in " ".join(table) and "tags        x, y" in table
    assert printed("record", image, format="value", columns=["name", "ID"]) == "db, new\nb2\n"
    assert printed("record", image, format="csv", columns=["id", "name"]) == 'id,name\nb2,"db, new"\n'
    assert json.loads(printed("record", image, format="json")) == image
    assert yaml.safe_load(printed("record", image, format="yaml", columns=["status"])) == {"status": "queued"}


def test_a_message_is_text_for_people_and_data_for_programs():
    data = {"id": "a1", "deleted": True}
    assert printed("message", "Deleted a1", data) == "Deleted a1\n"
    assert printed("message", "Deleted a1", data, format="value") == "Deleted a1\n"
    assert json.loads(printed("message", "Deleted a1", data, format="json")) == data
    assert yaml.safe_load(printed("message", "Deleted a1", data, format="yaml")) == data


@pytest.mark.parametrize(
    "argv, format, columns, quiet",
    [
        (["list"], "table", [], False),
        (["--json", "list"], "json", [], False),
        (["list", "--json"], "json", [], False),
        (["-f", "yaml", "list"], "yaml", [], False),
        (["list", "-f", "csv", "-c", "ID", "--column", "name"], "csv", ["ID", "name"], False),
        (["-f", "value", "list", "-f", "json"], "json", [], False),  # after the command wins
        (["-q", "list"], "table", [], True),
        (["delete", "x", "--quiet"], "table", [], True),
    ],
)
def test_the_output_options_before_or_after_any_command(argv, format, columns, quiet):
    out = Output.from_options(parse(argv))
    assert (out.format, out.columns, out.quiet) == (format, columns, quiet)


def test_every_format_is_offered_and_others_refused(capsys):
    with pytest.raises(SystemExit):
        parse(["list", "-f", "xml"])
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    with pytest.raises(exc.InvalidArgument):
        Output("xml")
    assert FORMATS == ("table", "json", "yaml", "value", "csv")


def every_argument():
    """(command path, argument) for every argument of every command but --help."""
    for path, parser in walk(build_parser()):
        for action in parser._actions:
            if not isinstance(action, argparse._HelpAction) and not isinstance(action.choices, dict):
                yield path or "pyrax-image", action


def test_every_option_and_argument_says_what_it_takes():
    unexplained = [
        "%s %s" % (path, "/".join(action.option_strings) or action.dest)
        for path, action in every_argument()
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert unexplained == []


def test_the_help_lists_every_command_once_in_its_group(capsys):
    with pytest.raises(SystemExit):
        parse(["--help"])
    text = re.split(r"^(?:options|optional arguments):$", capsys.readouterr().out, flags=re.MULTILINE)[0]
    commands = list(build_parser()._subparsers._group_actions[0].choices)
    listed = re.findall(r"^  (\S+)  ", text, re.MULTILINE)
    assert sorted(listed) == sorted(commands)
    assert re.search(r"^images:\n  list ", text, re.MULTILINE)
    assert re.search(r"^sharing:\n  tag .*\n  member ", text, re.MULTILINE)


def test_a_command_no_group_names_is_listed_under_other_commands():
    text = grouped([("list", "list images"), ("md-namespace-list", "namespaces"), ("frobnicate", "new")])
    assert text.split("\n\n") == [
        "images:\n  list               list images",
        "metadata definitions:\n  md-namespace-list  namespaces",
        "other commands:\n  frobnicate         new",
    ]


def test_plain_tuples_are_columns_too():
    columns = (("ID", lambda body: body.get("id")), ("SIZE", "size", lambda size: "%s B" % size))
    assert printed("table", IMAGES, columns, columns=["size"]) == "SIZE\n2048 B\nNone B\n"
    assert printed("table", IMAGES[:1], columns, format="value", columns=["id"]) == "a1\n"
