"""Replies that are not JSON where JSON is expected (issue #7 item 4, the
client part): HTML, empty or badly encoded 2xx bodies raise InvalidResponse
with the status, URL and request id; replies that carry no content pass."""

from __future__ import annotations

import pytest

from pyrax_image import exceptions as exc
from tests.unit.helpers import IMAGE_ID, ITEM, V2

RID = {"x-openstack-request-id": "req-shape-1"}


@pytest.mark.parametrize(
    "reply, words",
    [
        ({"body": "<html><body>Welcome to nginx!</body></html>", "content_type": "text/html"}, "text/html"),
        ({"body": "", "content_type": "application/json"}, "empty reply"),
        ({"body": "{not json", "content_type": "application/json"}, "malformed JSON"),
        ({"body": b"\xff\xfe\x00{\x00}", "content_type": "application/json; charset=utf-8"}, "malformed JSON"),
        ({"body": b"\x89PNG\r\n", "content_type": "application/octet-stream"}, "octet-stream"),
    ],
)
def test_get_reply_that_is_not_json_raises_invalid_response(client, rsps, reply, words):
    rsps.get(ITEM, headers=RID, **reply)
    with pytest.raises(exc.InvalidResponse, match=words) as info:
        client.get(IMAGE_ID)
    error = info.value
    assert (error.code, error.method, error.url, error.request_id) == (200, "GET", ITEM, "req-shape-1")
    assert isinstance(error, exc.ClientException)


def test_create_answered_with_an_html_201(client, rsps):
    rsps.post(V2 + "/images", status=201, body="<h1>Created</h1>", content_type="text/html")
    with pytest.raises(exc.InvalidResponse) as info:
        client.create("n")
    assert info.value.code == 201 and info.value.method == "POST"


def test_patch_answered_with_nothing(client, rsps):
    rsps.patch(ITEM, status=200, body="")
    with pytest.raises(exc.InvalidResponse, match="empty"):
        client.method_patch("/images/%s" % IMAGE_ID, body=[])


@pytest.mark.parametrize("status", [202, 204])
def test_replies_without_content_may_be_empty_or_html(client, rsps, status):
    rsps.post(ITEM + "/actions/deactivate", status=status, body="", content_type="text/html; charset=UTF-8")
    response, body = client.method_post("/images/%s/actions/deactivate" % IMAGE_ID)
    assert response.status_code == status and body is None


def test_delete_and_head_need_no_body(client, rsps):
    rsps.delete(ITEM, status=204)
    rsps.head(ITEM, status=200)
    assert client.method_delete("/images/%s" % IMAGE_ID)[1] is None
    assert client.method_head("/images/%s" % IMAGE_ID)[1] is None
