"""Fail when the built API reference leaves out a public name.

Public: what ``pyrax_image``, ``pyrax_image.exceptions`` and each subpackage
export in ``__all__``, and every public method, property and attribute of
those classes. Each must be in the reference's ``objects.inv`` under its
defining module's name (``pyrax_image.ImageClient`` as
``pyrax_image.image.client.ImageClient``), or under the exporting package's
name for plain values. Run by ``tox -e docs`` after the build:
``python docs/check_reference.py docs/_build/html/objects.inv``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from typing import Iterator, List, Set

from sphinx.util.inventory import InventoryFile

import pyrax_image


def public_modules() -> List[str]:
    """pyrax_image, its exceptions, and every subpackage with an ``__all__``."""
    names = ["pyrax_image", "pyrax_image.exceptions"]
    for info in pkgutil.walk_packages(pyrax_image.__path__, "pyrax_image."):
        if info.ispkg and hasattr(importlib.import_module(info.name), "__all__"):
            names.append(info.name)
    return names


def expected_names() -> Iterator[str]:
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                yield "%s.%s" % (module_name, name)
                continue
            home = "%s.%s" % (obj.__module__, obj.__qualname__)
            yield home
            if inspect.isclass(obj):
                for member in vars(obj):
                    if not member.startswith("_"):
                        yield "%s.%s" % (home, member)


def documented(inventory_path: str) -> Set[str]:
    with open(inventory_path, "rb") as handle:
        inventory = InventoryFile.load(handle, "", lambda base, uri: uri)
    return {name for kind, entries in inventory.items() if kind.startswith("py:") for name in entries}


def main(inventory_path: str) -> int:
    have = documented(inventory_path)
    missing = sorted(set(expected_names()) - have)
    for name in missing:
        print("not in the API reference: %s" % name)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
