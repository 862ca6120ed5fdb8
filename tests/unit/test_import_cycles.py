"""No import cycles in the package, lazy (function-level) imports included.

Every module's imports are read with ``ast`` (top level, inside functions and
under ``if``/``try``); ``from package import name`` counts as importing the
submodule when ``name`` is one. A cycle makes the order modules load in
matter, so it fails here with the modules that form it.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

PACKAGE = Path(__file__).resolve().parents[2] / "pyrax_image"


def module_files() -> Dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: Dict[str, Path]) -> Set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = "%s.%s" % (base, alias.name)
                targets.add(submodule if submodule in modules else base)
    return {target for target in targets if target in modules and target != name}


def import_graph() -> Dict[str, Set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_lazy_imports_and_from_imports_of_submodules_are_seen():
    graph = import_graph()
    assert "pyrax_image.exceptions" in graph["pyrax_image.http"]  # from pyrax_image import exceptions
    assert "pyrax_image.image.client" in graph["pyrax_image.connect"]  # imported inside a function


def test_a_cycle_is_reported_with_its_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_object_storage_and_transfer_import_nothing_from_image():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith(("pyrax_image.object_storage", "pyrax_image.transfer")):
            assert not [t for t in targets if t.startswith("pyrax_image.image")], name
