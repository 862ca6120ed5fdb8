"""Waiters: poll an image or a task until it settles, with typed failures.

``wait_for_status`` returns the image once it has the wanted status and
raises ``ImageStatusError`` when it can no longer get there (killed, deleted,
deactivated, or an import that failed), ``WaitTimeout`` when time runs out.
``wait_for_task`` returns a ``success`` task and raises ``TaskFailed`` (with
the server's message) for ``failure``. ``wait_for_import_end`` returns the
image once no import holds it any more, and raises ``ImageStatusError`` when
the import ended without making it active.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Set, TypeVar, Union

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_callable, check_seconds
from pyrax_image.client import BaseClient
from pyrax_image.image.resources import Image, ImageTask
from pyrax_image.secrets import hide_url_secrets
from pyrax_image.statuses import IMAGE_DEAD_ENDS, IMAGE_STATUSES
from pyrax_image.utils import get_id, quote_segment

if TYPE_CHECKING:
    from pyrax_image.image.api import ImageApi

DEFAULT_WAIT_TIMEOUT = 900.0
DEFAULT_WAIT_INTERVAL = 2.0
# The property by which Glance marks the import task working on an image.
IMPORT_LOCK = "os_glance_import_task"
Callback = Callable[[Any], None]
FailureCheck = Callable[[Image], Optional[str]]
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
    failure_check: Optional[FailureCheck] = None,
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
        current = image.to_dict().get("status")
        if current in wanted:
            return True
        if current in IMAGE_DEAD_ENDS:
            raise exc.ImageStatusError(
                "Image %s is %s and will not become %s" % (image_id, current, _names(wanted)), image
            )
        problem = (failure_check or failed_import)(image)
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
    failure_check: Optional[FailureCheck] = None,
) -> Image:
    """Poll an image until no import holds it (Glance drops the
    ``os_glance_import_task`` lock as the flow's last step) and return it,
    active; ``ImageStatusError`` when the import ended without making it
    active: reverted to queued or left importing once the lock is gone (with
    the reason ``failure_check(image)`` gives, else the failed stores and
    task's), failed while its task keeps the lock for good, or killed,
    deleted or deactivated.

    An import makes the image active before its last steps, which save the
    whole record read earlier: a change made before the lock is gone can be
    overwritten with the old values, so wait here before changing an image
    just imported."""
    check_timing(timeout, interval)
    image_id = get_id(img)

    def fetch() -> Image:
        try:
            return api.images.get(image_id)
        except exc.NotFound:
            raise exc.ImageStatusError(
                "Image %s was deleted while waiting for its import to end" % image_id,
                {"id": image_id, "status": "deleted"},
            )

    def finished(image: Image) -> bool:
        info = image.to_dict()
        if info.get("status") in IMAGE_DEAD_ENDS:
            raise exc.ImageStatusError(
                "Image %s is %s: its import will not make it active" % (image_id, info.get("status")), image
            )
        if IMPORT_LOCK in info:
            problem = _failed_holding_its_lock(image, fetch)
        elif info.get("status") == "active":
            return True
        else:
            problem = (failure_check and failure_check(image)) or _ended_unusable(image)
        if problem:
            raise exc.ImageStatusError("Image %s: %s" % (image_id, problem), image)
        return False

    def still(image: Image) -> str:
        return "Image %s is still held by import task %s after %ss" % (
            image_id,
            image.to_dict().get(IMPORT_LOCK),
            timeout,
        )

    return _poll(fetch, finished, still, timeout, interval)


def _ended_unusable(image: Image) -> str:
    """What an image no import holds any more, queued or importing, says
    of the import: Glance sets it back to ``queued`` (``importing`` when its data
    failed a check before any store), its failed stores in
    ``os_glance_failed_import`` (empty on a single-store cloud), the reason
    in the import's task."""
    info = image.to_dict()
    failed = info.get("os_glance_failed_import")
    reason = latest_task_message(image.manager.api, info["id"])
    return "its import ended with the image %s%s%s" % (
        info.get("status"),
        ": the import failed for store(s) %s" % failed if failed else "",
        ": %s" % reason if reason else "",
    )


def _failed_holding_its_lock(image: Image, fetch: Callable[[], Image]) -> Optional[str]:
    """Why an import failed that still holds a queued image, once the task
    named by the lock has ended in failure and the lock is still there:
    Glance 33's glance-download of a source whose data is gone fails the
    revert of its metadata step and never drops the lock. Otherwise a failed
    store in the image's properties is a revert under way and the lock is
    about to go, so the wait goes on: a caller told the import ended can
    start another at once."""
    info = image.to_dict()
    if info.get("status") != "queued" or "os_glance_importing_to_stores" not in info:
        return None
    for task in image_tasks(image.manager.api, info["id"]):
        if task.get("id") == info.get(IMPORT_LOCK):
            if task.get("status") != "failure":
                return None
            # Glance drops the lock before it marks the task failed: the image
            # read before the task may predate the drop; one read after it
            # tells a lock kept for good.
            if fetch().to_dict().get(IMPORT_LOCK) != task["id"]:
                return None
            failed = info.get("os_glance_failed_import")
            return "the import failed%s: %s" % (
                " for store(s) %s" % failed if failed else "",
                hide_url_secrets(task.get("message") or "task %s failed" % task["id"]),
            )
    return None


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


def image_tasks(http: BaseClient[Any], img: Any) -> List[Dict[str, Any]]:
    """The tasks that worked on an image (Images API 2.12+), newest first."""
    try:
        _, body = http.method_get("/images/%s/tasks" % quote_segment(get_id(img)))
    except (exc.NotFound, exc.Forbidden):
        return []
    tasks = list((body or {}).get("tasks") or [])
    tasks.sort(key=lambda task: (task.get("created_at") or "", task.get("updated_at") or ""), reverse=True)
    return tasks


def latest_task_message(http: BaseClient[Any], img: Any) -> Optional[str]:
    """The message of the newest failed task of an image, if any."""
    for task in image_tasks(http, img):
        if task.get("status") == "failure":
            return hide_url_secrets(task.get("message") or "task %s failed" % task.get("id"))
    return None


def new_task_failure(
    http: BaseClient[Any], img: Any, known: Iterable[str]
) -> Callable[[Image], Optional[str]]:
    """A failure check for an import started after the tasks ``known`` existed:
    reports a new task of the image that failed while it is back to queued."""
    known_ids = set(known)

    def check(image: Image) -> Optional[str]:
        if image.to_dict().get("status") != "queued":
            return None
        for task in image_tasks(http, img):
            if task.get("id") not in known_ids and task.get("status") == "failure":
                reason = task.get("message") or "task %s failed" % task.get("id")
                return "the import failed: %s" % hide_url_secrets(reason)
        return failed_import(image)

    return check


def _names(wanted: Iterable[str]) -> str:
    return " or ".join(sorted(wanted))
