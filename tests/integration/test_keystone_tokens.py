"""Real Keystone + Glance: tokens revoked mid-session, renewal, bodies that cannot be resent."""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, Iterator, List

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from tests.integration.keystone_fixtures import (
    CountingIdentity,
    glance_status_with,
    keystone_identity,
    revoke_token,
)
from tests.threads import errors_in_threads


def counting_alice(cloud: Dict[str, Any]) -> CountingIdentity:
    alice = cloud["users"]["alice"]
    return CountingIdentity(
        "alice", alice["password"], tenant_name=alice["project_name"], auth_endpoint=cloud["keystone_v3_url"]
    )


def test_revoked_token_is_renewed_transparently(cloud: Dict[str, Any]) -> None:
    glance = cloud["regions"]["RegionOne"]["image"]
    identity = counting_alice(cloud)
    images = ImageClient(identity, region_name="RegionOne")
    images.list(limit=1)
    old = str(identity.token)
    assert glance_status_with(glance, old) == 200
    revoke_token(cloud, old)
    assert glance_status_with(glance, old) == 401  # Glance really refuses it now
    assert isinstance(images.list(limit=1), list)  # 401 -> one re-login -> retried
    assert identity.token != old and identity.logins == 2
    assert glance_status_with(glance, str(identity.token)) == 200
    # The re-login used the original credentials: same user and project.
    assert identity.user["name"] == "alice" and identity.tenant_id == cloud["users"]["alice"]["project_id"]


def test_revoked_token_shared_by_threads_is_renewed_once(cloud: Dict[str, Any]) -> None:
    identity = counting_alice(cloud)
    images = ImageClient(identity, region_name="RegionOne")
    images.list(limit=1)
    revoke_token(cloud, str(identity.token))

    def work() -> None:
        images.list(limit=1)

    assert errors_in_threads(work, 6, timeout=60) == []
    assert identity.logins == 2


def test_token_within_the_renewal_margin_is_renewed_before_the_request(cloud: Dict[str, Any]) -> None:
    identity = counting_alice(cloud)
    images = ImageClient(identity, region_name="RegionOne")
    images.list(limit=1)
    first = identity.token
    lifetime = identity._lifetime  # Keystone's expires_at - issued_at
    assert lifetime is not None and lifetime > 120
    identity._clock = lambda: time.monotonic() + lifetime - 30  # type: ignore[method-assign]  # 30 s left
    images.list(limit=1)
    assert identity.logins == 2 and identity.token != first  # renewed once, before the request
    images.list(limit=1)
    assert identity.logins == 2


def test_a_margin_longer_than_the_tokens_life_does_not_log_in_per_call(cloud: Dict[str, Any]) -> None:
    identity = counting_alice(cloud)
    identity.renewal_margin = 10 * 365 * 24 * 3600.0  # longer than any token Keystone issues
    images = ImageClient(identity, region_name="RegionOne")
    for _ in range(20):
        images.list(limit=1)
    assert identity.logins == 1


def test_threads_waiting_for_a_refused_login_share_its_one_attempt(cloud: Dict[str, Any]) -> None:
    alice = cloud["users"]["alice"]
    identity = CountingIdentity(
        "alice",
        "not-" + alice["password"],
        tenant_name=alice["project_name"],
        auth_endpoint=cloud["keystone_v3_url"],
    )
    images = ImageClient(identity, region_name="RegionOne")
    barrier = threading.Barrier(8, timeout=30)
    refused: List[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            images.list(limit=1)
        except exc.AuthenticationFailed as error:
            refused.append(error)

    assert errors_in_threads(work, 8, timeout=120) == []
    assert len(refused) == 8 and identity.logins == 1


def test_second_refusal_raises_unauthorized(cloud: Dict[str, Any]) -> None:
    identity = keystone_identity(cloud, "alice")
    images = ImageClient(identity, region_name="RegionOne")
    images.list(limit=1)

    revoked: List[str] = []

    def revoke_every_new_token() -> Dict[str, str]:
        # Once per token: a request resent on a fresh connection (the proxied
        # pass closes idle ones) asks again for the token it already revoked.
        token = str(identity.token)
        if token not in revoked:
            revoke_token(cloud, token)
            revoked.append(token)
        return {"X-Auth-Token": token}

    identity.auth_headers = revoke_every_new_token  # type: ignore[method-assign]
    with pytest.raises(exc.Unauthorized):
        images.list(limit=1)
    assert len(revoked) == 2  # the first token and the one renewed after the 401


@pytest.fixture
def queued_image(cloud: Dict[str, Any], keystone_cleanup: list, unique: str) -> Iterator[Any]:
    images = ImageClient(keystone_identity(cloud, "alice"), region_name="RegionOne")
    image = images.create(unique, img_format="raw", img_container_format="bare")
    keystone_cleanup.append(("RegionOne", image.id))
    yield images, image


def test_streamed_body_is_not_resent_after_a_revoked_token(cloud: Dict[str, Any], queued_image: Any) -> None:
    images, image = queued_image
    revoke_token(cloud, str(images.identity.token))
    sent: List[bytes] = []

    def chunks() -> Iterator[bytes]:
        for chunk in (b"a" * 1000, b"b" * 1000):
            sent.append(chunk)
            yield chunk

    with pytest.raises(exc.BodyNotRewindable):
        images.method_put(
            "/images/%s/file" % image.id, data=chunks(), headers={"Content-Type": "application/octet-stream"}
        )
    assert len(sent) == 2  # consumed once, never replayed
    assert images.get(image.id).status == "queued"  # nothing was uploaded; the token was renewed


def test_bytes_body_is_resent_after_a_revoked_token(cloud: Dict[str, Any], queued_image: Any) -> None:
    images, image = queued_image
    revoke_token(cloud, str(images.identity.token))
    images.method_put(
        "/images/%s/file" % image.id, data=b"x" * 4096, headers={"Content-Type": "application/octet-stream"}
    )
    uploaded = images.get(image.id)
    assert uploaded.status == "active" and uploaded.size == 4096
