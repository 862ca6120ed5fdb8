"""Real Keystone + Glance RegionOne: alice (alpha) shares an image with bob (beta)."""

from __future__ import annotations

import os
from typing import Any, Dict

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc


def raw_download(images: ImageClient, image_id: str) -> bytes:
    response, _ = images.method_get("/images/%s/file" % image_id, stream=True)
    try:
        return b"".join(response.iter_content(64 * 1024))
    finally:
        response.close()


def test_share_accept_list_download_revoke(
    alice_images: ImageClient,
    bob_images: ImageClient,
    cloud: Dict[str, Any],
    keystone_cleanup: list,
    unique: str,
) -> None:
    beta = cloud["users"]["bob"]["project_id"]
    payload = os.urandom(300 * 1024)
    image = alice_images.create(unique, img_format="raw", img_container_format="bare", data=payload)
    keystone_cleanup.append(("RegionOne", image.id))
    assert image.status == "active" and image.owner == cloud["users"]["alice"]["project_id"]

    with pytest.raises(exc.NotFound):
        bob_images.get(image.id)  # not shared yet

    member = alice_images.add_image_member(image, beta)
    assert member.id == beta and member.status == "pending"
    assert image.id not in [i.id for i in bob_images.list_all(name=unique)]  # pending: hidden

    accepted = bob_images.update_image_member(image.id, "accepted")
    assert accepted.status == "accepted" and accepted.member_id == beta
    assert [i.id for i in bob_images.list_all(name=unique)] == [image.id]
    assert [m.member_id for m in alice_images.list_image_members(image)] == [beta]
    assert raw_download(bob_images, image.id) == payload
    assert bob_images.projectid == beta

    alice_images.delete_image_member(image, beta)
    with pytest.raises((exc.NotFound, exc.Forbidden)):
        bob_images.get(image.id)
    with pytest.raises((exc.NotFound, exc.Forbidden)):
        raw_download(bob_images, image.id)
    assert image.id not in [i.id for i in bob_images.list_all(name=unique)]


def test_member_cannot_delete_or_change_the_image(
    alice_images: ImageClient, bob_images: ImageClient, cloud: Dict[str, Any], keystone_cleanup: list, unique: str
) -> None:
    image = alice_images.create(unique, img_format="raw", img_container_format="bare", data=b"shared")
    keystone_cleanup.append(("RegionOne", image.id))
    alice_images.add_image_member(image, cloud["users"]["bob"]["project_id"])
    bob_images.update_image_member(image.id, "accepted")
    with pytest.raises((exc.Forbidden, exc.NotFound)):
        bob_images.delete(image.id)
    with pytest.raises((exc.Forbidden, exc.NotFound)):
        bob_images.update(image.id, {"name": unique + "-renamed"})
    assert alice_images.get(image.id).name == unique
