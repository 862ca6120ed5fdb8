"""BaseResource and the image resources: attributes, repr, lazy load, equality."""

from __future__ import annotations

import copy
import pickle

import pytest

from pyrax_image import BaseResource, Image, ImageMember, ImageTask
from tests.unit.helpers import IMAGE_ID, ITEM, image_info


def image(client, **info):
    return Image(client._manager, {"id": IMAGE_ID, **info})


def test_attributes_come_from_the_body(client):
    img = image(client, name="n", min_disk=3, tags=["a"])
    assert (img.id, img.name, img.min_disk, img.tags) == (IMAGE_ID, "n", 3, ["a"])
    assert img.to_dict() == {"id": IMAGE_ID, "name": "n", "min_disk": 3, "tags": ["a"]}
    assert "name" in img and img["min_disk"] == 3


def test_key_unwraps_the_body(client):
    img = Image(client._manager, {"image": {"id": "x"}}, key="image")
    assert img.id == "x"


def test_repr_is_short_and_informative(client):
    img = Image(
        client._manager, image_info(name="ubuntu-24.04", status="active", size=2254857830), loaded=True
    )
    assert repr(img) == "<Image 11111111\u2026 'ubuntu-24.04' active 2.1 GiB>"
    assert img.to_dict()["schema"] == "/v2/schemas/image"


def test_repr_never_loads(client, rsps):
    repr(image(client))
    assert len(rsps.calls) == 0


def test_lazy_load_does_exactly_one_get(client, rsps):
    rsps.get(ITEM, json=image_info(min_ram=512))
    img = image(client)
    assert img.min_ram == 512
    with pytest.raises(AttributeError):
        _ = img.not_there
    assert img.loaded and len(rsps.calls) == 1


def test_missing_attribute_after_load_raises_without_request(client, rsps):
    img = Image(client._manager, image_info(), loaded=True)
    with pytest.raises(AttributeError):
        _ = img.min_ram
    assert len(rsps.calls) == 0


@pytest.mark.parametrize(
    "name", ["_private", "__getstate__x", "__deepcopy__", "__setstate__", "_repr_html_", "_ipython_display_"]
)
def test_private_and_dunder_names_never_fetch(client, rsps, name):
    assert not hasattr(image(client), name)
    assert len(rsps.calls) == 0


def test_copy_and_pickle_never_fetch(client, rsps):
    img = image(client, name="n")
    clone = copy.copy(img)
    assert clone.name == "n" and clone == img
    data = pickle.dumps(img)
    assert pickle.loads(data).name == "n"
    assert len(rsps.calls) == 0


def test_member_and_tag_never_lazy_load(client, rsps):
    member = ImageMember(client._manager, {"member_id": "p2", "status": "pending"})
    with pytest.raises(AttributeError):
        _ = member.created_at
    assert member.id == "p2" and len(rsps.calls) == 0


def test_equality_by_id(client):
    assert image(client, name="a") == image(client, name="b")
    assert image(client) != Image(client._manager, {"id": "other"})
    assert len({image(client), image(client, name="x")}) == 1
    assert image(client) != ImageTask(client._tasks_manager, {"id": IMAGE_ID})
    assert Image(client._manager, {"name": "a"}) == Image(client._manager, {"name": "a"})


def test_member_id_is_member_id(client):
    member = ImageMember(client._manager, {"member_id": "p2", "image_id": IMAGE_ID})
    assert member.id == "p2"
    assert member == ImageMember(client._manager, {"member_id": "p2", "image_id": IMAGE_ID})


def test_property_named_like_a_method_does_not_shadow_it(client, rsps):
    img = Image(client._manager, image_info(update="yes", delete="no", get="x"), loaded=True)
    assert callable(img.update) and callable(img.delete) and callable(img.get)
    assert (img["update"], img["delete"], img["get"]) == ("yes", "no", "x")


@pytest.mark.parametrize("key", ["manager", "_info", "_loaded", "loaded"])
def test_property_named_like_internals_does_not_break_the_resource(client, rsps, key):
    img = Image(client._manager, image_info(**{key: "prop"}), loaded=True)
    assert img[key] == "prop"
    assert img.manager is client._manager and img.loaded is True
    rsps.get(ITEM, json=image_info())
    img.reload()
    assert img.manager is client._manager and key not in img


def test_a_body_with_one_unsafe_member_after_many_safe_ones_keeps_the_methods(client):
    for _ in range(3):  # every member of these is known to be a safe attribute
        Image(client._manager, image_info(), loaded=True)
    img = Image(client._manager, image_info(update="yes", manager="m"), loaded=True)
    assert callable(img.update) and img.manager is client._manager
    assert (img["update"], img["manager"], img.name) == ("yes", "m", image_info()["name"])


def test_reload_replaces_details(client, rsps):
    img = Image(client._manager, image_info(old="x"), loaded=True)
    rsps.get(ITEM, json=image_info(status="active"))
    assert img.reload() is img
    assert img.status == "active" and "old" not in img and not hasattr(img, "old")


def test_loaded_setter_and_human_id(client):
    img = image(client, name="My Web Image!")
    img.loaded = True
    assert img.loaded
    assert img.human_id is None

    class Named(BaseResource):
        HUMAN_ID = True

    assert Named(None, {"name": "My Web Image!"}).human_id == "my-web-image"
    assert Named(None, {}).human_id is None


def test_repr_hides_temp_url_signatures(client):
    from pyrax_image.image.resources import ImageTask

    url = "http://swift/v1/AUTH_p/c/o?temp_url_sig=SECRETSIG&temp_url_expires=1"
    task = ImageTask(
        client._tasks_manager,
        {"id": "t1", "type": "import", "status": "success", "input": {"import_from": url}},
    )
    assert "SECRETSIG" not in repr(task) and repr(task) == "<ImageTask t1 import success>"
    assert task.to_dict()["input"]["import_from"] == url
