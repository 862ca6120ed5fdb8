"""Every status of an image, task and image member, in one place (Images API v2).

Glance's image statuses: ``queued`` (no data yet), ``saving`` (data being
uploaded), ``uploading`` (data being staged), ``importing``, ``active``,
``deactivated``, ``killed`` (an upload failed), ``deleted`` and
``pending_delete``. Tasks: ``pending``, ``processing``, ``success``,
``failure``. A member of a shared image is ``pending``, ``accepted`` or
``rejected``; only those three can be set (``PUT .../members/{id}``), while
the ``member_status`` filter of an image listing also takes ``all``.
"""

from __future__ import annotations

IMAGE_STATUSES = frozenset(
    (
        "queued",
        "saving",
        "uploading",
        "importing",
        "active",
        "deactivated",
        "killed",
        "deleted",
        "pending_delete",
    )
)
# Image statuses that never turn into another status on their own.
IMAGE_DEAD_ENDS = frozenset(("killed", "deleted", "pending_delete", "deactivated"))
# Image statuses in which an image has no (complete) data to download.
IMAGE_NO_DATA_STATUSES = frozenset(
    ("queued", "saving", "uploading", "importing", "killed", "deleted", "pending_delete")
)

# The statuses a membership can have and be set to, in the order they are listed.
TASK_STATUSES = ("pending", "processing", "success", "failure")
MEMBER_STATUSES = ("pending", "accepted", "rejected")
# What the ``member_status`` filter of an image listing accepts.
MEMBER_STATUS_FILTERS = MEMBER_STATUSES + ("all",)

# pyrax's ``wait_until``/``wait_for_build`` stop at these whatever was asked
# ("error" is a status of other pyrax services, kept for scripts written for them).
FAILURE_STATES = frozenset(("error", "killed", "deleted", "failure", "pending_delete"))
TERMINAL_STATES = FAILURE_STATES | frozenset(("active", "success", "deactivated"))
