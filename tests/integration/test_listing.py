"""Listing on the real Glance: every filter and sort, limit/marker paging,
``iter_all``/``list_all`` across many pages of a filtered listing, ``find`` and
``findall`` beyond the first page, and a versioned (``.../v2``) endpoint.

Each fixture works in a project of its own, so the listings it checks hold
exactly what it created, whatever else other tests put in the same Glance.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List
from urllib.parse import parse_qs, urlsplit

import pytest

from pyrax_image import exceptions as exc
from tests.integration.helpers import Recorder, noauth_client, scratch_project


def ids(images: List[Any]) -> List[str]:
    return [image.id for image in images]


@pytest.fixture(scope="module")
def catalog(glance_url: str) -> Iterator[Dict[str, Any]]:
    """Four images of one project, told apart by every filter, and a partner
    project with a pending share of ``b``."""
    for box in scratch_project(glance_url):
        tag = box.project[:10]
        t1, t2 = tag + "-t1", tag + "-t2"
        made = {
            "a": box.create(
                "cat-a", data=b"a" * 10, metadata={"visibility": "private", "it_distro": tag + "-distro"}
            ),
            "b": box.create("cat-b", data=b"b" * 100, metadata={"visibility": "shared"}),
            "c": box.create("cat-c", metadata={"visibility": "community"}),
            "d": box.create("cat-d", metadata={"visibility": "private", "os_hidden": True}),
        }
        box.client.add_image_tag(made["a"], t1)
        box.client.add_image_tag(made["a"], t2)
        box.client.add_image_tag(made["b"], t1)
        box.client.add_image_tag(made["c"], t2)
        partner = box.other()
        box.client.add_image_member(made["b"], partner.projectid)
        yield {"box": box, "client": box.client, "owner": box.project, "t1": t1, "t2": t2,
               "partner": partner, **made}  # fmt: skip


def names(images: List[Any]) -> List[str]:
    return [image.name for image in images]


def test_filter_by_name(catalog):
    client = catalog["client"]
    assert ids(client.list(name="cat-a")) == [catalog["a"].id]
    assert ids(client.list_all(name="cat-b")) == [catalog["b"].id]
    assert client.list(name="cat-nothing") == []


def test_filter_by_owner_excludes_hidden_images(catalog):
    listed = catalog["client"].list(owner=catalog["owner"], sort_key="name", sort_dir="asc")
    assert names(listed) == ["cat-a", "cat-b", "cat-c"]
    assert catalog["partner"].list(owner=catalog["owner"]) == []  # private/unaccepted/community


def test_filter_by_visibility(catalog):
    client, owner = catalog["client"], catalog["owner"]
    assert names(client.list(owner=owner, visibility="private")) == ["cat-a"]
    assert names(client.list(owner=owner, visibility="shared")) == ["cat-b"]
    assert names(client.list(owner=owner, visibility="community")) == ["cat-c"]
    assert set(names(client.list(owner=owner, visibility="all"))) == {"cat-a", "cat-b", "cat-c"}
    # Any project sees a community image when it asks for community images.
    assert names(catalog["partner"].list(owner=owner, visibility="community")) == ["cat-c"]


def test_filter_by_member_status(catalog):
    partner, owner = catalog["partner"], catalog["owner"]
    assert names(partner.list(owner=owner, member_status="pending")) == ["cat-b"]
    assert names(partner.list(owner=owner, member_status="all", visibility="shared")) == ["cat-b"]
    assert partner.list(owner=owner, member_status="accepted") == []
    assert partner.list(owner=owner, visibility="shared") == []  # pending: not in the default list


def test_filter_by_one_tag_and_by_two_tags(catalog):
    client, t1, t2 = catalog["client"], catalog["t1"], catalog["t2"]
    assert set(names(client.list(tag=t1))) == {"cat-a", "cat-b"}
    assert set(names(client.list(tag=[t2]))) == {"cat-a", "cat-c"}
    assert names(client.list(tag=[t1, t2])) == ["cat-a"]  # repeated tag= is AND
    assert names(client.list_all(tag=(t2, t1))) == ["cat-a"]


def test_filter_by_status(catalog):
    client, owner = catalog["client"], catalog["owner"]
    assert set(names(client.list(owner=owner, status="active"))) == {"cat-a", "cat-b"}
    assert names(client.list(owner=owner, status="queued")) == ["cat-c"]
    assert client.list(owner=owner, status="deactivated") == []


def test_filter_by_size_min_and_size_max(catalog):
    client, owner = catalog["client"], catalog["owner"]
    assert names(client.list(owner=owner, size_min=50)) == ["cat-b"]
    assert names(client.list(owner=owner, size_max=50)) == ["cat-a"]
    assert set(names(client.list(owner=owner, size_min=10, size_max=100))) == {"cat-a", "cat-b"}
    assert client.list(owner=owner, size_min=11, size_max=99) == []


def test_sort_key_and_sort_dir_both_directions(catalog):
    client, owner = catalog["client"], catalog["owner"]
    assert names(client.list(owner=owner, sort_key="name", sort_dir="asc")) == ["cat-a", "cat-b", "cat-c"]
    assert names(client.list(owner=owner, sort_key="name", sort_dir="desc")) == ["cat-c", "cat-b", "cat-a"]
    by_size = client.list(owner=owner, status="active", sort_key="size", sort_dir="desc")
    assert names(by_size) == ["cat-b", "cat-a"]
    with pytest.raises(exc.InvalidArgument):
        client.list(sort_key="name", sort_dir="up")


def test_sort_expression_with_several_keys(catalog):
    client, owner = catalog["client"], catalog["owner"]
    listed = client.list(owner=owner, sort="status:asc,name:desc")
    assert names(listed) == ["cat-b", "cat-a", "cat-c"]  # active (b, a), then queued
    assert names(client.list_all(owner=owner, sort="name:asc,size:desc")) == ["cat-a", "cat-b", "cat-c"]
    with pytest.raises(exc.InvalidArgument):
        client.list(sort="name:asc", sort_key="size")


def test_custom_property_filter(catalog):
    client = catalog["client"]
    tag = catalog["owner"][:10]
    assert names(client.list(it_distro=tag + "-distro")) == ["cat-a"]
    assert client.list(it_distro=tag + "-other") == []


def test_os_hidden_filter(catalog):
    client, owner = catalog["client"], catalog["owner"]
    assert names(client.list(owner=owner, os_hidden=True)) == ["cat-d"]
    assert "cat-d" not in names(client.list(owner=owner, os_hidden=False))
    assert catalog["d"].id == client.get(catalog["d"].id).id  # hidden, not gone


def test_limit_and_marker_paging(catalog):
    client, owner = catalog["client"], catalog["owner"]
    first = client.list(owner=owner, limit=2, sort_key="name", sort_dir="asc")
    assert names(first) == ["cat-a", "cat-b"]
    second = client.list(owner=owner, limit=2, marker=first[-1].id, sort_key="name", sort_dir="asc")
    assert names(second) == ["cat-c"]
    assert names(client.list(owner=owner, limit=1, marker=first[-1], sort_key="name", sort_dir="asc")) == [
        "cat-c"
    ]
    with pytest.raises(exc.InvalidArgument):
        client.list(limit=-1)


# -- many pages ---------------------------------------------------------------------------------
SPECIAL = " spaced + plus (paren) & amp ünï/x?y=z#h"


@pytest.fixture(scope="module")
def crowd(glance_url: str) -> Iterator[Dict[str, Any]]:
    """20 images sharing a name full of characters URLs treat specially, and
    decoys whose names a mis-encoded query would match instead."""
    for box in scratch_project(glance_url):
        name = box.project[:8] + SPECIAL
        wanted = [box.create(name, metadata={"it_idx": "%02d" % i}) for i in range(20)]
        decoys = [
            box.create(name.replace("+", " ")),  # "+" sent unencoded reads as a space
            box.create(name.split("&")[0]),  # "&" sent unencoded ends the value
            box.create(name.replace("ü", "u")),  # non-ASCII dropped or mangled
            box.create(name.split("#")[0]),  # "#" sent unencoded starts a fragment
            box.create(name + " "),  # a prefix match is not a match
        ]
        yield {"box": box, "name": name, "wanted": wanted, "decoys": decoys}


def assert_pages_only_hold(recorder: Recorder, name: str, sizes: List[int]) -> None:
    assert [len(page) for page in recorder.page_names()] == sizes
    assert all(seen == name for page in recorder.page_names() for seen in page)
    for _, url, _ in recorder.calls:
        assert parse_qs(urlsplit(url).query)["name"] == [name]


def test_iter_all_pages_of_7_through_a_special_name_filter(crowd):
    client, name = crowd["box"].client, crowd["name"]
    with Recorder(client) as recorder:
        found = client.iter_all(page_size=7, name=name)
        assert next(found).name == name and len(recorder.pages) == 1  # lazy: one page so far
        rest = list(found)
    assert sorted(ids(rest) + [recorder.pages[0]["images"][0]["id"]]) == sorted(ids(crowd["wanted"]))
    assert_pages_only_hold(recorder, name, [7, 7, 6])
    for _, url, _ in recorder.calls:
        assert parse_qs(urlsplit(url).query)["limit"] == ["7"]


def test_list_all_through_a_special_name_filter(crowd):
    client, name = crowd["box"].client, crowd["name"]
    with Recorder(client) as recorder:
        listed = client.list_all(name=name)
    assert sorted(ids(listed)) == sorted(ids(crowd["wanted"]))
    assert_pages_only_hold(recorder, name, [20])
    # No page size given: the largest page Glance serves (its api_limit_max).
    assert parse_qs(urlsplit(recorder.calls[0][1]).query)["limit"] == ["1000"]
    with Recorder(client) as recorder:
        paged = client.list_all(name=name, page_size=7, sort_key="name", sort_dir="asc")
    assert sorted(ids(paged)) == sorted(ids(crowd["wanted"]))
    assert_pages_only_hold(recorder, name, [7, 7, 6])
    # Every decoy is still reachable by its own name: the filter really is exact.
    for decoy in crowd["decoys"]:
        assert ids(client.list_all(name=decoy.name, page_size=7)) == [decoy.id]


def test_versioned_endpoint_pages_like_the_unversioned_one(crowd, glance_url):
    box, name = crowd["box"], crowd["name"]
    versioned = noauth_client(glance_url + "/v2", box.project)
    with Recorder(versioned) as recorder:
        listed = versioned.list_all(name=name, page_size=7)
    assert sorted(ids(listed)) == sorted(ids(crowd["wanted"]))
    assert_pages_only_hold(recorder, name, [7, 7, 6])
    assert all(url.startswith(glance_url + "/v2/images?") for _, url, _ in recorder.calls)
    everything = ids(box.client.list_all(owner=box.project, page_size=4))
    assert ids(versioned.list_all(owner=box.project, page_size=4)) == everything
    assert len(everything) == 25
    # One request for all 25 (Glance's default page is 25; more would need two),
    # and a page size above the server's cap is capped silently, never refused.
    with Recorder(box.client) as recorder:
        assert ids(box.client.list_all(owner=box.project)) == everything
        assert sorted(ids(box.client.list_all(owner=box.project, page_size=10**6))) == sorted(everything)
    assert [len(page["images"]) for page in recorder.pages] == [25, 25]
    image = versioned.get(crowd["wanted"][0].id)
    assert versioned.update(image, {"it_v": "2"}).it_v == "2"


@pytest.fixture(scope="module")
def many(glance_url: str) -> Iterator[Dict[str, Any]]:
    """27 images with one name (more than Glance's default page of 25)."""
    for box in scratch_project(glance_url):
        name = box.project[:8] + "-many"
        images = [box.create(name, metadata={"it_idx": "%02d" % i}) for i in range(27)]
        box.create(box.project[:8] + "-other", metadata={"it_idx": "00"})
        yield {"box": box, "name": name, "images": images}


def test_find_an_image_beyond_the_first_page(many):
    client, name = many["box"].client, many["name"]
    first_page = ids(client.list(name=name))
    assert len(first_page) == 25
    beyond = [image for image in many["images"] if image.id not in first_page]
    assert len(beyond) == 2
    target = beyond[0]
    with Recorder(client) as recorder:
        found = client.find(name=name, it_idx=target.it_idx)  # it_idx is checked client-side
    assert found.id == target.id and found.it_idx == target.it_idx
    assert [len(page) for page in recorder.page_names()] == [27]  # one page: the largest Glance serves
    for _, url, _ in recorder.calls:  # the name narrowed the listing on the server
        assert parse_qs(urlsplit(url).query)["name"] == [name]


def test_find_raises_for_none_and_for_several(many):
    client, name = many["box"].client, many["name"]
    with pytest.raises(exc.NotFound):
        client.find(name=name, it_idx="99")
    with pytest.raises(exc.NoUniqueMatch):
        client.find(name=name)
    with pytest.raises(exc.NoUniqueMatch):
        client.find(it_idx="00", owner=many["box"].project)


def test_findall_over_every_page(many):
    client, name, project = many["box"].client, many["name"], many["box"].project
    assert sorted(ids(client.findall(name=name))) == sorted(ids(many["images"]))
    assert len(client.findall(owner=project)) == 28
    matching = client.findall(it_idx="00", owner=project)
    assert sorted(image.name for image in matching) == sorted([name, project[:8] + "-other"])
    assert ids(client.findall(id=many["images"][3].id)) == [many["images"][3].id]
    assert client.findall(name=name, it_idx="nope") == []


def test_repeated_sort_keys_each_with_its_direction(catalog):
    client, owner = catalog["client"], catalog["owner"]
    listed = client.list(owner=owner, sort_key=["status", "name"], sort_dir=["asc", "desc"])
    assert names(listed) == ["cat-b", "cat-a", "cat-c"]  # active before queued, then names descending
    listed = client.list(owner=owner, sort_key=["status", "name"], sort_dir=["desc", "asc"])
    assert names(listed) == ["cat-c", "cat-a", "cat-b"]


def test_find_and_findall_see_hidden_images_when_asked(catalog):
    client, hidden = catalog["client"], catalog["d"]
    assert client.findall(name="cat-d") == []  # Glance leaves hidden images out of listings
    assert client.find(name="cat-d", os_hidden=True).id == hidden.id
    assert ids(client.findall(owner=catalog["owner"], os_hidden=True)) == [hidden.id]
