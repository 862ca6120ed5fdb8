"""Progress on stderr for transfers: tqdm when installed, else a plain line.

Nothing is shown when stderr is not a terminal or ``--no-progress`` is given.
A bar is a ``progress(bytes_done, total_or_None)`` callable, the shape the
library's ``progress=`` arguments take.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from typing import Any, Callable, Iterator, Optional, TextIO, Tuple

from pyrax_image.display import human_size

PLAIN_INTERVAL = 0.5  # seconds between two plain lines
Progress = Callable[[int, Optional[int]], None]
WAIT_TIMEOUT = 3600.0  # seconds a command waits for the server (an import, a task) by default


def add_timeout(parser: Any, what: str) -> None:
    """The ``--timeout SECONDS`` option of a command that waits for ``what``."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=WAIT_TIMEOUT,
        metavar="SECONDS",
        help="seconds to wait for %s (default %d)" % (what, WAIT_TIMEOUT),
    )


def wanted(options: Any, stream: TextIO) -> bool:
    """True when a bar may be drawn: a terminal, and no ``--no-progress``."""
    isatty = getattr(stream, "isatty", None)
    return not getattr(options, "no_progress", False) and bool(isatty and isatty())


@contextlib.contextmanager
def transfer(label: str, options: Any, stream: Optional[TextIO] = None) -> Iterator[Optional[Progress]]:
    """A bar for one transfer (None when none is wanted); closed on exit."""
    stream = stream or sys.stderr
    if not wanted(options, stream):
        yield None
        return
    bar = make_bar(label, stream)
    try:
        yield bar
    finally:
        bar.close()


def make_bar(label: str, stream: TextIO) -> Any:
    """A tqdm bar if tqdm is installed (the ``cli`` extra), else a PlainBar."""
    try:
        import tqdm
    except ImportError:
        return PlainBar(label, stream)
    return TqdmBar(tqdm, label, stream)


def terminal_width(stream: TextIO) -> int:
    """The terminal's width in columns; 0 when it reports none."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


class TqdmBar:
    """A tqdm bar in bytes, fed with absolute counts."""

    def __init__(self, tqdm: Any, label: str, stream: TextIO):
        sized = terminal_width(stream) > 0  # a terminal reporting no size would get an empty bar
        self.bar = tqdm.tqdm(
            desc=label,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=stream,
            dynamic_ncols=sized,
            ncols=None if sized else 80,
        )

    def __call__(self, done: int, total: Optional[int]) -> None:
        if total and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def format_line(label: str, done: int, total: Optional[int], elapsed: float) -> str:
    """``upload  45% 12.0 MiB/26.7 MiB 8.2 MiB/s ETA 0:00:02`` (no % nor ETA
    when the total is unknown)."""
    rate = done / elapsed if elapsed > 0 else 0.0
    words = [label]
    if total:
        words.append("%3d%%" % min(100, done * 100 // total))
        words.append("%s/%s" % (human_size(done), human_size(total)))
    else:
        words.append(human_size(done))
    words.append("%s/s" % human_size(int(rate)))
    if total and rate > 0:
        words.append("ETA %s" % _clock(max(0, total - done) / rate))
    return " ".join(words)


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return "%d:%02d:%02d" % (seconds // 3600, seconds % 3600 // 60, seconds % 60)


class PlainBar:
    """One line, rewritten at most every ``interval`` seconds and at the end."""

    def __init__(
        self, label: str, stream: TextIO, interval: float = PLAIN_INTERVAL, clock: Any = time.monotonic
    ):
        self.label = label
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.shown_at: Optional[float] = None
        self.last: Optional[Tuple[int, Optional[int]]] = None

    def __call__(self, done: int, total: Optional[int]) -> None:
        self.last = (done, total)
        now = self.clock()
        if self.shown_at is None or now - self.shown_at >= self.interval or (total and done >= total):
            self._show(now)

    def _show(self, now: float) -> None:
        if self.last is not None:
            self.shown_at = now
            self.stream.write("\r" + format_line(self.label, self.last[0], self.last[1], now - self.started))
            self.stream.flush()

    def close(self) -> None:
        if self.last is not None:
            self._show(self.clock())
            self.stream.write("\n")
            self.stream.flush()


@contextlib.contextmanager
def waiting(label: str, options: Any, stream: Optional[TextIO] = None) -> Iterator[None]:
    """While the server works (an import, a task): ``label: waiting 12s`` on a terminal."""
    stream = stream or sys.stderr
    if not wanted(options, stream):
        yield
        return
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(1.0):
            stream.write("\r%s: waiting %ds" % (label, time.monotonic() - started))
            stream.flush()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        stream.write("\r%s: done in %ds\n" % (label, time.monotonic() - started))
        stream.flush()
