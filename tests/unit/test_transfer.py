"""The transfer layer: one source reader, the start probe, body protocols,
and ranged reads of a closed range that resume after a dropped connection."""

from __future__ import annotations

import io
import os
from typing import Any, Dict, Iterator, List, Optional

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.transfer import (
    PartBody,
    RangedReader,
    RewindableBody,
    SourceReader,
    UploadBody,
    UploadStream,
    start_position,
)

DATA = bytes(range(256)) * 40


class FakeResponse:
    """What RangedReader reads of a streamed ``requests.Response``."""

    def __init__(self, body: bytes, start: int, total: int, cut: Optional[int] = None):
        self.status_code = 206
        self.url = "http://swift/o"
        end = start + len(body) - 1
        self.headers = {"Content-Range": "bytes %d-%d/%d" % (start, end, total)}
        self.body = body
        self.cut = cut
        self.closed = False

    def iter_content(self, chunk_size: int) -> Iterator[bytes]:
        sent = 0
        for index in range(0, len(self.body), chunk_size):
            piece = self.body[index : index + chunk_size]
            if self.cut is not None and sent + len(piece) > self.cut:
                yield piece[: self.cut - sent]
                raise ConnectionResetError(104, "Connection reset by peer")
            sent += len(piece)
            yield piece

    def close(self) -> None:
        self.closed = True


def opener_for(data: bytes, cuts: List[int], asked: List[str]) -> Any:
    """Answers ``Range: bytes=a-b`` from ``data``; the n-th answer breaks off
    after ``cuts[n]`` bytes (while cuts remain)."""

    def open_request(headers: Dict[str, str]) -> Any:
        asked.append(headers["Range"])
        first, _, last = headers["Range"][len("bytes=") :].partition("-")
        start, end = int(first), (int(last) + 1 if last else len(data))
        return FakeResponse(data[start:end], start, len(data), cuts.pop(0) if cuts else None)

    return open_request


def test_a_closed_range_is_read_with_its_own_range_header():
    asked: List[str] = []
    for start, end in ((0, 4000), (4000, 8000), (8000, len(DATA))):
        reader = RangedReader(opener_for(DATA, [], asked), None, 1000, start=start, end=end)
        assert b"".join(reader) == DATA[start:end]
    assert asked == ["bytes=0-3999", "bytes=4000-7999", "bytes=8000-%d" % (len(DATA) - 1)]


def test_a_dropped_closed_range_resumes_from_the_last_byte_read():
    asked: List[str] = []
    reader = RangedReader(opener_for(DATA, [1500, 700], asked), None, 1000, start=2000, end=6000)
    assert b"".join(reader) == DATA[2000:6000] and reader.resumes == 2
    assert asked == ["bytes=2000-5999", "bytes=3500-5999", "bytes=4200-5999"]


def test_a_closed_range_gives_up_after_max_resumes():
    with pytest.raises(exc.ConnectionFailed, match="giving up"):
        list(RangedReader(opener_for(DATA, [10, 10, 10], []), None, 1000, max_resumes=2, start=0, end=1000))


def test_start_position_is_where_a_seekable_file_stands(tmp_path):
    handle = io.BytesIO(DATA)
    handle.seek(100)
    assert start_position(handle) == 100
    path = tmp_path / "f"
    path.write_bytes(DATA)
    with open(path, "rb") as real:
        real.seek(7)
        assert start_position(real) == 7
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as pipe, os.fdopen(write_end, "wb"):
        assert start_position(pipe) is None
    for not_a_file in (b"x", bytearray(b"x"), memoryview(b"x"), "path", None, iter([b"x"])):
        assert start_position(not_a_file) is None


def test_source_reader_reads_every_kind_of_source_alike(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(DATA)
    handle = open(path, "rb")
    try:
        for source in (DATA, bytearray(DATA), memoryview(DATA), io.BytesIO(DATA), str(path), handle):
            reader = SourceReader(source, chunk_size=1000)
            assert reader.size == len(DATA) and reader.seekable
            assert reader.read(10) == DATA[:10]
            reader.seek(0)
            assert b"".join(iter(reader.read, b"")) == DATA
            reader.close()
    finally:
        handle.close()
    one_shot = SourceReader(iter([DATA[:5], b"", DATA[5:]]))
    assert one_shot.size is None and not one_shot.seekable
    assert one_shot.read() == DATA[:5]  # an iterator's own pieces, unsplit
    assert one_shot.read(3) == DATA[5:8]
    one_shot.unread(b"xy")
    assert one_shot.read(2) == b"xy" and one_shot.position == 8
    with pytest.raises(exc.BodyNotRewindable):
        one_shot.seek(0)


@pytest.mark.parametrize("source", [12, None, {"a": b"b"}, object()])
def test_source_reader_refuses_what_is_not_data(source):
    with pytest.raises(exc.InvalidArgument, match="must be bytes"):
        SourceReader(source)


def test_source_reader_refuses_text():
    with pytest.raises(exc.InvalidArgument, match="not text"):
        SourceReader(iter(["text"])).read()
    with pytest.raises(exc.InvalidArgument, match="not text"):
        SourceReader(io.StringIO("text")).read()


def test_bodies_declare_what_the_http_layer_relies_on():
    stream = UploadStream(DATA)
    part = PartBody(SourceReader(DATA), 100, 100, 10, lambda count: None)
    for body in (stream, part):
        assert isinstance(body, RewindableBody) and isinstance(body, UploadBody)
    assert not isinstance(io.BytesIO(DATA), RewindableBody)
    assert b"".join(part) == DATA[:100] and part.hexdigests() == {"md5": part.md5}
    stream.close()


def test_part_body_rewinds_to_its_own_start_in_a_shared_reader():
    reader = SourceReader(DATA)
    reader.read(50)
    counted: List[int] = []
    part = PartBody(reader, 100, 100, 30, counted.append)
    first = b"".join(part)
    part.rewind()
    assert b"".join(part) == first == DATA[50:150]
    assert sum(counted) == 100  # the rewind took its bytes back
