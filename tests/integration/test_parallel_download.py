"""``download(..., connections=N)``, and the default download split when its
one stream is slow, against the real Glance, through a fault proxy.

The proxy throttles each connection, cuts a range midway, flips a byte of one
range, or hides ``Range`` from Glance; the tests check the bytes (identical,
verified with the multihash), how many ranged requests went on how many
connections, and that no file (not even the temporary one) is left when the
download fails.
"""

from __future__ import annotations

import io
import os
import re

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.image.download import ImageDownload
from tests.faultproxy import corrupt, drop_request_headers, reset_response, throttle
from tests.integration.fault_fixtures import DATA

FILE = r"/file$"
RANGE = re.compile(r"bytes=(\d+)-(\d+)$")


def ranges_asked(proxy):
    return [RANGE.match(entry.headers["range"]).groups() for entry in proxy.requests("GET", FILE)]


def leftovers(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(".part"))


def test_four_throttled_connections_fetch_every_range_once_verified(glance, via, fault_image, tmp_path):
    glance.add(throttle(1024 * 1024), method="GET", path=FILE, times=None)
    dest = tmp_path / "image.raw"
    result = via.download(fault_image, str(dest), connections=4, chunk_size=64 * 1024)
    assert isinstance(result, ImageDownload) and result.connections == 4
    assert dest.read_bytes() == DATA
    assert result.verified_with == "sha512" and result.bytes_read == len(DATA)
    asked = sorted((int(first), int(last)) for first, last in ranges_asked(glance))
    assert len(asked) == 4 and asked[0][0] == 0 and asked[-1][1] == len(DATA) - 1
    assert all(asked[n][1] + 1 == asked[n + 1][0] for n in range(3))  # contiguous, no overlap
    assert len({entry.connection for entry in glance.requests("GET", FILE)}) == 4
    assert leftovers(tmp_path) == []


def test_a_slow_default_download_splits_its_stream_into_ranges(glance, via, fault_image, tmp_path):
    """connections=None: one stream, slow through the proxy's per-connection
    throttle (as one stream across a long link), keeps the bytes it has,
    reads on to a split point and the rest comes over four connections."""
    glance.add(throttle(512 * 1024), method="GET", path=FILE, times=None)
    via.parallel_download_size = 1024 * 1024  # DATA counts as large here (default: 64 MiB)
    via.parallel_download_warmup = 0.2
    dest = tmp_path / "image.raw"
    result = via.download(fault_image, str(dest), chunk_size=64 * 1024)
    assert dest.read_bytes() == DATA
    assert result.verified_with == "sha512" and result.bytes_read == len(DATA)
    assert result.connections == 4 and 0 < result.split_at < len(DATA) // 2
    sent = glance.requests("GET", FILE)
    assert sent[0].headers["range"] == "bytes=0-"  # the stream; its 206 showed Range works
    rest = sorted(tuple(int(n) for n in RANGE.match(entry.headers["range"]).groups()) for entry in sent[1:])
    assert len(rest) == 3 and rest[-1][1] == len(DATA) - 1
    assert all(rest[n][1] + 1 == rest[n + 1][0] for n in range(2))  # contiguous, no overlap
    assert rest[0][0] > result.split_at  # the stream read on to its split point itself
    assert len({entry.connection for entry in sent}) == 4
    assert leftovers(tmp_path) == []


def test_a_range_cut_midway_is_resumed_on_its_own(glance, via, fault_image, tmp_path):
    glance.add(reset_response(100_000), method="GET", path=FILE, skip=2)
    dest = tmp_path / "image.raw"
    result = via.download(fault_image, dest, connections=4, chunk_size=16 * 1024)
    assert dest.read_bytes() == DATA
    assert result.resumes == 1 and result.verified_with == "sha512"
    sent = glance.requests("GET", FILE)
    assert len(sent) == 5
    (cut,) = [entry for entry in sent if entry.fault == "reset_response"]
    first, last = (int(n) for n in RANGE.match(cut.headers["range"]).groups())
    again = [RANGE.match(entry.headers["range"]).groups() for entry in sent]
    again = [int(start) for start, end in again if int(end) == last]
    assert len(again) == 2 and again[0] == first
    assert first + 64 * 1024 <= again[1] <= first + 100_000  # only the rest of that range


def test_a_corrupted_range_is_detected_and_no_file_is_left(glance, via, fault_image, tmp_path):
    glance.add(corrupt(5000), method="GET", path=FILE, skip=1)
    dest = tmp_path / "image.raw"
    with pytest.raises(exc.ChecksumMismatch):
        via.download(fault_image, dest, connections=4)
    assert not dest.exists() and leftovers(tmp_path) == []


def test_a_server_ignoring_range_is_read_as_one_stream(glance, via, fault_image, tmp_path):
    glance.add(drop_request_headers("Range"), method="GET", path=FILE, times=None)
    dest = tmp_path / "image.raw"
    result = via.download(fault_image, dest, connections=4)
    assert isinstance(result, ImageDownload) and result.connections == 1
    assert dest.read_bytes() == DATA and result.verified_with == "sha512"
    assert glance.count("GET", FILE) == 1  # the probe's 200 was the whole download


def test_a_read_write_file_object_gets_the_image_after_what_it_held(via, fault_image):
    handle = io.BytesIO(b"header")
    handle.seek(0, io.SEEK_END)
    via.download(fault_image, handle, connections=3)
    assert handle.getvalue() == b"header" + DATA
    assert handle.tell() == len(b"header") + len(DATA)


def test_without_a_destination_to_write_at_offsets_nothing_is_sent(glance, via, fault_image):
    with pytest.raises(exc.InvalidArgument):
        via.download(fault_image, None, connections=2)
    with pytest.raises(exc.InvalidArgument):
        via.download(fault_image, io.BufferedWriter(io.BytesIO()), connections=2)
    with pytest.raises(exc.InvalidArgument):
        via.download(fault_image, io.BytesIO(), connections=0)
    assert glance.count() == 0
