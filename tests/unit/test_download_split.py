"""The default download of a large image (``connections=None``): one stream
first, split into parallel ranges only when it proves slow (docs/data.md).

The server here answers ``Range`` from DATA (or misbehaves as a test asks);
``parallel_download_warmup=0`` judges the stream at its second chunk and
``parallel_download_rate`` decides the verdict (huge: slow; 0: fast), so
where the stream is split is known: after two chunks.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image.image.download import FirstStream
from pyrax_image.transfer.options import TransferOptions
from pyrax_image.transfer.parallel import plan_parts
from tests.unit.helpers import FILE, IMAGE_ID, ITEM, active_info, dropping_body, make_client

DATA = os.urandom(600_000)
CHUNK = 8192
SPLIT = 2 * CHUNK  # judged at the second chunk (warm-up 0)
ALWAYS_SLOW = 10**15  # bytes a second no stream reaches
RANGE = re.compile(r"bytes=(\d+)-(\d*)$")

Reply = Tuple[int, Dict[str, str], Any]


class RangedGlance:
    """Answers the image's data GETs from ``data``: a 206 for a ``Range``
    (``misbehave(start, end)`` may return another reply first), a 200 without."""

    def __init__(self, data: bytes = DATA, misbehave: Optional[Callable[[int, int], Optional[Reply]]] = None):
        self.data = data
        self.misbehave = misbehave
        self.asked: List[Optional[str]] = []
        self.lock = threading.Lock()

    def __call__(self, request: Any) -> Reply:
        asked = request.headers.get("Range")
        with self.lock:
            self.asked.append(asked)
        if asked is None:
            return 200, {"Content-Length": str(len(self.data))}, self.data
        first, last = RANGE.match(asked).groups()
        start, end = int(first), (int(last) + 1 if last else len(self.data))
        if self.misbehave is not None:
            reply = self.misbehave(start, end)
            if reply is not None:
                return reply
        headers = {"Content-Range": "bytes %d-%d/%d" % (start, end - 1, len(self.data))}
        return 206, headers, self.data[start:end]

    def ranges(self) -> List[Tuple[int, int]]:
        """The ``[start, end)`` ranges asked after the first request."""
        found = [RANGE.match(asked).groups() for asked in self.asked[1:] if asked]
        return sorted((int(first), int(last) + 1) for first, last in found)


def serve(rsps: responses.RequestsMock, glance: RangedGlance) -> None:
    rsps.get(ITEM, json=active_info(glance.data))
    rsps.add_callback(responses.GET, FILE, callback=glance)


def auto_client(rate: int, size: int = 0) -> Any:
    """A client whose default downloads judge the first stream at its second
    chunk: ``rate`` ALWAYS_SLOW splits it, 0 keeps it."""
    client = make_client([])
    client.parallel_download_size = size
    client.parallel_download_warmup = 0
    client.parallel_download_rate = rate
    return client


def leftovers(folder: Any) -> List[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".part"))


def test_a_slow_first_stream_keeps_its_part_and_hands_the_rest_to_ranges(rsps, tmp_path):
    glance = RangedGlance()
    serve(rsps, glance)
    result = auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert (tmp_path / "out").read_bytes() == DATA
    assert result.verified_with == "sha512" and result.bytes_read == len(DATA)
    assert result.split_at == SPLIT and result.connections == 4 and result.resumes == 0
    assert glance.asked[0] == "bytes=0-"  # the one stream asked open-ended: a 206 says Range works
    parts = plan_parts(len(DATA), 4, start=SPLIT)
    assert len(parts) == 4
    # The stream read the first part on its own connection; only the others were asked for.
    assert glance.ranges() == parts[1:]
    assert leftovers(tmp_path) == []


def test_a_fast_first_stream_is_the_whole_download(rsps, tmp_path):
    glance = RangedGlance()
    serve(rsps, glance)
    result = auto_client(rate=0).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert (tmp_path / "out").read_bytes() == DATA and result.verified_with == "sha512"
    assert glance.asked == ["bytes=0-"]
    assert result.split_at is None and result.connections == 1


def test_an_image_under_the_size_threshold_is_a_plain_stream(rsps, tmp_path):
    glance = RangedGlance()
    serve(rsps, glance)
    result = auto_client(ALWAYS_SLOW, size=len(DATA) + 1).download(IMAGE_ID, tmp_path / "out")
    assert glance.asked == [None] and result.split_at is None and result.connections == 1


def test_connections_1_is_one_plain_stream_and_n_is_ranges_from_the_start(rsps, tmp_path):
    glance = RangedGlance()
    serve(rsps, glance)
    client = auto_client(ALWAYS_SLOW)
    assert client.download(IMAGE_ID, tmp_path / "one", connections=1, chunk_size=CHUNK).split_at is None
    assert glance.asked == [None]
    rsps.get(ITEM, json=active_info(DATA))
    del glance.asked[:]
    result = client.download(IMAGE_ID, tmp_path / "four", connections=4, chunk_size=CHUNK)
    assert result.connections == 4 and result.split_at is None
    assert sorted(glance.asked) == [
        "bytes=%d-%d" % (start, end - 1) for start, end in plan_parts(len(DATA), 4)
    ]
    assert (tmp_path / "one").read_bytes() == (tmp_path / "four").read_bytes() == DATA


def test_a_server_ignoring_range_is_never_split(rsps, tmp_path):
    glance = RangedGlance(misbehave=lambda start, end: (200, {}, DATA))
    serve(rsps, glance)
    result = auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert glance.asked == ["bytes=0-"] and result.split_at is None and result.connections == 1
    assert (tmp_path / "out").read_bytes() == DATA and result.verified_with == "sha512"


def test_extra_ranges_answered_with_the_whole_image_are_skipped_forward_and_verified(rsps, tmp_path):
    def whole_image_unless_open_ended(start: int, end: int) -> Optional[Reply]:
        return None if (start, end) == (0, len(DATA)) else (200, {}, DATA)

    glance = RangedGlance(misbehave=whole_image_unless_open_ended)
    serve(rsps, glance)
    result = auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert (tmp_path / "out").read_bytes() == DATA and result.verified_with == "sha512"
    assert result.split_at == SPLIT and len(glance.asked) == 4


def test_an_extra_range_from_the_wrong_offset_fails_and_leaves_no_file(rsps, tmp_path):
    def shifted(start: int, end: int) -> Optional[Reply]:
        if start == 0:
            return None
        headers = {"Content-Range": "bytes %d-%d/%d" % (start - 1, end - 2, len(DATA))}
        return 206, headers, DATA[start - 1 : end - 1]

    serve(rsps, RangedGlance(misbehave=shifted))
    with pytest.raises(exc.ConnectionFailed, match="Asked for bytes from"):
        auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert os.listdir(tmp_path) == []


def test_a_short_extra_range_is_resumed_from_its_last_byte(rsps, tmp_path):
    last_start = plan_parts(len(DATA), 4, start=SPLIT)[-1][0]
    cut = {"done": False}

    def cut_once(start: int, end: int) -> Optional[Reply]:
        if start != last_start or cut["done"]:
            return None
        cut["done"] = True
        headers = {"Content-Range": "bytes %d-%d/%d" % (start, end - 1, len(DATA))}
        return 206, headers, dropping_body(DATA[start:end], 1000)

    glance = RangedGlance(misbehave=cut_once)
    serve(rsps, glance)
    result = auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert (tmp_path / "out").read_bytes() == DATA and result.verified_with == "sha512"
    assert result.resumes == 1 and "bytes=%d-%d" % (last_start + 1000, len(DATA) - 1) in glance.asked


def test_the_first_stream_dropped_after_the_split_resumes_only_up_to_its_part(rsps, tmp_path):
    first_end = plan_parts(len(DATA), 4, start=SPLIT)[0][1]
    drop_at = SPLIT + 3 * CHUNK

    def drop_the_stream(start: int, end: int) -> Optional[Reply]:
        if (start, end) != (0, len(DATA)):
            return None
        headers = {"Content-Range": "bytes 0-%d/%d" % (len(DATA) - 1, len(DATA))}
        return 206, headers, dropping_body(DATA, drop_at)

    glance = RangedGlance(misbehave=drop_the_stream)
    serve(rsps, glance)
    result = auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert (tmp_path / "out").read_bytes() == DATA and result.verified_with == "sha512"
    assert result.resumes == 1 and "bytes=%d-%d" % (drop_at, first_end - 1) in glance.asked


def test_a_corrupt_range_after_the_split_truncates_the_file_object_back(rsps):
    def corrupt(start: int, end: int) -> Optional[Reply]:
        if start == 0:
            return None
        body = bytearray(DATA[start:end])
        body[10] ^= 0xFF
        return 206, {"Content-Range": "bytes %d-%d/%d" % (start, end - 1, len(DATA))}, bytes(body)

    serve(rsps, RangedGlance(misbehave=corrupt))
    handle = io.BytesIO(b"kept")
    handle.seek(0, io.SEEK_END)
    with pytest.raises(exc.ChecksumMismatch):
        auto_client(ALWAYS_SLOW).download(IMAGE_ID, handle, chunk_size=CHUNK)
    assert handle.getvalue() == b"kept"


def test_a_file_object_gets_the_image_after_what_it_held(rsps):
    serve(rsps, RangedGlance())
    handle = io.BytesIO(b"head")
    handle.seek(0, io.SEEK_END)
    result = auto_client(ALWAYS_SLOW).download(IMAGE_ID, handle, chunk_size=CHUNK)
    assert result.split_at == SPLIT and handle.getvalue() == b"head" + DATA
    assert handle.tell() == 4 + len(DATA)


def test_after_the_split_no_hashing_queue_holds_chunks(rsps, tmp_path):
    """Once several connections read, the bytes are hashed by the thread
    that holds them (the first stream's) or reads them back: no queue of
    chunks besides, so memory stays one chunk a connection plus one."""
    threads_seen: List[List[str]] = []

    def progress(done: int, total: Optional[int]) -> None:
        if done > SPLIT + CHUNK:
            threads_seen.append([thread.name for thread in threading.enumerate()])

    serve(rsps, RangedGlance())
    auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK, progress=progress)
    assert threads_seen and all("pyrax_image-hash" not in names for names in threads_seen)


def test_progress_counts_every_byte_once_across_the_split(rsps, tmp_path):
    seen: List[int] = []
    serve(rsps, RangedGlance())
    auto_client(ALWAYS_SLOW).download(
        IMAGE_ID, tmp_path / "out", chunk_size=CHUNK, progress=lambda done, total: seen.append(done)
    )
    assert seen == sorted(seen) and seen[-1] == len(DATA) and seen[1] == SPLIT


# -- the judgement itself ---------------------------------------------------------------------
def judge(rate: int, size: int = len(DATA), warmup: float = 0.0) -> FirstStream:
    return FirstStream(TransferOptions(connections=None, parallel_warmup=warmup, parallel_rate=rate), size)


def test_the_stream_is_judged_once():
    first = judge(ALWAYS_SLOW)
    assert first.too_slow(CHUNK, True, 4) is False  # the first chunk starts the clock
    assert first.too_slow(SPLIT, True, 4) is True
    assert first.too_slow(SPLIT + CHUNK, True, 4) is False


def test_not_before_the_warm_up():
    first = judge(ALWAYS_SLOW, warmup=3600)
    assert not any(first.too_slow(done, True, 4) for done in range(CHUNK, len(DATA), CHUNK))


@pytest.mark.parametrize(
    "honours_range, connections, done",
    [(False, 4, SPLIT), (None, 4, SPLIT), (True, 1, SPLIT), (True, 4, len(DATA) - 1000)],
)
def test_never_split_without_range_or_room_for_two_parts(honours_range, connections, done):
    first = judge(ALWAYS_SLOW)
    first.too_slow(CHUNK, honours_range, connections)
    assert first.too_slow(done, honours_range, connections) is False


@pytest.mark.parametrize("done, split", [(9 * 10**8, False), (10**8, True)])
def test_a_stream_nearly_done_at_its_rate_is_left_alone(done, split):
    """Slower than the threshold either way; split only when what is left
    would take longer than the warm-up at the rate measured."""
    first = judge(ALWAYS_SLOW, size=10**9, warmup=0.5)
    first.too_slow(0, True, 4)
    first.started = (first.started or 0.0) - 1.0  # a second later:
    # 900 MB at 900 MB/s leaves 0.11 s (under the warm-up); 100 MB at 100 MB/s leaves 9 s
    assert first.too_slow(done, True, 4) is split


@pytest.mark.parametrize(
    "changes", [{"parallel_warmup": -1}, {"parallel_warmup": "1"}, {"parallel_rate": -1}]
)
def test_bad_split_settings_are_refused_before_any_request(changes):
    with pytest.raises(exc.InvalidArgument):
        TransferOptions(**changes)


def test_the_stream_checks_the_whole_image_with_the_records_digest(rsps, tmp_path):
    """The digest compared is over every byte, whoever fetched it: a copy of
    the record with another image's digest fails."""
    other = hashlib.sha512(b"another image").hexdigest()
    rsps.get(ITEM, json=active_info(DATA, os_hash_value=other))
    rsps.add_callback(responses.GET, FILE, callback=RangedGlance())
    with pytest.raises(exc.ChecksumMismatch):
        auto_client(ALWAYS_SLOW).download(IMAGE_ID, tmp_path / "out", chunk_size=CHUNK)
    assert os.listdir(tmp_path) == []
