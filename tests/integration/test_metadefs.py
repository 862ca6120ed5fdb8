"""Metadata definition namespaces, resource types, schemas, import and export
on the real Glance 33 (Keystone-backed RegionOne; admin for changes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.image.tasks import METADEF_SCHEMAS
from pyrax_image.metadefs import MetadefNamespace
from tests.integration.metadef_fixtures import LOADED_NAMESPACE, unique_namespace

GLANCE_METADEFS = (
    Path.home() / ".cache" / "pyrax_image_cloud" / "venvs" / "glance" / "etc" / "glance" / "metadefs"
)


def test_create_metadef_namespace(md_admin: ImageClient, namespaces: List[str]) -> None:
    name = unique_namespace()
    namespaces.append(name)
    created = md_admin.create_metadef_namespace(
        name, display_name="Made", description="by a test", visibility="public", protected=True
    )
    assert isinstance(created, MetadefNamespace)
    assert (created.namespace, created.display_name, created.visibility, created.protected) == (
        name,
        "Made",
        "public",
        True,
    )
    assert created.owner == md_admin.projectid
    assert md_admin.get_metadef_namespace(name).description == "by a test"


def test_create_metadef_namespace_with_its_contents(md_admin: ImageClient, namespaces: List[str]) -> None:
    name = unique_namespace()
    namespaces.append(name)
    md_admin.create_metadef_namespace(
        name,
        properties={"speed": {"title": "Speed", "type": "integer", "minimum": 1}},
        objects=[{"name": "Disk", "properties": {"size": {"title": "Size", "type": "integer"}}}],
        tags=[{"name": "fast"}],
        resource_type_associations=[{"name": "OS::Glance::Image", "prefix": "it_"}],
    )
    whole = md_admin.get_metadef_namespace(name)
    assert list(whole["properties"]) == ["speed"]
    assert [obj["name"] for obj in whole["objects"]] == ["Disk"]
    assert [tag["name"] for tag in whole["tags"]] == ["fast"]
    assert [(a["name"], a["prefix"]) for a in whole["resource_type_associations"]] == [
        ("OS::Glance::Image", "it_")
    ]


def test_list_metadef_namespaces_pages_with_markers(md_admin: ImageClient) -> None:
    first = md_admin.list_metadef_namespaces(limit=3, sort_key="namespace", sort_dir="asc")
    assert len(first) == 3 and first.has_more and first.next_marker == first[-1].namespace
    second = md_admin.list_metadef_namespaces(
        limit=3, marker=first.next_marker, sort_key="namespace", sort_dir="asc"
    )
    names = [ns.namespace for ns in first + second]
    assert names == sorted(names) and len(set(names)) == 6
    everything = [
        ns.namespace for ns in md_admin.list_all_metadef_namespaces(sort_key="namespace", sort_dir="asc")
    ]
    assert everything[:6] == names
    assert len(everything) >= 32 and LOADED_NAMESPACE in everything  # Glance's own definitions are loaded


def test_list_metadef_namespaces_filters(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    flavors = md_admin.list_all_metadef_namespaces(resource_types=["OS::Nova::Flavor"])
    assert flavors and all(
        "OS::Nova::Flavor" in [a["name"] for a in ns["resource_type_associations"]] for ns in flavors
    )
    both = md_admin.list_all_metadef_namespaces(resource_types=["OS::Nova::Flavor", "OS::Trove::Instance"])
    assert len(both) > len(flavors)
    private = [ns.namespace for ns in md_admin.list_all_metadef_namespaces(visibility="private")]
    assert namespace.namespace in private
    public = md_admin.list_all_metadef_namespaces(visibility="public")
    assert public and all(ns.visibility == "public" for ns in public)


def test_get_metadef_namespace(md_admin: ImageClient, md_alice: ImageClient) -> None:
    loaded = md_alice.get_metadef_namespace(LOADED_NAMESPACE)  # public: anyone may read it
    assert loaded.loaded and loaded.display_name == "Web Servers"
    assert "Apache HTTP Server" in [obj["name"] for obj in loaded["objects"]]
    # With a resource type, property names carry that type's prefix (hw_ for images).
    pinning = md_alice.get_metadef_namespace("OS::Compute::CPUPinning", resource_type="OS::Glance::Image")
    assert pinning["properties"] and all(name.startswith("hw_") for name in pinning["properties"])
    plain = md_alice.get_metadef_namespace("OS::Compute::CPUPinning")
    assert not any(name.startswith("hw_") for name in plain["properties"])


def test_update_metadef_namespace_keeps_what_is_not_named(
    md_admin: ImageClient, namespaces: List[str]
) -> None:
    namespace = md_admin.create_metadef_namespace(unique_namespace(), display_name="Keep", description="me")
    namespaces.append(namespace.namespace)
    updated = md_admin.update_metadef_namespace(namespace, protected=True, visibility="public")
    assert (updated.protected, updated.visibility) == (True, "public")
    assert (updated.display_name, updated.description) == ("Keep", "me")  # a bare PUT would null them
    renamed = unique_namespace()
    namespaces.append(renamed)
    namespace.update(namespace=renamed, protected=False)
    assert namespace.namespace == renamed and namespace.description == "me"
    with pytest.raises(exc.NotFound):
        md_admin.get_metadef_namespace(namespaces[0])


def test_delete_metadef_namespace(md_admin: ImageClient, namespaces: List[str]) -> None:
    name = unique_namespace()
    namespaces.append(name)
    namespace = md_admin.create_metadef_namespace(name, protected=True)
    with pytest.raises(exc.Forbidden):
        namespace.delete()  # protected: Glance refuses with 403
    namespace.update(protected=False)
    md_admin.delete_metadef_namespace(namespace)
    with pytest.raises(exc.NotFound):
        md_admin.get_metadef_namespace(name)


def test_non_admin_cannot_change_namespaces(
    md_alice: ImageClient, md_admin: ImageClient, namespaces: List[str]
) -> None:
    name = unique_namespace()
    with pytest.raises(exc.Forbidden):
        md_alice.create_metadef_namespace(name)
    namespaces.append(name)
    public = md_admin.create_metadef_namespace(name, visibility="public")
    with pytest.raises(exc.Forbidden):
        md_alice.delete_metadef_namespace(public)
    with pytest.raises(exc.Forbidden):
        md_alice.metadef_namespaces.update(public, description="mine now")
    with pytest.raises(exc.Forbidden):
        md_alice.create_metadef_resource_type_association(public, "OS::Glance::Image")
    assert md_admin.get_metadef_namespace(name).namespace == name


def test_private_namespace_is_not_found_by_others(md_alice: ImageClient, namespace: MetadefNamespace) -> None:
    with pytest.raises(exc.NotFound):
        md_alice.get_metadef_namespace(namespace.namespace)
    assert namespace.namespace not in [ns.namespace for ns in md_alice.list_all_metadef_namespaces()]


def test_missing_namespace_is_not_found(md_admin: ImageClient) -> None:
    missing = unique_namespace()
    for call in (
        lambda: md_admin.get_metadef_namespace(missing),
        lambda: md_admin.delete_metadef_namespace(missing),
        lambda: md_admin.list_metadef_objects(missing),
        lambda: md_admin.list_metadef_resource_type_associations(missing),
    ):
        with pytest.raises(exc.NotFound):
            call()


def test_duplicate_namespace_conflicts(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    with pytest.raises(exc.Conflict):
        md_admin.create_metadef_namespace(namespace.namespace)
    other = md_admin.create_metadef_namespace(unique_namespace())
    try:
        with pytest.raises(exc.Conflict):
            other.update(namespace=namespace.namespace)
    finally:
        other.delete()


def test_list_metadef_resource_types(md_alice: ImageClient) -> None:
    names = [rt.name for rt in md_alice.list_metadef_resource_types()]
    assert {"OS::Glance::Image", "OS::Cinder::Volume", "OS::Nova::Flavor", "OS::Nova::Server"} <= set(names)


def test_create_metadef_resource_type_association(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    made = md_admin.create_metadef_resource_type_association(
        namespace, "OS::Cinder::Volume", prefix="it_", properties_target="image"
    )
    assert (made.name, made.prefix, made.properties_target) == ("OS::Cinder::Volume", "it_", "image")
    assert made.namespace_name == namespace.namespace
    with pytest.raises(exc.Conflict):
        namespace.associate_resource_type("OS::Cinder::Volume")


def test_list_metadef_resource_type_associations(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    assert md_admin.list_metadef_resource_type_associations(namespace) == []
    namespace.associate_resource_type("OS::Glance::Image", prefix="it_")
    namespace.associate_resource_type("OS::Nova::Flavor")
    listed = {a.name: a for a in namespace.list_resource_type_associations()}
    assert (
        set(listed) == {"OS::Glance::Image", "OS::Nova::Flavor"}
        and listed["OS::Glance::Image"].prefix == "it_"
    )


def test_delete_metadef_resource_type_association(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    association = namespace.associate_resource_type("OS::Glance::Image")
    association.delete()
    assert namespace.list_resource_type_associations() == []
    with pytest.raises(exc.NotFound):
        md_admin.delete_metadef_resource_type_association(namespace, "OS::Glance::Image")


@pytest.mark.parametrize("name", METADEF_SCHEMAS)
def test_get_metadef_schema(md_alice: ImageClient, name: str) -> None:
    schema = getattr(md_alice, "get_metadef_%s_schema" % name)()
    assert isinstance(schema, dict) and "properties" in schema
    plural = name in ("namespaces", "resource_types", "objects", "properties", "tags")
    assert ("links" in schema) == plural  # a collection's schema links its pages
    expected = {"resource_type": "resource_type_association", "resource_types": "resource_type_associations"}
    assert schema["name"] == expected.get(name, name)


def test_import_a_glance_metadefs_file(md_admin: ImageClient, namespaces: List[str], tmp_path: Path) -> None:
    source = json.loads((GLANCE_METADEFS / "software-webservers.json").read_text())
    source["namespace"] = unique_namespace()  # the loaded one has this file's name already
    path = tmp_path / "webservers.json"
    path.write_text(json.dumps(source))
    namespaces.append(source["namespace"])
    imported = md_admin.import_metadef_namespace(str(path))
    assert imported.namespace == source["namespace"] and imported.protected is True
    exported = md_admin.export_metadef_namespace(imported, str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text()) == exported
    assert _sorted(exported) == _sorted(_defaults_as_text(source))


def _defaults_as_text(document: Dict[str, Any]) -> Dict[str, Any]:
    """Glance keeps a property's ``default`` as text (``80`` comes back ``"80"``)."""
    for obj in document.get("objects", []):
        for definition in obj.get("properties", {}).values():
            if "default" in definition and not isinstance(definition["default"], str):
                definition["default"] = str(definition["default"])
    return document


def test_export_imports_back_as_it_was(md_admin: ImageClient, namespaces: List[str], tmp_path: Path) -> None:
    original = md_admin.export_metadef_namespace("OS::Compute::CPUPinning")
    assert original["resource_type_associations"] and original["properties"]
    copy = dict(original, namespace=unique_namespace())
    namespaces.append(copy["namespace"])
    with open(tmp_path / "copy.json", "w") as handle:
        json.dump(copy, handle)
    with open(tmp_path / "copy.json", "rb") as handle:
        md_admin.import_metadef_namespace(handle)
    assert _sorted(md_admin.get_metadef_namespace(copy["namespace"]).export()) == _sorted(copy)


def test_import_refuses_an_existing_namespace(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    with pytest.raises(exc.Conflict):
        md_admin.import_metadef_namespace({"namespace": namespace.namespace, "description": "replaced?"})
    assert md_admin.get_metadef_namespace(namespace).description == "made by a test"


def _sorted(document: Dict[str, Any]) -> Dict[str, Any]:
    """A document with its lists in name order (Glance lists by creation time)."""
    result = dict(document)
    for key in ("objects", "tags", "resource_type_associations"):
        if key in result:
            result[key] = sorted(result[key], key=lambda entry: entry["name"])
    return result
