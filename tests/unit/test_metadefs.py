"""Wire format of metadata definitions: each operation's method, path (every
segment percent-encoded), query, headers and body, pinned; replies of the
wrong shape; import/export files (docs/metadefs.md)."""

from __future__ import annotations

import io
import json
from typing import Any, Callable, List, Tuple

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.image.tasks import METADEF_SCHEMAS
from pyrax_image.metadefs import (
    MetadefNamespace,
    MetadefObject,
    MetadefProperty,
    MetadefResourceType,
    MetadefResourceTypeAssociation,
    MetadefTag,
)
from tests.unit.helpers import V2, Exchange, assert_no_request, assert_sent_exactly, call, sent_json

NS = "OS::Compute::Test"
NS_URL = V2 + "/metadefs/namespaces/OS%3A%3ACompute%3A%3ATest"
NS_INFO = {
    "namespace": NS,
    "display_name": "Test",
    "description": "d",
    "visibility": "public",
    "protected": False,
}
OBJ_INFO = {"name": "Disk One", "description": "d", "properties": {"size": {"title": "S", "type": "integer"}}}
PROP_INFO = {"name": "speed", "title": "Speed", "type": "integer", "minimum": 1}
TAG_INFO = {"name": "fast", "created_at": "2026-01-01T00:00:00Z"}
RTA_INFO = {"name": "OS::Glance::Image", "prefix": "hw_", "properties_target": "image"}


ROWS: List[Tuple[str, Callable[[Any], Any], List[Exchange], Any]] = [
    # (name, call, exchanges, the type of what it returns)
    (
        "create namespace",
        lambda c: c.create_metadef_namespace(NS, display_name="Test", visibility="public", protected=False),
        [
            Exchange(
                "POST",
                V2 + "/metadefs/namespaces",
                {"namespace": NS, "display_name": "Test", "visibility": "public", "protected": False},
                NS_INFO,
                201,
            )
        ],
        MetadefNamespace,
    ),
    (
        "list namespaces",
        lambda c: c.list_metadef_namespaces(
            limit=2,
            marker="A::B",
            resource_types=["OS::Nova::Flavor", "OS::Glance::Image"],
            visibility="public",
            sort_key="namespace",
            sort_dir="asc",
        ),
        [
            Exchange(
                "GET",
                V2 + "/metadefs/namespaces?sort_key=namespace&sort_dir=asc&visibility=public"
                "&resource_types=OS%3A%3ANova%3A%3AFlavor%2COS%3A%3AGlance%3A%3AImage&limit=2&marker=A%3A%3AB",
                reply={"namespaces": [NS_INFO], "next": "/v2/metadefs/namespaces?marker=x"},
            )
        ],
        list,
    ),
    (
        "get namespace",
        lambda c: c.get_metadef_namespace(NS, resource_type="OS::Glance::Image"),
        [Exchange("GET", NS_URL + "?resource_type=OS%3A%3AGlance%3A%3AImage", reply=NS_INFO)],
        MetadefNamespace,
    ),
    (
        "update namespace",
        lambda c: c.update_metadef_namespace(NS, protected=True),
        [
            Exchange("GET", NS_URL, reply=dict(NS_INFO, owner="admin", created_at="x", schema="s", self="y")),
            Exchange("PUT", NS_URL, dict(NS_INFO, protected=True), dict(NS_INFO, protected=True)),
        ],
        MetadefNamespace,
    ),
    (
        "delete namespace",
        lambda c: c.delete_metadef_namespace(NS),
        [Exchange("DELETE", NS_URL, status=204)],
        None,
    ),
    (
        "list resource types",
        lambda c: c.list_metadef_resource_types(),
        [
            Exchange(
                "GET",
                V2 + "/metadefs/resource_types",
                reply={"resource_types": [{"name": "OS::Glance::Image"}]},
            )
        ],
        list,
    ),
    (
        "create association",
        lambda c: c.create_metadef_resource_type_association(NS, "OS::Glance::Image", "hw_", "image"),
        [Exchange("POST", NS_URL + "/resource_types", RTA_INFO, RTA_INFO, 201)],
        MetadefResourceTypeAssociation,
    ),
    (
        "list associations",
        lambda c: c.list_metadef_resource_type_associations(NS),
        [Exchange("GET", NS_URL + "/resource_types", reply={"resource_type_associations": [RTA_INFO]})],
        list,
    ),
    (
        "delete association",
        lambda c: c.delete_metadef_resource_type_association(NS, "OS::Glance::Image"),
        [Exchange("DELETE", NS_URL + "/resource_types/OS%3A%3AGlance%3A%3AImage", status=204)],
        None,
    ),
    (
        "create object",
        lambda c: c.create_metadef_object(NS, "Disk One", "d", OBJ_INFO["properties"], ["size"]),
        [Exchange("POST", NS_URL + "/objects", dict(OBJ_INFO, required=["size"]), OBJ_INFO, 201)],
        MetadefObject,
    ),
    (
        "list objects",
        lambda c: c.list_metadef_objects(NS),
        [Exchange("GET", NS_URL + "/objects", reply={"objects": [OBJ_INFO], "schema": "s"})],
        list,
    ),
    (
        "get object",
        lambda c: c.get_metadef_object(NS, "Disk One"),
        [Exchange("GET", NS_URL + "/objects/Disk%20One", reply=OBJ_INFO)],
        MetadefObject,
    ),
    (
        "update object",
        lambda c: c.update_metadef_object(NS, "Disk One", description="new"),
        [
            Exchange(
                "GET", NS_URL + "/objects/Disk%20One", reply=dict(OBJ_INFO, required=[], created_at="x")
            ),
            Exchange(
                "PUT",
                NS_URL + "/objects/Disk%20One",
                dict(OBJ_INFO, description="new", required=[]),
                OBJ_INFO,
            ),
        ],
        MetadefObject,
    ),
    (
        "delete object",
        lambda c: c.delete_metadef_object(NS, "Disk One"),
        [Exchange("DELETE", NS_URL + "/objects/Disk%20One", status=204)],
        None,
    ),
    (
        "delete all objects",
        lambda c: c.delete_all_metadef_objects(NS),
        [Exchange("DELETE", NS_URL + "/objects", status=204)],
        None,
    ),
    (
        "create property",
        lambda c: c.create_metadef_property(NS, "speed", "Speed", "integer", minimum=1),
        [Exchange("POST", NS_URL + "/properties", PROP_INFO, PROP_INFO, 201)],
        MetadefProperty,
    ),
    (
        "list properties",
        lambda c: c.list_metadef_properties(NS),
        [
            Exchange(
                "GET",
                NS_URL + "/properties",
                reply={"properties": {"speed": {"title": "Speed", "type": "integer"}}},
            )
        ],
        list,
    ),
    (
        "get property",
        lambda c: c.get_metadef_property(NS, "hw_speed", resource_type="OS::Glance::Image"),
        [
            Exchange(
                "GET",
                NS_URL + "/properties/hw_speed?resource_type=OS%3A%3AGlance%3A%3AImage",
                reply=PROP_INFO,
            )
        ],
        MetadefProperty,
    ),
    (
        "update property",
        lambda c: c.update_metadef_property(NS, "speed", maximum=9),
        [
            Exchange("GET", NS_URL + "/properties/speed", reply=PROP_INFO),
            Exchange("PUT", NS_URL + "/properties/speed", dict(PROP_INFO, maximum=9), PROP_INFO),
        ],
        MetadefProperty,
    ),
    (
        "delete property",
        lambda c: c.delete_metadef_property(NS, "speed"),
        [Exchange("DELETE", NS_URL + "/properties/speed", status=204)],
        None,
    ),
    (
        "delete all properties",
        lambda c: c.delete_all_metadef_properties(NS),
        [Exchange("DELETE", NS_URL + "/properties", status=204)],
        None,
    ),
    (
        "create tag",
        lambda c: c.create_metadef_tag(NS, "fast one"),
        [Exchange("POST", NS_URL + "/tags/fast%20one", None, TAG_INFO, 201)],
        MetadefTag,
    ),
    (
        "create tags, appended",
        lambda c: c.create_metadef_tags(NS, ["a", "b"], append=True),
        [
            Exchange(
                "POST",
                NS_URL + "/tags",
                {"tags": [{"name": "a"}, {"name": "b"}]},
                {"tags": [{"name": "a"}, {"name": "b"}]},
                201,
                {"X-Openstack-Append": "true"},
            )
        ],
        list,
    ),
    (
        "create tags, replacing",
        lambda c: c.create_metadef_tags(NS, ["a"]),
        [
            Exchange(
                "POST",
                NS_URL + "/tags",
                {"tags": [{"name": "a"}]},
                {"tags": [{"name": "a"}]},
                201,
                {"X-Openstack-Append": "false"},
            )
        ],
        list,
    ),
    (
        "list tags",
        lambda c: c.list_metadef_tags(NS, limit=5, marker="a", sort_key="name", sort_dir="desc"),
        [
            Exchange(
                "GET",
                NS_URL + "/tags?sort_key=name&sort_dir=desc&limit=5&marker=a",
                reply={"tags": [TAG_INFO]},
            )
        ],
        list,
    ),
    (
        "get tag",
        lambda c: c.get_metadef_tag(NS, "fast"),
        [Exchange("GET", NS_URL + "/tags/fast", reply=TAG_INFO)],
        MetadefTag,
    ),
    (
        "rename tag",
        lambda c: c.update_metadef_tag(NS, "fast", "quick"),
        [Exchange("PUT", NS_URL + "/tags/fast", {"name": "quick"}, dict(TAG_INFO, name="quick"))],
        MetadefTag,
    ),
    (
        "delete tag",
        lambda c: c.delete_metadef_tag(NS, "fast"),
        [Exchange("DELETE", NS_URL + "/tags/fast", status=204)],
        None,
    ),
    (
        "delete all tags",
        lambda c: c.delete_all_metadef_tags(NS),
        [Exchange("DELETE", NS_URL + "/tags", status=204)],
        None,
    ),
] + [
    (
        "%s schema" % name,
        (lambda n: lambda c: getattr(c, "get_metadef_%s_schema" % n)())(name),
        [Exchange("GET", V2 + "/schemas/metadefs/" + name, reply={"name": name, "properties": {}})],
        dict,
    )
    for name in METADEF_SCHEMAS
]


@pytest.mark.parametrize("name, run, exchanges, kind", ROWS, ids=[row[0] for row in ROWS])
def test_each_operation_sends_exactly(client, rsps, name, run, exchanges, kind):
    for exchange in exchanges:
        exchange.register(rsps)
    result = run(client)
    assert_sent_exactly(rsps, exchanges)
    if kind is None:
        assert result is None
    else:
        assert isinstance(result, kind)


def test_listed_contents_know_their_namespace(client, rsps):
    rsps.get(NS_URL + "/properties", json={"properties": {"speed": {"title": "Speed", "type": "integer"}}})
    (prop,) = client.list_metadef_properties(NS)
    assert (prop.name, prop.title, prop.namespace_name) == ("speed", "Speed", NS)
    rsps.delete(NS_URL + "/properties/speed", status=204)
    prop.delete()
    assert call(rsps).url == NS_URL + "/properties/speed"


def test_namespace_resource_reaches_its_contents(client, rsps):
    namespace = MetadefNamespace(client.metadef_namespaces, {"namespace": NS})
    rsps.post(NS_URL + "/tags/fast", json=TAG_INFO, status=201)
    rsps.get(NS_URL + "/objects", json={"objects": [OBJ_INFO]})
    rsps.delete(NS_URL + "/resource_types/OS%3A%3AGlance%3A%3AImage", status=204)
    assert namespace.create_tag("fast").namespace_name == NS
    assert [obj.name for obj in namespace.list_objects()] == ["Disk One"]
    namespace.dissociate_resource_type("OS::Glance::Image")
    assert repr(namespace) == "<MetadefNamespace 'OS::Compute::Test'>"


def test_listing_pages_follow_next_links_with_names_as_markers(client, rsps):
    rsps.get(
        V2 + "/metadefs/namespaces?limit=1",
        json={
            "namespaces": [NS_INFO],
            "next": "/v2/metadefs/namespaces?limit=1&marker=OS%3A%3ACompute%3A%3ATest",
        },
    )
    rsps.get(
        NS_URL.replace("/OS%3A", "?limit=1&marker=OS%3A", 1),
        json={"namespaces": [dict(NS_INFO, namespace="Z")]},
    )
    assert [ns.namespace for ns in client.metadef_namespaces.iter_all(page_size=1)] == [NS, "Z"]


@pytest.mark.parametrize(
    "reply",
    [
        {"namespaces": {"not": "a list"}},
        {"namespaces": ["text"]},
        {"nothing": []},
        [NS_INFO],
    ],
)
def test_a_listing_of_the_wrong_shape_is_invalid(client, rsps, reply):
    rsps.get(V2 + "/metadefs/namespaces", json=reply)
    with pytest.raises(exc.InvalidResponse):
        client.list_metadef_namespaces()


@pytest.mark.parametrize("reply", [{"properties": []}, {"properties": {"speed": "text"}}, ["speed"]])
def test_properties_of_the_wrong_shape_are_invalid(client, rsps, reply):
    rsps.get(NS_URL + "/properties", json=reply)
    with pytest.raises(exc.InvalidResponse):
        client.list_metadef_properties(NS)


@pytest.mark.parametrize(
    "status, error", [(403, exc.Forbidden), (404, exc.NotFound), (409, exc.Conflict), (400, exc.BadRequest)]
)
def test_error_answers_are_the_library_exceptions(client, rsps, status, error):
    rsps.post(V2 + "/metadefs/namespaces", json={"message": "no", "code": status}, status=status)
    with pytest.raises(error):
        client.create_metadef_namespace(NS)


def test_names_glance_could_never_address_are_refused(client, rsps):
    for bad in (
        lambda: client.create_metadef_object(NS, "a/b"),
        lambda: client.get_metadef_namespace("x/.."),
    ):
        with pytest.raises(exc.InvalidArgument, match="'/'"):
            bad()
    assert_no_request(rsps)


def test_update_checks_the_changes_before_fetching(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.update_metadef_namespace(NS, visibility="shared")
    with pytest.raises(exc.InvalidArgument):
        client.update_metadef_property(NS, "speed", type="text")
    assert_no_request(rsps)


# -- import / export ------------------------------------------------------------------
DOCUMENT = {
    "namespace": NS,
    "display_name": "Test",
    "description": "d",
    "visibility": "public",
    "protected": True,
    "resource_type_associations": [{"name": "OS::Glance::Image", "prefix": "hw_"}],
    "properties": {"speed": {"title": "Speed", "type": "integer"}},
    "objects": [{"name": "Disk", "properties": {}}],
    "tags": [{"name": "fast"}],
}


def test_import_sends_the_document_in_one_request(client, rsps, tmp_path):
    path = tmp_path / "ns.json"
    path.write_text(json.dumps(dict(DOCUMENT, created_at="2026", self="/v2/x", owner="someone")))
    rsps.get(NS_URL, status=404, json={"message": "not found"})
    rsps.post(V2 + "/metadefs/namespaces", json=DOCUMENT, status=201)
    imported = client.import_metadef_namespace(str(path))
    assert imported.namespace == NS
    assert sent_json(rsps) == DOCUMENT  # the server's bookkeeping is not sent


def test_import_refuses_an_existing_namespace_without_writing(client, rsps):
    rsps.get(NS_URL, json=NS_INFO)
    with pytest.raises(exc.Conflict):
        client.import_metadef_namespace(io.BytesIO(json.dumps(DOCUMENT).encode()))
    assert [c.request.method for c in rsps.calls] == ["GET"]


def test_import_refused_halfway_deletes_what_it_created(client, rsps):
    rsps.get(NS_URL, status=404, json={})
    rsps.post(V2 + "/metadefs/namespaces", status=400, json={"message": "bad property"})
    rsps.delete(NS_URL, status=204)
    with pytest.raises(exc.BadRequest):
        client.import_metadef_namespace(dict(DOCUMENT))
    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "DELETE"]


def test_export_writes_the_glance_file_format(client, rsps, tmp_path):
    body = dict(
        NS_INFO,
        protected=True,
        owner="admin",
        created_at="2026-01-01T00:00:00Z",
        self="/v2/x",
        schema="/v2/s",
        resource_type_associations=[dict(RTA_INFO, created_at="x")],
        properties={"speed": {"title": "Speed", "type": "integer"}},
        objects=[dict(OBJ_INFO, required=[], created_at="x", self="y", schema="z")],
        tags=[{"name": "fast"}],
    )
    rsps.get(NS_URL, json=body)
    path = tmp_path / "out.json"
    document = client.export_metadef_namespace(NS, str(path))
    assert json.loads(path.read_text()) == document
    assert document == {
        "namespace": NS,
        "display_name": "Test",
        "description": "d",
        "visibility": "public",
        "protected": True,
        "resource_type_associations": [RTA_INFO],
        "properties": {"speed": {"title": "Speed", "type": "integer"}},
        "objects": [OBJ_INFO],
        "tags": [{"name": "fast"}],
    }
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


@pytest.mark.parametrize("objects", ["text", ["text"], [{"properties": []}]])
def test_export_of_a_namespace_of_the_wrong_shape_is_invalid(client, rsps, tmp_path, objects):
    rsps.get(NS_URL, json=dict(NS_INFO, objects=objects))
    with pytest.raises(exc.InvalidResponse):
        client.export_metadef_namespace(NS, str(tmp_path / "out.json"))
    assert list(tmp_path.iterdir()) == []


def test_resource_types_are_resources(client, rsps):
    rsps.get(V2 + "/metadefs/resource_types", json={"resource_types": [{"name": "OS::Glance::Image"}]})
    (kind,) = client.list_metadef_resource_types()
    assert isinstance(kind, MetadefResourceType) and kind.name == "OS::Glance::Image"
