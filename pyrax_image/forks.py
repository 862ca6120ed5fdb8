"""Nothing shared across ``os.fork()``: connections and locks start afresh in a child.

A child process inherits its parent's keep-alive sockets and locks. Reusing a
socket makes parent and child read each other's replies (``get(A)`` returning
image B); a lock a parent thread held at the fork is never released in the
child. Objects holding either register with :func:`renew_in_child`; their
``_after_fork()`` runs in the child right after the fork, while it has a single
thread (``os.register_at_fork``, as urllib3 users do).
"""

from __future__ import annotations

import os
import weakref
from typing import Any, Protocol


class ForkAware(Protocol):
    """An object that replaces its sockets or locks in a forked child."""

    def _after_fork(self) -> None: ...


_owners: "weakref.WeakValueDictionary[int, Any]" = weakref.WeakValueDictionary()


def renew_in_child(owner: ForkAware) -> None:
    """Call ``owner._after_fork()`` in every child forked while it lives (held weakly)."""
    _owners[id(owner)] = owner


def _renew_all() -> None:
    for owner in list(_owners.values()):
        owner._after_fork()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_renew_all)
