"""Image data flows one way: façade -> data service -> managers and steps.

``ImageClient`` (``image/client.py``, ``image/data_client.py``) decides
"record, then data" and calls its ``ImageDataService``; the service calls the
image manager to build and send the POST and the step modules to move the
bytes. Nothing below the service calls back up for image data: no manager
or step imports the service or the façade, touches a ``data_service``, or is
handed a closure to call back (issue 17, boto3's ``inject.py`` shape). The
checks read each module's imports and calls with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List, Set

PACKAGE = Path(__file__).resolve().parents[2] / "pyrax_image"

FACADE = {"pyrax_image.image.client", "pyrax_image.image.data_client"}
SERVICE = {"pyrax_image.image.data_service"}
# The steps the service calls: they move bytes and never call the service.
STEPS = {
    "pyrax_image.image.api",
    "pyrax_image.image.copy",
    "pyrax_image.image.destinations",
    "pyrax_image.image.download",
    "pyrax_image.image.importing",
    "pyrax_image.image.object_transfer",
    "pyrax_image.image.uploads",
    "pyrax_image.image.waiters",
}
# The object storage a client reaches, shared by the service and the task
# manager (which checks a container before a task names it).
SHARED = {"pyrax_image.image.storage_access"}
# The record layer: managers, resources and their client seam.
RECORDS = {
    "pyrax_image.manager",
    "pyrax_image.resource",
    "pyrax_image.image.client_base",
    "pyrax_image.image.manager",
    "pyrax_image.image.members",
    "pyrax_image.image.tasks",
    "pyrax_image.image.resources",
    "pyrax_image.image.filters",
    "pyrax_image.image.patch",
    "pyrax_image.image.properties",
}


def path_of(module: str) -> Path:
    return PACKAGE.parent / (module.replace(".", "/") + ".py")


def tree_of(module: str) -> ast.Module:
    path = path_of(module)
    return ast.parse(path.read_text(), str(path))


def imported(module: str) -> Set[str]:
    """Every module ``module`` imports (at any level, ``from x import y``
    counted as ``x.y`` too)."""
    found: Set[str] = set()
    for node in ast.walk(tree_of(module)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update("%s.%s" % (node.module, alias.name) for alias in node.names)
    return found


def attributes_used(module: str) -> Set[str]:
    return {node.attr for node in ast.walk(tree_of(module)) if isinstance(node, ast.Attribute)}


def names_used(module: str) -> Set[str]:
    tree = tree_of(module)
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    return names | {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}


def test_the_layers_cover_real_modules():
    for module in FACADE | SERVICE | STEPS | SHARED | RECORDS:
        assert path_of(module).is_file(), module


def test_no_record_module_imports_the_service_the_steps_or_the_facade():
    above = FACADE | SERVICE | STEPS
    offenders = {module: sorted(imported(module) & above) for module in RECORDS}
    assert {module: found for module, found in offenders.items() if found} == {}


def test_no_step_imports_the_service_or_the_facade():
    offenders = {module: sorted(imported(module) & (FACADE | SERVICE)) for module in STEPS}
    assert {module: found for module, found in offenders.items() if found} == {}


def test_the_shared_object_storage_imports_nothing_above_the_records():
    offenders = {module: sorted(imported(module) & (FACADE | SERVICE | STEPS)) for module in SHARED}
    assert {module: found for module, found in offenders.items() if found} == {}


def test_no_record_module_reaches_a_data_service():
    offenders = [
        module for module in RECORDS if "data_service" in attributes_used(module) | names_used(module)
    ]
    assert offenders == []


def test_the_service_is_never_handed_its_own_client_or_a_back_call_protocol():
    for module in FACADE | SERVICE | STEPS | RECORDS:
        names = names_used(module) | attributes_used(module)
        assert "this_client" not in names, module
        assert "ManagerDataCalls" not in names, module


def test_the_service_passes_no_closure_down():
    """A nested function or lambda in the service would be a call-back handed
    to a lower layer (the old ``create`` closure)."""
    tree = tree_of("pyrax_image.image.data_service")
    nested: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested += [
                inner.name
                for inner in ast.walk(node)
                if inner is not node and isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
        if isinstance(node, ast.Lambda):
            nested.append("lambda")
    assert nested == []


def test_the_manager_makes_records_and_refuses_data(client):
    """``ImageManager.create`` keeps pyrax's signature but only POSTs the
    record: data goes through ``ImageClient.create`` (before any request)."""
    import pytest

    from pyrax_image import exceptions as exc

    for data_args in ({"data": b"x"}, {"container": "c", "obj": "o"}, {"chunk_size": 10}):
        with pytest.raises(exc.InvalidArgument, match="ImageClient.create"):
            client._manager.create("n", **data_args)
