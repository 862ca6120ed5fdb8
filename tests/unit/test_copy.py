"""copy_image on the wire: what the copy is created with (no server-owned
attribute), and a target whose multihash differs from the source's has its
copy deleted (a hostile or broken target the real cloud will not produce)."""

from __future__ import annotations

import hashlib
import os

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image.image import waiters
from pyrax_image.image.copy import copied_attributes
from tests.unit.helpers import IMAGE_ID, V2, active_info, image_info, make_client, reading_callback, sent_json

DATA = os.urandom(5000)
TWO = "http://two.test:9292"
COPY_ID = "99999999-2222-3333-4444-555555555555"
SOURCE = active_info(
    DATA,
    name="golden",
    disk_format="qcow2",
    min_ram=512,
    min_disk=3,
    tags=["a", "b"],
    os_distro="debian",
    protected=False,
    virtual_size=8000,
    locations=[],
    os_glance_importing_to_stores="",
    created_at="2026-01-01T00:00:00Z",
    updated_at="2026-01-01T00:00:00Z",
    stores="fast",
)


def test_only_what_the_user_set_is_copied():
    assert copied_attributes(SOURCE) == {
        "disk_format": "qcow2",
        "container_format": "bare",
        "min_ram": 512,
        "min_disk": 3,
        "tags": ["a", "b"],
        "os_distro": "debian",
    }


def serve_copy(rsps, copy_info):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=SOURCE)
    rsps.post(TWO + "/v2/images", json=image_info(COPY_ID, name="golden"), status=201)
    rsps.get(V2 + "/images/%s/file" % IMAGE_ID, body=DATA)
    received: list = []
    rsps.add_callback(
        responses.PUT, TWO + "/v2/images/%s/file" % COPY_ID, callback=reading_callback(received)
    )
    rsps.get(TWO + "/v2/images/" + COPY_ID, json=copy_info)


def test_the_copy_is_created_with_the_source_attributes_and_checked(client, rsps):
    serve_copy(rsps, active_info(DATA, id=COPY_ID, name="golden"))
    copy = client.copy_image(IMAGE_ID, make_client([], url=TWO))
    assert copy.id == COPY_ID
    created = sent_json(rsps, 1)
    assert created == dict(copied_attributes(SOURCE), name="golden")
    put = rsps.calls[3].request
    assert put.headers["Content-Length"] == str(len(DATA))


def test_a_copy_whose_multihash_differs_is_deleted(client, rsps):
    wrong = active_info(DATA, id=COPY_ID, os_hash_value=hashlib.sha512(b"other").hexdigest())
    serve_copy(rsps, wrong)
    rsps.delete(TWO + "/v2/images/" + COPY_ID, status=204)
    with pytest.raises(exc.ChecksumMismatch):
        client.copy_image(IMAGE_ID, make_client([], url=TWO))
    assert rsps.calls[-1].request.method == "DELETE"


def test_an_image_without_data_is_not_copied(client, rsps):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    with pytest.raises(exc.ImageStatusError):
        client.copy_image(IMAGE_ID, make_client([], url=TWO))
    assert len(rsps.calls) == 1


# -- copy-image inside one cloud (stores=) ---------------------------------------------------------
ITEM = V2 + "/images/" + IMAGE_ID


@pytest.fixture
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(waiters._Clock, "sleep", staticmethod(slept.append))
    return slept


def copy_image_import(rsps, *bodies):
    rsps.post(ITEM + "/import", status=202)
    for body in bodies:
        rsps.get(ITEM, json=body)


def test_a_copy_between_stores_returns_once_the_import_has_let_go(client, rsps, no_sleep):
    # The new store is listed while the flow still holds the image (and will
    # write its record back): the copy is returned only after the lock goes.
    locked = dict(active_info(DATA, stores="fast"), os_glance_import_task="t1")
    copied = active_info(DATA, stores="fast,cheap")
    copy_image_import(rsps, locked, dict(copied, os_glance_import_task="t1"), copied)
    image = client.copy_image(IMAGE_ID, client, stores=["cheap"])
    assert image.stores == "fast,cheap" and "os_glance_import_task" not in image.to_dict()
    assert sent_json(rsps, 0) == {"method": {"name": "copy-image"}, "stores": ["cheap"]}
    assert [call.request.method for call in rsps.calls] == ["POST", "GET", "GET", "GET"] and no_sleep == [1.0]


def test_a_failed_store_read_before_the_import_ended_is_not_taken_for_this_copys(client, rsps, no_sleep):
    # os_glance_failed_import still names cheap from an earlier attempt until the flow starts.
    stale = dict(
        active_info(DATA, stores="fast"), os_glance_import_task="t1", os_glance_failed_import="cheap"
    )
    copy_image_import(rsps, stale, stale, active_info(DATA, stores="fast,cheap", os_glance_failed_import=""))
    assert client.copy_image(IMAGE_ID, client, stores=["cheap"]).stores == "fast,cheap"


def test_a_copy_between_stores_that_failed_raises_with_the_tasks_reason(client, rsps, no_sleep):
    locked = dict(active_info(DATA, stores="fast"), os_glance_import_task="t1")
    copy_image_import(rsps, locked, active_info(DATA, stores="fast", os_glance_failed_import="cheap"))
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "failure", "message": "disk full"}]})
    with pytest.raises(
        exc.ImageStatusError, match="could not copy image %s to store\\(s\\) cheap: disk full$" % IMAGE_ID
    ):
        client.copy_image(IMAGE_ID, client, stores=["cheap"])


def test_a_copy_between_stores_on_a_glance_without_the_import_lock_waits_for_its_stores(
    client, rsps, no_sleep
):
    # Before Wallaby: no os_glance_import_task, no image tasks (404); the
    # image is active throughout, and the stores tell when the copy is done.
    rsps.get(ITEM + "/tasks", status=404)
    at_work = active_info(DATA, stores="fast")
    copy_image_import(rsps, at_work, at_work, active_info(DATA, stores="fast,cheap"))
    assert client.copy_image(IMAGE_ID, client, stores=["cheap"]).stores == "fast,cheap"
    assert no_sleep == [1.0]


def test_a_copy_between_stores_that_ended_without_the_store_raises_at_once(client, rsps, no_sleep):
    # Glance's quota check drops the lock and the store asked for, failing
    # the task and naming no failed store: the copy has ended all the same.
    copy_image_import(rsps, active_info(DATA, stores="fast"))
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "status": "failure", "message": "quota"}]})
    with pytest.raises(
        exc.ImageStatusError, match="could not copy image %s to store\\(s\\) cheap: quota$" % IMAGE_ID
    ):
        client.copy_image(IMAGE_ID, client, stores=["cheap"])
    assert no_sleep == []
