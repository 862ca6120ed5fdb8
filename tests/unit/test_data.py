"""Upload: sources, chunking, size headers, hashing, verification and fault paths."""

from __future__ import annotations

import hashlib
import io
import threading
from typing import Any, Dict, List

import pytest
import requests
import responses

from pyrax_image import exceptions as exc
from pyrax_image.transfer import HashSet, UploadStream, verify_digests
from pyrax_image.transfer.options import TransferOptions
from tests.unit.helpers import (
    FILE,
    IMAGE_ID,
    ITEM,
    V2,
    active_info,
    assert_headers,
    assert_no_request,
    call,
    image_info,
    reading_callback,
)

DATA = bytes(range(256)) * 20 + b"tail"


def active(data: bytes = DATA, **extra: Any) -> Dict[str, Any]:
    return active_info(data, **extra)


def sized_chunks(body: Any) -> List[int]:
    return [len(chunk) for chunk in body]


# -- UploadStream --------------------------------------------------------------------------------
def test_stream_chunks_and_hashes_every_kind_of_source(tmp_path):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    sources = [
        DATA,
        bytearray(DATA),
        memoryview(DATA),
        io.BytesIO(DATA),
        str(path),
        path,
        iter([DATA[:1000], b"", DATA[1000:]]),
    ]
    for source in sources:
        stream = UploadStream(source, TransferOptions(chunk_size=1024))
        chunks = list(stream)
        assert b"".join(chunks) == DATA
        assert stream.bytes_sent == len(DATA)
        assert stream.hexdigests() == {
            "md5": hashlib.md5(DATA).hexdigest(),
            "sha512": hashlib.sha512(DATA).hexdigest(),
        }
        stream.close()


def test_stream_knows_the_size_of_bytes_files_and_paths_not_iterators(tmp_path):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    handle = io.BytesIO(DATA)
    handle.seek(100)
    assert UploadStream(DATA).len == len(DATA)
    assert UploadStream(handle).len == len(DATA) - 100  # from the current position
    with open(path, "rb") as real:
        assert UploadStream(real).len == len(DATA)
    assert UploadStream(iter([DATA])).len is None
    assert UploadStream(iter([DATA]), size=len(DATA)).len == len(DATA)


def test_stream_chunk_size_is_respected():
    stream = UploadStream(DATA, TransferOptions(chunk_size=1000))
    assert sized_chunks(stream)[:-1] == [1000] * (len(DATA) // 1000)


@pytest.mark.parametrize(
    "options",
    [{"chunk_size": 0}, {"chunk_size": -1}, {"chunk_size": 1.5}, {"chunk_size": True}, {"progress": 3}],
)
def test_the_options_of_a_stream_are_refused_when_made(options):
    with pytest.raises(exc.InvalidArgument):
        UploadStream(DATA, TransferOptions(**options))


def test_stream_rejects_a_negative_size():
    with pytest.raises(exc.InvalidArgument):
        UploadStream(DATA, size=-1)


@pytest.mark.parametrize("source", [12, 3.5, None, object()])
def test_stream_rejects_what_is_not_data(source):
    with pytest.raises(exc.InvalidArgument):
        UploadStream(source)


def test_stream_of_a_missing_path_is_refused(tmp_path):
    with pytest.raises(exc.InvalidArgument, match="No such file"):
        UploadStream(str(tmp_path / "nope"))


def test_stream_refuses_text_chunks():
    with pytest.raises(exc.InvalidArgument, match="bytes"):
        list(UploadStream(iter(["text"])))


def test_stream_shorter_or_longer_than_its_size_raises():
    with pytest.raises(exc.InvalidArgument, match="given as"):
        list(UploadStream(iter([b"abc"]), size=10))
    with pytest.raises(exc.InvalidArgument, match="longer"):
        list(UploadStream(iter([b"abc", b"def"]), size=4))


def test_stream_rewind_restarts_data_and_hashes():
    stream = UploadStream(io.BytesIO(DATA), TransferOptions(chunk_size=512))
    first = b"".join(stream)
    assert stream.rewindable
    stream.rewind()
    assert stream.bytes_sent == 0
    assert b"".join(stream) == first
    assert stream.hexdigests()["md5"] == hashlib.md5(DATA).hexdigest()


def test_iterator_stream_is_rewindable_only_before_it_starts():
    stream = UploadStream(iter([DATA]))
    assert stream.rewindable
    list(stream)
    assert not stream.rewindable
    with pytest.raises(exc.BodyNotRewindable):
        stream.rewind()


def test_progress_reports_bytes_and_total():
    seen: List[Any] = []
    list(
        UploadStream(
            DATA, TransferOptions(chunk_size=2048, progress=lambda done, total: seen.append((done, total)))
        )
    )
    assert seen[-1] == (len(DATA), len(DATA))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    unknown: List[Any] = []
    list(
        UploadStream(
            iter([b"ab", b"cd"]), TransferOptions(progress=lambda done, total: unknown.append((done, total)))
        )
    )
    assert unknown == [(2, None), (4, None)]


def test_hashset_matches_hashlib_and_holds_its_result():
    hashes = HashSet("sha256")
    for piece in (DATA[:100], DATA[100:]):
        hashes.update(piece)
    digests = hashes.hexdigests()
    assert digests == {"md5": hashlib.md5(DATA).hexdigest(), "sha256": hashlib.sha256(DATA).hexdigest()}
    assert hashes.hexdigests() == digests
    with pytest.raises(RuntimeError):
        hashes.update(b"more")


def test_verify_digests_order_and_messages():
    good = {"md5": hashlib.md5(DATA).hexdigest(), "sha512": hashlib.sha512(DATA).hexdigest()}
    info = active()
    assert verify_digests(info, good, len(DATA)) == "sha512"
    with pytest.raises(exc.ChecksumMismatch) as caught:
        verify_digests(dict(info, os_hash_value="0" * 128), good, len(DATA), IMAGE_ID)
    assert caught.value.algorithm == "sha512" and IMAGE_ID in str(caught.value)
    with pytest.raises(exc.ChecksumMismatch) as caught:
        verify_digests(dict(info, checksum="0" * 32), good, len(DATA))
    assert caught.value.algorithm == "md5"
    with pytest.raises(exc.ChecksumMismatch) as caught:
        verify_digests(info, good, len(DATA) - 1)
    assert caught.value.algorithm == "size"
    assert verify_digests({"checksum": good["md5"]}, good, None) == "md5"
    assert verify_digests({}, good, None) is None
    with pytest.raises(exc.ChecksumMismatch):
        verify_digests({}, good, None, required=True)


# -- ImageClient.upload --------------------------------------------------------------------------
def test_upload_streams_with_sizes_and_verifies(client, rsps):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback(received))
    rsps.get(ITEM, json=active())
    progress: List[Any] = []
    image = client.upload(IMAGE_ID, DATA, chunk_size=1000, progress=lambda d, t: progress.append((d, t)))
    put = call(rsps, 0)
    assert_headers(put, "application/octet-stream")
    assert put.headers["Content-Length"] == str(len(DATA))
    assert put.headers["x-openstack-image-size"] == str(len(DATA))
    assert "Transfer-Encoding" not in put.headers
    assert received == [DATA]
    assert progress[-1] == (len(DATA), len(DATA)) and len(progress) == len(DATA) // 1000 + 1
    assert image.status == "active"


def test_upload_hashes_in_the_thread_that_sends(client, rsps):
    """No hashing thread runs while the body is sent (issue 19 item 4: a
    second thread cost more client CPU than it saved), and the digests are
    still checked: a mismatch is refused."""
    hashing: List[List[str]] = []

    def callback(request: Any) -> Any:
        assert b"".join(request.body) == DATA
        hashing.append([t.name for t in threading.enumerate() if t.name == "pyrax_image-hash"])
        return 204, {}, b""

    rsps.add_callback(responses.PUT, FILE, callback=callback)
    rsps.get(ITEM, json=active())
    assert client.upload(IMAGE_ID, DATA).status == "active"
    assert hashing == [[]]
    rsps.add_callback(responses.PUT, FILE, callback=callback)
    rsps.replace(responses.GET, ITEM, json=active(b"other data"))
    with pytest.raises(exc.ChecksumMismatch):
        client.upload(IMAGE_ID, DATA)


def test_upload_of_an_iterator_goes_chunked_without_size_headers(client, rsps):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback(received))
    rsps.get(ITEM, json=active())
    client.upload(IMAGE_ID, iter([DATA[:10], DATA[10:]]))
    put = call(rsps, 0)
    assert put.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in put.headers and "x-openstack-image-size" not in put.headers
    assert received == [DATA]


def test_upload_of_an_iterator_with_size_sends_both_headers(client, rsps):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback(received))
    rsps.get(ITEM, json=active())
    client.upload(IMAGE_ID, iter([DATA]), size=len(DATA))
    assert call(rsps, 0).headers["Content-Length"] == str(len(DATA))
    assert call(rsps, 0).headers["x-openstack-image-size"] == str(len(DATA))


@pytest.mark.parametrize(
    "field, algorithm", [("os_hash_value", "sha512"), ("checksum", "md5"), ("size", "size")]
)
def test_upload_mismatch_raises_checksum_mismatch(client, rsps, field, algorithm):
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    wrong = {"os_hash_value": "0" * 128, "checksum": "0" * 32, "size": 1}[field]
    rsps.get(ITEM, json=active(**{field: wrong}))
    with pytest.raises(exc.ChecksumMismatch) as caught:
        client.upload(IMAGE_ID, DATA)
    assert caught.value.algorithm == algorithm


def test_upload_without_verify_accepts_a_mismatch(client, rsps):
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active(checksum="0" * 32))
    assert client.upload(IMAGE_ID, DATA, verify=False).status == "active"


def test_upload_uses_the_hash_algorithm_asked_for(client, rsps):
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active(os_hash_algo="sha256", os_hash_value=hashlib.sha256(DATA).hexdigest()))
    client.upload(IMAGE_ID, DATA, hash_algo="sha256")
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active(os_hash_algo="sha256", os_hash_value="0" * 64))
    with pytest.raises(exc.ChecksumMismatch):
        client.upload(IMAGE_ID, DATA, hash_algo="sha256")


def test_create_whose_upload_mismatches_deletes_the_image(client, rsps):
    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active(checksum="0" * 32))
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ChecksumMismatch):
        client.create("n", data=DATA)
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "GET", "DELETE"]


def test_create_can_keep_the_image_after_a_failed_upload(client, rsps):
    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.put(FILE, status=415, json={"message": "does not match stream data"})
    with pytest.raises(exc.UnsupportedMediaType):
        client.create("n", data=DATA, keep_on_failure=True)
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT"]


def test_upload_retried_after_503_resends_a_file_from_its_start(client, rsps, delays):
    received: List[bytes] = []
    rsps.put(FILE, status=503)
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback(received))
    rsps.get(ITEM, json=active())
    handle = io.BytesIO(DATA)
    client.upload(IMAGE_ID, handle, chunk_size=777, inspect=False)  # no GET of the formats first
    assert received == [DATA]  # the second attempt sent every byte, and hashes matched
    assert len(delays) == 1


def test_upload_of_a_consumed_iterator_is_not_resent(client, rsps):
    def consume_then_fail(request: Any) -> Any:
        b"".join(request.body)
        return 503, {}, b""

    rsps.add_callback(responses.PUT, FILE, callback=consume_then_fail)
    with pytest.raises(exc.ServiceUnavailable):
        client.upload(IMAGE_ID, iter([DATA]))
    assert len(rsps.calls) == 1


def test_upload_connection_error_on_a_consumed_iterator_is_not_resent(client, rsps):
    def consume_then_drop(request: Any) -> Any:
        b"".join(request.body)
        raise requests.exceptions.ConnectionError("reset")

    rsps.add_callback(responses.PUT, FILE, callback=consume_then_drop)
    with pytest.raises(exc.ConnectionFailed):
        client.upload(IMAGE_ID, iter([DATA]))
    assert len(rsps.calls) == 1


def test_upload_waits_for_saving_to_become_active_before_verifying(client, rsps, monkeypatch):
    from pyrax_image.image import waiters

    monkeypatch.setattr(waiters._Clock, "sleep", staticmethod(lambda seconds: None))
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active(status="saving", checksum=None, os_hash_value=None))
    rsps.get(ITEM, json=active(status="saving", checksum=None, os_hash_value=None))
    rsps.get(ITEM, json=active())
    assert client.upload(IMAGE_ID, DATA).status == "active"


def test_upload_with_bad_arguments_sends_nothing(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.upload(IMAGE_ID, DATA, chunk_size=0)
    with pytest.raises(exc.InvalidArgument):
        client.upload(IMAGE_ID, 42)
    with pytest.raises(exc.InvalidArgument):
        client.upload("", DATA)
    assert_no_request(rsps)


def test_an_error_of_the_data_source_reaches_the_caller_and_the_image_is_deleted(client, rsps):
    def breaking():
        yield DATA[:100]
        raise OSError("disk went away")

    def consume(request: Any) -> Any:
        b"".join(request.body)
        return 204, {}, b""

    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.add_callback(responses.PUT, FILE, callback=consume)
    rsps.delete(ITEM, status=204)
    with pytest.raises(OSError, match="disk went away"):
        client.create("n", data=breaking())
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "DELETE"]


def test_a_progress_callback_can_abort_an_upload(client, rsps):
    class Stop(Exception):
        pass

    def progress(done: int, total: Any) -> None:
        if done > 1000:
            raise Stop()

    def consume(request: Any) -> Any:
        b"".join(request.body)
        return 204, {}, b""

    rsps.add_callback(responses.PUT, FILE, callback=consume)
    with pytest.raises(Stop):
        client.upload(IMAGE_ID, iter([DATA[:800], DATA[800:1600], DATA[1600:]]), progress=progress)


def test_a_failed_create_retries_deleting_an_image_glance_is_still_writing(client, rsps, delays):
    rsps.add(responses.POST, V2 + "/images", json=image_info(status="queued"), status=201)
    rsps.add(responses.PUT, FILE, body=requests.exceptions.ConnectionError("connection cut"))
    # Glance answers 500 ("database is locked") while it resets the aborted upload.
    rsps.add(responses.DELETE, ITEM, json={"message": "database is locked"}, status=500)
    rsps.add(responses.DELETE, ITEM, status=204)
    with pytest.raises(exc.ConnectionFailed):
        client.create("img", img_format="raw", data=iter([DATA]))
    methods = [c.request.method for c in rsps.calls]
    assert methods[0] == "POST" and methods[-3:] == ["PUT", "DELETE", "DELETE"]
    assert delays  # waited between the attempts


def test_a_failed_create_gives_up_deleting_when_forbidden(client, rsps, caplog):
    rsps.add(responses.POST, V2 + "/images", json=image_info(status="queued"), status=201)
    rsps.add(responses.PUT, FILE, body=requests.exceptions.ConnectionError("connection cut"))
    rsps.add(responses.DELETE, ITEM, json={"message": "protected"}, status=403)
    with pytest.raises(exc.ConnectionFailed):
        client.create("img", img_format="raw", data=iter([DATA]))
    methods = [c.request.method for c in rsps.calls]
    assert methods[0] == "POST" and methods[-2:] == ["PUT", "DELETE"] and methods.count("DELETE") == 1
    assert "Could not delete image %s" % IMAGE_ID in caplog.text
