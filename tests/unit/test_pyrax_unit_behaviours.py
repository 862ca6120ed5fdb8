"""pyrax's own ``tests/unit/test_image.py`` behaviours, at the HTTP level.

pyrax (pycontribs/pyrax 1.10.0, Apache-2.0) tested its image module by
mocking its own methods; each test here keeps the behaviour such a test
pinned (what is sent, what comes back, what is raised) and checks it on the
wire with ``responses``. Those that deliberately differ are listed in
docs/migrating.md.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pyrax_image import Image, ImageMember
from pyrax_image import exceptions as exc
from tests.unit.helpers import IMAGE_ID, IMAGES, ITEM, PROJECT, SWIFT, V2, call, image_info, sent_json

TASKS = V2 + "/tasks"


# -- fixes of pyrax behaviour pyrax code relies on ------------------------------------------------
def test_timings_switched_on_after_construction_record(client, rsps):
    rsps.get(ITEM, json=image_info())
    rsps.get(ITEM, json=image_info())
    client.get(IMAGE_ID)
    assert client.get_timings() == []
    client.timings = True
    assert client.timings is True
    client.get(IMAGE_ID)
    [(name, start, end)] = client.get_timings()
    assert name == "GET " + ITEM and start <= end
    client.timings = False
    assert client.transport.record_timings is False


@pytest.mark.parametrize("field", ["limit", "size_min", "size_max"])
def test_numeric_strings_are_passed_on_as_numbers(client, rsps, field):
    rsps.get(IMAGES, json={"images": []})
    client.list(**{field: "25"})
    assert call(rsps).url == IMAGES + "?%s=25" % field


def test_any_task_type_is_sent(client, rsps):
    task_input = {"image_id": IMAGE_ID, "import_req": {"method": {"name": "glance-direct"}}}
    rsps.post(TASKS, status=201, json={"id": "t1", "type": "api_image_import", "status": "pending"})
    task = client._tasks_manager.create("api_image_import", input=task_input)
    assert task.id == "t1"
    assert sent_json(rsps) == {"type": "api_image_import", "input": task_input}


@pytest.mark.parametrize("bad", ["", None, 5])
def test_task_type_must_be_a_name(client, rsps, bad):
    with pytest.raises(exc.InvalidArgument):
        client._tasks_manager.create(bad)


def test_update_member_not_found_is_both_classes(client, rsps):
    # pyrax: test_imgmgr_update_member_not_found (any 404 -> InvalidImageMember).
    rsps.put(ITEM + "/members/" + PROJECT, status=404, json={"message": "gone", "code": "404"})
    rsps.get(ITEM, json=image_info(owner="another-project"))
    with pytest.raises(exc.InvalidImageMember) as info:
        client.update_image_member(IMAGE_ID, "accepted")
    assert isinstance(info.value, exc.NotFound)
    assert info.value.code == 404


# -- Image resource (pyrax: test_img_*) -----------------------------------------------------------
@pytest.fixture
def image(client):
    return Image(client._manager, image_info(foo="old"), loaded=True)


def test_img_update_and_change_name(image, rsps):
    # pyrax chose replace/add from the image it had; one PATCH of JSON-patch "add"
    # (which replaces an existing property, RFC 6902) needs no look-up first.
    rsps.patch(ITEM, json=image_info(foo="new", bar="new"))
    assert image.update({"foo": "new", "bar": "new"}).foo == "new"
    assert sorted(sent_json(rsps), key=lambda op: op["path"]) == [
        {"op": "add", "path": "/bar", "value": "new"},
        {"op": "add", "path": "/foo", "value": "new"},
    ]
    assert call(rsps).headers["Content-Type"] == "application/openstack-images-v2.1-json-patch"
    assert image.foo == "new"  # the object passed in is refreshed (docs/migrating.md "What was fixed")
    rsps.patch(ITEM, json=image_info(name="renamed"))
    image.change_name("renamed")
    assert sent_json(rsps) == [{"op": "add", "path": "/name", "value": "renamed"}]
    assert image.name == "renamed"


MEMBER = {"member_id": "p2", "image_id": IMAGE_ID, "status": "pending", "created_at": "2014-03-03T20:13:18Z"}


@pytest.mark.parametrize("as_object", [True, False])
def test_assure_image_takes_an_image_or_its_id(client, image, rsps, as_object):
    # pyrax: test_assure_image, test_clt_get_image_member.
    rsps.get(ITEM + "/members/p2", json=MEMBER)
    member = client.get_image_member(image if as_object else IMAGE_ID, "p2")
    assert isinstance(member, ImageMember) and member.id == "p2"


def test_img_list_members_and_client_list_image_members(client, image, rsps):
    rsps.get(ITEM + "/members", json={"members": [MEMBER]})
    assert [m.id for m in image.list_members()] == ["p2"]
    rsps.get(ITEM + "/members", json={"members": []})
    assert client.list_image_members(image) == []


def test_img_get_member(image, rsps):
    rsps.get(ITEM + "/members/p%2F2", json=dict(MEMBER, member_id="p/2"))
    assert image.get_member("p/2").id == "p/2"  # percent-encoded segment


def test_img_create_member_body_and_result(client, image, rsps):
    # pyrax: test_img_create_member, test_img_member_mgr_create_body, test_img_member_mgr_create,
    # test_clt_add_image_member.
    rsps.post(ITEM + "/members", json=MEMBER)
    member = image.add_member("p2")
    assert sent_json(rsps) == {"member": "p2"}
    assert (member.id, member.status) == ("p2", "pending")
    rsps.post(ITEM + "/members", json=MEMBER)
    assert client.add_image_member(IMAGE_ID, "p2").id == "p2"


def test_img_member_mgr_create_403_is_unsharable_image(client, rsps):
    rsps.post(ITEM + "/members", status=403, json={"message": "private", "code": "403"})
    with pytest.raises(exc.UnsharableImage) as info:
        client.add_image_member(IMAGE_ID, "p2")
    assert isinstance(info.value, exc.Forbidden)


def test_img_member_mgr_create_other_errors_pass_through(client, rsps):
    rsps.post(ITEM + "/members", status=413, json={"message": "too many members", "code": "413"})
    with pytest.raises(exc.OverLimit) as info:
        client.add_image_member(IMAGE_ID, "p2")
    assert not isinstance(info.value, exc.UnsharableImage)


def test_img_delete_member(client, image, rsps):
    # pyrax: test_img_delete_member, test_clt_delete_image_member.
    rsps.delete(ITEM + "/members/p2", status=204)
    image.delete_member("p2")
    rsps.delete(ITEM + "/members/p2", status=204)
    client.delete_image_member(IMAGE_ID, "p2")


def test_img_add_and_delete_tag(client, image, rsps):
    # pyrax: test_img_add_tag, test_img_delete_tag, test_img_tag_mgr_add, test_clt_*_image_tag.
    rsps.put(ITEM + "/tags/a%20b", status=204)
    image.add_tag("a b")
    assert call(rsps).body is None
    rsps.delete(ITEM + "/tags/a%20b", status=204)
    image.delete_tag("a b")
    rsps.put(ITEM + "/tags/c", status=204)
    client.add_image_tag(IMAGE_ID, "c")
    rsps.delete(ITEM + "/tags/c", status=204)
    client.delete_image_tag(IMAGE_ID, "c")


def test_member_id(client):
    assert ImageMember(client._manager, {"member_id": "m1"}).id == "m1"


# -- ImageManager (pyrax: test_imgmgr_*) -----------------------------------------------------------
def test_imgmgr_create_body_puts_metadata_at_the_top(client, rsps):
    # pyrax sent {"metadata": meta}, which Images v2 refuses (docs/migrating.md "What was fixed").
    rsps.post(IMAGES, status=201, json=image_info(name="n"))
    client.create("n", metadata={"os_distro": "ubuntu"})
    assert sent_json(rsps) == {
        "name": "n",
        "disk_format": "vhd",
        "container_format": "bare",
        "os_distro": "ubuntu",
    }


def test_imgmgr_create_body_empty(client, rsps):
    rsps.post(IMAGES, status=201, json=image_info(name="n"))
    client.create("n")
    assert sent_json(rsps) == {"name": "n", "disk_format": "vhd", "container_format": "bare"}


def test_imgmgr_list_and_clt_list_send_every_filter(client, rsps):
    rsps.get(IMAGES, json={"images": [image_info()]})
    images = client.list(
        limit=5,
        marker="m",
        name="n é",
        visibility="private",
        member_status="accepted",
        owner="o",
        tag="t",
        status="active",
        size_min=1,
        size_max=9,
        sort_key="name",
        sort_dir="asc",
    )
    assert [i.id for i in images] == [IMAGE_ID]
    assert parse_qs(urlsplit(call(rsps).url).query) == {
        "limit": ["5"],
        "marker": ["m"],
        "name": ["n é"],
        "visibility": ["private"],
        "member_status": ["accepted"],
        "owner": ["o"],
        "tag": ["t"],
        "status": ["active"],
        "size_min": ["1"],
        "size_max": ["9"],
        "sort_key": ["name"],
        "sort_dir": ["asc"],
    }


def test_imgmgr_list_refuses_bad_values_before_sending(client, rsps):
    # pyrax passed random strings on; values the server would refuse fail locally.
    with pytest.raises(exc.InvalidArgument):
        client.list(visibility="everyone")
    with pytest.raises(exc.InvalidArgument):
        client.list(sort_dir="sideways")


def test_imgmgr_list_all_follows_next_and_clt_list_all(client, rsps):
    rsps.get(IMAGES + "?limit=1000", json={"images": [image_info("a")], "next": "/v2/images?marker=a"})
    rsps.get(IMAGES + "?marker=a", json={"images": [image_info("b")], "next": ""})
    assert [i.id for i in client.list_all()] == ["a", "b"]
    assert call(rsps, 0).url == IMAGES + "?limit=1000"  # no filter sent when none is given


def test_imgmgr_update_sets_new_and_existing_properties(client, rsps):
    rsps.patch(ITEM, json=image_info(foo="new", bar="new"))
    updated = client.update(IMAGE_ID, {"foo": "new", "bar": "new"})
    assert sorted(sent_json(rsps), key=lambda op: op["path"]) == [
        {"op": "add", "path": "/bar", "value": "new"},
        {"op": "add", "path": "/foo", "value": "new"},
    ]
    assert (updated.foo, updated.bar) == ("new", "new")  # pyrax returned None


@pytest.mark.parametrize("status", ["pending", "accepted", "rejected"])
def test_imgmgr_update_member(client, image, rsps, status):
    # pyrax: test_imgmgr_update_member, test_clt_update_img_member (an Image is accepted too).
    rsps.put(ITEM + "/members/" + PROJECT, json=dict(MEMBER, member_id=PROJECT, status=status))
    member = client.update_image_member(image, status)
    assert sent_json(rsps) == {"status": status}
    assert (member.id, member.status) == (PROJECT, status)


def test_imgmgr_update_member_bad_status_sends_nothing(client, rsps):
    with pytest.raises(exc.InvalidImageMemberStatus):
        client.update_image_member(IMAGE_ID, "BAD")


# -- tasks (pyrax: test_img_tasks_mgr_*, test_clt_*_task) -----------------------------------------
@pytest.fixture
def tclient(client):
    client.object_storage_url = SWIFT
    return client


def test_export_task_body_after_container_check(tclient, image, rsps):
    rsps.head(SWIFT + "/backups", headers={"X-Container-Object-Count": "0"})
    rsps.post(TASKS, status=201, json={"id": "t1", "type": "export", "status": "pending"})
    task = tclient.export_task(image, "backups")
    assert sent_json(rsps) == {
        "type": "export",
        "input": {"image_uuid": IMAGE_ID, "receiving_swift_container": "backups"},
    }
    assert task.id == "t1"


def test_import_task_body_names_the_object(tclient, rsps):
    rsps.head(SWIFT + "/incoming", headers={"X-Container-Object-Count": "1"})
    rsps.post(TASKS, status=201, json={"id": "t2", "type": "import", "status": "pending"})
    tclient.import_task("disk.vhd", "incoming", img_format="VHD", img_name="new image")
    assert sent_json(rsps) == {
        "type": "import",
        "input": {
            "image_properties": {"name": "new image"},
            "import_from": "incoming/disk.vhd",
            "import_from_format": "VHD",
        },
    }


def test_img_tasks_mgr_create_checks_the_container_for_any_type(tclient, rsps):
    rsps.head(SWIFT + "/c", status=404)
    with pytest.raises(exc.NoSuchContainer):
        tclient._tasks_manager.create("anything", cont="c")
    assert len(rsps.calls) == 1  # no task was created


def test_clt_list_and_get_tasks(client, rsps):
    rsps.get(TASKS, json={"tasks": [{"id": "t1", "type": "import", "status": "success"}]})
    assert [t.id for t in client.list_tasks()] == ["t1"]
    rsps.get(TASKS + "/t1", json={"id": "t1", "type": "import", "status": "failure", "message": "bad"})
    assert client.get_task("t1").message == "bad"


# -- schemas (pyrax: test_jsonscheme_mgr_*, test_clt_get_*_schema) ---------------------------------
@pytest.mark.parametrize(
    "method, path",
    [
        ("get_images_schema", "images"),
        ("get_image_schema", "image"),
        ("get_image_members_schema", "members"),
        ("get_image_member_schema", "member"),
        ("get_image_tasks_schema", "tasks"),
        ("get_image_task_schema", "task"),
    ],
)
def test_schemas(client, rsps, method, path):
    rsps.get(V2 + "/schemas/" + path, json={"name": path})
    assert getattr(client, method)() == {"name": path}


def test_pending_task_reads_missing_optional_fields_as_none(client, rsps):
    # Glance leaves out expires_at (and message, result) while they have no value;
    # pyrax's samples/images/list_tasks.py prints them.
    rsps.get(TASKS, json={"tasks": [{"id": "t1", "type": "import", "status": "pending"}]})
    rsps.get(TASKS + "/t1", json={"id": "t1", "type": "import", "status": "pending"})
    [task] = client.list_tasks()
    assert (task.expires_at, task.message, task.result) == (None, None, None)
    with pytest.raises(AttributeError):
        getattr(task, "no_such_field")  # noqa: B009


def test_import_task_in_upstream_format(client, rsps):
    body = {"import_from": "http://example.com/a.raw", "import_from_format": "raw", "image_properties": {"name": "a"}}
    rsps.post(TASKS, status=201, json={"id": "t3", "type": "import", "status": "pending"})
    client._tasks_manager.create("import", input=body)
    assert sent_json(rsps) == {"type": "import", "input": body}
