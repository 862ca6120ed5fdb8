"""REPL-friendly resources: short reprs, no hidden requests, datetimes, paging hints.

Every test runs under the strict ``responses`` mock of conftest.py: a request
that is not registered fails the test, so "no request" is proven, not assumed.
"""

from __future__ import annotations

import rlcompleter
import sys
from datetime import datetime, timedelta, timezone

import pytest

from pyrax_image import Image, ImageMember, ImageTag, ImageTask
from pyrax_image.display import human_size, lenient_timestamp, short_id
from tests.unit.helpers import IMAGE_ID, V2, image_info

OTHER_ID = "99999999-8888-7777-6666-555555555555"
LISTED = {
    "images": [
        image_info(name="a", status="active", size=10, created_at="2026-11-30T10:00:00Z"),
        image_info(OTHER_ID, name="b"),
    ],
    "first": "/v2/images",
    "schema": "/v2/schemas/images",
}


def test_listed_images_are_loaded_and_a_missing_attribute_sends_nothing(client, rsps):
    rsps.get(V2 + "/images", json=LISTED)
    images = client.list()
    assert all(img.loaded for img in images)
    assert [getattr(img, "os_distro", None) for img in images] == [None, None]
    with pytest.raises(AttributeError):
        _ = images[0].min_ram
    assert len(rsps.calls) == 1


def test_images_from_iter_all_and_find_are_loaded(client, rsps):
    rsps.get(V2 + "/images", json=LISTED)
    rsps.get(V2 + "/images", json=LISTED)
    assert [getattr(img, "os_distro", "none") for img in client.iter_all()] == ["none", "none"]
    found = client.find(name="b")
    assert found.loaded and not hasattr(found, "os_distro")
    assert len(rsps.calls) == 2


def test_listed_tasks_are_not_complete_so_input_is_fetched_once(client, rsps):
    rsps.get(V2 + "/tasks", json={"tasks": [{"id": "t1", "type": "import", "status": "success"}]})
    rsps.get(V2 + "/tasks/t1", json={"id": "t1", "type": "import", "status": "success", "input": {"a": 1}})
    (task,) = client.list_tasks()
    assert not task.loaded
    assert task.input == {"a": 1} and task.loaded
    assert len(rsps.calls) == 2


def test_list_says_when_another_page_exists(client, rsps):
    page = dict(LISTED, next="/v2/images?limit=2&marker=%s" % OTHER_ID)
    rsps.get(V2 + "/images", json=page)
    rsps.get(V2 + "/images", json=LISTED)
    first = client.list(limit=2)
    assert isinstance(first, list) and len(first) == 2
    assert first.has_more and first.next_marker == OTHER_ID
    last = client.list(limit=2, marker=first.next_marker)
    assert not last.has_more and last.next_marker is None
    assert rsps.calls[1].request.params == {"limit": "2", "marker": OTHER_ID}


def test_an_image_made_from_an_id_stays_quiet_in_the_repl(client, rsps):
    img = Image(client._manager, {"id": IMAGE_ID})
    assert repr(img) == "<Image 11111111\u2026>"
    names = dir(img)
    for name in ("_repr_html_", "_ipython_canary_method_should_not_exist_", "__wrapped__", "_fields"):
        assert not hasattr(img, name)
    completer = rlcompleter.Completer({"img": img})
    matches = [completer.complete("img.", state) for state in range(len(names) + 1)]
    reload = "img.reload()" if sys.version_info >= (3, 10) else "img.reload("  # 3.9 leaves it open
    assert reload in matches and "img.created_at_dt" in matches and "img.id" in matches
    assert len(rsps.calls) == 0 and not img.loaded


def test_dir_lists_the_image_properties(client):
    img = Image(client._manager, image_info(os_distro="ubuntu", min_ram=512), loaded=True)
    names = dir(img)
    for name in ("os_distro", "min_ram", "status", "tags", "update", "to_dict", "created_at_dt"):
        assert name in names


def test_timestamps_as_aware_datetimes_while_strings_stay_strings(client):
    img = Image(
        client._manager,
        image_info(created_at="2026-11-30T10:00:00Z", updated_at="2026-11-30T12:30:00+01:00"),
        loaded=True,
    )
    assert img.created_at == "2026-11-30T10:00:00Z"
    assert img.created_at_dt == datetime(2026, 11, 30, 10, tzinfo=timezone.utc)
    assert img.updated_at_dt.utcoffset() == timedelta(hours=1)
    assert img.updated_at_dt - img.created_at_dt == timedelta(hours=1, minutes=30)
    task = ImageTask(client._tasks_manager, {"id": "t", "expires_at": "2026-12-01T00:00:00.000000"})
    assert task.expires_at_dt == datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert task.created_at_dt is None


def test_unparseable_timestamps_are_none_not_a_crash():
    assert lenient_timestamp("yesterday") is None and lenient_timestamp(None) is None
    assert lenient_timestamp(12) is None


def test_resources_hash_and_compare_by_id(client, rsps):
    rsps.get(V2 + "/images", json=LISTED)
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info(name="renamed"))
    listed = client.list()
    fetched = client.get(IMAGE_ID)
    assert fetched == listed[0] and fetched != listed[1]
    assert {fetched, *listed} == set(listed)
    assert {img: img.name for img in listed}[fetched] == "a"


def test_member_and_task_reprs(client):
    member = ImageMember(
        client._manager, {"member_id": "98afdc256f3e44", "image_id": IMAGE_ID, "status": "pending"}
    )
    assert repr(member) == "<ImageMember 98afdc25\u2026 of image 11111111\u2026 pending>"
    task = ImageTask(client._tasks_manager, {"id": IMAGE_ID, "type": "export", "status": "processing"})
    assert repr(task) == "<ImageTask 11111111\u2026 export processing>"


def test_an_image_tag_is_a_resource_that_never_fetches(client, rsps):
    # pyrax's ImageTag: a plain resource over its body; with an id, a missing
    # attribute still sends nothing (the strict ``rsps`` fails on any request).
    tag = ImageTag(client._manager, {"id": "gold", "name": "gold"})
    assert (tag.id, tag.name, tag["name"], tag.to_dict()) == (
        "gold",
        "gold",
        "gold",
        {"id": "gold", "name": "gold"},
    )
    assert tag == ImageTag(client._manager, {"id": "gold"}) and tag != ImageTag(
        client._manager, {"id": "silver"}
    )
    assert not hasattr(tag, "created_at")


@pytest.mark.parametrize(
    "size, text",
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (2254857830, "2.1 GiB"),
        (None, ""),
        (-1, ""),
        (True, ""),
    ],
)
def test_human_size(size, text):
    assert human_size(size) == text


def test_short_id_keeps_short_values_whole():
    assert short_id("abc") == "abc" and short_id("123456789") == "123456789"
    assert short_id("1234567890") == "12345678\u2026"
