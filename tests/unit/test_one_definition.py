"""Each security rule, argument check and parser is written once (issue 17):
the package's source is read (its AST) and a second definition of any of
them, or a list of secrets outside ``secrets.py``, fails."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pyrax_image
from pyrax_image import secrets

PACKAGE = Path(pyrax_image.__file__).parent

# name (or group of names doing one job) -> the one module that defines it
ONE_HOME = {
    ("check_verify",): "checks.py",
    ("check_cert",): "checks.py",
    ("check_flag",): "checks.py",
    ("check_text",): "checks.py",
    ("check_given_texts",): "checks.py",
    ("check_seconds", "check_number"): "checks.py",
    ("check_timeout",): "checks.py",
    ("check_int",): "checks.py",
    ("check_choice",): "checks.py",
    ("check_callable", "check_progress"): "checks.py",
    ("check_headers",): "checks.py",
    ("check_path",): "checks.py",
    ("check_url", "check_endpoint_url"): "checks.py",
    ("check_token",): "checks.py",
    ("parse_timestamp",): "replies.py",
    ("SORT_DIRS",): "image/filters.py",
    ("OBJECT_FIELDS",): "metadefs/checks.py",
    ("READ_ONLY_ATTRIBUTES", "SERVER_OWNED"): "image/properties.py",
    ("SECRET_FIELDS",): "secrets.py",
    ("SECRET_HEADERS",): "secrets.py",
    ("TOKEN_HEADERS",): "secrets.py",
    ("SECRET_KEYS",): "secrets.py",
    ("SECRET_QUERY_WORDS", "_SECRET_QUERY_WORDS"): "secrets.py",
    ("secret_members", "url_secrets"): "secrets.py",
    ("without_userinfo",): "secrets.py",
    ("hide_url_secrets", "redact_text"): "secrets.py",
    ("scrub_error", "scrubbed", "_scrubbed"): "secrets.py",
}
SECRET_NAMES = {
    name.lower()
    for name in secrets.SECRET_FIELDS + tuple(secrets.SECRET_KEYS) + tuple(secrets.SECRET_HEADERS)
}


def modules() -> Iterator[Tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text("utf-8"))


def definitions(tree: ast.Module) -> Iterator[str]:
    """Names of functions and methods (any depth), and of module and class constants."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name
    for scope in [tree] + [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]:
        for statement in scope.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            if isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            yield from (target.id for target in targets if isinstance(target, ast.Name))


def secret_lists(tree: ast.Module) -> Iterator[int]:
    """Lines of a constant or ``in`` test listing only secret names (two or more)."""
    collections: List[ast.expr] = []
    for scope in [tree] + [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]:
        for statement in scope.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                collections.append(statement.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            collections.append(node.comparators[0])
    for value in collections:
        for node in ast.walk(value):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                words = [
                    e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]
                if len(words) >= 2 and len(words) == len(node.elts):
                    if all(word.lower() in SECRET_NAMES for word in words):
                        yield node.lineno


def test_each_rule_check_and_parser_is_defined_once_in_its_home() -> None:
    homes: Dict[str, Set[str]] = {}
    count: Dict[str, int] = {}
    for module, tree in modules():
        for name in definitions(tree):
            homes.setdefault(name, set()).add(module)
            count[name] = count.get(name, 0) + 1
    wrong = []
    for names, home in ONE_HOME.items():
        defined = [name for name in names if name in count]
        places = set().union(*(homes[name] for name in defined)) if defined else set()
        if sum(count[name] for name in defined) != 1 or places != {home}:
            wrong.append(
                "%s: defined in %s (%d times), its home is %s"
                % ("/".join(names), sorted(places), sum(count[n] for n in defined), home)
            )
    assert wrong == []


def test_no_list_of_secrets_outside_secrets_py() -> None:
    found = [
        "%s:%d" % (module, line)
        for module, tree in modules()
        if module != "secrets.py"
        for line in secret_lists(tree)
    ]
    assert found == []


def test_the_checks_see_a_second_definition(tmp_path: Path) -> None:
    """The walk is not blind: a copy of a check and a list of secrets elsewhere are found."""
    tree = ast.parse(
        "SECRETS = ('password', 'api_key')\n"
        "def check_flag(name, value):\n    return value\n"
        "def f(k):\n    return k in ('X-Auth-Token', 'token')\n"
    )
    assert "check_flag" in set(definitions(tree))
    assert list(secret_lists(tree)) == [1, 5]
