"""Swift paths on the wire: every segment encoded, dot segments sent as %2E
(never resolved by requests), container names that would move the path refused."""

from __future__ import annotations

import pytest

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient
from pyrax_image.object_storage import ObjectStorageClient
from pyrax_image.object_storage.paths import object_path
from pyrax_image.redirects import keep_dot_segments_encoded
from tests.unit.helpers import PROJECT, SWIFT, TOKEN, assert_no_request


@pytest.fixture(params=[ObjectStorageClient, CloudFilesClient])
def storage(request, rsps):
    return request.param(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)


@pytest.mark.parametrize(
    "container, name, path",
    [
        ("c", "../../AUTH_other/c2/o", "/c/%2E%2E/%2E%2E/AUTH_other/c2/o"),
        ("c", "a/../b", "/c/a/%2E%2E/b"),
        ("c", ".", "/c/%2E"),
        ("..", "..", "/%2E%2E/%2E%2E"),
        ("c", "a//b/", "/c/a//b/"),
        ("c d", "%2E%2E/?#", "/c%20d/%252E%252E/%3F%23"),
    ],
)
def test_every_segment_is_encoded_and_sent_as_built(storage, rsps, container, name, path):
    assert object_path(container, name) == path
    rsps.head(SWIFT + path, headers={"Content-Length": "0"})
    assert storage.get_object(container, name).name == name
    assert rsps.calls[0].request.url == SWIFT + path


@pytest.mark.parametrize("container", ["", "a/b", "x" * 257, None, 5, b"c", ["c"]])
def test_container_names_that_cannot_be_addressed_are_refused(storage, rsps, container):
    with pytest.raises(exc.InvalidArgument):
        storage.get_object(container, "o")
    with pytest.raises(exc.InvalidArgument):
        storage.create_container(container)
    assert_no_request(rsps)


@pytest.mark.parametrize("name", ["", "x" * 1025, "a\x00b", None, 3, b"o"])
def test_object_names_that_cannot_be_addressed_are_refused(storage, rsps, name):
    with pytest.raises(exc.InvalidArgument):
        storage.get_object("c", name)
    with pytest.raises(exc.InvalidArgument):
        storage.store_object("c", name, b"data")
    assert_no_request(rsps)


def test_temp_url_path_is_encoded_and_signed_over_the_literal_name(storage):
    url = storage.get_temp_url("c", "../x", 60, key="secret-key")
    assert url.startswith(SWIFT + "/c/%2E%2E/x?temp_url_sig=")


@pytest.mark.parametrize(
    "url, sent",
    [
        ("http://h/v1/A/c/./..", "http://h/v1/A/c/%2E/%2E%2E"),
        ("http://h/v1/A/c/a.b/..x?q=..", "http://h/v1/A/c/a.b/..x?q=.."),
        ("http://h/v1/A/c", "http://h/v1/A/c"),
    ],
)
def test_the_transport_keeps_decoded_dot_segments_encoded(url, sent):
    assert keep_dot_segments_encoded(url) == sent
