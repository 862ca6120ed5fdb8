"""Redirects injected between the SDK and the real Glance, Keystone and Swift.

A proxy answers a request with a redirect; the "trap" is a server on another
origin that would accept anything. A redirect to another origin is refused
with ``UnsafeRedirect`` and the trap never hears from the SDK (no token, no
password, no body); a same-origin redirect of a GET is followed.
"""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from pyrax_image import KeystoneIdentity
from pyrax_image import exceptions as exc
from tests.faultproxy import FaultProxy, redirect, respond
from tests.integration.fault_fixtures import DATA, IMAGE_PATH, names_now, raised

TRAP_REPLY = b'{"id": "trap", "name": "trap", "status": "active", "images": []}'


@pytest.fixture
def trap(proxies: Callable[..., FaultProxy], glance_url: str) -> FaultProxy:
    """Another origin that answers 200 to anything (and records what it got)."""
    proxy = proxies(glance_url)
    proxy.add(respond(200, TRAP_REPLY, {"Content-Type": "application/json"}), times=None)
    return proxy


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_get_redirected_to_another_origin_is_refused(
    status, region_one, token_via, ks_fault_image, trap, alice_login
):
    region_one.add(redirect(trap.url + "/v2/images/" + ks_fault_image.id, status), method="GET")
    error = raised(exc.UnsafeRedirect, lambda: token_via().get(ks_fault_image.id), alice_login["token"])
    assert error.code == status and error.location.startswith(trap.url)
    assert trap.count() == 0 and region_one.count() == 1


@pytest.mark.parametrize("status", [302, 303, 307])
def test_create_redirected_elsewhere_is_refused_and_creates_nothing(
    status, region_one, token_via, trap, alice_login, unique
):
    region_one.add(redirect(trap.url + "/v2/images", status), method="POST")
    client = token_via()
    raised(exc.UnsafeRedirect, lambda: client.create(unique, img_format="raw"), alice_login["token"])
    assert trap.count() == 0
    assert names_now(client, unique) == []


def test_upload_redirected_elsewhere_is_refused_and_leaves_no_image(
    region_one, token_via, trap, alice_login, unique
):
    region_one.add(redirect(trap.url + "/elsewhere", 307), method="PUT", path=r"/file$")
    client = token_via(timeout=5)
    chunks = iter([DATA[:100_000], DATA[100_000:200_000]])
    raised(
        exc.UnsafeRedirect, lambda: client.create(unique, img_format="raw", data=chunks), alice_login["token"]
    )
    assert trap.count() == 0
    assert names_now(client, unique) == []


def test_same_origin_redirect_of_a_get_is_followed(glance, via, fault_image):
    glance.add(
        redirect(glance.url + "/v2/images/" + fault_image.id, 307),
        method="GET",
        path=IMAGE_PATH % fault_image.id,
    )
    assert via.get(fault_image.id).checksum == fault_image.checksum
    assert [entry.status for entry in glance.requests("GET")] == [307, 200]


def test_keystone_login_redirected_elsewhere_sends_no_password(proxies, cloud, trap):
    keystone = proxies(cloud["keystone_url"])
    keystone.add(redirect(trap.url + "/v3/auth/tokens", 307), method="POST", path=r"/auth/tokens$")
    alice: Dict[str, Any] = cloud["users"]["alice"]
    identity = KeystoneIdentity(
        "alice", alice["password"], tenant_name=alice["project_name"], auth_endpoint=keystone.url + "/v3"
    )
    raised(exc.UnsafeRedirect, identity.authenticate, alice["password"])
    assert trap.count() == 0 and keystone.count("POST") == 1


def test_swift_upload_redirected_elsewhere_is_refused(
    swift, token_via, container, trap, alice_login, ks_alpha
):
    swift.add(redirect(trap.url + "/v1/AUTH_other/c/o", 307), method="PUT")
    storage = token_via(timeout=5).object_storage  # on a broken SDK the trap waits for the body
    raised(exc.UnsafeRedirect, lambda: storage.store_object(container, "o", b"data"), alice_login["token"])
    assert trap.count() == 0
    assert [obj.name for obj in ks_alpha.object_storage.list_container_objects(container)] == []
