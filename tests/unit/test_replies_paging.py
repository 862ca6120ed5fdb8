"""Glance replies of the wrong shape raise InvalidResponse; listings always end
and never return an image twice (responses)."""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Dict, List, Tuple

import pytest
import responses

from pyrax_image import ImageClient, paging
from pyrax_image import exceptions as exc
from tests.unit.helpers import IMAGE_ID, IMAGES, ITEM, PROJECT, V2, image_info

MEMBERS = ITEM + "/members"
TASKS = V2 + "/tasks"
REQUEST_ID = "req-shape-1"
OTHER_ID = "99999999-8888-7777-6666-555555555555"


def page(*ids: str, next_link: Any = None, **extra: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {"images": [image_info(i, **extra) for i in ids]}
    if next_link is not None:
        body["next"] = next_link
    return body


HTML = {"body": "<html><body><h1>Welcome to nginx</h1></body></html>", "content_type": "text/html"}
EMPTY = {"body": ""}
BROKEN_JSON = {"body": '{"images": [', "content_type": "application/json"}


def js(value: Any) -> Dict[str, Any]:
    return {"body": json.dumps(value), "content_type": "application/json"}


# (name, method, url, reply, call)
Case = Tuple[str, str, str, Dict[str, Any], Callable[[ImageClient], Any]]
MALFORMED: List[Case] = [
    ("list images null", "GET", IMAGES, js({"images": None}), lambda c: c.list()),
    ("list a list", "GET", IMAGES, js([image_info()]), lambda c: c.list()),
    ("list images an object", "GET", IMAGES, js({"images": {"id": IMAGE_ID}}), lambda c: c.list()),
    ("list entry a number", "GET", IMAGES, js({"images": [1]}), lambda c: c.list()),
    ("list entry a string", "GET", IMAGES, js({"images": [image_info(), "x"]}), lambda c: c.list()),
    ("list entry null", "GET", IMAGES, js({"images": [None]}), lambda c: c.list()),
    ("list without images", "GET", IMAGES, js({"schema": "/v2/schemas/images"}), lambda c: c.list()),
    ("list html", "GET", IMAGES, HTML, lambda c: c.list()),
    ("list empty", "GET", IMAGES, EMPTY, lambda c: c.list()),
    ("list_all images null", "GET", IMAGES, js({"images": None}), lambda c: c.list_all()),
    ("list_all html", "GET", IMAGES, HTML, lambda c: c.list_all()),
    ("next a number", "GET", IMAGES, js(page("a", next_link=5)), lambda c: c.list_all()),
    ("next a list", "GET", IMAGES, js(page("a", next_link=["/v2/images"])), lambda c: c.list_all()),
    ("next an object", "GET", IMAGES, js(page("a", next_link={})), lambda c: c.list_all()),
    ("find entry a list", "GET", IMAGES + "?name=x&limit=1000", js({"images": [[]]}), lambda c: c.find(name="x")),
    ("get a list", "GET", ITEM, js([image_info()]), lambda c: c.get(IMAGE_ID)),
    ("get null", "GET", ITEM, js(None), lambda c: c.get(IMAGE_ID)),
    ("get a string", "GET", ITEM, js("image"), lambda c: c.get(IMAGE_ID)),
    ("get html", "GET", ITEM, HTML, lambda c: c.get(IMAGE_ID)),
    ("get empty", "GET", ITEM, EMPTY, lambda c: c.get(IMAGE_ID)),
    ("members null", "GET", MEMBERS, js({"members": None}), lambda c: c.list_image_members(IMAGE_ID)),
    ("members entry", "GET", MEMBERS, js({"members": ["p"]}), lambda c: c.list_image_members(IMAGE_ID)),
    ("members a list", "GET", MEMBERS, js([]), lambda c: c.list_image_members(IMAGE_ID)),
    ("member a list", "GET", MEMBERS + "/p2", js([]), lambda c: c.get_image_member(IMAGE_ID, "p2")),
    ("add member html", "POST", MEMBERS, HTML, lambda c: c.add_image_member(IMAGE_ID, "p2")),
    ("add member a list", "POST", MEMBERS, js([{}]), lambda c: c.add_image_member(IMAGE_ID, "p2")),
    (
        "member status a list",
        "PUT",
        MEMBERS + "/" + PROJECT,
        js([]),
        lambda c: c.update_image_member(IMAGE_ID, "accepted"),
    ),
    ("tasks a string", "GET", TASKS, js({"tasks": "x"}), lambda c: c.list_tasks()),
    ("tasks next a number", "GET", TASKS, js({"tasks": [], "next": 1}), lambda c: c.list_tasks()),
    ("task a list", "GET", TASKS + "/t1", js([]), lambda c: c.get_task("t1")),
    ("task html", "GET", TASKS + "/t1", HTML, lambda c: c.get_task("t1")),
    ("schema a list", "GET", V2 + "/schemas/image", js([]), lambda c: c.get_image_schema()),
    ("schema html", "GET", V2 + "/schemas/images", HTML, lambda c: c.get_images_schema()),
    ("schema empty", "GET", V2 + "/schemas/members", EMPTY, lambda c: c.get_image_members_schema()),
]


@pytest.mark.parametrize("case", MALFORMED, ids=[case[0] for case in MALFORMED])
def test_a_reply_of_the_wrong_shape_raises_invalid_response(
    client: ImageClient, rsps: responses.RequestsMock, case: Case
) -> None:
    _, method, url, reply, action = case
    rsps.add(method, url, status=200, headers={"x-openstack-request-id": REQUEST_ID}, **reply)
    with pytest.raises(exc.ClientException) as raised:
        action(client)
    error = raised.value
    assert isinstance(error, exc.InvalidResponse), repr(error)
    assert error.code == 200 and error.request_id == REQUEST_ID
    assert error.url is not None and error.url.split("?")[0] == url.split("?")[0]
    assert "nginx" not in str(error)  # the body is not repeated


def test_an_update_answered_with_a_list_raises_invalid_response(
    client: ImageClient, rsps: responses.RequestsMock
) -> None:
    rsps.patch(ITEM, json=[image_info(name="new")])
    with pytest.raises(exc.InvalidResponse):
        client.update(IMAGE_ID, {"name": "new"})


# -- create: a malformed reply never leaves an image it could identify ---------------------------
CREATED: List[Tuple[str, Dict[str, Any], Dict[str, str], Any]] = [
    ("a list of the image", js([image_info(OTHER_ID)]), {}, OTHER_ID),
    ("html with Location", HTML, {"Location": IMAGES + "/" + OTHER_ID}, OTHER_ID),
    ("empty with Location", EMPTY, {"Location": "/v2/images/" + OTHER_ID}, OTHER_ID),
    ("broken json with Location", BROKEN_JSON, {"Location": IMAGES + "/" + OTHER_ID}, OTHER_ID),
    ("id a number, Location", js({"id": 5}), {"Location": IMAGES + "/" + OTHER_ID}, OTHER_ID),
    ("id a number", js({"id": 5, "name": "x"}), {}, None),
    ("no id", js({"name": "x"}), {}, None),
    ("a string", js("created"), {}, None),
]


@pytest.mark.parametrize("name,reply,headers,image_id", CREATED, ids=[c[0] for c in CREATED])
def test_create_with_a_malformed_reply_deletes_the_image_it_can_identify(
    client: ImageClient, rsps: responses.RequestsMock, name: str, reply: Any, headers: Any, image_id: Any
) -> None:
    rsps.add("POST", IMAGES, status=201, headers=dict(headers, **{"x-openstack-request-id": REQUEST_ID}), **reply)
    if image_id:
        rsps.delete(IMAGES + "/" + image_id, status=204)
    with pytest.raises(exc.InvalidResponse) as raised:
        client.create("img", data=b"never sent")
    assert raised.value.code == 201 and raised.value.request_id == REQUEST_ID
    methods = [c.request.method for c in rsps.calls]
    assert methods == (["POST", "DELETE"] if image_id else ["POST"])
    if image_id:
        assert "%s was created and has been deleted" % image_id in str(raised.value)


def test_create_says_when_the_image_could_not_be_deleted(client: ImageClient, rsps: responses.RequestsMock) -> None:
    rsps.post(IMAGES, status=201, json=[image_info(OTHER_ID)])
    rsps.delete(IMAGES + "/" + OTHER_ID, status=403)
    with pytest.raises(exc.InvalidResponse, match="could not be deleted"):
        client.create("img")


# -- paging that ends ---------------------------------------------------------------------------
def test_a_next_link_back_to_the_first_page_raises_and_lists_nothing_twice(
    client: ImageClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(IMAGES + "?status=active&limit=2", json=page("a", "b", next_link="/v2/images?marker=b&limit=2"))
    rsps.get(IMAGES + "?marker=b&limit=2", json=page("c", next_link="/v2/images?limit=2&status=active"))
    listed: List[str] = []
    with pytest.raises(paging.PagingLoop) as raised:
        listed.extend(image.id for image in client.iter_all(status="active", page_size=2))
    assert listed == ["a", "b", "c"] and len(rsps.calls) == 2
    assert isinstance(raised.value, exc.InvalidResponse) and raised.value.code == 200


def test_find_on_a_unique_image_ignores_a_next_link_pointing_back(
    client: ImageClient, rsps: responses.RequestsMock
) -> None:
    first = "/v2/images?limit=1000&name=web"
    rsps.get(IMAGES + "?name=web&limit=1000", json=page("a", next_link=first, name="web"))
    assert client.find(name="web").id == "a"
    assert len(rsps.calls) == 1


def test_a_next_link_changing_on_every_page_ends_when_the_ids_repeat(
    client: ImageClient, rsps: responses.RequestsMock
) -> None:
    counter = itertools.count()

    def answer(request: Any) -> Tuple[int, Dict[str, str], str]:
        body = page("a", "b", next_link="/v2/images?marker=b&nonce=%d" % next(counter), name="web")
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    rsps.add_callback(responses.GET, IMAGES, callback=answer)
    with pytest.raises(paging.PagingLoop, match="already listed"):
        client.list_all()
    assert len(rsps.calls) == 2
    assert client.find(id="a").id == "a"  # find still sees the unique image


def test_an_endless_listing_stops_at_the_page_cap(
    client: ImageClient, rsps: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = itertools.count()

    def answer(request: Any) -> Tuple[int, Dict[str, str], str]:
        number = next(counter)
        body = page("id-%d" % number, next_link="/v2/images?marker=id-%d" % number)
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    rsps.add_callback(responses.GET, IMAGES, callback=answer)
    with pytest.raises(paging.TooManyPages, match="more than 5 pages"):
        client.list_all(max_pages=5)
    assert len(rsps.calls) == 5
    monkeypatch.setattr(paging, "DEFAULT_MAX_PAGES", 12)
    with pytest.raises(paging.TooManyPages):
        client.list_all()
    assert len(rsps.calls) == 5 + 12
    with pytest.raises(exc.InvalidResponse):
        client.findall(name="x")  # a cap is not a loop: find raises too


def test_the_default_page_cap_is_finite() -> None:
    assert isinstance(paging.DEFAULT_MAX_PAGES, int) and 100 <= paging.DEFAULT_MAX_PAGES <= 100000


def test_an_image_already_listed_is_never_returned_again(client: ImageClient, rsps: responses.RequestsMock) -> None:
    rsps.get(IMAGES, json=page("a", "b", next_link="/v2/images?marker=b"))
    rsps.get(IMAGES + "?marker=b", json=page("b", "c", "c"))
    assert [image.id for image in client.list_all()] == ["a", "b", "c"]


def test_task_listings_end_too(client: ImageClient, rsps: responses.RequestsMock) -> None:
    rsps.get(TASKS, json={"tasks": [{"id": "t1"}], "next": "/v2/tasks"})
    with pytest.raises(paging.PagingLoop):
        client.list_tasks()


@pytest.mark.parametrize("cap", [0, -1, "10", 2.5, True])
def test_a_careless_page_cap_is_refused_before_any_request(client: ImageClient, cap: Any) -> None:
    with pytest.raises(exc.InvalidArgument):
        client.list_all(max_pages=cap)
