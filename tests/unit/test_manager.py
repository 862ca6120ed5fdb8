"""BaseManager on its own: wrapped bodies, paging, CRUD, hooks and actions."""

from __future__ import annotations

import inspect

import pytest

from pyrax_image import BaseManager, BaseResource
from pyrax_image import exceptions as exc
from tests.unit.helpers import JSON, V2, assert_headers, assert_no_request, sent_json

THINGS = V2 + "/things"


class Thing(BaseResource):
    pass


class ThingManager(BaseManager):
    def _create_body(self, name, *args, **kwargs):
        return {"thing": {"name": name, **kwargs}}


@pytest.fixture
def things(client):
    return ThingManager(client, resource_class=Thing, response_key="thing", uri_base="things")


def test_signature_is_pyraxs():
    params = list(inspect.signature(BaseManager.__init__).parameters)[1:]
    assert params == ["api", "resource_class", "response_key", "plural_response_key", "uri_base"]


def test_plural_key_defaults_from_response_key(things):
    assert things.plural_response_key == "things"


def test_list_with_limit_and_marker(things, rsps):
    rsps.get(THINGS + "?limit=2&marker=a", json={"things": [{"id": "b"}, {"id": "c"}]})
    result = things.list(limit=2, marker="a")
    assert [t.id for t in result] == ["b", "c"] and all(isinstance(t, Thing) for t in result)


def test_list_raw_and_other_keys(things, rsps):
    rsps.get(THINGS, json={"things": [{"id": "b"}], "next": "/v2/things?marker=b"})
    rsps.get(THINGS, json={"things": [{"id": "b"}], "next": "/v2/things?marker=b"})
    assert things.list(return_raw=True) == [{"id": "b"}]
    objects, nxt = things.list(other_keys=["next"])
    assert [o.id for o in objects] == ["b"] and nxt == "/v2/things?marker=b"


def test_iter_all_follows_pages(things, rsps):
    rsps.get(THINGS, json={"things": [{"id": "a"}], "next": "/v2/things?marker=a"})
    rsps.get(THINGS + "?marker=a", json={"things": [{"id": "b"}]})
    assert [t.id for t in things.iter_all()] == ["a", "b"]


def test_get_unwraps(things, rsps):
    rsps.get(THINGS + "/a", json={"thing": {"id": "a", "size": 1}})
    thing = things.get("a")
    assert (thing.id, thing.size, thing.loaded) == ("a", 1, True)


def test_head_returns_headers(things, rsps):
    rsps.head(THINGS + "/a", headers={"X-Thing": "1"})
    assert things.head("a")["X-Thing"] == "1"


def test_create_uses_the_body_hook(things, rsps):
    rsps.post(THINGS, status=201, json={"thing": {"id": "n", "name": "x"}})
    thing = things.create("x", color="red")
    assert sent_json(rsps) == {"thing": {"name": "x", "color": "red"}}
    assert_headers(rsps.calls[0].request, JSON)
    assert thing.id == "n"


def test_create_without_hook_is_refused(client, rsps):
    with pytest.raises(NotImplementedError):
        BaseManager(client, uri_base="x").create("n")
    assert_no_request(rsps)


def test_delete(things, rsps):
    rsps.delete(THINGS + "/a%2Fb", status=204)
    assert things.delete("a/b") is None


def test_find_and_findall_over_pages(things, rsps):
    for _ in range(2):
        rsps.get(THINGS, json={"things": [{"id": "a", "k": 1}], "next": "/v2/things?marker=a"})
        rsps.get(THINGS + "?marker=a", json={"things": [{"id": "b", "k": 2}, {"id": "c", "k": 2}]})
    assert things.find(k=1).id == "a"
    assert [t.id for t in things.findall(k=2)] == ["b", "c"]


def test_find_not_found_and_ambiguous(things, rsps):
    rsps.get(THINGS, json={"things": [{"id": "b", "k": 2}, {"id": "c", "k": 2}]})
    rsps.get(THINGS, json={"things": [{"id": "b", "k": 2}, {"id": "c", "k": 2}]})
    with pytest.raises(exc.NotFound):
        things.find(k=3)
    with pytest.raises(exc.NoUniqueMatch):
        things.find(k=2)


def test_action(things, rsps):
    rsps.post(THINGS + "/a/actions/reboot", json={"ok": 1})
    _, body = things.action("a", "reboot", body={"type": "hard"})
    assert sent_json(rsps) == {"type": "hard"} and body == {"ok": 1}


def test_manager_without_resource_class_returns_dicts(client, rsps):
    rsps.get(THINGS, json={"things": [{"id": "a"}]})
    assert BaseManager(client, response_key="thing", uri_base="things").list() == [{"id": "a"}]


@pytest.mark.parametrize("limit", [-1, 1.5, "-1", "1e3", " 10", "\uff11", True])
def test_bad_limit_sends_nothing(things, rsps, limit):
    with pytest.raises(exc.InvalidArgument):
        things.list(limit=limit)
    assert_no_request(rsps)


@pytest.mark.parametrize("bad", ["", None])
def test_empty_id_sends_nothing(things, rsps, bad):
    with pytest.raises(exc.InvalidArgument):
        things.get(bad)
    with pytest.raises(exc.InvalidArgument):
        things.delete(bad)
    assert_no_request(rsps)
