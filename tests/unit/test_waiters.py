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


def test_wait_for_status_refuses_a_status_that_is_not_text(client, rsps, clock):
    rsps.get(ITEM, json=image_info(status=["active"]))
    with pytest.raises(exc.InvalidResponse, match="'status' is a list, not a string"):
        client.wait_for_status(IMAGE_ID)


def test_task_messages_are_reported_without_temp_url_signatures(client, rsps, clock):
    message = "Could not fetch https://swift/v1/AUTH_p/c/o?temp_url_sig=SECRETSIG&temp_url_expires=1"
    rsps.get(TASK, json={"id": "t1", "status": "failure", "message": message})
    with pytest.raises(exc.TaskFailed) as caught:
        client.wait_for_task("t1")
    assert "SECRETSIG" not in str(caught.value) and "temp_url_sig=***" in caught.value.message


def test_wait_for_import_end_returns_the_image_once_no_import_holds_it(client, rsps, clock):
    image = Image(client._manager, image_info(status="importing"))
    locked = image_info(status="active", os_glance_import_task="t1")
    for body in (
        image_info(status="importing", os_glance_import_task="t1"),
        locked,
        image_info(status="active"),
    ):
        rsps.get(ITEM, json=body)
    assert client.wait_for_import_end(image, interval=1) is image
    assert image.status == "active" and "os_glance_import_task" not in image.to_dict()
    assert clock.sleeps == [1, 1] and len(rsps.calls) == 3


def failed_task(message: str) -> Any:
    return {"tasks": [{"id": "t1", "status": "failure", "message": message}]}


@pytest.mark.parametrize(
    "ended, reason",
    [
        # multi-store: back to queued, the store named in os_glance_failed_import
        (
            {"status": "queued", "os_glance_failed_import": "fast"},
            "queued: the import failed for store\\(s\\) fast: 404",
        ),
        # single-store: back to queued, no store to name
        ({"status": "queued", "os_glance_failed_import": ""}, "queued: 404"),
        # the data failed a check before any store: left importing
        ({"status": "importing", "os_glance_importing_to_stores": "fast"}, "importing: 404"),
    ],
)
def test_wait_for_import_end_raises_when_the_import_ended_without_an_active_image(
    client, rsps, clock, ended, reason
):
    rsps.get(ITEM, json=image_info(status="importing", os_glance_import_task="t1"))
    rsps.get(ITEM, json=image_info(**ended))
    rsps.get(ITEM + "/tasks", json=failed_task("404 from the URL"))
    with pytest.raises(exc.ImageStatusError, match="import ended with the image " + reason) as caught:
        client.wait_for_import_end(IMAGE_ID, interval=1)
    assert (caught.value.image_id, caught.value.status) == (IMAGE_ID, ended["status"])


@pytest.mark.parametrize(
    "ended, reason",
    [
        # multi-store: the stores say it failed
        (
            {"status": "queued", "os_glance_failed_import": "fast", "os_glance_importing_to_stores": ""},
            "the import failed for store\\(s\\) fast: size 0",
        ),
        # single-store: the task named by the lock says it
        (
            {"status": "queued", "os_glance_failed_import": "", "os_glance_importing_to_stores": ""},
            "the import failed: size 0",
        ),
    ],
)
def test_wait_for_import_end_raises_for_a_failed_import_that_kept_its_lock(
    client, rsps, clock, ended, reason
):
    # Glance 33, glance-download of a source whose data is gone: the revert of
    # the metadata step fails, so the flow never drops its lock.
    rsps.get(ITEM, json=image_info(status="queued", os_glance_import_task="t1"))  # before the flow starts
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "pending"}]})
    rsps.get(
        ITEM,
        json=image_info(status="importing", os_glance_import_task="t1", os_glance_importing_to_stores="fast"),
    )
    rsps.get(ITEM, json=image_info(os_glance_import_task="t1", **ended))
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "failure", "message": "size 0"}]})
    rsps.get(ITEM, json=image_info(os_glance_import_task="t1", **ended))  # still held after the task's end
    with pytest.raises(exc.ImageStatusError, match=reason):
        client.wait_for_import_end(IMAGE_ID, interval=1)
    assert [call.request.url.endswith("/tasks") for call in rsps.calls] == [
        False,
        True,
        False,
        False,
        True,
        False,
    ]


def test_wait_for_import_end_waits_out_a_revert_that_still_holds_the_lock(client, rsps, clock):
    # web-download of a dead URL: the store's failure shows before the flow's
    # revert drops the lock; the wait ends only once the lock is gone, so the
    # caller can import again at once.
    reverting = {"status": "queued", "os_glance_failed_import": "fast", "os_glance_importing_to_stores": ""}
    rsps.get(ITEM, json=image_info(os_glance_import_task="t1", **reverting))
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "processing"}]})
    rsps.get(ITEM, json=image_info(**reverting))
    rsps.get(ITEM + "/tasks", json=failed_task("Connection refused"))
    with pytest.raises(
        exc.ImageStatusError,
        match="import ended with the image queued: the import failed for store\\(s\\) fast: Connection refused",
    ):
        client.wait_for_import_end(IMAGE_ID, interval=1)
    assert clock.sleeps == [1] and len(rsps.calls) == 4


def test_wait_for_import_end_reads_the_lock_again_once_its_task_has_failed(client, rsps, clock):
    # The image was read before the revert dropped the lock, its tasks after
    # the task failed: the lock is gone by then, so this is the end of an
    # import, not a lock kept for good.
    reverting = {"status": "queued", "os_glance_failed_import": "fast", "os_glance_importing_to_stores": ""}
    rsps.get(ITEM, json=image_info(os_glance_import_task="t1", **reverting))
    rsps.get(ITEM + "/tasks", json=failed_task("Connection refused"))
    rsps.get(ITEM, json=image_info(**reverting))
    with pytest.raises(exc.ImageStatusError, match="import ended with the image queued: the import failed"):
        client.wait_for_import_end(IMAGE_ID, interval=1)
    assert clock.sleeps == [1] and len(rsps.calls) == 5


def test_wait_for_import_end_reports_this_imports_task_not_an_earlier_failure(client, rsps, clock):
    # The lock is gone before Glance marks this import's task failed; an
    # earlier attempt's failed task is older and says something else.
    earlier = {"id": "t0", "status": "failure", "message": "404", "created_at": "2026-01-01T00:00:00Z"}
    this = {"id": "t1", "created_at": "2026-01-02T00:00:00Z"}
    rsps.get(ITEM, json=image_info(status="importing", os_glance_import_task="t1"))
    rsps.get(ITEM, json=image_info(status="queued"))
    rsps.get(ITEM + "/tasks", json={"tasks": [earlier, dict(this, status="processing")]})
    rsps.get(ITEM + "/tasks", json={"tasks": [earlier, dict(this, status="failure", message="refused")]})
    with pytest.raises(exc.ImageStatusError, match="import ended with the image queued: refused$"):
        client.wait_for_import_end(IMAGE_ID, interval=1)


def test_wait_for_import_end_raises_for_a_task_that_failed_before_its_flow_started(client, rsps, clock):
    # Glance fails the task when it cannot build the flow, and keeps the lock.
    rsps.get(ITEM, json=image_info(status="queued", os_glance_import_task="t1"))
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "failure", "message": "no flow"}]})
    with pytest.raises(exc.ImageStatusError, match="the import failed: no flow"):
        client.wait_for_import_end(IMAGE_ID, interval=1)
    assert clock.sleeps == [] and len(rsps.calls) == 3


def test_wait_for_import_end_on_a_glance_without_the_lock_waits_for_the_status(client, rsps, clock):
    # Before Wallaby: no lock and no image tasks (404); queued until the flow
    # starts, then importing, then active.
    rsps.get(ITEM + "/tasks", status=404)
    for status in ("queued", "importing", "active"):
        rsps.get(ITEM, json=image_info(status=status))
    assert client.wait_for_import_end(IMAGE_ID, interval=1).status == "active"
    assert clock.sleeps == [1, 1]
    assert [call.request.url.endswith("/tasks") for call in rsps.calls] == [False, True, False, False]


@pytest.mark.parametrize("body", [[], {"tasks": {"id": "t1"}}, {"tasks": ["t1"]}])
def test_wait_for_import_end_refuses_image_tasks_of_the_wrong_shape(client, rsps, clock, body):
    rsps.get(ITEM, json=image_info(status="queued"))
    rsps.get(ITEM + "/tasks", json=body)
    with pytest.raises(exc.InvalidResponse, match="The tasks of image %s" % IMAGE_ID):
        client.wait_for_import_end(IMAGE_ID, interval=1)


def test_wait_for_import_end_on_a_glance_without_the_lock_raises_for_a_failed_store(client, rsps, clock):
    rsps.get(ITEM + "/tasks", status=404)
    rsps.get(ITEM, json=image_info(status="importing", os_glance_importing_to_stores="fast"))
    rsps.get(
        ITEM,
        json=image_info(status="queued", os_glance_failed_import="fast", os_glance_importing_to_stores=""),
    )
    with pytest.raises(exc.ImageStatusError, match="the import failed for store\\(s\\) fast"):
        client.wait_for_import_end(IMAGE_ID, interval=1)


def test_wait_for_import_end_says_what_it_waited_for_without_a_lock(client, rsps, clock):
    rsps.get(ITEM + "/tasks", status=404)
    rsps.get(ITEM, json=image_info(status="importing"))
    with pytest.raises(
        exc.WaitTimeout, match="import of image %s has not ended after 2s .the image is importing" % IMAGE_ID
    ):
        client.wait_for_import_end(IMAGE_ID, timeout=2, interval=1)


def test_a_long_import_has_the_task_holding_its_lock_checked_every_30_seconds(client, rsps, clock):
    # copy-image of an active image whose flow Glance could not build: the
    # task failed, the lock stays. A healthy import costs one check a 30 s.
    rsps.get(ITEM, json=image_info(status="active", os_glance_import_task="t1"))
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "failure", "message": "no flow"}]})
    with pytest.raises(exc.ImageStatusError, match="the import failed: no flow") as caught:
        client.wait_for_import_end(IMAGE_ID, interval=10)
    assert caught.value.status == "active" and clock.sleeps == [10, 10, 10]
    assert [call.request.url.endswith("/tasks") for call in rsps.calls] == [False] * 4 + [True, False]


def test_image_tasks_forbidden_on_a_cloud_without_the_lock_leave_the_status_to_tell(client, rsps, clock):
    rsps.get(ITEM + "/tasks", status=403)
    for status in ("queued", "active"):
        rsps.get(ITEM, json=image_info(status=status))
    assert client.wait_for_import_end(IMAGE_ID, interval=1).status == "active"


@pytest.mark.parametrize(
    "image, tasks",
    [
        ({"status": ["queued"]}, None),
        ({"status": "queued"}, {"tasks": [{"id": "t1", "status": "failure", "message": {"text": "x"}}]}),
    ],
)
def test_wait_for_import_end_refuses_a_status_or_message_that_is_not_text(client, rsps, clock, image, tasks):
    rsps.get(ITEM, json=image_info(**image))
    if tasks is not None:
        rsps.get(ITEM + "/tasks", json=tasks)
    with pytest.raises(exc.InvalidResponse, match="is an object, not a string|is a list, not a string"):
        client.wait_for_import_end(IMAGE_ID, interval=1)


@pytest.mark.parametrize("status", ["killed", "pending_delete", "deactivated"])
def test_wait_for_import_end_stops_at_a_dead_end_even_while_locked(client, rsps, clock, status):
    rsps.get(ITEM, json=image_info(status=status, os_glance_import_task="t1"))
    with pytest.raises(exc.ImageStatusError, match="is %s: its import will not make it active" % status):
        client.wait_for_import_end(IMAGE_ID)
    assert len(rsps.calls) == 1


def test_wait_for_import_end_reports_an_image_deleted_meanwhile(client, rsps, clock):
    rsps.get(ITEM, json=image_info(status="importing", os_glance_import_task="t1"))
    rsps.get(ITEM, status=404)
    with pytest.raises(exc.ImageStatusError, match="deleted while waiting for its import") as caught:
        client.wait_for_import_end(IMAGE_ID)
    assert caught.value.status == "deleted"


def test_wait_for_import_end_gives_up_after_its_timeout(client, rsps, clock):
    rsps.get(ITEM, json=image_info(status="active", os_glance_import_task="t1"))
    with pytest.raises(exc.WaitTimeout, match="still held by import task t1 after 2s"):
        client.wait_for_import_end(IMAGE_ID, timeout=2, interval=1)
    assert clock.sleeps == [1, 1] and len(rsps.calls) == 3


@pytest.mark.parametrize(
    "kwargs", [{"timeout": -1}, {"timeout": "9"}, {"timeout": True}, {"interval": 0}, {"interval": "2"}]
)
def test_bad_wait_for_import_end_arguments_send_nothing(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.wait_for_import_end(IMAGE_ID, **kwargs)
    assert_no_request(rsps)
