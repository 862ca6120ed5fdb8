"""docs/api-coverage.md cannot drift from the code: every row names an
operation of Glance's api-ref (once), an SDK call that exists on an
``ImageClient``, a command the ``pyrax-image`` parser has, and a test that
exists under tests/integration/ (found by reading the file's AST)."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path
from typing import Any, Dict

import pytest

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image.cli.parser import PROG, build_parser
from tests.coverage_table import COVERAGE, NONE, ROOT, Row, coverage_rows

# The 82 operations of Glance 33's api-ref (api-ref/source/versions and
# api-ref/source/v2/*.inc), as its ``rest_method`` lines write them. Glance's
# router (glance/api/v2/router.py) serves the same 80 under /v2 plus
# DELETE /v2/tasks/{task_id}, which the api-ref leaves out (always 405).
API_OPERATIONS = (
    # versions
    "GET /versions",
    "GET /",
    # images
    "POST /v2/images",
    "GET /v2/images/{image_id}",
    "GET /v2/images/{image_id}/tasks",
    "GET /v2/images",
    "PATCH /v2/images/{image_id}",
    "DELETE /v2/images/{image_id}",
    "POST /v2/images/{image_id}/actions/deactivate",
    "POST /v2/images/{image_id}/actions/reactivate",
    # sharing, tags
    "POST /v2/images/{image_id}/members",
    "GET /v2/images/{image_id}/members/{member_id}",
    "GET /v2/images/{image_id}/members",
    "DELETE /v2/images/{image_id}/members/{member_id}",
    "PUT /v2/images/{image_id}/members/{member_id}",
    "PUT /v2/images/{image_id}/tags/{tag}",
    "DELETE /v2/images/{image_id}/tags/{tag}",
    # schemas
    "GET /v2/schemas/images",
    "GET /v2/schemas/image",
    "GET /v2/schemas/members",
    "GET /v2/schemas/member",
    "GET /v2/schemas/tasks",
    "GET /v2/schemas/task",
    # data, import, discovery, stores, locations
    "PUT /v2/images/{image_id}/file",
    "GET /v2/images/{image_id}/file",
    "PUT /v2/images/{image_id}/stage",
    "POST /v2/images/{image_id}/import",
    "GET /v2/info/import",
    "GET /v2/info/stores",
    "GET /v2/info/usage",
    "GET /v2/info/stores/detail",
    "DELETE /v2/stores/{store_id}/{image_id}",
    "POST /v2/images/{image_id}/locations",
    "GET /v2/images/{image_id}/locations",
    # cache
    "GET /v2/cache",
    "PUT /v2/cache/{image_id}",
    "DELETE /v2/cache/{image_id}",
    "DELETE /v2/cache",
    "POST /v2/cache/clean",
    "POST /v2/cache/prune",
    "GET /v2/cache/nodes/{image_id}",
    # tasks
    "POST /v2/tasks",
    "GET /v2/tasks",
    "GET /v2/tasks/{task_id}",
    # metadefs: namespaces
    "GET /v2/metadefs/namespaces",
    "POST /v2/metadefs/namespaces",
    "GET /v2/metadefs/namespaces/{namespace_name}",
    "PUT /v2/metadefs/namespaces/{namespace_name}",
    "DELETE /v2/metadefs/namespaces/{namespace_name}",
    # metadefs: resource types and their associations
    "GET /v2/metadefs/resource_types",
    "POST /v2/metadefs/namespaces/{namespace_name}/resource_types",
    "GET /v2/metadefs/namespaces/{namespace_name}/resource_types",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/resource_types/{name}",
    # metadefs: objects
    "POST /v2/metadefs/namespaces/{namespace_name}/objects",
    "GET /v2/metadefs/namespaces/{namespace_name}/objects",
    "GET /v2/metadefs/namespaces/{namespace_name}/objects/{object_name}",
    "PUT /v2/metadefs/namespaces/{namespace_name}/objects/{object_name}",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/objects/{object_name}",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/objects",
    # metadefs: properties
    "POST /v2/metadefs/namespaces/{namespace_name}/properties",
    "GET /v2/metadefs/namespaces/{namespace_name}/properties",
    "GET /v2/metadefs/namespaces/{namespace_name}/properties/{property_name}",
    "PUT /v2/metadefs/namespaces/{namespace_name}/properties/{property_name}",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/properties/{property_name}",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/properties",
    # metadefs: tags
    "POST /v2/metadefs/namespaces/{namespace_name}/tags/{tag_name}",
    "GET /v2/metadefs/namespaces/{namespace_name}/tags/{tag_name}",
    "PUT /v2/metadefs/namespaces/{namespace_name}/tags/{tag_name}",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/tags/{tag_name}",
    "POST /v2/metadefs/namespaces/{namespace_name}/tags",
    "GET /v2/metadefs/namespaces/{namespace_name}/tags",
    "DELETE /v2/metadefs/namespaces/{namespace_name}/tags",
    # metadef schemas
    "GET /v2/schemas/metadefs/namespace",
    "GET /v2/schemas/metadefs/namespaces",
    "GET /v2/schemas/metadefs/resource_type",
    "GET /v2/schemas/metadefs/resource_types",
    "GET /v2/schemas/metadefs/object",
    "GET /v2/schemas/metadefs/objects",
    "GET /v2/schemas/metadefs/property",
    "GET /v2/schemas/metadefs/properties",
    "GET /v2/schemas/metadefs/tag",
    "GET /v2/schemas/metadefs/tags",
)

ROWS = coverage_rows()


def row_id(row: Row) -> str:
    return row[0]


def test_the_table_lists_exactly_the_82_operations_of_the_api_ref():
    assert len(API_OPERATIONS) == len(set(API_OPERATIONS)) == 82
    assert sorted(row[0] for row in ROWS) == sorted(API_OPERATIONS)


def test_no_operation_is_listed_twice():
    operations = [row[0] for row in ROWS]
    assert sorted(op for op in set(operations) if operations.count(op) > 1) == []


def test_every_operation_is_the_api_refs():
    assert [row[0] for row in ROWS if row[0] not in API_OPERATIONS] == []


def test_the_stated_count_is_the_number_of_rows():
    text = COVERAGE.read_text(encoding="utf-8")
    match = re.search(r"Covered: (\d+) of the api-ref's 82 operations", text)
    assert match and int(match.group(1)) == len(ROWS)


@pytest.fixture(scope="module")
def client() -> ImageClient:
    return ImageClient(TokenIdentity("token", tenant_id="p"), management_url="http://glance.invalid:9292")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_the_sdk_call_exists(client, row):
    call = row[1].split("(", 1)[0]
    owner, _, path = call.partition(".")
    assert owner == "ImageClient" and path, call
    target: Any = client
    for name in path.split("."):
        assert hasattr(target, name), "%s: %s has no %r" % (row[0], call, name)
        target = getattr(target, name)
    assert callable(target), call


def command_words(parser: argparse.ArgumentParser) -> Dict[str, argparse.ArgumentParser]:
    """The subcommands of ``parser`` by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@pytest.mark.parametrize("row", [row for row in ROWS if row[2] != NONE], ids=row_id)
def test_the_cli_command_exists(row):
    words = row[2].split()
    assert words[0] == PROG, row[2]
    parser: argparse.ArgumentParser = build_parser()
    arguments = [word for word in words[1:] if not word.startswith("-")]
    while command_words(parser):
        word = arguments.pop(0) if arguments else None
        assert word in command_words(parser), "%s: no command %r in %r" % (row[0], word, row[2])
        parser = command_words(parser)[word]
    positionals = [action for action in parser._actions if not action.option_strings]
    for word, action in zip(arguments, positionals):  # a value given in the table must be a valid one
        assert action.choices is None or word in action.choices, row[2]
    options = {option for action in parser._actions for option in action.option_strings}
    assert {word for word in words if word.startswith("-")} <= options, row[2]


def defined_tests(path: Path) -> set[str]:
    """``name`` and ``Class::name`` of the test functions a module defines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(
                "%s::%s" % (node.name, item.name)
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
    return {name for name in names if name.split("::")[-1].startswith("test_")}


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_the_real_glance_test_exists(row):
    module, _, name = row[3].partition("::")
    assert module.startswith("tests/integration/") and module.endswith(".py"), row[3]
    path = ROOT / module
    assert path.is_file(), row[3]
    assert name in defined_tests(path), "%s: no test %s" % (row[0], row[3])


# -- the integration session's proof that each row's test sends its operation -----------------
def test_each_row_matches_a_request_of_its_operation_and_no_other():
    from tests.integration.operation_proof import compile_templates, operations_of

    templates = compile_templates(API_OPERATIONS)
    for operation in API_OPERATIONS:
        method, path = operation.split(" ", 1)
        url = "http://127.0.0.1:9292" + re.sub(r"\{[^}]+\}", "a%2Fb", path) + "?limit=1"
        assert operations_of(method, url, templates) == {operation}
    assert operations_of("GET", "http://127.0.0.1:9292/v2/images/x/file/y", templates) == set()
    assert operations_of("PUT", "http://127.0.0.1:9292/v2/images/x", templates) == set()


def test_a_row_whose_test_ran_without_sending_it_is_reported():
    from tests.integration.operation_proof import missing

    rows = [("GET /v2/cache", "t.py::a"), ("POST /v2/cache/clean", "t.py::a"), ("GET /", "t.py::b")]
    assert missing(rows, {"t.py::a"}, {"t.py::a": {"GET /v2/cache"}}) == ["POST /v2/cache/clean <- t.py::a"]
    assert missing(rows, {"t.py::a", "t.py::b"}, {"t.py::a": {"GET /v2/cache", "POST /v2/cache/clean"}}) == [
        "GET / <- t.py::b"
    ]
