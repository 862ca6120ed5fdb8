"""BaseClient / ImageClient: construction, endpoints, URL building, the
generic verbs, method_* and timings (docs/migrating.md "What is identical",
docs/images.md "Clients")."""

from __future__ import annotations

import inspect
from typing import List, Optional

import pytest
import requests

from pyrax_image import BaseClient, ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.image import ImageManager, ImageTasksManager, JSONSchemaManager
from tests.unit.helpers import (
    BASE,
    IMAGE_ID,
    JSON,
    PROJECT,
    V2,
    VERSIONED,
    assert_headers,
    image_info,
    make_client,
)


class CatalogIdentity(BaseIdentity):
    """An identity with a one-entry catalog, counting what the client asks."""

    def __init__(self, url: str = "https://cat.test:9292/") -> None:
        self.url = url
        self.calls: List[tuple] = []
        self.tenant_id = "t-cat"

    def authenticate(self) -> None:
        self.calls.append(("authenticate",))
        self.token = "cat-token"

    def get_endpoint(self, service_type: str, region: Optional[str] = None, public: bool = True,
                     service_name: Optional[str] = None) -> str:
        self.calls.append(("endpoint", service_type, region, public, service_name))
        return self.url


# -- construction --------------------------------------------------------------------
def test_signature_is_pyraxs():
    params = list(inspect.signature(BaseClient.__init__).parameters)[1:10]
    assert params == ["identity", "region_name", "endpoint_type", "management_url", "service_name",
                      "timings", "verify_ssl", "http_log_debug", "timeout"]
    assert ImageClient.name == "Images"


def test_configure_manager_creates_the_three_managers(client):
    assert isinstance(client._manager, ImageManager)
    assert isinstance(client._tasks_manager, ImageTasksManager)
    assert isinstance(client._schema_manager, JSONSchemaManager)
    assert (client._manager.uri_base, client._tasks_manager.uri_base, client._schema_manager.uri_base) == (
        "images", "tasks", "schemas")


def test_projectid(client):
    assert client.projectid == PROJECT


def test_repr_has_no_token(client):
    assert "tok" not in repr(client).replace("glance.test", "")
    assert BASE in repr(client)


# -- endpoints and URLs ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, expected",
    [
        (BASE, V2 + "/images"),
        (BASE + "/", V2 + "/images"),
        (VERSIONED, VERSIONED + "/images"),
        (VERSIONED + "/", VERSIONED + "/images"),
        ("https://cloud.test/image", "https://cloud.test/image/v2/images"),
        ("https://cloud.test/image/v2.1", "https://cloud.test/image/v2.1/images"),
        ("http://old.test:9292/v1", "http://old.test:9292/v2/images"),
        ("http://old.test:9292/v1/", "http://old.test:9292/v2/images"),
    ],
)
def test_url_for(delays, url, expected):
    assert make_client(delays, url).url_for("/images") == expected
    assert make_client(delays, url).url_for("images") == expected


@pytest.mark.parametrize(
    "url, link, expected",
    [
        (BASE, "/v2/images?marker=a", V2 + "/images?marker=a"),
        (VERSIONED, "/v2/images?marker=a", VERSIONED + "/images?marker=a"),
        ("https://cloud.test/image", "/v2/images?marker=a", "https://cloud.test/image/v2/images?marker=a"),
        (BASE, "images?marker=a", V2 + "/images?marker=a"),
        (BASE, "/other?x=%2B", BASE + "/other?x=%2B"),
        (BASE, BASE + "/v2/images?m=1", BASE + "/v2/images?m=1"),
        (BASE, "https://elsewhere.test/v2/images?m=1", BASE + "/v2/images?m=1"),
        (VERSIONED, "http://internal:9292/v2/images", VERSIONED + "/images"),
    ],
)
def test_resolve_link(delays, url, link, expected):
    assert make_client(delays, url).resolve_link(link) == expected


def test_endpoint_from_the_catalog(rsps, delays):
    identity = CatalogIdentity()
    client = ImageClient(identity, region_name="DFW", service_name="cloudImages")
    rsps.get("https://cat.test:9292/v2/images", json={"images": []})
    client.list()
    assert identity.calls == [("authenticate",), ("endpoint", "image", "DFW", True, "cloudImages")]
    assert rsps.calls[0].request.headers["X-Auth-Token"] == "cat-token"
    assert client.projectid == "t-cat"


def test_internal_endpoint_type(delays):
    identity = CatalogIdentity()
    identity.token = "x"
    client = ImageClient(identity, endpoint_type="internalURL")
    assert client.management_url == "https://cat.test:9292"
    assert identity.calls == [("endpoint", "image", None, False, None)]


def test_token_identity_without_url_names_the_fix():
    client = ImageClient(TokenIdentity("t"))
    with pytest.raises(exc.NoEndpointForService, match="management_url"):
        client.url_for("/images")


def test_unauthenticate_forgets_the_catalog_endpoint(delays):
    identity = CatalogIdentity()
    client = ImageClient(identity)
    assert client.management_url == "https://cat.test:9292"
    client.unauthenticate()
    assert identity.token is None
    identity.url = "https://new.test"
    assert client.management_url == "https://new.test"


def test_authenticate_delegates_to_identity():
    identity = CatalogIdentity()
    ImageClient(identity).authenticate()
    assert identity.calls == [("authenticate",)] and identity.token == "cat-token"


def test_management_url_setter(client):
    client.management_url = VERSIONED + "/"
    assert client.url_for("/images") == VERSIONED + "/images"


# -- method_* -----------------------------------------------------------------------------------
def test_method_get_returns_response_and_body(client, rsps):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    resp, body = client.method_get("/images/" + IMAGE_ID)
    assert isinstance(resp, requests.Response) and resp.status_code == 200
    assert body["id"] == IMAGE_ID


@pytest.mark.parametrize("verb", ["head", "get", "post", "put", "delete", "patch"])
def test_method_verbs(client, rsps, verb):
    rsps.add(verb.upper(), V2 + "/x?q=1", status=204)
    resp, body = getattr(client, "method_" + verb)("/x", params={"q": 1})
    assert (resp.status_code, body) == (204, None)
    assert rsps.calls[0].request.method == verb.upper()
    assert_headers(rsps.calls[0].request)


def test_method_post_body_is_json_and_headers_merge(client, rsps):
    rsps.post(V2 + "/x", json={"ok": True})
    resp, body = client.method_post("/x", body={"a": [1, "é"]}, headers={"X-Extra": "1"})
    request = rsps.calls[0].request
    assert request.body == b'{"a": [1, "\\u00e9"]}'
    assert request.headers["X-Extra"] == "1"
    assert_headers(request, JSON)
    assert body == {"ok": True}


def test_non_json_body_of_a_reply_without_content_is_none(client, rsps):
    rsps.post(V2 + "/x", body="<html>Accepted</html>", status=202, content_type="text/html")
    rsps.put(V2 + "/x", body="Created", status=201, content_type="text/plain")
    assert client.method_post("/x")[1] is None and client.method_put("/x")[1] is None


def test_stream_returns_unread_response(client, rsps):
    rsps.get(V2 + "/x", body=b"abc", content_type="application/octet-stream")
    resp, body = client.method_get("/x", stream=True)
    assert body is None and resp.raw.read() == b"abc"
    assert rsps.calls[0].request.req_kwargs["stream"] is True


# -- timings ----------------------------------------------------------------------------------------
def test_timings_recorded_and_reset(rsps, delays):
    client = make_client(delays, timings=True)
    rsps.get(V2 + "/images", json={"images": []})
    client.list()
    timings = client.get_timings()
    assert len(timings) == 1
    name, start, end = timings[0]
    assert name == "GET %s/images" % V2 and start <= end
    client.reset_timings()
    assert client.get_timings() == []


def test_timings_off_by_default(client, rsps):
    rsps.get(V2 + "/images", json={"images": []})
    client.list()
    assert client.get_timings() == []


# -- generic verbs -------------------------------------------------------------------------------------
def test_base_list_get_delete_find_delegate(client, rsps):
    rsps.get(V2 + "/images?limit=1", json={"images": [image_info()]})
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    rsps.delete(V2 + "/images/" + IMAGE_ID, status=204)
    assert BaseClient.list(client, limit=1)[0].id == IMAGE_ID
    assert client.get(IMAGE_ID).id == IMAGE_ID
    client.delete(IMAGE_ID)


def test_base_client_needs_configure_manager():
    with pytest.raises(NotImplementedError):
        BaseClient(TokenIdentity("t"), management_url=BASE)


FILTERS = ["name", "visibility", "member_status", "owner", "tag", "status", "size_min", "size_max",
           "sort_key", "sort_dir"]


@pytest.mark.parametrize(
    "method, params",
    [
        ("list", ["limit", "marker"] + FILTERS),
        ("list_all", FILTERS),
        ("update", ["img", "value_dict"]),
        ("create", ["name", "img_format", "data", "container", "obj", "metadata"]),
        ("change_image_name", ["img", "newname"]),
        ("list_image_members", ["img"]),
        ("get_image_member", ["img", "member"]),
        ("add_image_member", ["img", "project_id"]),
        ("delete_image_member", ["img", "project_id"]),
        ("update_image_member", ["img_id", "status"]),
        ("add_image_tag", ["img", "tag"]),
        ("delete_image_tag", ["img", "tag"]),
        ("list_tasks", []),
        ("get_task", ["task"]),
        ("export_task", ["img", "cont"]),
        ("import_task", ["img", "cont", "img_format", "img_name"]),
        ("get_images_schema", []),
        ("get_image_schema", []),
        ("get_image_members_schema", []),
        ("get_image_member_schema", []),
        ("get_image_tasks_schema", []),
        ("get_image_task_schema", []),
        ("get", ["item"]),
        ("delete", ["item"]),
        ("find", ["kw"]),
        ("findall", ["kw"]),
    ],
)
def test_seed_signatures_are_kept(method, params):
    signature = inspect.signature(getattr(ImageClient, method))
    names = [p.name for p in signature.parameters.values()
             if p.name != "self" and p.kind is not p.VAR_KEYWORD][: len(params)]
    if params == ["kw"]:
        names = [p.name for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD]
    assert names == params
    for p in signature.parameters.values():
        if p.name in params and p.kind is not p.VAR_KEYWORD and p.name not in ("img", "value_dict", "name", "newname", "member", "project_id",
                                                "img_id", "status", "tag", "task", "cont", "item"):
            assert p.default is None, (method, p.name)
