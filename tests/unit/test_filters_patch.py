"""image.filters (list query validation) and image.patch (JSON-patch builder)."""

from __future__ import annotations

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.image.filters import FILTER_NAMES, image_query
from pyrax_image.image.patch import PATCH_CONTENT_TYPE, build_patch, check_changes, escape_pointer
from tests.unit.helpers import V2


# -- filters -----------------------------------------------------------------------------
def test_query_keeps_every_filter_in_order():
    values = ("n", "shared", "accepted", "o", ["a", "b"], "active", 0, 10, "name", "asc")
    assert image_query(**dict(zip(FILTER_NAMES, values))) == {
        "name": "n",
        "visibility": "shared",
        "member_status": "accepted",
        "owner": "o",
        "tag": ["a", "b"],
        "status": "active",
        "size_min": 0,
        "size_max": 10,
        "sort_key": "name",
        "sort_dir": "asc",
    }


def test_the_filters_are_pyraxs_in_pyraxs_order_on_every_entry_point():
    import inspect

    from pyrax_image import ImageClient
    from pyrax_image.image import ImageManager

    assert FILTER_NAMES == (
        "name", "visibility", "member_status", "owner", "tag", "status",
        "size_min", "size_max", "sort_key", "sort_dir",
    )  # fmt: skip
    assert list(inspect.signature(ImageClient.list).parameters)[1:13] == ["limit", "marker", *FILTER_NAMES]
    assert list(inspect.signature(ImageClient.list_all).parameters)[1:11] == list(FILTER_NAMES)
    assert list(inspect.signature(ImageManager.list).parameters)[1:13] == ["limit", "marker", *FILTER_NAMES]


def test_filters_are_taken_positionally_in_pyraxs_order(client, rsps):
    from responses import matchers

    query = {"name": "n", "visibility": "shared", "limit": "5"}
    rsps.get(V2 + "/images", json={"images": []}, match=[matchers.query_param_matcher(query)])
    assert client.list(5, None, "n", "shared") == []
    with pytest.raises(TypeError, match="multiple values"):
        client.list(5, None, "n", name="m")
    with pytest.raises(TypeError, match="positional argument"):
        client.list_all(*range(11))


def test_query_single_tag_becomes_list():
    assert image_query(tag="t") == {"tag": ["t"]}
    assert image_query(tag=("a", "b")) == {"tag": ["a", "b"]}


def test_query_extra_filters_are_sent_never_dropped():
    assert image_query(os_hidden=False, protected=True, min_ram=5, os_distro="ubuntu", skip=None,
                       id=["in:a", "b"]) == {
        "os_hidden": "false",
        "protected": "true",
        "min_ram": "5",
        "os_distro": "ubuntu",
        "id": ["in:a", "b"],
    }


@pytest.mark.parametrize("visibility", ["public", "private", "shared", "community", "all"])
def test_every_visibility_accepted(visibility):
    assert image_query(visibility=visibility) == {"visibility": visibility}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"visibility": "Public"},
        {"member_status": "accept"},
        {"sort_dir": "descending"},
        {"size_min": -1},
        {"size_max": 1.5},
        {"size_min": True},
        {"name": ""},
        {"owner": 5},
        {"status": ""},
        {"sort_key": ""},
        {"tag": [""]},
        {"tag": [None]},
        {"sort": "name", "sort_dir": "asc"},
    ],
)
def test_query_refuses_bad_values(kwargs):
    with pytest.raises(exc.InvalidArgument):
        image_query(**kwargs)


# -- patch -------------------------------------------------------------------------------------
def test_patch_content_type():
    assert PATCH_CONTENT_TYPE == "application/openstack-images-v2.1-json-patch"


@pytest.mark.parametrize("raw, escaped", [("a", "a"), ("a/b", "a~1b"), ("a~b", "a~0b"), ("~/", "~0~1"),
                                          ("~1", "~01")])
def test_escape_pointer_rfc6901(raw, escaped):
    assert escape_pointer(raw) == escaped


def test_add_replace_remove_from_current_state():
    current = {"name": "a", "x": "1", "gone": "2"}
    ops = build_patch(current, {"name": "b", "y": "3", "gone": None, "absent": None, "x": "1"})
    assert ops == [
        {"op": "replace", "path": "/name", "value": "b"},
        {"op": "add", "path": "/y", "value": "3"},
        {"op": "remove", "path": "/gone"},
        {"op": "replace", "path": "/x", "value": "1"},
    ]


def test_without_current_state_values_add_and_none_removes():
    assert build_patch(None, {"name": "b", "gone": None}) == [
        {"op": "add", "path": "/name", "value": "b"},
        {"op": "remove", "path": "/gone"},
    ]


def test_tags_and_visibility_are_writable():
    assert build_patch({"tags": []}, {"tags": ["a"], "visibility": "shared"}) == [
        {"op": "replace", "path": "/tags", "value": ["a"]},
        {"op": "add", "path": "/visibility", "value": "shared"},
    ]


@pytest.mark.parametrize(
    "changes, cls",
    [
        ({"status": "active"}, exc.ReadOnlyAttribute),
        ({"checksum": "x", "name": "n"}, exc.ReadOnlyAttribute),
        ({"os_hash_algo": "x"}, exc.ReadOnlyAttribute),
        ({"updated_at": None}, exc.ReadOnlyAttribute),
        ({"name": ""}, exc.MissingName),
        ({"name": None}, exc.MissingName),
        ({"": "x"}, exc.InvalidArgument),
        ({1: "x"}, exc.InvalidArgument),
        ([("name", "x")], exc.InvalidArgument),
    ],
)
def test_check_changes_refuses(changes, cls):
    with pytest.raises(cls):
        check_changes(changes)
    with pytest.raises(cls):
        build_patch({}, changes)


def test_read_only_error_names_every_attribute():
    with pytest.raises(exc.ReadOnlyAttribute, match="checksum, size"):
        check_changes({"size": 1, "checksum": "x"})
