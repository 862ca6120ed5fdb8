"""Test code run in several threads at once (unit and integration tests)."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, List


def errors_in_threads(work: Callable[[], Any], count: int, timeout: float) -> List[BaseException]:
    """Run ``work`` in ``count`` threads started together, wait up to ``timeout``
    seconds for each, and return what they raised (empty when all went well)."""
    errors: List[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # pragma: no cover - reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors


def wait_until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll ``check`` (what another thread or process does) until true or ``seconds`` pass."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if check():
            return True
        time.sleep(0.02)
    return check()
