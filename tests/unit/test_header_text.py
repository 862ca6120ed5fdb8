"""Header values and text (issue 16 item 6): NUL refused like CR/LF in every
header value, Swift metadata sent as UTF-8 (as Swift and python-swiftclient
expect), non-ASCII metadata names refused, lone surrogates refused with
InvalidArgument wherever text enters before any request, and an error body
without a charset read as UTF-8 when it is UTF-8."""

from __future__ import annotations

from typing import Any, Callable, List

import pytest
import responses

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient
from pyrax_image.object_storage import ObjectStorageClient
from tests.unit.helpers import (
    IMAGE_ID,
    ITEM,
    PROJECT,
    SWIFT,
    TOKEN,
    V2,
    StoringSwift,
    assert_no_request,
    head_object,
    make_client,
)

LONE = "\ud800"


@pytest.fixture
def cf(rsps: responses.RequestsMock) -> CloudFilesClient:
    return CloudFilesClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)


@pytest.fixture
def storage(rsps: responses.RequestsMock) -> ObjectStorageClient:
    return ObjectStorageClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)


@pytest.fixture
def images(rsps: responses.RequestsMock) -> Any:
    return make_client([])


# -- NUL in header values -------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["v\x00X", "v\rX", "v\nX"])
def test_nul_cr_and_lf_in_swift_header_values_are_refused(cf, storage, rsps, bad):
    with pytest.raises(exc.InvalidArgument):
        cf.store_object("c", "o", b"data", metadata={"note": bad})
    with pytest.raises(exc.InvalidArgument):
        cf.create_container("c", metadata={"note": bad})
    with pytest.raises(exc.InvalidArgument):
        storage.store_object("c", "o", b"data", headers={"X-Object-Meta-Note": bad})
    assert_no_request(rsps)


def test_nul_in_any_header_value_is_refused_by_the_transport(images, rsps):
    with pytest.raises(exc.InvalidArgument, match="NUL"):
        images.transport.request("GET", ITEM, headers={"X-Anything": "a\x00b"})
    assert_no_request(rsps)


# -- Swift metadata as UTF-8 ----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["café", "café ☕", "plain"])
def test_swift_metadata_goes_out_as_utf8(cf, rsps, value):
    rsps.put(SWIFT + "/c", status=201)
    rsps.head(SWIFT + "/c", headers={"X-Container-Meta-Note": value.encode("utf-8").decode("latin-1")})
    container = cf.create_container("c", metadata={"note": value})
    sent = rsps.calls[0].request.headers["X-Container-Meta-Note"]
    assert sent.encode("latin-1") == value.encode("utf-8")  # the bytes on the wire
    assert container.headers["X-Container-Meta-Note"] == value  # read back as the text stored


def test_object_headers_and_metadata_go_out_as_utf8(storage, rsps):
    swift = StoringSwift()
    rsps.add_callback(responses.PUT, SWIFT + "/c/o", callback=swift)
    head_object(rsps, "o", b"data", **{"X-Object-Meta-Where": "Zürich ☕".encode().decode("latin-1")})
    stored = storage.store_object("c", "o", b"data", headers={"X-Object-Meta-Where": "Zürich ☕"})
    assert swift.headers["/v1/AUTH_%s/c/o" % PROJECT]["X-Object-Meta-Where"].encode("latin-1") == "Zürich ☕".encode()
    assert stored.headers["X-Object-Meta-Where"] == "Zürich ☕"


@pytest.mark.parametrize("name", ["café", "with space", "colon:", "ü"])
def test_non_ascii_or_non_token_metadata_names_are_refused(cf, rsps, name):
    with pytest.raises(exc.InvalidArgument, match="header name"):
        cf.store_object("c", "o", b"data", metadata={name: "v"})
    assert_no_request(rsps)


# -- lone surrogates --------------------------------------------------------------------------------
SURROGATE_CALLS: List[Callable[[Any, Any], Any]] = [
    lambda images, cf: images.create("name" + LONE, img_format="raw"),
    lambda images, cf: images.create("n", img_format="raw", metadata={"note": "v" + LONE}),
    lambda images, cf: images.update(IMAGE_ID, {"name": LONE}),
    lambda images, cf: images.add_image_tag(IMAGE_ID, "tag" + LONE),
    lambda images, cf: images.delete_image_tag(IMAGE_ID, "tag" + LONE),
    lambda images, cf: images.add_image_member(IMAGE_ID, "p" + LONE),
    lambda images, cf: images.get("id" + LONE),
    lambda images, cf: images.delete("id" + LONE),
    lambda images, cf: images.list(name="n" + LONE),
    lambda images, cf: images.list(tag=["ok", LONE]),
    lambda images, cf: cf.get_object("c", "o" + LONE),
    lambda images, cf: cf.store_object("c", "o" + LONE, b"d"),
    lambda images, cf: cf.get_container("c" + LONE),
    lambda images, cf: cf.store_object("c", "o", b"d", metadata={"note": LONE}),
    lambda images, cf: cf.create_container("c", metadata={"note": LONE}),
]


@pytest.mark.parametrize("call", SURROGATE_CALLS, ids=range(len(SURROGATE_CALLS)))
def test_a_lone_surrogate_is_refused_before_any_request(images, cf, rsps, call):
    with pytest.raises(exc.InvalidArgument):
        call(images, cf)
    assert_no_request(rsps)


def test_a_lone_surrogate_in_a_json_body_never_reaches_the_wire(images, rsps):
    with pytest.raises(exc.InvalidArgument, match="surrogate"):
        images.transport.request("POST", V2 + "/images", json={"name": "ok", "nested": [{"k": LONE}]})
    assert_no_request(rsps)


# -- error bodies without a charset -----------------------------------------------------------------
def test_a_utf8_error_body_without_a_charset_is_read_as_utf8(images, rsps):
    text = "Image «café» 😀 not found"
    rsps.get(ITEM, status=404, body=text.encode("utf-8"), content_type="text/plain")
    with pytest.raises(exc.NotFound) as caught:
        images.get(IMAGE_ID)
    assert caught.value.message == text and text in str(caught.value)


def test_a_latin1_error_body_without_a_charset_is_still_read(images, rsps):
    rsps.get(ITEM, status=404, body="caf\xe9 absent".encode("latin-1"), content_type="text/plain")
    with pytest.raises(exc.NotFound) as caught:
        images.get(IMAGE_ID)
    assert caught.value.message == "café absent"


def test_a_declared_charset_wins(images, rsps):
    rsps.get(ITEM, status=404, body="«x»".encode(), content_type="text/plain; charset=iso-8859-1")
    with pytest.raises(exc.NotFound) as caught:
        images.get(IMAGE_ID)
    assert caught.value.message == "«x»".encode().decode("latin-1")
