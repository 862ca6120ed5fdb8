"""Wire format of the image methods of ImageClient: list, pages, find, get,
delete, create, update, rename, deactivate/reactivate (docs/images.md; the fixes
over pyrax in docs/migrating.md "What was fixed")."""

from __future__ import annotations

import hashlib
from typing import List

import pytest
import responses

from pyrax_image import Image
from pyrax_image import exceptions as exc
from tests.unit.helpers import (
    BASE,
    IMAGE_ID,
    IMAGES,
    ITEM,
    JSON,
    PATCH,
    V2,
    VERSIONED,
    assert_headers,
    assert_no_request,
    call,
    image_info,
    reading_callback,
    sent_json,
)


def page(*ids: str, next_link: str = "", **extra: object) -> dict:
    body: dict = {"images": [image_info(i, **extra) for i in ids], "schema": "/v2/schemas/images"}
    if next_link:
        body["next"] = next_link
    return body


# -- list ----------------------------------------------------------------------------
def test_list_without_filters(client, rsps):
    rsps.get(IMAGES, json=page("a", "b"))
    images = client.list()
    assert [i.id for i in images] == ["a", "b"]
    assert all(isinstance(i, Image) for i in images)
    assert call(rsps).url == IMAGES
    assert_headers(call(rsps))


def test_list_with_every_filter(client, rsps):
    rsps.get(IMAGES, json=page())
    client.list(
        limit=5,
        marker="m1",
        name="a b",
        visibility="shared",
        member_status="accepted",
        owner="o1",
        tag=["x", "y z"],
        status="active",
        size_min=1,
        size_max=100,
        sort_key="name",
        sort_dir="desc",
    )
    assert call(rsps).url == (
        IMAGES + "?name=a+b&visibility=shared&member_status=accepted&owner=o1&tag=x&tag=y+z"
        "&status=active&size_min=1&size_max=100&sort_key=name&sort_dir=desc&limit=5&marker=m1"
    )


def test_list_single_tag_and_extra_filters(client, rsps):
    rsps.get(IMAGES, json=page())
    client.list(tag="t", os_hidden=True, created_at="gte:2026-01-01T00:00:00Z", sort="name:asc")
    assert call(rsps).url == (
        IMAGES + "?tag=t&os_hidden=true&created_at=gte%3A2026-01-01T00%3A00%3A00Z&sort=name%3Aasc"
    )


def test_list_encodes_reserved_and_non_ascii(client, rsps):
    rsps.get(IMAGES, json=page())
    client.list(name="a+b&c=(d)/é")
    assert call(rsps).url == IMAGES + "?name=a%2Bb%26c%3D%28d%29%2F%C3%A9"


def test_list_marker_accepts_an_image(client, rsps):
    rsps.get(IMAGES, json=page())
    client.list(marker=Image(client._manager, {"id": "m9"}))
    assert call(rsps).url == IMAGES + "?marker=m9"


def test_list_on_versioned_endpoint(vclient, rsps):
    rsps.get(VERSIONED + "/images", json=page("a"))
    assert [i.id for i in vclient.list()] == ["a"]
    assert call(rsps).url == VERSIONED + "/images"


# -- list_all / iter_all ---------------------------------------------------------------
def test_list_all_follows_next_on_unversioned_endpoint(client, rsps):
    rsps.get(IMAGES + "?limit=1000", json=page("a", next_link="/v2/images?marker=a"))
    rsps.get(IMAGES + "?marker=a", json=page("b", next_link="/v2/images?marker=b"))
    rsps.get(IMAGES + "?marker=b", json=page())
    assert [i.id for i in client.list_all()] == ["a", "b"]
    assert [c.request.url for c in rsps.calls] == [
        IMAGES + "?limit=1000",
        IMAGES + "?marker=a",
        IMAGES + "?marker=b",
    ]


def test_iter_all_asks_for_the_largest_page_unless_told(client, rsps):
    # Glance's default page is 25: 2,000 images would take 80 requests.
    rsps.get(IMAGES + "?limit=1000", json=page("a"))
    rsps.get(IMAGES + "?limit=3", json=page("b"))
    rsps.get(IMAGES + "?limit=7", json=page("c"))
    assert [i.id for i in client.list_all()] == ["a"]
    assert [i.id for i in client.iter_all(page_size=3)] == ["b"]
    assert [i.id for i in client.list_all(limit=7)] == ["c"]


def test_a_server_capping_the_page_below_the_request_still_pages(client, rsps):
    # Glance caps limit at api_limit_max silently: fewer items, and a next link.
    rsps.get(IMAGES + "?limit=1000", json=page("a", "b", next_link="/v2/images?limit=2&marker=b"))
    rsps.get(IMAGES + "?limit=2&marker=b", json=page("c", "d", next_link="/v2/images?limit=2&marker=d"))
    rsps.get(IMAGES + "?limit=2&marker=d", json=page("e"))
    assert [i.id for i in client.list_all()] == ["a", "b", "c", "d", "e"]
    assert len(rsps.calls) == 3


def test_list_all_follows_next_on_versioned_endpoint(vclient, rsps):
    # pyrax appended the link to the .../v2 endpoint: .../v2/v2/images.
    root = "https://images.example.com"
    rsps.get(root + "/v2/images", json=page("a", next_link="/v2/images?marker=a"))
    rsps.get(root + "/v2/images?marker=a", json=page("b"))
    assert [i.id for i in vclient.list_all()] == ["a", "b"]
    assert rsps.calls[1].request.url == root + "/v2/images?marker=a"


def test_next_link_with_encoded_filters_is_never_requoted(client, rsps):
    name = "my img+(1) & é"
    encoded = "my+img%2B%281%29+%26+%C3%A9"
    link = "/v2/images?name=%s&limit=2&marker=a" % encoded
    rsps.get(IMAGES + "?name=" + encoded + "&limit=1000", json=page("a", next_link=link))
    rsps.get(V2 + link[3:], json=page("b"))
    assert [i.id for i in client.list_all(name=name)] == ["a", "b"]
    assert rsps.calls[0].request.url == IMAGES + "?name=" + encoded + "&limit=1000"
    assert rsps.calls[1].request.url == BASE + link


def test_list_all_passes_every_filter_on_the_first_page(client, rsps):
    rsps.get(IMAGES, json=page())
    client.list_all(name="n", visibility="private", member_status="all", owner="o", tag=["t1", "t2"],
                    status="active", size_min=0, size_max=9, sort_key="size", sort_dir="asc")
    assert call(rsps).url == (
        IMAGES + "?name=n&visibility=private&member_status=all&owner=o&tag=t1&tag=t2"
        "&status=active&size_min=0&size_max=9&sort_key=size&sort_dir=asc&limit=1000"
    )


def test_absolute_next_link_on_the_endpoint_is_used_as_is(client, rsps):
    rsps.get(IMAGES, json=page("a", next_link=IMAGES + "?marker=a"))
    rsps.get(IMAGES + "?marker=a", json=page("b"))
    assert len(client.list_all()) == 2


def test_absolute_next_link_elsewhere_never_gets_the_token(client, rsps):
    # A proxy's internal host in the link: follow its path on our endpoint.
    rsps.get(IMAGES, json=page("a", next_link="http://10.0.0.5:9292/v2/images?name=x%2By&marker=a"))
    rsps.get(IMAGES + "?name=x%2By&marker=a", json=page("b"))
    assert len(client.list_all()) == 2
    assert rsps.calls[1].request.url == IMAGES + "?name=x%2By&marker=a"


def test_iter_all_is_lazy_and_takes_page_size(client, rsps):
    rsps.get(IMAGES, json=page("a", next_link="/v2/images?limit=1&marker=a"))
    pages = client.iter_all(page_size=1, status="active")
    assert len(rsps.calls) == 0
    assert next(pages).id == "a"
    assert call(rsps).url == IMAGES + "?status=active&limit=1"
    assert len(rsps.calls) == 1


def test_repeated_next_link_stops_with_a_clear_error_instead_of_looping(client, rsps):
    rsps.get(IMAGES, json=page("a", next_link="/v2/images?marker=a"))
    rsps.get(IMAGES + "?marker=a", json=page("b", next_link="/v2/images?marker=a"))
    listed = []
    with pytest.raises(exc.InvalidResponse, match="loop"):
        listed.extend(i.id for i in client.iter_all())
    assert listed == ["a", "b"] and len(rsps.calls) == 2


# -- find / findall ------------------------------------------------------------------------
def test_find_sees_an_image_on_the_second_page(client, rsps):
    # pyrax only looked at the first page of list() and raised NotFound.
    rsps.get(IMAGES + "?name=web&limit=1000", json=page("a", "b", next_link="/v2/images?name=web&marker=b", name="web", min_disk=1))
    rsps.get(IMAGES + "?name=web&marker=b", json=page("c", name="web", min_disk=20))
    found = client.find(name="web", min_disk=20)
    assert found.id == "c"
    assert len(rsps.calls) == 2


def test_findall_collects_over_pages_with_server_filters(client, rsps):
    rsps.get(IMAGES + "?name=web&status=active&limit=1000", json=page("a", next_link="/v2/images?marker=a", name="web", status="active"))
    rsps.get(IMAGES + "?marker=a", json=page("b", name="web", status="active"))
    found = client.findall(name="web", status="active")
    assert [i.id for i in found] == ["a", "b"]


def test_find_by_id_uses_the_id_filter(client, rsps):
    rsps.get(IMAGES + "?id=in%3A" + IMAGE_ID + "&limit=1000", json=page(IMAGE_ID))
    assert client.find(id=IMAGE_ID).id == IMAGE_ID


def test_find_none_raises_not_found(client, rsps):
    rsps.get(IMAGES + "?name=web&limit=1000", json=page())
    with pytest.raises(exc.NotFound):
        client.find(name="web")


def test_find_several_raises_no_unique_match(client, rsps):
    rsps.get(IMAGES + "?owner=o&limit=1000", json=page("a", "b", owner="o"))
    with pytest.raises(exc.NoUniqueMatch):
        client.find(owner="o")


def test_findall_filters_client_side_what_the_server_cannot(client, rsps):
    rsps.get(IMAGES, json=page("a", "b", protected=False))
    assert client.findall(protected=True) == []


# -- get / delete ------------------------------------------------------------------------------
def test_get(client, rsps):
    rsps.get(ITEM, json=image_info(status="active"))
    image = client.get(IMAGE_ID)
    assert (image.id, image.status, image.loaded) == (IMAGE_ID, "active", True)
    assert_headers(call(rsps))


def test_get_accepts_an_image(client, rsps):
    rsps.get(ITEM, json=image_info())
    assert client.get(Image(client._manager, {"id": IMAGE_ID})).id == IMAGE_ID


def test_delete(client, rsps):
    rsps.delete(ITEM, status=204, content_type="text/html")
    assert client.delete(IMAGE_ID) is None
    assert call(rsps).method == "DELETE"
    assert_headers(call(rsps))


def test_image_delete_method(client, rsps):
    rsps.delete(ITEM, status=204)
    Image(client._manager, {"id": IMAGE_ID}).delete()
    assert call(rsps).url == ITEM


# -- create ----------------------------------------------------------------------------------------
def test_create_without_data_posts_json(client, rsps):
    rsps.post(IMAGES, json=image_info(name="new"), status=201)
    image = client.create("new")
    assert sent_json(rsps) == {"name": "new", "disk_format": "vhd", "container_format": "bare"}
    assert call(rsps).method == "POST"
    assert_headers(call(rsps), JSON)
    assert isinstance(image, Image) and image.name == "new"


def test_create_honours_format_metadata_and_container_format(client, rsps):
    rsps.post(IMAGES, json=image_info(), status=201)
    client.create("n", img_format="qcow2", metadata={"os_distro": "ubuntu", "min_ram": 512},
                  img_container_format="ovf")
    assert sent_json(rsps) == {
        "name": "n",
        "disk_format": "qcow2",
        "container_format": "ovf",
        "os_distro": "ubuntu",
        "min_ram": 512,
    }


def test_create_with_data_posts_then_streams_then_reloads(client, rsps):
    data = b"\x00image-bytes\xff" * 100
    received: List[bytes] = []
    rsps.post(IMAGES, json=image_info(name="n"), status=201)
    rsps.add_callback(responses.PUT, ITEM + "/file", callback=reading_callback(received))
    active = image_info(
        name="n",
        status="active",
        size=len(data),
        checksum=hashlib.md5(data).hexdigest(),
        os_hash_algo="sha512",
        os_hash_value=hashlib.sha512(data).hexdigest(),
    )
    rsps.get(ITEM, json=active)
    image = client.create("n", data=data)
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "GET"]
    put = call(rsps, 1)
    assert_headers(put, "application/octet-stream")
    assert put.headers["Content-Length"] == str(len(data))
    assert put.headers["x-openstack-image-size"] == str(len(data))
    assert not isinstance(put.body, (bytes, bytearray))  # streamed, not read whole
    assert received == [data]
    assert (image.status, image.size) == ("active", len(data))


def test_create_whose_upload_fails_deletes_the_image(client, rsps):
    rsps.post(IMAGES, json=image_info(), status=201)
    rsps.put(ITEM + "/file", status=413, json={"message": "Image exceeds the storage quota", "code": "413"})
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.OverLimit):
        client.create("n", data=b"data")
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "DELETE"]


def test_create_with_data_and_container_is_refused(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.create("n", data=b"x", container="c", obj="o")
    assert_no_request(rsps)


# -- update ---------------------------------------------------------------------------------------------
CONFLICT = {"message": "Property old does not exist.", "code": "409 Conflict", "title": "Conflict"}


def test_update_by_id_is_one_patch_of_add_and_remove(client, rsps):
    # v2.1 patch media type: add sets a property whether or not it exists.
    rsps.patch(ITEM, json=image_info(name="renamed", os_distro="debian", min_ram=1))
    image = client.update(IMAGE_ID, {"name": "renamed", "os_distro": "debian", "min_ram": 1, "old": None})
    assert [c.request.method for c in rsps.calls] == ["PATCH"]
    assert_headers(call(rsps), PATCH)
    assert sent_json(rsps) == [
        {"op": "add", "path": "/name", "value": "renamed"},
        {"op": "add", "path": "/os_distro", "value": "debian"},
        {"op": "add", "path": "/min_ram", "value": 1},
        {"op": "remove", "path": "/old"},
    ]
    assert isinstance(image, Image) and image.name == "renamed" and image.loaded


def test_update_escapes_json_pointer(client, rsps):
    rsps.patch(ITEM, json=image_info())
    client.update(IMAGE_ID, {"a/b~c": "v"})
    assert sent_json(rsps) == [{"op": "add", "path": "/a~1b~0c", "value": "v"}]


def test_update_refreshes_the_image_passed_in(client, rsps):
    image = Image(client._manager, image_info(name="old", stale="x"), loaded=True)
    rsps.patch(ITEM, json=image_info(name="new"))
    result = image.update({"name": "new", "stale": None})
    assert result is image and len(rsps.calls) == 1
    assert image.name == "new" and "stale" not in image and not hasattr(image, "stale")


def test_update_removing_a_missing_property_reads_and_resends_without_it(client, rsps):
    # Glance refuses the whole patch (409, nothing applied) when a property to
    # remove is absent: the image is read and the patch rebuilt from it.
    rsps.patch(ITEM, status=409, json=CONFLICT)
    rsps.get(ITEM, json=image_info(os_distro="ubuntu"))
    rsps.patch(ITEM, json=image_info(os_distro="debian"))
    image = client.update(IMAGE_ID, {"os_distro": "debian", "old": None})
    assert [c.request.method for c in rsps.calls] == ["PATCH", "GET", "PATCH"]
    assert sent_json(rsps, 0) == [
        {"op": "add", "path": "/os_distro", "value": "debian"},
        {"op": "remove", "path": "/old"},
    ]
    assert sent_json(rsps) == [{"op": "replace", "path": "/os_distro", "value": "debian"}]
    assert image.os_distro == "debian"


def test_update_only_removing_a_missing_property_returns_the_image(client, rsps):
    rsps.patch(ITEM, status=409, json=CONFLICT)
    rsps.get(ITEM, json=image_info(name="same"))
    image = Image(client._manager, {"id": IMAGE_ID})
    assert client.update(image, {"gone": None}) is image
    assert [c.request.method for c in rsps.calls] == ["PATCH", "GET"]
    assert image.name == "same" and image.loaded


def test_update_conflict_that_persists_is_raised(client, rsps):
    # An old Glance refusing add on an existing property gets replace instead;
    # a conflict that outlives the rebuilt patch reaches the caller.
    rsps.patch(ITEM, status=409, json=CONFLICT)
    rsps.get(ITEM, json=image_info(old="x"))
    rsps.patch(ITEM, status=409, json=CONFLICT)
    with pytest.raises(exc.Conflict):
        client.update(IMAGE_ID, {"old": None})
    assert sent_json(rsps) == [{"op": "remove", "path": "/old"}]


def test_update_with_nothing_to_change_reads_the_image(client, rsps):
    rsps.get(ITEM, json=image_info(name="same"))
    assert client.update(IMAGE_ID, {}).name == "same"
    assert [c.request.method for c in rsps.calls] == ["GET"]


@pytest.mark.parametrize("attr", ["status", "size", "checksum", "os_hash_value", "created_at", "id"])
def test_update_refuses_read_only_attributes_without_request(client, rsps, attr):
    with pytest.raises(exc.ReadOnlyAttribute, match=attr):
        client.update(IMAGE_ID, {attr: "x"})
    assert_no_request(rsps)


def test_update_refuses_empty_name_without_request(client, rsps):
    with pytest.raises(exc.MissingName):
        client.update(IMAGE_ID, {"name": ""})
    assert_no_request(rsps)


def test_change_image_name(client, rsps):
    rsps.patch(ITEM, json=image_info(name="b"))
    assert client.change_image_name(IMAGE_ID, "b").name == "b"
    assert sent_json(rsps) == [{"op": "add", "path": "/name", "value": "b"}]


def test_image_change_name(client, rsps):
    image = Image(client._manager, image_info(name="a"), loaded=True)
    rsps.patch(ITEM, json=image_info(name="b"))
    image.change_name("b")
    assert image.name == "b"


# -- actions ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_deactivate_and_reactivate(client, rsps, action):
    rsps.post(ITEM + "/actions/" + action, status=204, content_type="text/html")
    assert getattr(client, action)(IMAGE_ID) is None
    assert call(rsps).body is None
    assert_headers(call(rsps))


def test_get_images_on_versioned_endpoint(vclient, rsps):
    rsps.get(VERSIONED + "/images/" + IMAGE_ID, json=image_info())
    assert vclient.get(IMAGE_ID).id == IMAGE_ID


def test_update_body_is_json_list(client, rsps):
    rsps.patch(ITEM, json=image_info(min_disk=3))
    client.update(IMAGE_ID, {"min_disk": 3})
    assert sent_json(rsps) == [{"op": "add", "path": "/min_disk", "value": 3}]


# -- bad input: a clear exception and no request ---------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort_dir": "up"},
        {"limit": -1},
        {"visibility": "pubic"},
        {"member_status": "approved"},
        {"size_min": -1},
        {"size_max": "big"},
        {"name": ""},
        {"tag": ""},
        {"tag": ["ok", ""]},
        {"sort": "name:asc", "sort_key": "name"},
    ],
)
def test_bad_list_arguments_send_nothing(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.list(**kwargs)
    assert_no_request(rsps)


@pytest.mark.parametrize("kwargs", [{"sort_dir": "up"}, {"visibility": "pubic"}, {"page_size": -5}])
def test_bad_list_all_arguments_send_nothing(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.list_all(**kwargs) if "page_size" not in kwargs else list(client.iter_all(**kwargs))
    assert_no_request(rsps)


@pytest.mark.parametrize("name", ["", "   ", None])
def test_create_with_empty_name_sends_nothing(client, rsps, name):
    with pytest.raises(exc.MissingName):
        client.create(name)
    assert_no_request(rsps)


def test_create_with_bad_metadata_sends_nothing(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.create("n", metadata=["not", "a", "dict"])
    assert_no_request(rsps)


@pytest.mark.parametrize("method", ["get", "delete", "deactivate", "list_image_members"])
def test_empty_id_sends_nothing(client, rsps, method):
    with pytest.raises(exc.NotFound) as caught:  # the API's answer for an empty id (issue 16)
        getattr(client, method)("")
    assert isinstance(caught.value, exc.InvalidArgument) and caught.value.code == 404
    assert "no request was sent" in str(caught.value)
    assert_no_request(rsps)


@pytest.mark.parametrize("raw, encoded", [("a/b", "a%2Fb"), ("a?b", "a%3Fb"), ("a#b", "a%23b"),
                                          ("../x", "..%2Fx"), ("a b%", "a%20b%25")])
def test_ids_are_percent_encoded(client, rsps, raw, encoded):
    rsps.get(IMAGES + "/" + encoded, json=image_info(raw))
    rsps.delete(IMAGES + "/" + encoded, status=204)
    client.get(raw)
    client.delete(raw)
    assert [c.request.url for c in rsps.calls] == [IMAGES + "/" + encoded] * 2


def test_update_with_non_mapping_sends_nothing(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.update(IMAGE_ID, [("name", "x")])
    assert_no_request(rsps)


def test_find_with_operator_like_value_matches_client_side(client, rsps):
    # Glance would read name=in:x as "name in (x)"; the exact name is matched locally.
    rsps.get(IMAGES + "?status=active&limit=1000", json=page("a", "b", status="active", name="in:x"))
    assert len(client.findall(name="in:x", status="active")) == 2


def test_encoded_next_link_on_versioned_endpoint(vclient, rsps):
    encoded = "a+%26+b%2B%28c%29+%C3%A9"
    link = "/v2/images?name=%s&marker=a" % encoded
    rsps.get(VERSIONED + "/images?name=" + encoded + "&limit=1000", json=page("a", next_link=link))
    rsps.get("https://images.example.com" + link, json=page("b"))
    assert [i.id for i in vclient.iter_all(name="a & b+(c) é")] == ["a", "b"]
    assert rsps.calls[1].request.url == "https://images.example.com" + link
