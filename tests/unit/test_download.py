"""Download: destinations, verification, Range resume and the fault paths a real
server will not produce on demand (dropped connections, ignored Range, 416)."""

from __future__ import annotations

import gc
import hashlib
import io
import os
from typing import Any, Dict, List

import pytest
import responses
from responses import matchers

from pyrax_image import exceptions as exc
from pyrax_image import http_retry
from pyrax_image.http_retry import RetryPolicy
from pyrax_image.image.download import ImageDownload
from pyrax_image.transfer import RangedReader
from tests.unit.helpers import (
    FILE,
    IMAGE_ID,
    ITEM,
    active_info,
    assert_no_request,
    call,
    dropping_body,
    image_info,
    make_client,
)

DATA = os.urandom(10_000)


def active(data: bytes = DATA, **extra: Any) -> Dict[str, Any]:
    return active_info(data, **extra)


def ranged(rsps: responses.RequestsMock, start: int, data: bytes = DATA, status: int = 206) -> None:
    rsps.get(
        FILE,
        status=status,
        body=data[start:],
        headers={"Content-Range": "bytes %d-%d/%d" % (start, len(data) - 1, len(data))},
        match=[matchers.header_matcher({"Range": "bytes=%d-" % start})],
    )


# -- destinations -----------------------------------------------------------------------------
def test_download_to_a_path_renames_after_verification(client, rsps, tmp_path):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA, headers={"Content-MD5": hashlib.md5(DATA).hexdigest()})
    dest = tmp_path / "out.img"
    progress: List[Any] = []
    result = client.download(
        IMAGE_ID, str(dest), chunk_size=4096, progress=lambda d, t: progress.append((d, t))
    )
    assert dest.read_bytes() == DATA
    assert os.listdir(tmp_path) == ["out.img"]
    assert result.verified_with == "sha512" and result.bytes_read == len(DATA) and result.resumes == 0
    assert progress[-1] == (len(DATA), len(DATA))
    get = call(rsps, 1)
    assert get.headers["Accept"] == "application/octet-stream" and "Range" not in get.headers


def test_download_to_a_file_object(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA)
    handle = io.BytesIO(b"prefix")
    handle.seek(0, io.SEEK_END)
    client.download(IMAGE_ID, handle)
    assert handle.getvalue() == b"prefix" + DATA


def test_download_as_an_iterator_verifies_at_the_end(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA)
    download = client.download(IMAGE_ID, chunk_size=1000)
    assert isinstance(download, ImageDownload)
    assert len(rsps.calls) == 2  # the data request went out at once (errors raise here)
    chunks = list(download)
    assert b"".join(chunks) == DATA and max(map(len, chunks)) <= 1000
    assert download.hexdigests()["sha512"] == hashlib.sha512(DATA).hexdigest()


def test_corrupt_iterator_raises_before_the_last_chunk(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA[:-1] + bytes([DATA[-1] ^ 1]))
    received: List[bytes] = []
    with pytest.raises(exc.ChecksumMismatch) as caught:
        for chunk in client.download(IMAGE_ID, chunk_size=1000):
            received.append(chunk)
    assert caught.value.algorithm == "sha512" and caught.value.image_id == IMAGE_ID
    assert sum(map(len, received)) < len(DATA)  # never the whole (corrupt) image


def test_corrupt_download_to_a_path_leaves_no_file(client, rsps, tmp_path):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=bytes([DATA[0] ^ 1]) + DATA[1:])
    dest = tmp_path / "out.img"
    with pytest.raises(exc.ChecksumMismatch):
        client.download(IMAGE_ID, dest)
    assert os.listdir(tmp_path) == []


def test_corrupt_download_keeps_an_existing_file_untouched(client, rsps, tmp_path):
    dest = tmp_path / "out.img"
    dest.write_bytes(b"previous")
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=bytes([DATA[0] ^ 1]) + DATA[1:])
    with pytest.raises(exc.ChecksumMismatch):
        client.download(IMAGE_ID, dest)
    assert os.listdir(tmp_path) == ["out.img"] and dest.read_bytes() == b"previous"


def test_corrupt_download_to_a_seekable_file_is_truncated_back(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=bytes([DATA[0] ^ 1]) + DATA[1:])
    handle = io.BytesIO(b"keep")
    handle.seek(4)
    with pytest.raises(exc.ChecksumMismatch):
        client.download(IMAGE_ID, handle)
    assert handle.getvalue() == b"keep"


def test_md5_is_checked_when_there_is_no_multihash(client, rsps):
    rsps.get(ITEM, json=active(os_hash_algo=None, os_hash_value=None, checksum="0" * 32))
    rsps.get(FILE, body=DATA)
    with pytest.raises(exc.ChecksumMismatch) as caught:
        list(client.download(IMAGE_ID))
    assert caught.value.algorithm == "md5"


def test_content_md5_header_is_the_last_resort(client, rsps):
    rsps.get(ITEM, json=active(os_hash_algo=None, os_hash_value=None, checksum=None))
    rsps.get(FILE, body=DATA, headers={"Content-MD5": "0" * 32})
    with pytest.raises(exc.ChecksumMismatch):
        list(client.download(IMAGE_ID))


def test_short_body_without_a_drop_is_resumed(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA[:4000], auto_calculate_content_length=True)
    ranged(rsps, 4000)
    assert b"".join(client.download(IMAGE_ID, chunk_size=1000)) == DATA


def test_verify_false_skips_hashes_but_not_the_size(client, rsps):
    rsps.get(ITEM, json=active(checksum="0" * 32, size=len(DATA) + 5))
    rsps.get(FILE, body=DATA)
    rsps.get(FILE, status=416, match=[matchers.header_matcher({"Range": "bytes=%d-" % len(DATA)})])
    with pytest.raises(exc.RangeNotSatisfiable):
        list(client.download(IMAGE_ID, verify=False))


# -- resume ---------------------------------------------------------------------------------
def test_dropped_connection_resumes_with_range_and_verifies_whole_image(client, rsps, tmp_path):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=dropping_body(DATA, 4500), headers={"Content-Length": str(len(DATA))})
    ranged(rsps, 4500)  # the 404 bytes of the broken chunk were kept
    dest = tmp_path / "out.img"
    result = client.download(IMAGE_ID, dest, chunk_size=4096)
    assert dest.read_bytes() == DATA
    assert result.resumes == 1 and result.verified_with == "sha512"
    assert call(rsps, 2).headers["Range"] == "bytes=4500-"


def test_several_drops_resume_each_time(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=dropping_body(DATA, 3000), headers={"Content-Length": str(len(DATA))})
    rsps.get(
        FILE,
        status=206,
        body=dropping_body(DATA[3000:], 3000),
        headers={"Content-Range": "bytes 3000-%d/%d" % (len(DATA) - 1, len(DATA)), "Content-Length": "7000"},
        match=[matchers.header_matcher({"Range": "bytes=3000-"})],
    )
    ranged(rsps, 6000)
    download = client.download(IMAGE_ID, chunk_size=1000)
    assert b"".join(download) == DATA and download.resumes == 2


def test_too_many_drops_give_up(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=dropping_body(DATA, 1500), headers={"Content-Length": str(len(DATA))})
    rsps.get(
        FILE,
        status=206,
        body=dropping_body(DATA[1500:], 1500),
        headers={"Content-Range": "bytes 1500-%d/%d" % (len(DATA) - 1, len(DATA)), "Content-Length": "8500"},
    )
    with pytest.raises(exc.ConnectionFailed, match="giving up"):
        list(client.download(IMAGE_ID, chunk_size=1000, max_resumes=1))


def ranged_drop(rsps: responses.RequestsMock, start: int, cut: int) -> None:
    """A 206 from ``start`` whose connection breaks after ``cut`` bytes."""
    rsps.get(
        FILE,
        status=206,
        body=dropping_body(DATA[start:], cut),
        headers={
            "Content-Range": "bytes %d-%d/%d" % (start, len(DATA) - 1, len(DATA)),
            "Content-Length": str(len(DATA) - start),
        },
        match=[matchers.header_matcher({"Range": "bytes=%d-" % start})],
    )


def broken_at_3000_twice_in_a_row(rsps: responses.RequestsMock) -> None:
    """The record, a body breaking after 3000 bytes, then two resumes breaking before any byte."""
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=dropping_body(DATA, 3000), headers={"Content-Length": str(len(DATA))})
    ranged_drop(rsps, 3000, 0)
    ranged_drop(rsps, 3000, 0)


@pytest.fixture
def unjittered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The policy's jitter at its top (wait = the backoff), so waits can be compared."""
    monkeypatch.setattr(http_retry.random, "random", lambda: 1.0)


def test_resumes_wait_as_the_clients_retry_policy_says(rsps, unjittered):
    """A resume waits the policy's reconnect wait on the transport's clock:
    at once after a first break, then the backoff (capped by max_backoff)
    while connections break with no byte between; bytes arriving start it over."""
    waits: List[float] = []
    client = make_client(waits, retry_policy=RetryPolicy(backoff=2.0, max_backoff=5.0))
    broken_at_3000_twice_in_a_row(rsps)
    ranged_drop(rsps, 3000, 3000)
    ranged(rsps, 6000)
    download = client.download(IMAGE_ID, chunk_size=1000)
    assert b"".join(download) == DATA and download.resumes == 4
    assert waits == [0.0, 4.0, 5.0, 0.0]


def test_resumes_are_bounded_by_max_resumes_not_the_policys_retries(rsps, unjittered):
    """``max_resumes`` alone bounds the resumes (a policy of no retries still
    resumes); no wait before giving up."""
    waits: List[float] = []
    client = make_client(waits, retry_policy=RetryPolicy(retries=0, backoff=1.0))
    broken_at_3000_twice_in_a_row(rsps)
    with pytest.raises(exc.ConnectionFailed, match="3 times"):
        list(client.download(IMAGE_ID, chunk_size=1000, max_resumes=2))
    assert waits == [0.0, 2.0]


def test_a_parallel_range_resumes_after_the_clients_wait(rsps, unjittered, tmp_path):
    """Each range of a parallel download pauses on the client's policy too."""
    waits: List[float] = []
    client = make_client(waits, retry_policy=RetryPolicy(backoff=3.0))
    data = os.urandom(2 * 1024 * 1024)
    rsps.get(ITEM, json=active(data))
    half = 1024 * 1024

    def part(start: int, end: int, cut: int) -> None:
        rsps.get(
            FILE,
            status=206,
            body=dropping_body(data[start:end], cut),
            headers={"Content-Range": "bytes %d-%d/%d" % (start, end - 1, len(data))},
            match=[matchers.header_matcher({"Range": "bytes=%d-%d" % (start, end - 1)})],
        )

    part(0, half, half)
    part(half, len(data), 0)
    part(half, len(data), 0)
    part(half, len(data), len(data) - half)
    result = client.download(IMAGE_ID, tmp_path / "out", connections=2)
    assert (tmp_path / "out").read_bytes() == data
    assert result.connections == 2 and result.resumes == 2 and waits == [0.0, 6.0]


def test_server_ignoring_range_is_skipped_forward(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=dropping_body(DATA, 2500), headers={"Content-Length": str(len(DATA))})
    rsps.get(FILE, status=200, body=DATA, match=[matchers.header_matcher({"Range": "bytes=2500-"})])
    assert b"".join(client.download(IMAGE_ID, chunk_size=1000)) == DATA


def test_206_from_the_wrong_offset_is_refused(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=dropping_body(DATA, 2500), headers={"Content-Length": str(len(DATA))})
    rsps.get(
        FILE, status=206, body=DATA, headers={"Content-Range": "bytes 0-%d/%d" % (len(DATA) - 1, len(DATA))}
    )
    with pytest.raises(exc.ConnectionFailed, match="Asked for bytes from 2500"):
        list(client.download(IMAGE_ID, chunk_size=1000))


def test_range_reader_416_is_the_end_only_at_the_known_end():
    sent: List[Dict[str, str]] = []

    def opener(headers: Dict[str, str]) -> Any:
        sent.append(headers)
        raise exc.RangeNotSatisfiable(416)

    reader = RangedReader(opener, size=10)
    reader.position = 10
    assert reader.open() is None and sent == [{"Range": "bytes=10-"}]
    with pytest.raises(exc.RangeNotSatisfiable):
        next(iter(RangedReader(opener, size=None, start=4)))


def test_partial_read_asks_for_a_closed_range(rsps):
    import requests

    session = requests.Session()
    rsps.get(
        FILE,
        status=206,
        body=DATA[:100],
        headers={"Content-Range": "bytes 0-99/%d" % len(DATA)},
        match=[matchers.header_matcher({"Range": "bytes=0-99"})],
    )
    reader = RangedReader(lambda headers: session.get(FILE, headers=headers, stream=True), end=100)
    assert b"".join(reader) == DATA[:100] and reader.size == len(DATA)


# -- errors before any data ---------------------------------------------------------------------
@pytest.mark.parametrize("status", ["queued", "saving", "importing", "killed"])
def test_image_without_data_raises_before_downloading(client, rsps, status):
    rsps.get(ITEM, json=image_info(status=status))
    with pytest.raises(exc.ImageStatusError, match=status):
        client.download(IMAGE_ID)
    assert len(rsps.calls) == 1


def test_204_means_no_data(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, status=204)
    with pytest.raises(exc.ImageStatusError, match="204"):
        client.download(IMAGE_ID)


def test_forbidden_download_raises_at_the_call(client, rsps, tmp_path):
    rsps.get(ITEM, json=active(status="deactivated"))
    rsps.get(FILE, status=403, json={"message": "Not allowed to download a deactivated image"})
    with pytest.raises(exc.Forbidden):
        client.download(IMAGE_ID)
    rsps.get(ITEM, json=active(status="deactivated"))
    rsps.get(FILE, status=403, json={"message": "no"})
    with pytest.raises(exc.Forbidden):
        client.download(IMAGE_ID, tmp_path / "x")
    assert os.listdir(tmp_path) == []


def test_bad_destinations_and_arguments_send_nothing(client, rsps, tmp_path):
    with pytest.raises(exc.InvalidArgument):
        client.download(IMAGE_ID, chunk_size=0)
    with pytest.raises(exc.InvalidArgument, match="progress"):
        client.download(IMAGE_ID, progress="yes")
    with pytest.raises(exc.InvalidArgument, match="directory"):
        client.download(IMAGE_ID, tmp_path)
    with pytest.raises(exc.InvalidArgument, match="writable"):
        client.download(IMAGE_ID, 42)
    assert_no_request(rsps)


def test_only_the_multihash_is_computed_when_the_image_has_one(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA)
    download = client.download(IMAGE_ID)
    b"".join(download)
    assert download.hexdigests() == {"sha512": hashlib.sha512(DATA).hexdigest()}
    rsps.get(ITEM, json=active(os_hash_algo="no-such-algorithm", os_hash_value="x"))
    rsps.get(FILE, body=DATA)
    download = client.download(IMAGE_ID)
    b"".join(download)
    assert download.hexdigests() == {"md5": hashlib.md5(DATA).hexdigest()}
    assert download.verified_with == "md5"


def test_read_ahead_keeps_order_and_hands_over_errors():
    from pyrax_image.transfer import ReadAhead

    assert list(ReadAhead(iter([b"a", b"b", b"c"]), depth=1)) == [b"a", b"b", b"c"]

    def failing() -> Any:
        yield b"a"
        raise exc.ConnectionFailed("gone")

    ahead = ReadAhead(failing())
    assert next(ahead) == b"a"
    with pytest.raises(exc.ConnectionFailed, match="gone"):
        next(ahead)


def test_read_ahead_close_stops_the_producer_and_closes_its_source():
    import itertools

    from pyrax_image.transfer import ReadAhead

    class Endless:
        closed = False

        def __iter__(self) -> Any:
            return (b"x" for _ in itertools.count())

        def close(self) -> None:
            self.closed = True

    source = Endless()
    ahead = ReadAhead(source, depth=2)
    assert next(ahead) == b"x"
    ahead.close()
    assert not ahead.thread.is_alive() and source.closed


# -- a hostile server, a record of the wrong shape, a careless caller (issue 16) -----------------
def test_a_server_ignoring_range_and_cutting_every_reply_raises_a_library_error(client, rsps, tmp_path):
    big = os.urandom(1024 * 1024)
    rsps.get(ITEM, json=active(big))
    rsps.add_callback(
        responses.GET,
        FILE,
        callback=lambda request: (200, {"Content-Length": str(len(big))}, dropping_body(big, 300 * 1024)),
    )
    with pytest.raises(exc.ConnectionFailed, match="giving up"):
        list(client.download(IMAGE_ID, chunk_size=64 * 1024, max_resumes=3))
    rsps.get(ITEM, json=active(big))
    with pytest.raises(exc.ConnectionFailed):
        client.download(IMAGE_ID, tmp_path / "x", chunk_size=64 * 1024, max_resumes=2)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "change",
    [{"id": None}, {"size": "10000"}, {"size": True}, {"size": -1}, {"os_hash_value": 5}, {"checksum": []}],
)
def test_a_record_the_download_cannot_rely_on_is_an_invalid_response(client, rsps, change):
    info = {key: value for key, value in dict(active(), **change).items() if value is not None}
    rsps.get(ITEM, json=info)
    with pytest.raises(exc.InvalidResponse):
        client.download(IMAGE_ID)
    assert len(rsps.calls) == 1  # the data was never asked for


def test_an_abandoned_iterator_releases_its_connection_and_thread_at_once(client, rsps):
    rsps.get(ITEM, json=active())
    rsps.get(FILE, body=DATA)
    download = client.download(IMAGE_ID, chunk_size=1000)
    next(download)
    hashes, response = download.hashes, download.reader.response
    assert hashes is not None and hashes._thread is not None and hashes._thread.is_alive()
    gc.disable()
    try:
        del download
        assert hashes._thread is None and response.raw.closed
    finally:
        gc.enable()
