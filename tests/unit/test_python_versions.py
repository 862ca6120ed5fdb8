"""Python 3.9 is promised: a cheap guard, run on the default interpreter, for
what breaks it that the default interpreter accepts.

CI runs the unit suite on 3.9-3.13 (``tox -e py39,...``, in .ci/run); this
check runs with every suite (``land`` uses one interpreter) and names the
file and line of:

- syntax 3.9 lacks (``match``, ``except*``, parenthesized context managers,
  ...): ``ast.parse(feature_version=(3, 9))``;
- ``X | Y`` of types evaluated at run time: outside annotations, or in
  annotations of a module without ``from __future__ import annotations``;
- names newer than 3.9 (``typing.ParamSpec``, ``datetime.UTC``,
  ``zip(strict=...)``, ...) used outside ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, List, Set

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("pyrax_image", "tests", "examples")

# Added to these modules after Python 3.9 (typing_extensions has them all, for
# use under TYPE_CHECKING).
NEWER_NAMES = {
    "typing": {
        "Concatenate", "ParamSpec", "ParamSpecArgs", "ParamSpecKwargs", "TypeAlias", "TypeGuard",
        "is_typeddict", "Self", "Never", "LiteralString", "Unpack", "TypeVarTuple", "Required",
        "NotRequired", "assert_never", "assert_type", "reveal_type", "dataclass_transform",
        "get_overloads", "clear_overloads", "override", "TypeAliasType", "get_protocol_members",
        "is_protocol", "ReadOnly", "TypeIs", "NoDefault",
    },
    "datetime": {"UTC"},
    "enum": {"StrEnum", "ReprEnum", "verify", "EnumCheck", "FlagBoundary", "member", "nonmember"},
    "itertools": {"pairwise", "batched"},
    "hashlib": {"file_digest"},
    "contextlib": {"aclosing", "chdir"},
    "types": {"NoneType", "EllipsisType", "NotImplementedType", "UnionType"},
}  # fmt: skip
NEWER_MODULES = {"tomllib"}
NEWER_BUILTINS = {"ExceptionGroup", "BaseExceptionGroup", "aiter", "anext", "EncodingWarning"}
NEWER_KEYWORDS = {("zip", "strict"), ("dataclass", "slots"), ("dataclass", "kw_only"), ("bisect", "key")}
TYPE_NAMES = {
    "int",
    "str",
    "bytes",
    "float",
    "bool",
    "dict",
    "list",
    "tuple",
    "set",
    "frozenset",
    "type",
    "object",
}


def python_files() -> List[Path]:
    return sorted(path for top in CHECKED for path in (ROOT / top).rglob("*.py"))


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def looks_like_a_type(node: ast.expr) -> bool:
    """``None``, a builtin type, ``List[int]`` or a class name (``Image``; not
    an ALL_CAPS flag, whose ``|`` is a number's)."""
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.Subscript):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return looks_like_a_type(node.left) or looks_like_a_type(node.right)
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in TYPE_NAMES or (name[:1].isupper() and not name.isupper())


class Finder(ast.NodeVisitor):
    """Collects ``path:line: problem`` for one module."""

    def __init__(self, path: Path, tree: ast.Module):
        self.path = path
        self.problems: List[str] = []
        self.deferred = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(alias.name == "annotations" for alias in node.names)
            for node in tree.body
        )
        self.guarded = 0  # inside ``if TYPE_CHECKING:``
        self.annotation_nodes: Set[int] = set()
        for node in ast.walk(tree):
            for annotation in annotations_of(node):
                self.annotation_nodes.update(id(sub) for sub in ast.walk(annotation))

    def report(self, node: ast.AST, text: str) -> None:
        self.problems.append("%s:%s: %s" % (self.path.relative_to(ROOT), getattr(node, "lineno", "?"), text))

    def visit_If(self, node: ast.If) -> None:
        if is_type_checking(node.test):
            self.guarded += 1
            for child in node.body:
                self.visit(child)
            self.guarded -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        in_annotation = id(node) in self.annotation_nodes
        evaluated = not self.guarded and not (in_annotation and self.deferred)
        if (
            evaluated
            and isinstance(node.op, ast.BitOr)
            and looks_like_a_type(node.left)
            and looks_like_a_type(node.right)
        ):
            self.report(node, "'X | Y' of types is evaluated at run time (Python 3.10+): use Optional/Union")
            return
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        newer = NEWER_NAMES.get(node.module or "", set())
        for alias in node.names:
            if alias.name in newer and not self.guarded:
                self.report(
                    node,
                    "%s.%s is newer than Python 3.9 (under TYPE_CHECKING only)" % (node.module, alias.name),
                )
        if node.module in NEWER_MODULES:
            self.report(node, "module %s is newer than Python 3.9" % node.module)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name in NEWER_MODULES:
                self.report(node, "module %s is newer than Python 3.9" % alias.name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        module = node.value.id if isinstance(node.value, ast.Name) else None
        deferred = id(node) in self.annotation_nodes and self.deferred
        if module and node.attr in NEWER_NAMES.get(module, ()) and not self.guarded and not deferred:
            self.report(node, "%s.%s is newer than Python 3.9" % (module, node.attr))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in NEWER_BUILTINS and not self.guarded:
            self.report(node, "%s is newer than Python 3.9" % node.id)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        for keyword in node.keywords:
            if (func, keyword.arg) in NEWER_KEYWORDS:
                self.report(node, "%s(%s=...) is newer than Python 3.9" % (func, keyword.arg))
        self.generic_visit(node)


def annotations_of(node: ast.AST) -> Iterator[ast.expr]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = node.args
        every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
        every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg]
        yield from (arg.annotation for arg in every if arg.annotation)
        if node.returns:
            yield node.returns
    elif isinstance(node, ast.AnnAssign):
        yield node.annotation


def problems_in(source: str, path: Path) -> List[str]:
    try:
        tree = ast.parse(source, str(path), feature_version=(3, 9))
    except SyntaxError as error:
        return ["%s:%s: syntax Python 3.9 lacks: %s" % (path.relative_to(ROOT), error.lineno, error.msg)]
    finder = Finder(path, tree)
    finder.visit(tree)
    return finder.problems


def test_every_module_runs_on_python_3_9():
    found = [problem for path in python_files() for problem in problems_in(path.read_text("utf-8"), path)]
    assert not found, "\n".join(found)


HERE = ROOT / "pyrax_image" / "example.py"


@pytest.mark.parametrize(
    "source, problem",
    [
        ("match x:\n    case 1:\n        pass\n", "syntax Python 3.9 lacks"),
        ("def f(x: int | None) -> None: ...\n", "'X | Y' of types"),
        ("from __future__ import annotations\nAlias = Optional[int] | str\n", "'X | Y' of types"),
        ("from __future__ import annotations\nisinstance(x, (int | str))\n", "'X | Y' of types"),
        ("from __future__ import annotations\ncast(Image | None, x)\n", "'X | Y' of types"),
        ("from typing import ParamSpec\n", "typing.ParamSpec is newer"),
        ("import typing\nP = typing.ParamSpec('P')\n", "typing.ParamSpec is newer"),
        ("from datetime import UTC\n", "datetime.UTC is newer"),
        ("import tomllib\n", "module tomllib"),
        ("for a, b in zip(x, y, strict=True): pass\n", "zip(strict=...)"),
        ("raise ExceptionGroup('x', [])\n", "ExceptionGroup is newer"),
    ],
)
def test_the_guard_names_what_breaks_3_9(source: str, problem: str) -> None:
    found = problems_in(source, HERE)
    assert len(found) == 1 and found[0].startswith("pyrax_image/example.py:") and problem in found[0], found


@pytest.mark.parametrize(
    "source",
    [
        "from __future__ import annotations\ndef f(x: int | None) -> List[str] | None: ...\n",
        "from __future__ import annotations\nsize: int | None = None\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typing import ParamSpec\n    P = ParamSpec('P')\n",
        "mode = os.O_WRONLY | os.O_CREAT | flags\n",
        "both = left | right\n",
        "from __future__ import annotations\ndef f(clock: datetime.UTC) -> None: ...\n",
    ],
)
def test_the_guard_lets_3_9_code_pass(source: str) -> None:
    assert problems_in(source, HERE) == []
