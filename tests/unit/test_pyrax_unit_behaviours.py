"""pyrax's own ``tests/unit/test_image.py`` behaviours, at the HTTP level.

pyrax (pycontribs/pyrax 1.10.0, Apache-2.0) tested its image module by
mocking its own methods; each test here keeps the behaviour such a test
pinned (what is sent, what comes back, what is raised) and checks it on the
wire with ``responses``. Those that deliberately differ are listed in
docs/migrating.md.
"""

from __future__ import annotations

import pytest

from pyrax_image import exceptions as exc
from tests.unit.helpers import IMAGE_ID, PROJECT, V2, call, image_info, sent_json

IMAGES = V2 + "/images"
ITEM = IMAGES + "/" + IMAGE_ID
TASKS = V2 + "/tasks"


# -- fixes of pyrax behaviour pyrax code relies on ------------------------------------------------
def test_timings_switched_on_after_construction_record(client, rsps):
    rsps.get(ITEM, json=image_info())
    rsps.get(ITEM, json=image_info())
    client.get(IMAGE_ID)
    assert client.get_timings() == []
    client.timings = True
    assert client.timings is True
    client.get(IMAGE_ID)
    [(name, start, end)] = client.get_timings()
    assert name == "GET " + ITEM and start <= end
    client.timings = False
    assert client.transport.record_timings is False


@pytest.mark.parametrize("field", ["limit", "size_min", "size_max"])
def test_numeric_strings_are_passed_on_as_numbers(client, rsps, field):
    rsps.get(IMAGES, json={"images": []})
    client.list(**{field: "25"})
    assert call(rsps).url == IMAGES + "?%s=25" % field


def test_any_task_type_is_sent(client, rsps):
    task_input = {"image_id": IMAGE_ID, "import_req": {"method": {"name": "glance-direct"}}}
    rsps.post(TASKS, status=201, json={"id": "t1", "type": "api_image_import", "status": "pending"})
    task = client._tasks_manager.create("api_image_import", input=task_input)
    assert task.id == "t1"
    assert sent_json(rsps) == {"type": "api_image_import", "input": task_input}


@pytest.mark.parametrize("bad", ["", None, 5])
def test_task_type_must_be_a_name(client, rsps, bad):
    with pytest.raises(exc.InvalidArgument):
        client._tasks_manager.create(bad)


def test_update_member_not_found_is_both_classes(client, rsps):
    # pyrax: test_imgmgr_update_member_not_found (any 404 -> InvalidImageMember).
    rsps.put(ITEM + "/members/" + PROJECT, status=404, json={"message": "gone", "code": "404"})
    rsps.get(ITEM, json=image_info(owner="another-project"))
    with pytest.raises(exc.InvalidImageMember) as info:
        client.update_image_member(IMAGE_ID, "accepted")
    assert isinstance(info.value, exc.NotFound)
    assert info.value.code == 404
