"""An image's tasks (``GET /v2/images/{image_id}/tasks``) and task listing
filters on the real Glance: the noauth Glance serves an image's tasks (it
does not matter what its versions list says), tasks are admin-only there."""

from __future__ import annotations

import uuid

import pytest

from pyrax_image import ImageTask
from pyrax_image import exceptions as exc
from tests.integration.helpers import delete_quietly
from tests.integration.operations_fixtures import url_import_task


def test_an_import_shows_in_the_image_tasks(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    assert alpha.list_image_tasks(image) == []
    alpha.stage(image, b"y" * 5000)
    alpha.import_image(image, "glance-direct")
    # Glance marks the task a success, then drops the image's import lock.
    alpha.wait_for_import_end(image, timeout=120, interval=0.3)
    (task,) = alpha.list_image_tasks(image.id)
    assert isinstance(task, ImageTask) and task.type == "api_image_import" and task.status == "success"
    assert task.image_id == image.id


def test_the_tasks_of_a_missing_image_are_not_found(alpha):
    with pytest.raises(exc.NotFound) as info:
        alpha.list_image_tasks(str(uuid.uuid4()))
    assert not isinstance(info.value, exc.ApiVersionNotSupported)


def test_list_tasks_filters_sorts_and_pages_on_the_server(admin, served_url, unique):
    body = url_import_task(served_url, unique)
    created = [admin.method_post("/tasks", body=body)[1]["id"] for _ in range(2)]
    done = [admin.wait_for_task(task_id, timeout=120, interval=0.2) for task_id in created]
    try:
        succeeded = [task.id for task in admin.list_tasks(type="import", status="success")]
        assert set(created) <= set(succeeded)
        assert not set(created) & {task.id for task in admin.list_tasks(status="failure")}
        newest = [t.id for t in admin.list_tasks(sort_key="created_at", sort_dir="desc") if t.id in created]
        oldest = [
            t.id
            for t in admin.list_tasks(sort_key="created_at", sort_dir="asc", page_size=1)
            if t.id in created
        ]
        assert newest == list(reversed(oldest)) and sorted(newest) == sorted(created)
    finally:
        for task in done:
            delete_quietly(admin, task.result["image_id"])


def test_a_task_filter_glance_refuses_is_bad_request(admin):
    with pytest.raises(exc.BadRequest):
        admin.list_tasks(type="export")  # upstream Glance has import tasks only
