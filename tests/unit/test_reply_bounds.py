"""Bounded replies (issue 16, "Memory and CPU under a hostile reply"): every
reply read whole has a cap counted on decoded bytes, so a gzip bomb, an
endless body or a huge listing page ends in a clear error with memory
bounded; JSON has a nesting limit; error bodies are parsed in linear time.
Real sockets on loopback where the bytes on the wire matter."""

from __future__ import annotations

import gzip
import itertools
import tracemalloc
from typing import Any, Callable, Iterator

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image.http_body import DEFAULT_MAX_REPLY_BYTES
from pyrax_image.identity import KeystoneIdentity
from pyrax_image.json_limits import MAX_JSON_DEPTH
from tests.unit.helpers import IMAGES, image_info, make_client
from tests.unit.loopback import LoopbackServer, Received, Reply

MIB = 1024 * 1024
JSON = {"Content-Type": "application/json"}
GZIP_JSON = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
DEEP = "[" * 100000 + "]" * 100000


def gzip_bomb(inflated_mib: int) -> bytes:
    """About 1 KiB per inflated MiB: gzip members of zeros, one after the other."""
    return gzip.compress(b"\0" * MIB) * inflated_mib


def endless() -> Iterator[bytes]:
    return itertools.repeat(b"x" * 65536)


def peak_bytes(call: Callable[[], Any]) -> int:
    """The peak of Python memory while ``call`` runs (it is expected to raise)."""
    tracemalloc.start()
    try:
        call()
    except exc.PyraxImageException:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def answering(reply: Reply) -> Callable[[Received], Reply]:
    return lambda request: reply


# -- the cap on decoded bytes -----------------------------------------------------------
def test_a_gzip_bomb_listing_stops_at_the_default_cap(delays):
    with LoopbackServer(answering(Reply(200, gzip_bomb(1024), GZIP_JSON))) as server:
        images = make_client(delays, server.url)
        with pytest.raises(
            exc.InvalidResponse, match="larger than the %d-byte cap" % DEFAULT_MAX_REPLY_BYTES
        ):
            images.list()
        assert peak_bytes(images.list) < 3 * DEFAULT_MAX_REPLY_BYTES  # not the 1 GiB it inflates to


def test_the_cap_is_a_client_setting(delays):
    with LoopbackServer(answering(Reply(200, gzip_bomb(8), GZIP_JSON))) as server:
        images = make_client(delays, server.url, max_reply_bytes=MIB)
        with pytest.raises(exc.InvalidResponse, match="max_reply_bytes") as caught:
            images.list()
    assert "%d-byte cap" % MIB in str(caught.value) and caught.value.code == 200
    assert images.transport.max_reply_bytes == MIB
    with pytest.raises(exc.InvalidArgument, match="max_reply_bytes"):
        make_client(delays, max_reply_bytes=0)


def test_a_gzip_bomb_error_reply_is_the_statuss_error_naming_the_cap(delays):
    with LoopbackServer(answering(Reply(500, gzip_bomb(256), GZIP_JSON))) as server:
        images = make_client(delays, server.url, max_reply_bytes=4 * MIB)
        with pytest.raises(exc.InternalServerError, match="larger than the %d-byte cap" % (4 * MIB)):
            images.list()
        assert peak_bytes(images.list) < 12 * MIB


def test_a_gzip_bomb_login_reply_stops_at_the_cap():
    def keystone(request: Received) -> Reply:
        return Reply(201, gzip_bomb(256), {**GZIP_JSON, "X-Subject-Token": "t"})

    with LoopbackServer(keystone) as server:
        identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=server.url + "/v3")
        identity._transport.max_reply_bytes = 4 * MIB
        with pytest.raises(exc.InvalidResponse, match="cap"):
            identity.authenticate()
        assert peak_bytes(identity.authenticate) < 12 * MIB
    assert not identity.authenticated


def test_an_endless_fast_body_under_a_deadline_ends_without_memory_growth(delays):
    with LoopbackServer(answering(Reply(200, headers=JSON, pieces=endless()))) as server:
        images = make_client(delays, server.url, deadline=3)
        with pytest.raises((exc.InvalidResponse, exc.RequestTimeout)):
            images.list()
        assert peak_bytes(images.list) < 3 * DEFAULT_MAX_REPLY_BYTES


def test_an_endless_body_on_an_error_status_stops_at_the_cap(delays):
    with LoopbackServer(
        answering(Reply(400, headers={"Content-Type": "text/html"}, pieces=endless()))
    ) as server:
        images = make_client(delays, server.url, max_reply_bytes=MIB)
        with pytest.raises(exc.BadRequest, match="cap"):
            images.get("some-image")


# -- listing pages ---------------------------------------------------------------------------
def test_a_page_with_far_more_entries_than_asked_is_invalid(client, rsps):
    page = {"images": [{"id": "i%d" % n} for n in range(200000)]}
    rsps.add(responses.GET, IMAGES, json=page)
    with pytest.raises(exc.InvalidResponse, match="200000 entries, more than the 1000"):
        client.list(limit=10)


def test_a_page_over_glances_maximum_is_invalid_in_iter_all(client, rsps):
    rsps.add(responses.GET, IMAGES, json={"images": [image_info("i%d" % n) for n in range(1001)]})
    with pytest.raises(exc.InvalidResponse, match="1001 entries"):
        list(client.iter_all())


def test_a_full_glance_page_is_fine(client, rsps):
    rsps.add(responses.GET, IMAGES, json={"images": [image_info("i%d" % n) for n in range(1000)]})
    assert len(client.list(limit=5000)) == 1000


# -- JSON nesting ------------------------------------------------------------------------------
def test_deep_json_listing_is_invalid_response_not_recursion_error(client, rsps):
    rsps.add(responses.GET, IMAGES, body=DEEP, content_type="application/json")
    with pytest.raises(exc.InvalidResponse, match="nested more than %d levels" % MAX_JSON_DEPTH):
        client.list()


def test_json_just_past_the_limit_is_refused_too(client, rsps):
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH):
        nested = [nested]
    rsps.add(responses.GET, IMAGES, json={"images": [], "deep": nested})
    with pytest.raises(exc.InvalidResponse, match="nesting limit"):
        client.list()


def test_json_at_the_limit_is_read(client, rsps):
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    rsps.add(responses.GET, IMAGES, json={"images": [{"id": "a"}], "deep": nested})  # 100 levels
    (image,) = client.list()
    assert image.id == "a"


def test_deep_json_error_reply_is_the_statuss_error(client, rsps):
    rsps.add(responses.GET, IMAGES, body=DEEP, status=400, content_type="application/json")
    with pytest.raises(exc.BadRequest, match="nesting limit"):
        client.list()


@pytest.mark.parametrize("status", [201, 401])
def test_deep_json_login_reply_is_a_clear_error(rsps, status):
    url = "https://keystone.example.com:5000/v3"
    rsps.add(
        responses.POST,
        url + "/auth/tokens",
        body=DEEP,
        status=status,
        content_type="application/json",
        headers={"X-Subject-Token": "t"},
    )
    identity = KeystoneIdentity("alice", "pw", tenant_name="alpha", auth_endpoint=url)
    expected = exc.InvalidResponse if status == 201 else exc.AuthenticationFailed
    with pytest.raises(expected, match="nesting limit"):
        identity.authenticate()


def test_deep_json_discovery_document_is_invalid_response(rsps):
    root = "https://keystone.example.com:5000"
    rsps.add(responses.GET, root, body=DEEP, content_type="application/json")
    with pytest.raises(exc.InvalidResponse, match="nesting limit"):
        KeystoneIdentity("alice", "pw", auth_endpoint=root).authenticate()


# -- error bodies in linear time ------------------------------------------------------------------
@pytest.mark.timeout(60)  # a hang guard: the quadratic parser took minutes on these bodies
@pytest.mark.parametrize(
    "body",
    ["<script>" * 131072, "<title>" * 150000, "<h1>" * 250000, "<" * 1048576, "<style>x" * 131072],
    ids=["script", "title", "h1", "lt", "style"],
)
def test_hostile_html_error_bodies_are_parsed_in_linear_time(client, rsps, body):
    rsps.add(responses.GET, IMAGES, body=body, status=400, content_type="text/html")
    with pytest.raises(exc.BadRequest):
        client.list()


def test_html_error_bodies_still_give_their_message(client, rsps):
    page = (
        "<html><head><title>404 Not Found</title><SCRIPT>var x;</SCRIPT></head><body>"
        "<h1>404 Not Found</h1>The image &lt;x&gt; could not be found.<hr>nginx</body></html>"
    )
    rsps.add(responses.GET, IMAGES, body=page, status=404, content_type="text/html")
    with pytest.raises(exc.NotFound) as caught:
        client.list()
    assert caught.value.message == "The image <x> could not be found."
