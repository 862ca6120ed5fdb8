"""Schemas and tasks on the real Glance (tasks are admin-only on :9292)."""

from __future__ import annotations

import hashlib

import pytest

from pyrax_image import ImageTask
from pyrax_image import exceptions as exc
from tests.integration.helpers import delete_quietly
from tests.integration.operations_fixtures import SERVED, url_import_task


def test_all_six_schemas(alpha):
    schemas = {
        "image": alpha.get_image_schema(),
        "images": alpha.get_images_schema(),
        "member": alpha.get_image_member_schema(),
        "members": alpha.get_image_members_schema(),
        "task": alpha.get_image_task_schema(),
        "tasks": alpha.get_image_tasks_schema(),
    }
    for name, schema in schemas.items():
        assert isinstance(schema, dict) and schema["name"] == name
        assert "properties" in schema
    assert {"disk_format", "container_format", "visibility", "os_hash_value"} <= set(
        schemas["image"]["properties"]
    )
    assert schemas["images"]["properties"]["images"]["items"]["name"] == "image"
    assert schemas["member"]["properties"]["status"]["enum"] == ["pending", "accepted", "rejected"]
    assert "members" in schemas["members"]["properties"]
    assert {"type", "status", "input", "result"} <= set(schemas["task"]["properties"])
    assert "tasks" in schemas["tasks"]["properties"]


def test_admin_lists_gets_and_waits_for_a_task(admin, served_url, unique):
    body = url_import_task(served_url, unique)
    _, created = admin.method_post("/tasks", body=body)
    assert created["status"] == "pending" and created["type"] == "import"
    image_id = None
    try:
        task = admin.get_task(created["id"])
        assert isinstance(task, ImageTask) and task.id == created["id"]
        assert task.input["import_from"] == served_url
        assert task.status in ("pending", "processing", "success")
        assert created["id"] in [t.id for t in admin.list_tasks()]
        done = admin.wait_for_task(task, timeout=120, interval=0.2)
        assert done.status == "success", getattr(done, "message", "")
        image_id = done.result["image_id"]
        assert admin.get_task(task).status == "success"
        image = admin.wait_for_status(image_id, "active", timeout=60, interval=0.2)
        assert image.name == unique and image.size == len(SERVED)
        assert image.checksum == hashlib.md5(SERVED).hexdigest()
        assert image.os_hash_value == hashlib.sha512(SERVED).hexdigest()
        with pytest.raises(exc.MethodNotAllowed):  # tasks cannot be deleted
            admin.method_delete("/tasks/%s" % task.id)
    finally:
        if image_id is None:
            image_id = admin.get_task(created["id"]).to_dict().get("result", {}) or {}
            image_id = image_id.get("image_id")
        if image_id:
            delete_quietly(admin, image_id)


def test_tasks_are_admin_only_here(alpha):
    with pytest.raises(exc.Forbidden) as info:
        alpha.list_tasks()
    assert info.value.code == 403 and info.value.request_id.startswith("req-")


def test_get_of_an_unknown_task_is_not_found(admin):
    with pytest.raises(exc.NotFound):
        admin.get_task("00000000-0000-0000-0000-000000000000")
