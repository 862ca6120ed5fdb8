"""Data-path faults a real server will not produce on demand: connections
dropping more often than a chunk, bodies trickling in, an upload Glance
leaves queued, and iterators yielding something other than bytes."""

from __future__ import annotations

import io
import os
import time
from typing import Any

import pytest
import responses
from responses import matchers

from pyrax_image import exceptions as exc
from pyrax_image.transfer.options import MinimumProgress
from pyrax_image.transfer.sources import SourceReader
from tests.unit.helpers import FILE, IMAGE_ID, ITEM, V2, active_info, dropping_body, image_info

DATA = os.urandom(10_000)
CUT = 700  # every connection breaks after this many bytes, far less than a chunk


def test_drops_more_often_than_a_chunk_still_progress(client, rsps):
    rsps.get(ITEM, json=active_info(DATA))
    rsps.get(FILE, body=dropping_body(DATA, CUT), headers={"Content-Length": str(len(DATA))})
    for start in range(CUT, len(DATA), CUT):
        rsps.get(
            FILE,
            status=206,
            body=dropping_body(DATA[start:], CUT) if len(DATA) - start > CUT else DATA[start:],
            headers={
                "Content-Range": "bytes %d-%d/%d" % (start, len(DATA) - 1, len(DATA)),
                "Content-Length": str(len(DATA) - start),
            },
            match=[matchers.header_matcher({"Range": "bytes=%d-" % start})],
        )
    download = client.download(IMAGE_ID, chunk_size=4096, max_resumes=20)
    assert b"".join(download) == DATA
    assert download.resumes == len(DATA) // CUT
    assert download.verified_with == "sha512"


class Trickle(io.RawIOBase):
    """A body arriving one byte every ``interval`` seconds."""

    def __init__(self, data: bytes, interval: float):
        self.data, self.interval, self.pos = data, interval, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.pos >= len(self.data):
            return 0
        time.sleep(self.interval)
        buffer[:1] = self.data[self.pos : self.pos + 1]
        self.pos += 1
        return 1


def test_a_trickling_download_ends_and_leaves_no_file(client, rsps, tmp_path):
    client.min_progress = MinimumProgress(min_bytes=1000, seconds=0.3)
    rsps.get(ITEM, json=active_info(DATA))
    rsps.get(FILE, body=io.BufferedReader(Trickle(DATA, 0.03)), headers={"Content-Length": str(len(DATA))})
    dest = tmp_path / "out.img"
    with pytest.raises(exc.RequestTimeout, match="too slowly"):
        client.download(IMAGE_ID, dest)
    assert list(tmp_path.iterdir()) == []


def test_the_default_minimum_never_stops_a_steady_slow_download():
    window = MinimumProgress().start()
    window.started -= 59.0  # a minute almost gone, 64 KiB come in slowly
    for _ in range(64):
        window.advance(1024)
    window.started -= 2.0
    window.advance(1)  # a new window starts; nothing raised
    assert window.count == 0


def test_a_window_with_too_few_bytes_raises():
    window = MinimumProgress(min_bytes=100, seconds=5).start()
    window.started -= 6
    with pytest.raises(exc.RequestTimeout):
        window.advance(99)


@pytest.mark.parametrize("rule", [(0, 5), (10, 0), ("x", 5), (10, "soon"), (True, 5)])
def test_minimum_progress_refuses_nonsense(rule):
    with pytest.raises(exc.InvalidArgument):
        MinimumProgress(*rule)


def test_upload_left_queued_raises_instead_of_returning(client, rsps):
    rsps.put(FILE, status=204)
    rsps.get(ITEM, json=image_info(status="queued"))
    with pytest.raises(exc.ImageStatusError, match="is queued after its"):
        client.upload(IMAGE_ID, b"abc")


def test_upload_left_queued_without_verify_returns(client, rsps):
    rsps.put(FILE, status=204)
    rsps.get(ITEM, json=image_info(status="queued"))
    assert client.upload(IMAGE_ID, b"abc", verify=False).status == "queued"


def test_create_whose_upload_stays_queued_deletes_the_image(client, rsps):
    rsps.post(V2 + "/images", status=201, json=image_info())
    rsps.put(FILE, status=204)
    rsps.get(ITEM, json=image_info(status="queued"))
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ImageStatusError):
        client.create("n", data=b"abc")
    assert rsps.calls[-1].request.method == "DELETE"


def test_create_checks_the_data_before_the_post(client, rsps):
    for bad in ([3, 3], b"abc"):
        with pytest.raises(exc.InvalidArgument):
            client.create("n", data=bad, size=10 if bad == b"abc" else None)
    with pytest.raises(TypeError):
        client.create("n", data=b"abc", chunksize=10)
    assert len(rsps.calls) == 0


def test_an_iterator_item_that_is_not_bytes_is_refused_not_zero_filled():
    reader = SourceReader(iter([b"ok", 3]))
    assert reader.read() == b"ok"
    with pytest.raises(exc.InvalidArgument, match="not of int"):
        reader.read()


@pytest.mark.parametrize("data", [[3, 3], (b"a", "text"), iter([5]), (c for c in ["x"]), {b"a"}])
def test_iterables_of_non_bytes_are_refused_when_opened(data):
    with pytest.raises(exc.InvalidArgument):
        SourceReader(data)


def test_a_generator_is_checked_by_its_first_item_and_keeps_it():
    reader = SourceReader(chunk for chunk in [b"first", b"second"])
    assert reader.read() + reader.read() == b"firstsecond"


@pytest.mark.parametrize("data, size", [(b"abc", 10), (b"abc", 2), (io.BytesIO(b"abcd"), 3)])
def test_a_size_the_data_does_not_have_is_refused(data, size):
    with pytest.raises(exc.InvalidArgument, match="holds"):
        SourceReader(data, size=size)


def test_the_partial_chunk_of_a_broken_connection_is_handed_over(rsps):
    import requests

    from pyrax_image.transfer import RangedReader

    rsps.get("http://h.test/f", body=dropping_body(DATA, 1234), headers={"Content-Length": str(len(DATA))})
    rsps.get(
        "http://h.test/f",
        status=206,
        body=DATA[1234:],
        headers={"Content-Range": "bytes 1234-%d/%d" % (len(DATA) - 1, len(DATA))},
        match=[matchers.header_matcher({"Range": "bytes=1234-"})],
    )
    session = requests.Session()
    reader = RangedReader(
        lambda headers: session.get("http://h.test/f", headers=headers, stream=True), chunk_size=4096
    )
    chunks = list(reader)
    assert b"".join(chunks) == DATA
    assert len(chunks[0]) == 1234 and reader.resumes == 1
    assert responses  # the strict mock saw both requests
