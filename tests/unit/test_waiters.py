"""Waiters: final resource returned, typed failures, timeouts, callbacks, no real sleeps."""

from __future__ import annotations

from typing import Any, List

import pytest

from pyrax_image import Image, ImageTask
from pyrax_image import exceptions as exc
from pyrax_image.image import waiters
from tests.unit.helpers import IMAGE_ID, ITEM, V2, assert_no_request, image_info

TASK = V2 + "/tasks/t1"


class FakeClock:
    """Monotonic time that advances only when the waiter sleeps."""

    def __init__(self) -> None:
        self.time = 0.0
        self.sleeps: List[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(waiters._Clock, "now", staticmethod(fake.now))
    monkeypatch.setattr(waiters._Clock, "sleep", staticmethod(fake.sleep))
    return fake


def test_wait_for_status_returns_the_final_image_and_calls_back(client, rsps, clock):
    for status in ("queued", "saving", "active"):
        rsps.get(ITEM, json=image_info(status=status))
    seen: List[str] = []
    image = client.wait_for_status(IMAGE_ID, interval=3, callback=lambda img: seen.append(img.status))
    assert isinstance(image, Image) and image.status == "active"
    assert seen == ["queued", "saving", "active"]
    assert clock.sleeps == [3, 3]


def test_wait_for_status_refreshes_the_image_passed_in(client, rsps, clock):
    image = Image(client._manager, image_info(status="queued"))
    rsps.get(ITEM, json=image_info(status="active", size=3))
    assert client.wait_for_status(image) is image and image.status == "active" and image.size == 3


def test_wait_for_one_of_several_statuses(client, rsps, clock):
    rsps.get(ITEM, json=image_info(status="deactivated"))
    assert client.wait_for_status(IMAGE_ID, ["active", "deactivated"]).status == "deactivated"


@pytest.mark.parametrize("status", ["killed", "deleted", "pending_delete", "deactivated"])
def test_dead_end_statuses_raise_image_status_error(client, rsps, clock, status):
    rsps.get(ITEM, json=image_info(status=status))
    with pytest.raises(exc.ImageStatusError, match=status) as caught:
        client.wait_for_status(IMAGE_ID)
    assert (caught.value.image_id, caught.value.status) == (IMAGE_ID, status)


def test_image_deleted_while_waiting(client, rsps, clock):
    rsps.get(ITEM, status=404)
    with pytest.raises(exc.ImageStatusError, match="deleted"):
        client.wait_for_status(IMAGE_ID)
    rsps.get(ITEM, status=404)
    assert client.wait_for_status(IMAGE_ID, "deleted").status == "deleted"


def test_failed_import_raises_with_the_task_message(client, rsps, clock):
    rsps.get(ITEM, json=image_info(status="importing", os_glance_importing_to_stores="fast"))
    rsps.get(
        ITEM,
        json=image_info(status="queued", os_glance_failed_import="fast", os_glance_importing_to_stores=""),
    )
    rsps.get(
        ITEM + "/tasks",
        json={
            "tasks": [
                {"id": "old", "status": "success", "created_at": "2026-01-01T00:00:00Z"},
                {
                    "id": "new",
                    "status": "failure",
                    "message": "404 from the URL",
                    "created_at": "2026-01-02T00:00:00Z",
                },
            ]
        },
    )
    with pytest.raises(exc.ImageStatusError, match="fast.*404 from the URL"):
        client.wait_for_status(IMAGE_ID)


def test_an_import_failed_on_its_data_stays_importing_and_raises(client, rsps, clock):
    # Glance 33 after an unsafe staged image: still importing, no store left, the task failed.
    rsps.get(ITEM, json=image_info(status="importing", os_glance_importing_to_stores="fast"))
    rsps.get(
        ITEM,
        json=image_info(status="importing", os_glance_failed_import="fast", os_glance_importing_to_stores=""),
    )
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t", "status": "failure", "message": "Internal Error"}]})
    with pytest.raises(exc.ImageStatusError, match="store\\(s\\) fast: Internal Error"):
        client.wait_for_status(IMAGE_ID)


def test_timeout_raises_wait_timeout_with_the_last_status(client, rsps, clock):
    for _ in range(4):
        rsps.get(ITEM, json=image_info(status="saving"))
    with pytest.raises(exc.WaitTimeout, match="still saving"):
        client.wait_for_status(IMAGE_ID, timeout=5, interval=2)
    assert clock.sleeps == [2, 2, 1]


def test_wait_for_task_success_and_failure(client, rsps, clock):
    rsps.get(TASK, json={"id": "t1", "status": "pending"})
    rsps.get(TASK, json={"id": "t1", "status": "success", "result": {"image_id": IMAGE_ID}})
    task = client.wait_for_task("t1", interval=1)
    assert isinstance(task, ImageTask) and task.result == {"image_id": IMAGE_ID}
    rsps.get(TASK, json={"id": "t1", "status": "failure", "message": "Image import failed: bad format"})
    with pytest.raises(exc.TaskFailed, match="bad format") as caught:
        client.wait_for_task("t1")
    assert caught.value.message == "Image import failed: bad format" and (
        caught.value.task_id,
        caught.value.status,
    ) == ("t1", "failure")


def test_wait_for_task_refreshes_the_task_passed_in_and_times_out(client, rsps, clock):
    task = ImageTask(client._tasks_manager, {"id": "t1", "status": "pending"})
    for _ in range(2):
        rsps.get(TASK, json={"id": "t1", "status": "processing"})
    seen: List[Any] = []
    with pytest.raises(exc.WaitTimeout, match="processing"):
        client.wait_for_task(task, timeout=1, interval=1, callback=seen.append)
    assert task.status == "processing" and len(seen) == 2


@pytest.mark.parametrize(
    "kwargs", [{"timeout": -1}, {"interval": 0}, {"interval": "2"}, {"timeout": True}, {"status": []}]
)
def test_bad_waiter_arguments_send_nothing(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.wait_for_status(IMAGE_ID, **kwargs)
    assert_no_request(rsps)


def test_task_messages_are_reported_without_temp_url_signatures(client, rsps, clock):
    message = "Could not fetch https://swift/v1/AUTH_p/c/o?temp_url_sig=SECRETSIG&temp_url_expires=1"
    rsps.get(TASK, json={"id": "t1", "status": "failure", "message": message})
    with pytest.raises(exc.TaskFailed) as caught:
        client.wait_for_task("t1")
    assert "SECRETSIG" not in str(caught.value) and "temp_url_sig=***" in caught.value.message


def test_wait_for_import_end_returns_the_image_once_no_import_holds_it(client, rsps, clock):
    locked = image_info(status="active", os_glance_import_task="t1")
    for body in (locked, locked, image_info(status="active")):
        rsps.get(ITEM, json=body)
    image = waiters.wait_for_import_end(client.data_service.api, IMAGE_ID, interval=1)
    assert "os_glance_import_task" not in image.to_dict() and clock.sleeps == [1, 1]


def test_wait_for_import_end_gives_up_after_its_timeout(client, rsps, clock):
    rsps.get(ITEM, json=image_info(status="active", os_glance_import_task="t1"))
    with pytest.raises(exc.WaitTimeout, match="still locked by an import"):
        waiters.wait_for_import_end(client.data_service.api, IMAGE_ID, timeout=2, interval=1)
