"""What is loaded or built on first use, so that importing the package loads
none of it: the names a package exports from its submodules (PEP 562), and
the managers a client builds (:func:`built_once`)."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping, TypeVar

T = TypeVar("T")


def lazy_exports(package: str, submodules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``name`` comes from
    ``package.<submodules[name]>``; any other name is an AttributeError."""

    def __getattr__(name: str) -> Any:
        submodule = submodules.get(name)
        if submodule is None:
            raise AttributeError("module %r has no attribute %r" % (package, name))
        return getattr(importlib.import_module("%s.%s" % (package, submodule)), name)

    return __getattr__


def built_once(owner: Any, name: str, build: Callable[[], T]) -> T:
    """``owner``'s attribute ``name``: made by ``build()`` when first asked
    for, then kept (a property's body; ``build`` is cheap, so two threads
    racing at the first call at worst build it twice, keeping one)."""
    state = vars(owner)
    if state.get(name) is None:
        state[name] = build()
    value: T = state[name]
    return value
