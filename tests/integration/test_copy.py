"""``copy_image`` from Glance RegionOne to Glance RegionTwo (same Keystone), for real.

The copy keeps formats, ``min_ram``/``min_disk``, tags, custom properties
(not the server-owned ones), visibility on request and ``protected``; its
bytes are the source's (multihash compared, and downloaded back). Proxies in
front of either Glance cut the source's download midway (the copy resumes it
with ``Range``), flip a byte of it, or make the target refuse the data: the
copy fails with the matching error and the target keeps no image, unless
``keep_on_failure``. Inside one cloud, ``stores=`` asks Glance's own
``copy-image`` import instead.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Dict, Iterator, List

import pytest

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from tests.faultproxy import FaultProxy, corrupt, reset_response, respond
from tests.integration.helpers import delete_quietly

MIB = 1024 * 1024
DATA = os.urandom(3 * MIB + 777)
FILE = r"/file$"


def region_client(cloud: Dict[str, Any], login: Dict[str, str], region: str, url: str = "") -> ImageClient:
    identity = TokenIdentity(login["token"], tenant_id=login["project_id"])
    return ImageClient(identity, management_url=url or cloud["regions"][region]["image"])


@pytest.fixture
def one(cloud, alice_login) -> ImageClient:
    return region_client(cloud, alice_login, "RegionOne")


@pytest.fixture
def two(cloud, alice_login) -> ImageClient:
    return region_client(cloud, alice_login, "RegionTwo")


@pytest.fixture
def made(one, two) -> Iterator[List[Any]]:
    """(client, image) pairs deleted after the test (unprotected first)."""
    created: List[Any] = []
    yield created
    for client, image in created:
        try:
            client.update(image, {"protected": False})
        except exc.PyraxImageException:
            pass
        delete_quietly(client, image)


@pytest.fixture
def source(one, made, unique) -> Any:
    image = one.create(
        unique,
        img_format="raw",
        data=DATA,
        metadata={
            "min_ram": 512,
            "min_disk": 2,
            "os_distro": "ubuntu",
            "it_copy_marker": unique,
            "tags": ["golden", unique],
            "visibility": "community",
        },
    )
    made.append((one, image))
    return image


def names_in(client: ImageClient, name: str) -> List[str]:
    return [image.id for image in client.list_all(name=name)]


def test_copy_to_another_region_keeps_metadata_and_bytes(one, two, source, made, unique):
    one.update(source, {"protected": True})
    copy = one.copy_image(source, two, copy_visibility=True)
    made.append((two, copy))
    info, original = copy.to_dict(), one.get(source.id).to_dict()
    assert copy.id != source.id and two.get(copy.id).id == copy.id
    assert (info["name"], info["disk_format"], info["container_format"]) == (unique, "raw", "bare")
    assert (info["min_ram"], info["min_disk"], info["os_distro"], info["it_copy_marker"]) == (
        512,
        2,
        "ubuntu",
        unique,
    )
    assert sorted(info["tags"]) == sorted(["golden", unique])
    assert info["visibility"] == "community" and info["protected"] is True
    assert info["os_hash_algo"] == original["os_hash_algo"]
    assert (info["os_hash_value"], info["checksum"], info["size"]) == (
        original["os_hash_value"],
        original["checksum"],
        len(DATA),
    )
    assert not [key for key in info if key.startswith("os_glance_")]
    assert b"".join(two.download(copy)) == DATA


def test_copy_takes_a_new_name_and_the_target_default_visibility(one, two, source, made, unique):
    seen: List[int] = []
    copy = one.copy_image(
        source.id, two, name=unique + "-renamed", progress=lambda done, total: seen.append(done)
    )
    made.append((two, copy))
    assert copy.name == unique + "-renamed" and copy.visibility != "community"
    assert seen[-1] == len(DATA) and names_in(two, unique) == []


@pytest.fixture
def proxied(proxies: Callable[..., FaultProxy], cloud, alice_login):
    """``proxied(region)``: (proxy, alice's client of that region through it)."""

    def build(region: str):
        proxy = proxies(cloud["regions"][region]["image"])
        return proxy, region_client(cloud, alice_login, region, proxy.url)

    return build


def test_a_source_download_cut_midway_resumes_with_range(proxied, two, source, made):
    proxy, via_one = proxied("RegionOne")
    proxy.add(reset_response(MIB + 4321), method="GET", path=FILE)
    copy = via_one.copy_image(source, two, chunk_size=64 * 1024)
    made.append((two, copy))
    assert b"".join(two.download(copy)) == DATA
    asked = [entry.headers.get("range") for entry in proxy.requests("GET", FILE)]
    assert len(asked) == 2 and asked[0] is None
    resumed_from = int(re.match(r"bytes=(\d+)-$", asked[1]).group(1))
    assert MIB <= resumed_from <= MIB + 4321


def test_a_corrupted_source_is_detected_and_the_target_keeps_nothing(proxied, two, source, unique):
    proxy, via_one = proxied("RegionOne")
    # Early in the body and on every attempt, so neither a chunk-size line nor
    # a resumed request can carry the flipped byte away from the data.
    proxy.add(corrupt(1000), method="GET", path=FILE, times=None)
    with pytest.raises(exc.ChecksumMismatch):
        via_one.copy_image(source, two)
    assert names_in(two, unique) == []


@pytest.mark.parametrize("status, error", [(413, exc.OverLimit), (409, exc.Conflict)])
def test_a_target_refusing_the_data_keeps_no_image(proxied, one, source, unique, status, error):
    proxy, via_two = proxied("RegionTwo")
    body = b'{"message": "refused by the test", "code": %d, "title": "Refused"}' % status
    proxy.add(respond(status, body, {"Content-Type": "application/json"}), method="PUT", path=FILE)
    with pytest.raises(error):
        one.copy_image(source, via_two)
    assert names_in(via_two, unique) == []
    assert proxy.count("DELETE") >= 1


def test_keep_on_failure_leaves_the_half_made_copy(proxied, one, two, source, made, unique):
    proxy, via_two = proxied("RegionTwo")
    proxy.add(respond(409, b"{}", {"Content-Type": "application/json"}), method="PUT", path=FILE)
    with pytest.raises(exc.Conflict):
        one.copy_image(source, via_two, keep_on_failure=True)
    (left,) = names_in(two, unique)
    made.append((two, left))
    assert two.get(left).status == "queued"


def test_a_target_refusing_the_create_sends_no_data(proxied, one, source, unique):
    proxy, via_two = proxied("RegionTwo")
    proxy.add(
        respond(400, b'{"message": "bad disk_format"}', {"Content-Type": "application/json"}), method="POST"
    )
    with pytest.raises(exc.BadRequest):
        one.copy_image(source, via_two)
    assert proxy.count("PUT") == 0 and names_in(via_two, unique) == []


def test_bad_arguments_are_refused_before_any_request(proxied, one, source):
    proxy, via_two = proxied("RegionTwo")
    with pytest.raises(exc.InvalidArgument):
        one.copy_image(source, "RegionTwo")
    with pytest.raises(exc.MissingName):
        one.copy_image(source, via_two, name="  ")
    with pytest.raises(exc.InvalidArgument):
        one.copy_image(source, via_two, stores=["cheap"])  # stores: only within this client's cloud
    assert proxy.count() == 0


def test_within_one_cloud_stores_asks_glance_to_copy(admin, unique):
    # copy-image is an admin's import by Glance's default policy
    image = admin.create(unique, img_format="raw", data=DATA[:100_000])
    try:
        assert set(image.to_dict()["stores"].split(",")) == {"fast"}
        copied = admin.copy_image(image, admin, stores=["cheap"])
        assert copied.id == image.id and set(copied.to_dict()["stores"].split(",")) == {"fast", "cheap"}
        assert "os_glance_import_task" not in copied.to_dict()  # returned once the import has ended
        admin.update(copied, {"os_distro": "debian"})  # so no write-back of the flow can revert this
        assert admin.get(image.id).os_distro == "debian"
        assert b"".join(admin.download(copied)) == DATA[:100_000]
    finally:
        delete_quietly(admin, image)
