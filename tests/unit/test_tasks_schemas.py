"""Wire format of tasks (Rackspace bodies, docs/data.md "Images from object storage")
and the six schema getters (docs/images.md "Schemas")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pyrax_image import ImageTask
from pyrax_image import exceptions as exc
from tests.unit.helpers import (
    IMAGE_ID,
    JSON,
    V2,
    VERSIONED,
    assert_headers,
    assert_no_request,
    call,
    sent_json,
)

TASKS = V2 + "/tasks"
SWIFT = "https://swift.test/v1/AUTH_proj"


@pytest.fixture
def tclient(client):
    """A client that skips the object-storage container check (tested below)."""
    client.check_containers = False
    return client


def task_info(task_id: str = "t1", **extra: object) -> dict:
    info = {"id": task_id, "type": "import", "status": "pending", "input": {}, "schema": "/v2/schemas/task"}
    info.update(extra)
    return info


def test_list_tasks_follows_pages(client, rsps):
    rsps.get(TASKS, json={"tasks": [task_info("t1")], "next": "/v2/tasks?marker=t1"})
    rsps.get(TASKS + "?marker=t1", json={"tasks": [task_info("t2")]})
    tasks = client.list_tasks()
    assert [t.id for t in tasks] == ["t1", "t2"]
    assert all(isinstance(t, ImageTask) for t in tasks)
    assert call(rsps, 0).url == TASKS
    assert_headers(call(rsps, 0))


def test_list_tasks_on_versioned_endpoint(vclient, rsps):
    root = "https://images.example.com"
    rsps.get(root + "/v2/tasks", json={"tasks": [task_info("t1")], "next": "/v2/tasks?marker=t1"})
    rsps.get(root + "/v2/tasks?marker=t1", json={"tasks": []})
    assert [t.id for t in vclient.list_tasks()] == ["t1"]


def test_get_task(client, rsps):
    rsps.get(TASKS + "/t1", json=task_info("t1", status="success", result={"image_id": IMAGE_ID}))
    task = client.get_task("t1")
    assert (task.id, task.status, task.result) == ("t1", "success", {"image_id": IMAGE_ID})
    assert_headers(call(rsps))


def test_export_task_body(tclient, rsps):
    rsps.post(TASKS, status=201, json=task_info("t1", type="export"))
    task = tclient.export_task(IMAGE_ID, "backups")
    assert sent_json(rsps) == {
        "type": "export",
        "input": {"image_uuid": IMAGE_ID, "receiving_swift_container": "backups"},
    }
    assert_headers(call(rsps), JSON)
    assert isinstance(task, ImageTask) and task.id == "t1"


def test_export_task_takes_objects(tclient, rsps):
    rsps.post(TASKS, status=201, json=task_info())
    tclient.export_task(SimpleNamespace(id=IMAGE_ID), SimpleNamespace(name="cont"))
    assert sent_json(rsps)["input"] == {"image_uuid": IMAGE_ID, "receiving_swift_container": "cont"}


def test_import_task_body_defaults(tclient, rsps):
    rsps.post(TASKS, status=201, json=task_info())
    tclient.import_task("disk.vhd", "images")
    assert sent_json(rsps) == {
        "type": "import",
        "input": {
            "image_properties": {"name": "disk.vhd"},
            "import_from": "images/disk.vhd",
            "import_from_format": "vhd",
        },
    }


def test_import_task_body_with_format_and_name(tclient, rsps):
    rsps.post(TASKS, status=201, json=task_info())
    tclient.import_task(SimpleNamespace(name="disk.qcow2"), SimpleNamespace(name="images"),
                       img_format="qcow2", img_name="My Image")
    assert sent_json(rsps) == {
        "type": "import",
        "input": {
            "image_properties": {"name": "My Image"},
            "import_from": "images/disk.qcow2",
            "import_from_format": "qcow2",
        },
    }


def test_export_task_checks_the_container_first(client, rsps):
    client.object_storage_url = SWIFT
    rsps.head(SWIFT + "/backups", status=204)
    rsps.post(TASKS, status=201, json=task_info())
    client.export_task(IMAGE_ID, "backups")
    assert [c.request.method for c in rsps.calls] == ["HEAD", "POST"]
    assert rsps.calls[0].request.headers["X-Auth-Token"] == "tok"


def test_task_with_missing_container_is_not_created(client, rsps):
    client.object_storage_url = SWIFT
    rsps.head(SWIFT + "/nope", status=404)
    with pytest.raises(exc.NoSuchContainer):
        client.export_task(IMAGE_ID, "nope")
    assert len(rsps.calls) == 1


def test_a_task_body_is_built_once_before_the_container_check(client, rsps, monkeypatch):
    # create builds the body (its checks included) before asking object storage,
    # then sends that same body: no second build after the check.
    manager = client._tasks_manager
    built = []
    build = manager._create_body
    monkeypatch.setattr(manager, "_create_body", lambda *a, **k: built.append(build(*a, **k)) or built[-1])
    client.object_storage_url = SWIFT
    rsps.head(SWIFT + "/images", status=204)
    rsps.post(TASKS, status=201, json=task_info())
    client.import_task("disk.vhd", "images")
    assert [c.request.method for c in rsps.calls] == ["HEAD", "POST"]
    assert len(built) == 1 and sent_json(rsps) == built[0]


def test_a_bad_import_task_is_refused_before_the_container_check(client, rsps):
    client.object_storage_url = SWIFT
    with pytest.raises(exc.InvalidArgument):
        client.import_task("disk.vhd", "images", img_name=5)
    assert_no_request(rsps)


def test_task_without_container_sends_nothing(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.export_task(IMAGE_ID, None)
    assert_no_request(rsps)


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
def test_schema_getters(client, rsps, method, path):
    schema = {"name": path, "properties": {"id": {"type": "string"}}}
    rsps.get(V2 + "/schemas/" + path, json=schema)
    assert getattr(client, method)() == schema
    assert call(rsps).method == "GET"
    assert_headers(call(rsps))


def test_schema_on_versioned_endpoint(vclient, rsps):
    rsps.get(VERSIONED + "/schemas/image", json={"name": "image"})
    assert vclient.get_image_schema() == {"name": "image"}
