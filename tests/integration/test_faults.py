"""Network faults between the SDK and the real Glance and Swift.

Each test puts a :class:`~tests.faultproxy.FaultProxy` in front of a real
service, arms one fault and checks what a user sees: the data intact (bytes
verified), nothing listed twice, no image left behind by a failed create, the
right ``pyrax_image.exceptions`` class with no token in its text, and how
many requests were sent (the proxy counts them).
"""

from __future__ import annotations

import hashlib
import time

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.http_retry import RetryPolicy
from tests.faultproxy import (
    close_idle,
    race_close,
    reset_request,
    reset_response,
    retry_after,
    stall,
    trickle,
)
from tests.integration.fault_fixtures import COLLECTION, DATA, IMAGE_PATH, MIB, names_now, raised
from tests.integration.helpers import ALPHA, delete_quietly, noauth_client


# -- replies cut short and connections reset -----------------------------------------------
def test_get_reset_before_any_reply_is_resent(glance, via, fault_image):
    glance.add(reset_request(0), method="GET", path=IMAGE_PATH % fault_image.id)
    image = via.get(fault_image.id)
    assert (image.id, image.checksum) == (fault_image.id, fault_image.checksum)
    assert glance.count("GET", IMAGE_PATH % fault_image.id) == 2


@pytest.mark.parametrize("after", [0, 40])
def test_get_cut_mid_reply_is_resent(glance, via, fault_image, after):
    glance.add(reset_response(after), method="GET", path=IMAGE_PATH % fault_image.id)
    image = via.get(fault_image.id)
    assert (image.id, image.checksum) == (fault_image.id, fault_image.checksum)
    assert glance.count("GET", IMAGE_PATH % fault_image.id) == 2


def test_listing_cut_mid_page_lists_every_image_once(glance, via, alpha, unique, cleanup):
    created = sorted(alpha.create(unique + "-%d" % n, metadata={"tags": [unique]}).id for n in range(5))
    cleanup.extend(created)
    # Pages of 2: the second and third pages are each cut once, mid-body.
    glance.add(reset_response(120), method="GET", path=r"marker=")
    glance.add(reset_response(0), method="GET", path=r"marker=", skip=1)
    listed = [image.id for image in via.list_all(tag=unique, page_size=2)]
    assert sorted(listed) == created  # all of them, none twice
    assert glance.count("GET", COLLECTION) == 5  # 3 pages, 2 of them sent twice


def test_download_cut_twice_resumes_and_verifies(glance, via, fault_image):
    glance.add(reset_response(MIB + 77), method="GET", path=r"/file$", times=2)
    assert b"".join(via.download(fault_image, chunk_size=256 * 1024)) == DATA
    sent = glance.requests("GET", r"/file$")
    assert len(sent) == 3
    assert sent[0].headers.get("range") is None
    assert all(entry.headers["range"].startswith("bytes=") for entry in sent[1:])


def test_upload_of_bytes_reset_midway_is_resent_whole(glance, via, alpha, unique, cleanup):
    # The reset happens near the client: Glance never sees the first attempt.
    glance.add(reset_request(MIB, forward=False), method="PUT", path=r"/file$")
    image = via.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    assert names_now(alpha, unique) == [image.id]
    assert b"".join(alpha.download(image)) == DATA
    assert glance.count("PUT", r"/file$") == 2


def test_streamed_upload_reset_midway_leaves_no_image(glance, via, alpha, unique):
    glance.add(reset_request(MIB, forward=False), method="PUT", path=r"/file$")
    chunks = (DATA[i : i + 65536] for i in range(0, len(DATA), 65536))
    raised(exc.ConnectionFailed, lambda: via.create(unique, img_format="raw", data=chunks))
    assert names_now(alpha, unique) == []
    assert glance.count("PUT", r"/file$") == 1  # a consumed iterator is never resent


def test_reset_reply_raises_connection_failed_without_the_token(
    region_one, token_via, ks_fault_image, alice_login
):
    region_one.add(reset_response(10), method="GET", times=None)
    client = token_via(retries=1)
    raised(exc.ConnectionFailed, lambda: client.get(ks_fault_image.id), alice_login["token"])
    assert region_one.count("GET") == 2


# -- stalls and trickles -------------------------------------------------------------------------
def test_stall_past_the_timeout_raises_request_timeout_without_the_token(
    region_one, token_via, ks_fault_image, alice_login
):
    region_one.add(stall(4), method="GET", times=None)
    client = token_via(timeout=1)
    raised(exc.RequestTimeout, lambda: client.get(ks_fault_image.id), alice_login["token"])


def test_trickling_reply_is_ended_by_the_deadline_without_the_token(
    region_one, token_via, ks_fault_image, alice_login
):
    # One byte every 0.3 s never trips the per-read timeout; the deadline must.
    region_one.add(trickle(0.3, limit=20), method="GET", path=IMAGE_PATH % ks_fault_image.id, times=None)
    client = token_via(deadline=2)
    raised(exc.RequestTimeout, lambda: client.get(ks_fault_image.id), alice_login["token"])


def test_short_stalls_before_and_inside_a_reply_are_waited_out(glance, via, fault_image):
    glance.add(stall(0.5), method="GET", path=IMAGE_PATH % fault_image.id)
    glance.add(stall(0.5, after=30), method="GET", path=IMAGE_PATH % fault_image.id)
    assert via.get(fault_image.id).checksum == fault_image.checksum
    assert via.get(fault_image.id).checksum == fault_image.checksum
    assert glance.count("GET") == 2


# -- busy servers: 503 and 429 with Retry-After ----------------------------------------------------
def test_503_with_retry_after_twice_then_the_image(glance, via, fault_image):
    glance.add(retry_after(503, 1), method="GET", path=IMAGE_PATH % fault_image.id, times=2)
    assert via.get(fault_image.id).checksum == fault_image.checksum
    assert [entry.status for entry in glance.requests("GET")] == [503, 503, 200]


def test_429_on_create_is_resent_and_creates_one_image(glance, via, alpha, unique, cleanup):
    glance.add(retry_after(429, 0), method="POST", path=COLLECTION)
    image = via.create(unique, img_format="raw")
    cleanup.append(image)
    assert names_now(alpha, unique) == [image.id]
    assert [entry.status for entry in glance.requests("POST")] == [429, 201]


def test_503_on_create_is_not_resent_and_creates_nothing(region_one, token_via, alice_login, unique):
    region_one.add(retry_after(503, 0), method="POST", path=COLLECTION)
    client = token_via()
    raised(exc.ServiceUnavailable, lambda: client.create(unique, img_format="raw"), alice_login["token"])
    assert region_one.count("POST") == 1
    assert names_now(client, unique) == []


def test_retry_after_beyond_the_cap_is_not_waited_for(glance, via, fault_image):
    glance.add(retry_after(503, 3600), method="GET")
    raised(exc.ServiceUnavailable, lambda: via.get(fault_image.id))
    assert glance.count("GET") == 1


def test_503_storm_ends_after_the_retry_budget(region_one, token_via, ks_fault_image, alice_login):
    region_one.add(retry_after(503, 0), method="GET", times=None)
    client = token_via(retries=2)
    raised(exc.ServiceUnavailable, lambda: client.get(ks_fault_image.id), alice_login["token"])
    assert region_one.count("GET") == 3


# -- kept-alive connections closed by the server ----------------------------------------------------
def test_idle_connection_closed_by_the_server_is_replaced(glance, via, fault_image):
    via.get(fault_image.id)
    glance.add(close_idle(), method="GET")
    via.get(fault_image.id)
    via.get(fault_image.id)
    sent = glance.requests("GET")
    assert len(sent) == 3 and sent[2].connection != sent[1].connection


def test_get_racing_an_idle_close_is_resent(glance, via, fault_image):
    via.get(fault_image.id)
    glance.add(race_close(), method="GET")
    assert via.get(fault_image.id).checksum == fault_image.checksum
    sent = glance.requests("GET")
    assert [entry.fault for entry in sent] == [None, "race_close", None]


def test_delete_racing_an_idle_close_is_resent(glance, via, alpha, unique):
    image = alpha.create(unique, img_format="raw")
    via.get(image.id)
    glance.add(race_close(), method="DELETE")
    via.delete(image.id)
    assert names_now(alpha, unique) == []
    assert glance.count("DELETE") == 2


def test_create_racing_an_idle_close_makes_at_most_one_image(glance, via, alpha, unique):
    via.list(limit=1)
    glance.add(race_close(), method="POST")
    try:
        image = via.create(unique, img_format="raw")
    except exc.ConnectionFailed:
        assert names_now(alpha, unique) == []  # the server never saw it
    else:
        try:
            assert names_now(alpha, unique) == [image.id]
        finally:
            delete_quietly(alpha, image)


def idle_client(glance, fresh_after_idle):
    return noauth_client(glance.url, ALPHA, retry_policy=RetryPolicy(fresh_after_idle=fresh_after_idle))


def test_create_after_an_idle_pause_posts_on_a_fresh_connection(glance, alpha, unique):
    client = idle_client(glance, 0.2)
    client.list(limit=1)
    time.sleep(0.5)  # longer than fresh_after_idle: the server may be closing that connection
    glance.add(race_close(), method="POST")  # as uWSGI's keep-alive timeout fires
    image = client.create(unique, img_format="raw", data=DATA[:MIB])
    try:
        assert image.status == "active" and image.checksum == hashlib.md5(DATA[:MIB]).hexdigest()
        [post] = glance.requests("POST")  # sent once, first on a new connection: the race never met it
        assert (post.number, post.fault) == (1, None)
        assert post.connection != glance.requests("GET")[0].connection
    finally:
        delete_quietly(alpha, image)


def test_create_on_a_connection_the_server_closes_is_not_resent(glance, alpha, unique):
    client = idle_client(glance, 60.0)  # the idle connection is reused: the race meets the POST
    client.list(limit=1)
    time.sleep(0.5)
    glance.add(race_close(), method="POST")
    with pytest.raises(exc.ConnectionFailed):
        client.create(unique, img_format="raw", data=DATA[:MIB])
    assert [entry.fault for entry in glance.requests("POST")] == ["race_close"]
    assert names_now(alpha, unique) == []


# -- Swift ------------------------------------------------------------------------------------------
def test_swift_upload_reset_midway_is_resent_and_stored_whole(swift, token_via, container, ks_alpha):
    swift.add(reset_request(500_000), method="PUT", path=r"/blob$")
    blob = token_via().object_storage.store_object(container, "blob", DATA[: MIB + 5])
    assert blob.etag == hashlib.md5(DATA[: MIB + 5]).hexdigest()
    assert ks_alpha.object_storage.fetch_object(container, "blob") == DATA[: MIB + 5]
    assert swift.count("PUT", r"/blob$") == 2


def test_swift_503_twice_then_the_object(swift, token_via, container, ks_alpha):
    ks_alpha.object_storage.store_object(container, "small", b"abc")
    swift.add(retry_after(503, 0), method="HEAD", path=r"/small$", times=2)
    assert token_via().object_storage.get_object(container, "small").name == "small"
    assert [entry.status for entry in swift.requests("HEAD")] == [503, 503, 200]


def test_swift_listing_cut_mid_body_is_resent(swift, token_via, container, ks_alpha):
    for name in ("a", "b", "c"):
        ks_alpha.object_storage.store_object(container, name, b"x")
    swift.add(reset_response(15), method="GET", path=r"/%s(\?|$)" % container)
    objects = token_via().object_storage.list_container_objects(container)
    assert [obj.name for obj in objects] == ["a", "b", "c"]
    assert swift.count("GET") == 3  # the page, its resend, the empty last page
