"""Waiters: poll an image or a task until it settles, with typed failures.

``wait_for_status`` returns the image once it has the wanted status and
raises ``ImageStatusError`` when it can no longer get there (killed, deleted,
deactivated, or an import that failed), ``WaitTimeout`` when time runs out.
``wait_for_task`` returns a ``success`` task and raises ``TaskFailed`` (with
the server's message) for ``failure``. ``wait_for_import_end`` returns the
image once the import on it has ended, and raises ``ImageStatusError`` when
the import ended without making it active.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Set, TypeVar, Union

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_callable, check_seconds
from pyrax_image.client import BaseClient
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.replies import expect_object, expect_objects, invalid, kind_of, optional_text
from pyrax_image.secrets import hide_url_secrets
from pyrax_image.statuses import IMAGE_DEAD_ENDS, IMAGE_STATUSES
from pyrax_image.utils import get_id, quote_segment

if TYPE_CHECKING:
    from pyrax_image.image.api import ImageApi

DEFAULT_WAIT_TIMEOUT = 900.0
DEFAULT_WAIT_INTERVAL = 2.0
# The property by which Glance marks the import task working on an image.
IMPORT_LOCK = "os_glance_import_task"
# How often the task holding the lock of an image being imported is checked.
LOCK_CHECK_SECONDS = 30.0
# Statuses of an import task still at work.
TASK_AT_WORK = ("pending", "processing")
# Statuses of an image held by an import that is not importing: its flow has
# not started, or it failed (where a lock kept for good shows).
NOT_IMPORTING = ("queued", "uploading")
Callback = Callable[[Any], None]
R = TypeVar("R")


def check_timing(timeout: Optional[float], interval: float, callback: Any = None) -> None:
    """Refuse a timeout, interval or callback a wait cannot use."""
    if timeout is not None and timeout != float("inf"):
        check_seconds("timeout", timeout)
    check_seconds("interval", interval, positive=True)
    check_callable("callback", callback)


def _wanted_statuses(status: Any) -> Set[str]:
    """The image statuses waited for: one name or several, each a real status."""
    if isinstance(status, str):
        wanted = {status}
    elif isinstance(status, (list, tuple, set, frozenset)):
        wanted = set(status)
    else:
        raise exc.InvalidArgument(
            "status must be an image status or a list of them, not %s" % type(status).__name__
        )
    if not wanted:
        raise exc.InvalidArgument("status must name at least one image status")
    unknown = sorted(repr(name) for name in wanted if name not in IMAGE_STATUSES)
    if unknown:
        raise exc.InvalidArgument(
            "%s is not an image status (one of %s)" % (unknown[0], ", ".join(sorted(IMAGE_STATUSES)))
        )
    return wanted


class _Clock:
    """Deadline bookkeeping (monotonic; ``sleep`` replaceable in tests)."""

    sleep = staticmethod(time.sleep)
    now = staticmethod(time.monotonic)

    def __init__(self, timeout: Optional[float]):
        self.deadline = None if timeout is None else self.now() + timeout

    def expired(self) -> bool:
        return self.deadline is not None and self.now() >= self.deadline

    def pause(self, interval: float) -> None:
        if self.deadline is not None:
            interval = max(0.0, min(interval, self.deadline - self.now()))
        self.sleep(interval)


def _poll(
    fetch: Callable[[], R],
    finished: Callable[[R], bool],
    still: Callable[[R], str],
    timeout: Optional[float],
    interval: float,
) -> R:
    """The one poll loop: ``fetch()`` every ``interval`` seconds until
    ``finished`` holds for what it returned (``finished`` raises at a dead
    end); ``WaitTimeout`` saying ``still(last)`` once ``timeout`` has passed."""
    clock = _Clock(timeout)
    while True:
        current = fetch()
        if finished(current):
            return current
        if clock.expired():
            raise exc.WaitTimeout(still(current))
        clock.pause(interval)


def wait_for_status(
    api: ImageApi,
    img: Any,
    status: Union[str, Iterable[str]] = "active",
    timeout: Optional[float] = DEFAULT_WAIT_TIMEOUT,
    interval: float = DEFAULT_WAIT_INTERVAL,
    callback: Optional[Callback] = None,
) -> Image:
    """Poll ``img`` every ``interval`` seconds until its status is ``status``
    (one or several); ``callback(image)`` is called after each poll."""
    check_timing(timeout, interval, callback)
    wanted = _wanted_statuses(status)
    image_id = get_id(img)

    def fetch() -> Image:
        try:
            image = api.images.get(image_id)
        except exc.NotFound:
            if "deleted" in wanted:
                return Image(api.images, {"id": image_id, "status": "deleted"})
            raise exc.ImageStatusError(
                "Image %s was deleted while waiting for %s" % (image_id, _names(wanted)),
                {"id": image_id, "status": "deleted"},
            )
        if callback is not None:
            callback(image)
        if isinstance(img, Image):
            img.replace_details(image.to_dict())
            img.loaded = True
            return img
        return image

    def finished(image: Image) -> bool:
        current = _status_of(image)
        if current in wanted:
            return True
        if current in IMAGE_DEAD_ENDS:
            raise exc.ImageStatusError(
                "Image %s is %s and will not become %s" % (image_id, current, _names(wanted)), image
            )
        problem = failed_import(image)
        if problem:
            raise exc.ImageStatusError("Image %s: %s" % (image_id, problem), image)
        return False

    def still(image: Image) -> str:
        return "Image %s is still %s after %ss (waiting for %s)" % (
            image_id,
            image.to_dict().get("status"),
            timeout,
            _names(wanted),
        )

    return _poll(fetch, finished, still, timeout, interval)


def wait_for_task(
    api: ImageApi,
    task: Any,
    timeout: Optional[float] = DEFAULT_WAIT_TIMEOUT,
    interval: float = DEFAULT_WAIT_INTERVAL,
    callback: Optional[Callback] = None,
) -> ImageTask:
    """Poll a task until it succeeds (returned) or fails (``TaskFailed``)."""
    check_timing(timeout, interval, callback)
    task_id = get_id(task)

    def fetch() -> ImageTask:
        current = api.tasks.get(task_id)
        if callback is not None:
            callback(current)
        if isinstance(task, ImageTask):
            task.replace_details(current.to_dict())
            return task
        return current

    def finished(current: ImageTask) -> bool:
        info = current.to_dict()
        if info.get("status") == "failure":
            raise exc.TaskFailed(hide_url_secrets(info.get("message") or "Task %s failed" % task_id), current)
        return info.get("status") == "success"

    def still(current: ImageTask) -> str:
        return "Task %s is still %s after %ss" % (task_id, current.to_dict().get("status"), timeout)

    return _poll(fetch, finished, still, timeout, interval)


def wait_for_import_end(
    api: ImageApi,
    img: Any,
    timeout: Optional[float] = DEFAULT_WAIT_TIMEOUT,
    interval: float = DEFAULT_WAIT_INTERVAL,
    ended: Optional[Callable[[Image], bool]] = None,
) -> Image:
    """Poll an image until the import on it has ended and return it, active;
    ``ImageStatusError`` when the import ended without making it active
    (reverted to queued or left importing: with the failed stores and the
    import task's reason), failed while its task keeps the lock for good, or
    killed, deleted or deactivated.

    The end: Glance (Wallaby and later) holds the image by its
    ``os_glance_import_task`` lock until the flow's last step, and its revert
    drops the lock just before the task is marked failed, so once the lock
    is gone the wait goes on only while the import's task is still at work.
    A task that failed and kept the lock (a flow Glance could not build, a
    glance-download whose revert failed) ends the wait too: at once while the
    image is not importing, else at the next check of the task (every
    ``LOCK_CHECK_SECONDS``). An older Glance has neither the lock nor an
    image's tasks (Image API 2.12): there the status tells (active, or
    failed stores in ``os_glance_failed_import``; a single-store failure
    names none and runs to the timeout), and ``ended(image)`` whether an
    active image has what the import was to give it (copy-image: its stores;
    default: being active is enough).

    An import makes the image active before its last steps, which save the
    whole record read earlier: a change made before the lock is gone can be
    overwritten with the old values, so wait here before changing an image
    just imported."""
    check_timing(timeout, interval)
    image_id = get_id(img)
    # The task last seen holding the lock, when its task was last checked,
    # and whether the cloud serves an image's tasks (2.12+).
    seen: Dict[str, Any] = {"holder": None, "checked": None, "tasks_served": True}

    def fetch() -> Image:
        try:
            return api.images.get(image_id)
        except exc.NotFound:
            raise exc.ImageStatusError(
                "Image %s was deleted while waiting for its import to end" % image_id,
                {"id": image_id, "status": "deleted"},
            )

    def lock_task_due(holder: str, status: str) -> bool:
        """Whether to check the task holding the lock now: every poll while
        the image is not importing, else every ``LOCK_CHECK_SECONDS``."""
        now = _Clock.now()
        if holder != seen["holder"]:
            seen["holder"], seen["checked"] = holder, now
        if status in NOT_IMPORTING or now - seen["checked"] >= LOCK_CHECK_SECONDS:
            seen["checked"] = now
            return True
        return False

    def finished(image: Image) -> bool:
        info = image.to_dict()
        status = _status_of(image)
        if status in IMAGE_DEAD_ENDS:
            raise exc.ImageStatusError(
                "Image %s is %s: its import will not make it active" % (image_id, status), image
            )
        holder = info.get(IMPORT_LOCK)
        if holder:
            due = lock_task_due(str(holder), status)
            problem = _failed_holding_its_lock(api.http, image, fetch) if due else None
        elif status == "active" and (ended is None or ended(image)):
            return True
        else:
            tasks = (
                _served_tasks(api.http, image_id, seen["holder"] is not None)
                if seen["tasks_served"]
                else None
            )
            if tasks is None:  # a Glance before 2.12: no lock, no tasks
                seen["tasks_served"] = False
                if status == "active":
                    return False  # ended() said the import has more to do
                problem = failed_import(image)
            else:
                task = _import_task(tasks, seen["holder"])
                if task is not None and task.get("status") in TASK_AT_WORK:
                    return False  # the revert has dropped the lock; the task is marked next
                if status == "active":
                    return True  # ended: what it did not do is the caller's to tell
                problem = _ended_unusable(image, task)
        if problem:
            raise exc.ImageStatusError("Image %s: %s" % (image_id, problem), image)
        return False

    def still(image: Image) -> str:
        holder = image.to_dict().get(IMPORT_LOCK)
        if holder:
            return "Image %s is still held by import task %s after %ss" % (image_id, holder, timeout)
        return "The import of image %s has not ended after %ss (the image is %s)" % (
            image_id,
            timeout,
            image.to_dict().get("status"),
        )

    return _poll(fetch, finished, still, timeout, interval)


def import_failure(http: BaseClient[Any], img: Any) -> Optional[str]:
    """The reason the newest import task of an image gives, if it failed."""
    return _task_failure(_import_task(_served_tasks(http, get_id(img)) or [], None))


def _status_of(image: Image) -> str:
    """The image's status (InvalidResponse when the server sent no string)."""
    status = image.to_dict().get("status")
    if not isinstance(status, str):
        raise invalid(None, "Image %s: 'status' is %s, not a string" % (image.id, kind_of(status)))
    return status


def _served_tasks(
    http: BaseClient[Any], image_id: str, locked: bool = True
) -> Optional[List[Dict[str, Any]]]:
    """The image's tasks, newest first; None where the cloud has no such
    route (a Glance before Image API 2.12, which has no import lock either).
    A 403 means the route is there, its tasks hidden from this user, where
    the image was seen ``locked`` (a cloud with the lock); else None too."""
    try:
        response, body = http.method_get("/images/%s/tasks" % quote_segment(image_id))
    except exc.NotFound:
        return None
    except exc.Forbidden:
        return [] if locked else None
    what = "The tasks of image %s" % image_id
    tasks = expect_objects(expect_object(body, what, response).get("tasks") or [], what, response)
    for task in tasks:
        optional_text(task, "message", what, response)
    return sorted(
        tasks,
        key=lambda task: (str(task.get("created_at") or ""), str(task.get("updated_at") or "")),
        reverse=True,
    )


def _import_task(tasks: List[Dict[str, Any]], holder: Optional[str]) -> Optional[Dict[str, Any]]:
    """The task of the import being waited for: the one seen holding the
    lock, else the newest (Glance makes it before it answers the import)."""
    if holder is None:
        return tasks[0] if tasks else None
    return next((task for task in tasks if task.get("id") == holder), None)


def _ended_unusable(image: Image, task: Optional[Dict[str, Any]]) -> str:
    """What an image whose import has ended, queued or importing, says of
    it: Glance sets it back to ``queued`` (``importing`` when its data failed
    a check before any store), its failed stores in
    ``os_glance_failed_import`` (empty on a single-store cloud), the reason
    in the import's ``task``."""
    info = image.to_dict()
    failed = info.get("os_glance_failed_import")
    reason = _task_failure(task)
    return "its import ended with the image %s%s%s" % (
        info.get("status"),
        ": the import failed for store(s) %s" % failed if failed else "",
        ": %s" % reason if reason else "",
    )


def _failed_holding_its_lock(
    http: BaseClient[Any], image: Image, fetch: Callable[[], Image]
) -> Optional[str]:
    """Why an import failed that still holds the image, once the task named
    by the lock has ended in failure and the lock is still there: Glance
    fails the task of a flow it could not build, and Glance 33's
    glance-download of a source whose data is gone fails the revert of its
    metadata step, and neither drops the lock. Otherwise the wait goes on:
    the task has not started, is at work, or its revert is under way and the
    lock about to go, so a caller told the import ended can start another
    at once."""
    info = image.to_dict()
    holder = str(info.get(IMPORT_LOCK))
    reason = _task_failure(_import_task(_served_tasks(http, info["id"]) or [], holder))
    if reason is None:
        return None
    # Glance drops the lock before it marks the task failed: the image read
    # before the task may predate the drop; one read after it tells a lock
    # kept for good.
    now = fetch().to_dict()
    if now.get(IMPORT_LOCK) != holder:
        return None
    failed = now.get("os_glance_failed_import")
    return "the import failed%s: %s" % (" for store(s) %s" % failed if failed else "", reason)


def _task_failure(task: Optional[Dict[str, Any]]) -> Optional[str]:
    """A task's message if it failed (temp-URL signatures hidden), else None."""
    if task is None or task.get("status") != "failure":
        return None
    return hide_url_secrets(task.get("message") or "task %s failed" % task.get("id"))


def failed_import(image: Image) -> Optional[str]:
    """Why an import into ``image`` failed, when its properties say so.

    Glance puts the stores that failed in ``os_glance_failed_import`` and sets
    the image back to ``queued``, or, when the data failed its format checks
    (an unsafe staged image), leaves it ``importing`` with no store left to
    import to; the reason comes from the image's tasks.
    """
    info = image.to_dict()
    if info.get("status") not in ("queued", "importing"):
        return None
    failed = info.get("os_glance_failed_import")
    if not failed or info.get("os_glance_importing_to_stores"):
        return None
    reason = latest_task_message(image.manager.api, info["id"])
    return "the import failed for store(s) %s%s" % (failed, ": %s" % reason if reason else "")


def latest_task_message(http: BaseClient[Any], img: Any) -> Optional[str]:
    """The message of the newest failed task of an image, if any."""
    for task in _served_tasks(http, get_id(img)) or []:
        reason = _task_failure(task)
        if reason:
            return reason
    return None


def _names(wanted: Iterable[str]) -> str:
    return " or ".join(sorted(wanted))
