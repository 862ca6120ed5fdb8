"""ParallelFetch: parts cover the body once, written at their offsets, hashed in
order whatever order they complete in; a dropped range resumes on its own; a
range that keeps failing, or a progress callback that raises, stops the rest."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import threading
import time
from typing import Dict, List

import pytest
import requests

from pyrax_image import exceptions as exc
from pyrax_image.transfer import HashSet
from pyrax_image.transfer.options import Progress
from pyrax_image.transfer.parallel import FileObjectAccess, ParallelFetch, plan_parts
from pyrax_image.transfer.ranged import RangedReader
from tests.unit.helpers import dropping_body

DATA = os.urandom(300_000)


class RangedServer:
    """An opener answering ``Range`` with 206 from DATA, in random order (a
    small random delay), cutting the bodies listed in ``cuts`` (start: bytes)."""

    def __init__(self, cuts: Dict[int, List[int]] | None = None):
        self.cuts = cuts or {}
        self.asked: List[str] = []
        self.lock = threading.Lock()

    def __call__(self, headers: Dict[str, str]) -> requests.Response:
        first, last = (int(n) for n in re.match(r"bytes=(\d+)-(\d+)", headers["Range"]).groups())
        with self.lock:
            self.asked.append(headers["Range"])
            cut = self.cuts.get(first, [])
            cut_after = cut.pop(0) if cut else None
        time.sleep(random.random() / 200)
        body = DATA[first : last + 1]
        response = requests.Response()
        response.status_code = 206
        response.headers["Content-Range"] = "bytes %d-%d/%d" % (first, last, len(DATA))
        response.raw = dropping_body(body, len(body) if cut_after is None else cut_after)
        return response


def fetch(
    server: RangedServer, progress: Progress | None = None, **reading: object
) -> tuple[io.BytesIO, ParallelFetch]:
    """Fetch DATA over 3 connections in parts of 40,000 bytes, the lead a
    reader of ``server`` made with ``reading`` (its parts' readers copy it)."""
    handle = io.BytesIO()
    hashes = HashSet("sha512", threaded=False, md5=False)
    lead = RangedReader(server, len(DATA), chunk_size=4096, **reading)  # type: ignore[arg-type]
    job = ParallelFetch(lead, FileObjectAccess(handle, 0), 3, hashes, progress, part_size=40_000)
    job.run()
    return handle, job


def test_parts_cover_the_body_once():
    assert plan_parts(10, 3, part_size=4) == [(0, 4), (4, 8), (8, 10)]
    parts = plan_parts(len(DATA), 4)
    assert parts[0][0] == 0 and parts[-1][1] == len(DATA) and len(parts) == 4
    assert all(parts[n][1] == parts[n + 1][0] for n in range(len(parts) - 1))


def test_parts_completing_out_of_order_are_hashed_in_order():
    server = RangedServer()
    handle, job = fetch(server)
    assert handle.getvalue() == DATA
    assert job.hashes is not None
    assert job.hashes.hexdigests()["sha512"] == hashlib.sha512(DATA).hexdigest()
    assert len(server.asked) == len(plan_parts(len(DATA), 3, 40_000)) and job.resumes == 0


def test_a_dropped_range_is_asked_again_from_its_last_byte_only():
    server = RangedServer(cuts={80_000: [12_288]})
    handle, job = fetch(server)
    assert handle.getvalue() == DATA and job.resumes == 1
    assert "bytes=92288-119999" in server.asked
    assert len(server.asked) == len(plan_parts(len(DATA), 3, 40_000)) + 1


def test_a_range_that_keeps_failing_stops_the_whole_fetch():
    server = RangedServer(cuts={40_000: [0, 0, 0]})
    paused: List[int] = []
    with pytest.raises(exc.ConnectionFailed):
        fetch(server, max_resumes=2, pause=paused.append)
    assert paused == [0, 1]  # each resume paused, told how many broke in a row before it


def test_a_progress_callback_that_raises_aborts_the_fetch():
    seen: List[int] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(done)
        if done > 100_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(RangedServer(), progress=progress)
    assert seen == sorted(seen) and seen[-1] < len(DATA)


def test_a_part_is_read_as_its_lead_is_read():
    """Each part's reader is asked, paced, resumed and timed as the lead."""
    paused: List[int] = []
    lead = RangedReader(RangedServer(), len(DATA), 4096, 2, min_progress=None, pause=paused.append)
    part = lead.reader_of(40_000, 80_000)
    assert (part.open_request, part.size, part.chunk_size, part.max_resumes) == (
        lead.open_request,
        len(DATA),
        4096,
        2,
    )
    assert (part.min_progress, part.pause, part.start, part.end) == (None, paused.append, 40_000, 80_000)
