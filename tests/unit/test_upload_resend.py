"""An upload cut after Glance received part of it (issue 16 item 8): the
resend waits for Glance to leave ``saving``; a bogus ``hash_algo`` is refused
before any byte is sent."""

from __future__ import annotations

import io
from typing import Any, List

import pytest
import requests
import responses

from pyrax_image import Image
from pyrax_image import exceptions as exc
from tests.unit.helpers import FILE, IMAGE_ID, ITEM, active_info, assert_no_request, image_info

# inspect=False: the tests count the requests of a resend, not the GET that reads
# the image's formats to check the file against them (tests/unit/test_inspect_uploads.py).
DATA = bytes(range(256)) * 40


def cut_after_reading(received: List[bytes], limit: int) -> Any:
    """A PUT callback that reads ``limit`` bytes (Glance got them), then the connection breaks."""

    def _callback(request: Any) -> Any:
        body = request.body
        data = b""
        for chunk in body:
            data += chunk
            if len(data) >= limit:
                break
        received.append(data)
        raise requests.exceptions.ConnectionError("connection reset by peer")

    return _callback


def reads_all_then_breaks(received: List[bytes]) -> Any:
    """A PUT callback: the whole body goes out, the reply is lost (as when
    Glance answers 409 for an active image and closes without reading)."""

    def _callback(request: Any) -> Any:
        received.append(b"".join(request.body))
        raise requests.exceptions.ConnectionError("connection reset by peer")

    return _callback


def whole(received: List[bytes]) -> Any:
    def _callback(request: Any) -> Any:
        received.append(b"".join(request.body))
        return 204, {}, b""

    return _callback


def test_a_cut_upload_is_resent_once_glance_left_saving(client, rsps, delays):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=cut_after_reading(received, 3000))
    rsps.get(ITEM, json=image_info(status="saving"))
    rsps.get(ITEM, json=image_info(status="saving"))
    rsps.get(ITEM, json=image_info(status="queued"))
    rsps.add_callback(responses.PUT, FILE, callback=whole(received))
    rsps.get(ITEM, json=active_info(DATA))
    client.upload(IMAGE_ID, io.BytesIO(DATA), chunk_size=1024, inspect=False)
    methods = [c.request.method for c in rsps.calls]
    assert methods == ["PUT", "GET", "GET", "GET", "PUT", "GET"]  # no resend while saving
    assert len(received[0]) >= 3000 and received[1] == DATA
    assert len(delays) >= 2  # paused between the status polls


def test_a_cut_upload_whose_image_became_active_is_not_resent(client, rsps, delays):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reads_all_then_breaks(received))
    rsps.get(ITEM, json=active_info(DATA))
    rsps.get(ITEM, json=active_info(DATA))
    image = client.upload(IMAGE_ID, io.BytesIO(DATA), inspect=False)
    assert image.status == "active" and [c.request.method for c in rsps.calls] == ["PUT", "GET", "GET"]


@pytest.mark.parametrize("verify", [True, False])
def test_a_lost_refusal_of_an_image_that_held_data_is_not_taken_for_a_stored_upload(
    client, rsps, delays, verify
):
    """An image already active refuses new data; when the refusal is lost
    with the connection, the still active image is not this send's doing:
    the failure is raised (it was ChecksumMismatch, or success without verify)."""
    old = b"already active"
    image = Image(client._manager, active_info(old))
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reads_all_then_breaks(received))
    rsps.get(ITEM, json=active_info(old))
    with pytest.raises(exc.ConnectionFailed):
        client.upload(image, io.BytesIO(DATA), inspect=False, verify=verify)
    assert received == [DATA] and [c.request.method for c in rsps.calls] == ["PUT", "GET"]


def test_a_lost_refusal_is_told_by_the_size_when_the_image_was_not_read_before(client, rsps, delays):
    """Uploading by id: the active image's size is not what was sent, so it
    holds other data (the same bytes as one before would have matched)."""
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reads_all_then_breaks(received))
    rsps.get(ITEM, json=active_info(b"already active"))
    with pytest.raises(exc.ConnectionFailed):
        client.upload(IMAGE_ID, io.BytesIO(DATA), inspect=False)
    assert [c.request.method for c in rsps.calls] == ["PUT", "GET"]


def test_a_queued_image_that_became_active_after_a_lost_reply_is_verified(client, rsps, delays):
    """The Image last seen queued: active afterwards with the size sent is
    this upload, verified against the digests sent."""
    image = Image(client._manager, image_info(status="queued"))
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=reads_all_then_breaks(received))
    rsps.get(ITEM, json=active_info(DATA))
    rsps.get(ITEM, json=active_info(DATA))
    assert client.upload(image, io.BytesIO(DATA), inspect=False) is image and image.status == "active"


@pytest.mark.parametrize("status", ["killed", "deleted", "active"])
def test_a_cut_upload_is_not_resent_into_an_image_that_cannot_take_it(client, rsps, delays, status):
    received: List[bytes] = []
    rsps.add_callback(responses.PUT, FILE, callback=cut_after_reading(received, 1000))
    rsps.get(ITEM, json=image_info(status=status))
    with pytest.raises(exc.ConnectionFailed):
        client.upload(IMAGE_ID, io.BytesIO(DATA), chunk_size=512, inspect=False)
    assert [c.request.method for c in rsps.calls] == ["PUT", "GET"]


def test_resends_stop_at_the_transport_retries(client, rsps, delays):
    client.transport.retries = 1
    received: List[bytes] = []
    for _ in range(2):
        rsps.add_callback(responses.PUT, FILE, callback=cut_after_reading(received, 1000))
    rsps.get(ITEM, json=image_info(status="queued"))
    with pytest.raises(exc.ConnectionFailed):
        client.upload(IMAGE_ID, io.BytesIO(DATA), chunk_size=512, inspect=False)
    assert [c.request.method for c in rsps.calls] == ["PUT", "GET", "PUT"]


@pytest.mark.parametrize("algo", ["bogus", "sha-999", 5])
def test_a_bogus_hash_algo_is_refused_before_any_byte_is_sent(client, rsps, algo):
    with pytest.raises(exc.InvalidArgument, match="hash_algo"):
        client.upload(IMAGE_ID, DATA, hash_algo=algo)
    with pytest.raises(exc.InvalidArgument, match="hash_algo"):
        client.create("n", img_format="raw", data=DATA, hash_algo=algo)
    assert_no_request(rsps)
