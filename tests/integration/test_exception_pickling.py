"""Real Glance/Keystone: the errors of real failure paths pickle without
their client, identity, token or password (issue 16 item 4)."""

from __future__ import annotations

import pickle
from typing import Any, Dict, List

import pytest

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from tests.integration.helpers import ADMIN, delete_quietly
from tests.integration.keystone_fixtures import keystone_identity


def assert_pickles_without(error: BaseException, secrets: List[str]) -> Any:
    data = pickle.dumps(error)
    for secret in secrets:
        assert secret.encode() not in data, secret
    assert b"Identity" not in data and b"ImageClient" not in data
    copy = pickle.loads(data)
    assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)
    return copy


def test_wait_for_status_failure_with_a_keystone_identity_pickles(cloud: Dict[str, Any], unique: str) -> None:
    identity = keystone_identity(cloud, "alice")
    images = ImageClient(identity, region_name="RegionOne")
    image = images.create(unique, img_format="raw", data=b"x" * 1000)
    try:
        images.deactivate(image)
        with pytest.raises(exc.ImageStatusError) as caught:
            images.wait_for_status(image)
        secrets = [str(identity.token), cloud["users"]["alice"]["password"]]
        copy = assert_pickles_without(caught.value, secrets)
        assert (copy.image_id, copy.status) == (image.id, "deactivated")
    finally:
        delete_quietly(images, image)


def test_task_failure_pickles_without_the_token(glance_url: str, unique: str) -> None:
    token = "tok-7d1e-task-failure-secret"
    admin = ImageClient(TokenIdentity(token, tenant_id=ADMIN), management_url=glance_url)
    admin.session.headers.update(
        {
            "X-Identity-Status": "Confirmed",
            "X-Project-Id": ADMIN,
            "X-User-Id": "u",
            "X-Roles": "admin,reader,member",
        }
    )
    properties = {"name": unique, "disk_format": "raw", "container_format": "bare", "owner": ADMIN}
    body = {
        "type": "import",
        "input": {
            "import_from": "http://127.0.0.1:9/nothing-here.raw",
            "import_from_format": "raw",
            "image_properties": properties,
        },
    }
    task = admin._tasks_manager._create("/tasks", body)
    try:
        with pytest.raises(exc.TaskFailed) as caught:
            admin.wait_for_task(task, timeout=120, interval=0.5)
        copy = assert_pickles_without(caught.value, [token])
        assert (copy.task_id, copy.status) == (task.id, "failure") and copy.message == caught.value.message
    finally:
        for image in admin.list_all(name=unique):
            admin.delete(image)
