"""A metadata definition namespace's objects, properties and tags on the
real Glance 33 (Keystone-backed RegionOne; admin for changes)."""

from __future__ import annotations

from typing import List

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.metadefs import MetadefNamespace, MetadefObject, MetadefProperty, MetadefTag
from tests.integration.metadef_fixtures import LOADED_NAMESPACE, unique_namespace

DISK = {"size": {"title": "Size", "type": "integer", "minimum": 1}, "bus": {"title": "Bus", "type": "string"}}


# -- objects ------------------------------------------------------------------------------
def test_create_metadef_object(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    made = md_admin.create_metadef_object(
        namespace, "Disk", description="a disk", properties=DISK, required=["size"]
    )
    assert isinstance(made, MetadefObject) and made.namespace_name == namespace.namespace
    assert (made.name, made.description, made.required, made.properties) == ("Disk", "a disk", ["size"], DISK)


def test_list_metadef_objects(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    for name in ("b-obj", "a-obj", "c-obj"):
        namespace.create_object(name, description=name.upper())
    listed = md_admin.list_metadef_objects(namespace)
    assert sorted(obj.name for obj in listed) == ["a-obj", "b-obj", "c-obj"]
    assert all(obj.loaded and obj.description == obj.name.upper() for obj in listed)  # entries are whole
    assert [obj.name for obj in namespace.list_objects()] == [obj.name for obj in listed]


def test_get_metadef_object(md_alice: ImageClient) -> None:
    apache = md_alice.get_metadef_object(LOADED_NAMESPACE, "Apache HTTP Server")
    assert apache.name == "Apache HTTP Server" and "sw_webserver_apache_http_port" in apache.properties


def test_update_metadef_object_keeps_what_is_not_named(
    md_admin: ImageClient, namespace: MetadefNamespace
) -> None:
    made = namespace.create_object("Disk", description="a disk", properties=DISK, required=["size"])
    md_admin.update_metadef_object(namespace, made, description="a better disk")
    fresh = namespace.get_object("Disk")
    assert (fresh.description, fresh.required, fresh.properties) == ("a better disk", ["size"], DISK)
    made.update(name="Volume")  # a rename: the object's URL changes
    assert made.name == "Volume" and made.description == "a better disk"
    with pytest.raises(exc.NotFound):
        namespace.get_object("Disk")


def test_delete_metadef_object(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    made = namespace.create_object("Disk")
    md_admin.delete_metadef_object(namespace, "Disk")
    with pytest.raises(exc.NotFound):
        made.get()


def test_delete_all_metadef_objects(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_object("one")
    namespace.create_object("two")
    namespace.create_property("kept", "Kept", "string")
    md_admin.delete_all_metadef_objects(namespace)
    assert namespace.list_objects() == []
    assert [prop.name for prop in namespace.list_properties()] == ["kept"]


def test_objects_refuse_non_admins_duplicates_and_missing(
    md_admin: ImageClient, md_alice: ImageClient, namespaces: List[str]
) -> None:
    name = unique_namespace()
    namespaces.append(name)
    public = md_admin.create_metadef_namespace(name, visibility="public")
    public.create_object("Disk")
    with pytest.raises(exc.Forbidden):
        md_alice.create_metadef_object(public, "Mine")
    with pytest.raises(exc.Forbidden):
        md_alice.delete_metadef_object(public, "Disk")
    with pytest.raises(exc.Conflict):
        public.create_object("Disk")
    with pytest.raises(exc.NotFound):
        md_alice.get_metadef_object(public, "No such object")
    assert [obj.name for obj in md_alice.list_metadef_objects(public)] == ["Disk"]  # reading is for all


# -- properties ---------------------------------------------------------------------------
def test_create_metadef_property(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    made = md_admin.create_metadef_property(
        namespace, "speed", "Speed", "integer", minimum=1, maximum=10, description="how fast", readonly=False
    )
    assert isinstance(made, MetadefProperty) and made.namespace_name == namespace.namespace
    assert (made.name, made.title, made.type, made.minimum, made.maximum) == (
        "speed",
        "Speed",
        "integer",
        1,
        10,
    )


def test_list_metadef_properties(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_property("a", "A", "string", enum=["x", "y"])
    namespace.create_property("b", "B", "boolean")
    listed = {prop.name: prop for prop in md_admin.list_metadef_properties(namespace)}
    assert set(listed) == {"a", "b"} and listed["a"].enum == ["x", "y"] and listed["b"].type == "boolean"


def test_get_metadef_property(md_alice: ImageClient) -> None:
    policy = md_alice.get_metadef_property("OS::Compute::CPUPinning", "cpu_policy")
    assert policy.name == "cpu_policy" and "dedicated" in policy.enum
    # With the resource type, the name may carry its prefix (hw_ for images).
    prefixed = md_alice.get_metadef_property(
        "OS::Compute::CPUPinning", "hw_cpu_policy", resource_type="OS::Glance::Image"
    )
    assert prefixed.enum == policy.enum


def test_update_metadef_property_keeps_what_is_not_named(
    md_admin: ImageClient, namespace: MetadefNamespace
) -> None:
    made = namespace.create_property("speed", "Speed", "integer", minimum=1, description="how fast")
    md_admin.update_metadef_property(namespace, "speed", maximum=10)
    fresh = namespace.get_property("speed")
    assert (fresh.title, fresh.type, fresh.minimum, fresh.maximum, fresh.description) == (
        "Speed",
        "integer",
        1,
        10,
        "how fast",
    )
    made.update(name="velocity", title="Velocity")
    assert (made.name, made.title, made.maximum) == ("velocity", "Velocity", 10)
    assert [prop.name for prop in namespace.list_properties()] == ["velocity"]


def test_delete_metadef_property(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    made = namespace.create_property("speed", "Speed", "integer")
    md_admin.delete_metadef_property(namespace, made)
    assert namespace.list_properties() == []
    with pytest.raises(exc.NotFound):
        namespace.get_property("speed")


def test_delete_all_metadef_properties(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_property("a", "A", "string")
    namespace.create_property("b", "B", "string")
    namespace.create_tag("kept")
    md_admin.delete_all_metadef_properties(namespace)
    assert namespace.list_properties() == []
    assert [tag.name for tag in namespace.list_tags()] == ["kept"]


def test_properties_refuse_non_admins_duplicates_and_missing(
    md_admin: ImageClient, md_alice: ImageClient, namespaces: List[str]
) -> None:
    name = unique_namespace()
    namespaces.append(name)
    public = md_admin.create_metadef_namespace(name, visibility="public")
    public.create_property("speed", "Speed", "integer")
    with pytest.raises(exc.Forbidden):
        md_alice.create_metadef_property(public, "mine", "Mine", "string")
    with pytest.raises(exc.Conflict):
        public.create_property("speed", "Speed", "integer")
    with pytest.raises(exc.NotFound):
        md_alice.get_metadef_property(public, "no-such-property")


# -- tags ---------------------------------------------------------------------------------
def test_create_metadef_tag(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    made = md_admin.create_metadef_tag(namespace, "fast")
    assert isinstance(made, MetadefTag) and (made.name, made.namespace_name) == ("fast", namespace.namespace)
    with pytest.raises(exc.Conflict):
        namespace.create_tag("fast")


def test_create_metadef_tags_replaces_or_appends(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_tag("old")
    made = md_admin.create_metadef_tags(namespace, ["a", "b"], append=True)
    assert sorted(tag.name for tag in made) == ["a", "b"]
    assert sorted(tag.name for tag in namespace.list_tags()) == ["a", "b", "old"]
    namespace.create_tags(["c"])  # without append, Glance replaces every tag
    assert [tag.name for tag in namespace.list_tags()] == ["c"]
    with pytest.raises(exc.Conflict):
        namespace.create_tags(["c", "d"], append=True)
    assert [tag.name for tag in namespace.list_tags()] == ["c"]  # nothing half-done


def test_list_metadef_tags(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_tags(["b", "c", "a"])
    assert [tag.name for tag in md_admin.list_metadef_tags(namespace, sort_key="name", sort_dir="asc")] == [
        "a",
        "b",
        "c",
    ]
    first = md_admin.list_metadef_tags(namespace, limit=2, sort_key="name", sort_dir="asc")
    assert [tag.name for tag in first] == ["a", "b"]
    rest = namespace.list_tags(marker=first[-1], sort_key="name", sort_dir="asc")
    assert [tag.name for tag in rest] == ["c"]


def test_get_metadef_tag(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_tag("fast")
    got = md_admin.get_metadef_tag(namespace, "fast")
    assert got.name == "fast" and got.created_at_dt is not None
    with pytest.raises(exc.NotFound):
        namespace.get_tag("slow")


def test_update_metadef_tag_renames_it(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_tag("fast")
    renamed = md_admin.update_metadef_tag(namespace, "fast", "quick")
    assert renamed.name == "quick"
    with pytest.raises(exc.NotFound):
        namespace.get_tag("fast")
    namespace.create_tag("fast")
    with pytest.raises(exc.Conflict):
        namespace.rename_tag("fast", "quick")


def test_delete_metadef_tag(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    tag = namespace.create_tag("fast")
    md_admin.delete_metadef_tag(namespace, tag)
    assert namespace.list_tags() == []
    with pytest.raises(exc.NotFound):
        md_admin.delete_metadef_tag(namespace, "fast")


def test_delete_all_metadef_tags(md_admin: ImageClient, namespace: MetadefNamespace) -> None:
    namespace.create_tags(["a", "b"])
    namespace.create_object("kept")
    md_admin.delete_all_metadef_tags(namespace)
    assert namespace.list_tags() == []
    assert [obj.name for obj in namespace.list_objects()] == ["kept"]


def test_tags_refuse_non_admins_and_protected_namespaces(
    md_admin: ImageClient, md_alice: ImageClient, namespaces: List[str]
) -> None:
    name = unique_namespace()
    namespaces.append(name)
    public = md_admin.create_metadef_namespace(name, visibility="public")
    public.create_tag("fast")
    with pytest.raises(exc.Forbidden):
        md_alice.create_metadef_tag(public, "mine")
    with pytest.raises(exc.Forbidden):
        md_alice.create_metadef_tags(public, ["mine"], append=True)
    public.update(protected=True)
    with pytest.raises(exc.Forbidden):
        public.delete_tag("fast")  # a protected namespace keeps its definitions
    assert [tag.name for tag in md_alice.list_metadef_tags(public)] == ["fast"]
