"""Every public method keeps the signature it had (issue 17 item 7).

Two pins, both ``{qualified name: [[name, kind, repr(default)?], ...]}`` as
``inspect.signature`` gives them, for each public method of ``ImageClient``,
``ImageManager``, ``Image``, ``ImageMember``, ``ImageTask``,
``ImageTasksManager``, ``JSONSchemaManager`` and each function of the
module-level API:

- ``fixtures/public_signatures.json``: pyrax's surface as it stood on commit
  a9b6c9f (main before the issue-17 refactors), never rewritten. The changes
  made on purpose since are listed in ``CHANGED_ON_PURPOSE``, each with why.
- ``fixtures/public_surface.json``: the whole public surface as it is now
  (the methods added since a9b6c9f included), so a later change to any of
  them fails too; ``python -m tests.unit.test_public_signatures`` rewrites
  it (after adding a public method, so that it is pinned from then on).

A parameter renamed, reordered, removed, made required or given another
default fails here. New parameters may be appended with defaults (API.md:
"New parameters may only be appended as keyword arguments with defaults"),
and new methods added.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import pyrax_image
from pyrax_image import ImageClient
from pyrax_image.image.manager import ImageManager
from pyrax_image.image.resources import Image, ImageMember, ImageTask
from pyrax_image.image.tasks import ImageTasksManager, JSONSchemaManager

FIXTURES = Path(__file__).parent / "fixtures"
PYRAX_PIN = FIXTURES / "public_signatures.json"
SURFACE_PIN = FIXTURES / "public_surface.json"
OWNERS: Dict[str, Any] = {
    cls.__name__: cls
    for cls in (
        ImageClient,
        ImageManager,
        Image,
        ImageMember,
        ImageTask,
        ImageTasksManager,
        JSONSchemaManager,
    )
}
OWNERS["pyrax_image"] = pyrax_image
POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")
VARIADIC = ("VAR_POSITIONAL", "VAR_KEYWORD")

# Signatures changed on purpose since a9b6c9f: what they are now, and why.
CHANGED_ON_PURPOSE: Dict[str, Any] = {
    # Issue 19 (2c500ea): connections=None fetches parallel ranges for a large
    # image into a path or a read-write file; connections=1 still forces one stream.
    "ImageClient.download": {
        "connections": ["connections", "POSITIONAL_OR_KEYWORD", "None"],
    },
    # Issue 21 (2527693): the tasks manager's list takes Glance's task filters
    # by name instead of passing anything through (*args, **kwargs).
    "ImageTasksManager.list": None,
}


def parameters_of(qualified: str) -> List[List[str]]:
    owner, _, name = qualified.rpartition(".")
    signature = inspect.signature(getattr(OWNERS[owner], name))
    return [
        [p.name, p.kind.name] + ([] if p.default is inspect.Parameter.empty else [repr(p.default)])
        for p in signature.parameters.values()
    ]


def public_surface() -> Dict[str, List[List[str]]]:
    """Every public method of the owners (``__init__`` and the pyrax pin's
    ``_configure_manager`` included), each function of the module API, now."""
    names = set(json.loads(PYRAX_PIN.read_text()))
    for owner_name, owner in OWNERS.items():
        if owner is pyrax_image:
            names.update(
                "pyrax_image." + name
                for name in pyrax_image.__all__
                if inspect.isfunction(getattr(owner, name))
            )
            continue
        names.update(
            "%s.%s" % (owner_name, name)
            for name, member in inspect.getmembers(owner)
            if (name == "__init__" or not name.startswith("_"))
            and callable(member)
            and not inspect.isclass(member)
        )
    return {qualified: parameters_of(qualified) for qualified in sorted(names)}


def pyrax_pin() -> Dict[str, List[List[str]]]:
    """The a9b6c9f pin with the changes made on purpose applied."""
    pinned: Dict[str, List[List[str]]] = json.loads(PYRAX_PIN.read_text())
    for qualified, changes in CHANGED_ON_PURPOSE.items():
        if changes is None:
            del pinned[qualified]  # kept by the surface pin as it is now
        else:
            pinned[qualified] = [changes.get(p[0], p) for p in pinned[qualified]]
    return pinned


PYRAX = pyrax_pin()
SURFACE: Dict[str, List[List[str]]] = json.loads(SURFACE_PIN.read_text())


def assert_kept(pinned: List[List[str]], current: List[List[str]]) -> None:
    pinned_positional = [p for p in pinned if p[1] in POSITIONAL]
    current_positional = [p for p in current if p[1] in POSITIONAL]
    assert current_positional[: len(pinned_positional)] == pinned_positional
    current_by_name = {p[0]: p for p in current}
    for parameter in pinned:
        if parameter[1] not in POSITIONAL:
            assert current_by_name.get(parameter[0]) == parameter, parameter[0]
    pinned_names = {p[0] for p in pinned}
    added = [p for p in current if p[0] not in pinned_names and p[1] not in VARIADIC]
    assert all(len(p) == 3 for p in added), "a new parameter needs a default: %s" % added


def test_the_pins_cover_every_class_and_the_module_api():
    for pin in (PYRAX, SURFACE):
        assert {qualified.rpartition(".")[0] for qualified in pin} == set(OWNERS)
    assert len(PYRAX) > 140 and set(PYRAX) <= set(SURFACE)


@pytest.mark.parametrize("qualified", sorted(PYRAX))
def test_the_pyrax_signature_is_kept(qualified):
    assert_kept(PYRAX[qualified], parameters_of(qualified))


@pytest.mark.parametrize("qualified", sorted(SURFACE))
def test_the_public_signature_is_kept(qualified):
    assert qualified in public_surface(), "a public method is gone"
    assert_kept(SURFACE[qualified], parameters_of(qualified))


if __name__ == "__main__":
    SURFACE_PIN.write_text(json.dumps(public_surface(), indent=1) + "\n")
