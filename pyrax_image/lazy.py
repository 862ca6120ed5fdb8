"""Names a package exports from its submodules, imported on first use (PEP 562),
so that importing the package loads none of them."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping


def lazy_exports(package: str, submodules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``name`` comes from
    ``package.<submodules[name]>``; any other name is an AttributeError."""

    def __getattr__(name: str) -> Any:
        submodule = submodules.get(name)
        if submodule is None:
            raise AttributeError("module %r has no attribute %r" % (package, name))
        return getattr(importlib.import_module("%s.%s" % (package, submodule)), name)

    return __getattr__
