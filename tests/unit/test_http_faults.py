"""Faults (issue #7 item 6, transport part): an idempotent request whose
reply is cut mid-body is retried within the budget, a POST is not; the
per-call deadline ends a server trickling its reply; streams and uploads are
left to the per-read timeout. Real sockets on loopback, no time asserted."""

from __future__ import annotations

import json
import time
from typing import List

import pytest
import requests

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.http import DEFAULT_DEADLINE, Transport
from pyrax_image.http_body import DeadlinePassed, iter_body
from tests.unit.helpers import IMAGE_ID, V2, image_info, make_client
from tests.unit.loopback import LoopbackServer, Received, Reply

IMAGE = json.dumps(image_info()).encode()
JSON = {"Content-Type": "application/json"}


def cut_then_whole(cuts: int):
    """A handler whose first ``cuts`` replies stop after 10 bytes of the body."""
    seen: List[int] = []

    def handler(request: Received) -> Reply:
        seen.append(1)
        if len(seen) <= cuts:
            return Reply(200, IMAGE, JSON, cut_after=10)
        return Reply(200, IMAGE, JSON)

    return handler


def client_of(server: LoopbackServer, delays: List[float], **kwargs) -> ImageClient:
    return make_client(delays, server.url, identity=TokenIdentity("fault-token", tenant_id="p"), **kwargs)


@pytest.mark.parametrize("cuts", [1, 3])
def test_get_cut_mid_body_is_retried_within_the_budget(delays, cuts):
    with LoopbackServer(cut_then_whole(cuts)) as server:
        image = client_of(server, delays).get(IMAGE_ID)
    assert image.id == IMAGE_ID and len(server.requests) == cuts + 1


def test_get_cut_every_time_ends_with_connection_failed(delays):
    with LoopbackServer(cut_then_whole(99)) as server:
        with pytest.raises(exc.ConnectionFailed, match="cut short"):
            client_of(server, delays).get(IMAGE_ID)
    assert len(server.requests) == 4  # the first attempt and 3 retries


def test_put_with_bytes_cut_mid_reply_is_resent_whole(delays):
    with LoopbackServer(cut_then_whole(1)) as server:
        client_of(server, delays).method_put("/images/%s/thing" % IMAGE_ID, body={"a": 1})
    assert [r.body for r in server.requests] == [b'{"a": 1}', b'{"a": 1}']


def test_post_cut_mid_reply_is_not_resent(delays):
    with LoopbackServer(cut_then_whole(1)) as server:
        with pytest.raises(exc.ConnectionFailed, match="cut short"):
            client_of(server, delays).method_post("/images", body={"name": "n"})
    assert len(server.requests) == 1


def test_chunked_encoding_error_on_get_is_retried(client, rsps):
    rsps.get(V2 + "/images/" + IMAGE_ID, body=requests.exceptions.ChunkedEncodingError("cut"))
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    assert client.get(IMAGE_ID).id == IMAGE_ID and len(rsps.calls) == 2


def test_deadline_ends_a_trickling_server(delays):
    trickled = Reply(200, IMAGE, JSON, trickle=0.3)  # ~2 minutes for the whole body
    with LoopbackServer(lambda r: trickled) as server:
        client = client_of(server, delays, deadline=1)
        with pytest.raises(exc.RequestTimeout, match="deadline") as info:
            client.get(IMAGE_ID)
    assert len(server.requests) == 1  # a deadline is not retried
    assert "fault-token" not in str(info.value)


def test_per_call_deadline_overrides_the_clients(delays):
    trickled = Reply(200, IMAGE, JSON, trickle=0.3)
    with LoopbackServer(lambda r: trickled) as server:
        client = client_of(server, delays)  # the default deadline: minutes
        with pytest.raises(exc.RequestTimeout):
            client.method_get("/images/%s" % IMAGE_ID, deadline=0.5)


def test_deadline_does_not_cut_a_streamed_download(delays):
    body = b"12345"
    with LoopbackServer(lambda r: Reply(200, body, {"Content-Type": "application/octet-stream"},
                                        trickle=0.3)) as server:
        client = client_of(server, delays, deadline=0.5)
        response, _ = client.method_get("/images/%s/file" % IMAGE_ID, stream=True)
        assert b"".join(response.iter_content(2)) == body  # governed by the read timeout only


def test_iter_body_offers_a_deadline_to_stream_readers(delays):
    with LoopbackServer(lambda r: Reply(200, IMAGE, {}, trickle=0.3)) as server:
        response, _ = client_of(server, delays).method_get("/x", stream=True)
        with pytest.raises(DeadlinePassed):
            for _chunk in iter_body(response, 1024, deadline_at=time.monotonic() + 0.5):
                pass
        response.close()


def test_deadline_does_not_apply_while_a_stream_is_uploaded(delays):
    def slow_upload():
        for piece in (b"a", b"b", b"c"):
            time.sleep(0.3)
            yield piece

    with LoopbackServer(lambda r: Reply(204)) as server:
        client = client_of(server, delays, deadline=0.5)
        client.method_put("/images/%s/file" % IMAGE_ID, data=slow_upload())
    assert server.requests[0].body == b"abc"


def test_deadline_defaults_and_documented_rule():
    assert DEFAULT_DEADLINE == 300.0
    assert Transport().deadline == 300.0
    assert Transport(timeout=100).deadline == 400.0  # 4x the read timeout when longer
    assert Transport(timeout=(5, 120)).deadline == 480.0
    assert Transport(deadline=7).deadline == 7.0
    client = make_client([], deadline=12)
    assert client.transport.deadline == 12.0


def test_retry_waits_never_outlast_the_deadline(rsps, delays):
    client = make_client(delays, deadline=5)
    rsps.get(V2 + "/images/" + IMAGE_ID, status=503, headers={"Retry-After": "60"})
    with pytest.raises(exc.ServiceUnavailable):
        client.get(IMAGE_ID)
    assert delays == [] and len(rsps.calls) == 1


def test_read_timeout_is_bounded_by_what_is_left_of_the_deadline(rsps, delays):
    client = make_client(delays, deadline=2)
    rsps.get(V2 + "/images", json={"images": []})
    client.list()
    assert rsps.calls[0].request.req_kwargs["timeout"] <= 2


def test_a_response_hook_that_reads_the_body_does_not_empty_it(client, rsps):
    client.session.hooks["response"].append(lambda response, *a, **k: response.json() and None)
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    assert client.get(IMAGE_ID).id == IMAGE_ID


def test_parse_false_gives_the_read_body_unparsed(client, rsps):
    rsps.post(V2 + "/images", status=201, body="<html>not json</html>", content_type="text/html")
    response, body = client.method_post("/images", body={"name": "n"}, parse=False)
    assert body is None and response.content == b"<html>not json</html>"
