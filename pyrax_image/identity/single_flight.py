"""One login at a time per identity, its outcome shared.

Threads that need a token while another thread is logging in wait for that
login instead of queueing for their own: they all get its token, or all its
error (a Keystone answering 503 after 1.5 s fails 8 threads after 1.5 s,
not the last after 12 s). A thread waits no longer than its call's deadline
(:mod:`pyrax_image.deadlines`).
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

from pyrax_image import deadlines
from pyrax_image import exceptions as exc


class _Flight:
    """One login under way: done when it ends, ``error`` if it failed."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: Optional[BaseException] = None


class SingleFlight:
    """Runs a login for the threads that need one at the same time.

    ``lock`` guards the state the login replaces (held briefly, never while
    the login is sent).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._flight: Optional[_Flight] = None

    def run(self, needed: Callable[[], bool], login: Callable[[], None], own: bool = False) -> None:
        """Call ``login`` unless ``needed()`` is false; join a login under way
        instead, sharing its outcome. With ``own`` (new credentials) the
        login under way is waited for, then this thread logs in itself."""
        while True:
            with self.lock:
                if not needed():
                    return
                flight = self._flight
                if flight is None:
                    flight = self._flight = _Flight()
                    break
            left = deadlines.remaining()
            if not flight.done.wait(None if left is None else max(0.0, left)):
                raise exc.RequestTimeout("The call's deadline passed while another thread was logging in")
            if not own:
                if flight.error is not None:
                    raise flight.error
                return
        try:
            login()
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self.lock:
                self._flight = None
            flight.done.set()
