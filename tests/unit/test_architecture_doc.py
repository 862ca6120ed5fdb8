"""docs/architecture.md cannot drift from the code: every module path it
names exists, each name its "where to change" table gives beside a module is
defined in that module, and every package and top-level module of
pyrax_image is on its picture."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import List, Set, Tuple

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pyrax_image"
DOC = (ROOT / "docs" / "architecture.md").read_text("utf-8")
REPO_FOLDERS = ("pyrax_image/", "tests/", "docs/", "benchmarks/", "localcloud/", "examples/")
PATH = re.compile(r"`([a-z0-9_]+(?:/[a-z0-9_]+)*(?:\.py|/))`")
PATH_AND_NAME = re.compile(r"`([a-z0-9_/]+\.py)` `([A-Za-z_][A-Za-z0-9_]*)")
NEEDED_ROWS = (
    "a list filter",
    "an upload source",
    "an error",
    "a retry rule",
    "an identity type",
    "a CLI command",
    "a new API area",
)


def where(path: str) -> Path:
    return ROOT / path if path.startswith(REPO_FOLDERS) else PACKAGE / path


def table_rows() -> List[Tuple[str, str]]:
    """``(to change, where)`` of each row of the "Where to change X" table."""
    section = DOC.split("## Where to change X", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2 and not set(cells[1]) <= set("-"):
            rows.append((cells[0], cells[1]))
    return rows[1:]  # the header


def defined_names(module: Path) -> Set[str]:
    """Top-level functions, classes and constants of a module, and their methods."""
    names: Set[str] = set()
    for node in ast.walk(ast.parse(module.read_text("utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_every_module_path_the_doc_names_exists() -> None:
    named = PATH.findall(DOC)
    assert len(named) > 50
    assert [path for path in named if not where(path).exists()] == []


def test_each_name_beside_a_module_in_the_table_is_defined_there() -> None:
    pairs = [pair for _, answer in table_rows() for pair in PATH_AND_NAME.findall(answer)]
    assert len(pairs) >= len(NEEDED_ROWS)
    missing = ["%s %s" % (path, name) for path, name in pairs if name not in defined_names(where(path))]
    assert missing == []


def test_the_table_answers_what_a_newcomer_asks() -> None:
    asked = [question for question, _ in table_rows()]
    assert [row for row in NEEDED_ROWS if not any(q.startswith(row) for q in asked)] == []
    assert all(PATH.search(answer) for _, answer in table_rows())


def test_every_package_and_top_level_module_is_on_the_picture() -> None:
    picture = DOC.split("```", 2)[1]
    on_it = set(re.findall(r"[a-z0-9_]+(?:\.py|/)", picture))
    wanted = {
        path.name + ("/" if path.is_dir() else "")
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem not in ("__init__", "__main__", "version"))
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert sorted(wanted - on_it) == []
