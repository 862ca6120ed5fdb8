"""Sharing on the real Glance: alpha owns, beta is the member (ImageClient
member methods, Image member methods, and the errors of each side)."""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest

from pyrax_image import Image, ImageMember
from pyrax_image import exceptions as exc
from tests.integration.helpers import ALPHA, BETA, Recorder, Scratch, scratch_project


@pytest.fixture
def scratch(glance_url: str) -> Iterator[Scratch]:
    yield from scratch_project(glance_url)


@pytest.fixture
def shared(scratch, alpha, unique) -> Image:
    """An image of alpha that can be shared."""
    return scratch.create(unique, client=alpha, metadata={"visibility": "shared"})


def listed_ids(images: List[Any]) -> List[str]:
    return [image.id for image in images]


def test_share_accept_and_list(alpha, beta, shared, unique):
    member = alpha.add_image_member(shared, BETA)
    assert isinstance(member, ImageMember)
    assert (member.id, member.member_id, member.image_id, member.status) == (BETA, BETA, shared.id, "pending")

    # Pending: beta can read the image but its default list leaves it out.
    assert beta.get(shared.id).name == unique
    assert listed_ids(beta.list_all(name=unique)) == []
    assert listed_ids(beta.list_all(name=unique, member_status="pending")) == [shared.id]

    accepted = beta.update_image_member(shared, "accepted")  # an Image
    assert isinstance(accepted, ImageMember)
    assert (accepted.id, accepted.image_id, accepted.status) == (BETA, shared.id, "accepted")
    assert listed_ids(beta.list_all(name=unique)) == [shared.id]
    assert listed_ids(beta.list(name=unique, member_status="accepted")) == [shared.id]

    # The owner sees the membership, by client and by Image.
    seen = alpha.get_image_member(shared, BETA)
    assert (seen.id, seen.status) == (BETA, "accepted")
    assert alpha.get_image_member(shared.id, member).status == "accepted"
    assert [(m.id, m.status) for m in alpha.list_image_members(shared)] == [(BETA, "accepted")]
    assert [m.id for m in alpha.list_image_members(shared.id)] == [BETA]
    assert [m.id for m in shared.list_members()] == [BETA] and shared.get_member(BETA).status == "accepted"

    rejected = beta.update_image_member(shared.id, "rejected")  # an id
    assert rejected.status == "rejected"
    assert listed_ids(beta.list_all(name=unique)) == []
    assert listed_ids(beta.list_all(name=unique, member_status="rejected")) == [shared.id]
    assert beta.update_image_member(shared.id, "pending").status == "pending"

    # A member still cannot change or delete the image.
    with pytest.raises(exc.Forbidden):
        beta.update(shared.id, {"it_by_member": "x"})
    with pytest.raises(exc.Forbidden):
        beta.delete(shared.id)


def test_image_methods_share_and_unshare(alpha, beta, shared):
    member = shared.add_member(BETA)
    assert member.status == "pending"
    shared.delete_member(BETA)
    assert shared.list_members() == []
    with pytest.raises(exc.NotFound):
        beta.get(shared.id)


def test_owner_cannot_update_membership(alpha, shared):
    with pytest.raises(exc.InvalidImageMember):
        alpha.update_image_member(shared, "accepted")
    alpha.add_image_member(shared, BETA)
    with pytest.raises(exc.InvalidImageMember):
        alpha.update_image_member(shared.id, "accepted")
    assert alpha.get_image_member(shared, BETA).status == "pending"


def test_stranger_cannot_update_membership(scratch, alpha, shared):
    stranger = scratch.other()
    with pytest.raises(exc.NotFound) as info:
        stranger.update_image_member(shared.id, "accepted")
    # pyrax raised InvalidImageMember for every 404 here: the class is both.
    assert isinstance(info.value, exc.InvalidImageMember)
    assert info.value.code == 404


@pytest.mark.parametrize("status", ["approved", "ACCEPTED", "", None])
def test_bad_member_status_is_refused_without_request(beta, shared, status):
    with Recorder(beta) as recorder:
        with pytest.raises(exc.InvalidImageMemberStatus):
            beta.update_image_member(shared.id, status)
    assert recorder.calls == []


def test_private_image_is_unsharable(scratch, alpha, unique):
    private = scratch.create(unique, client=alpha, metadata={"visibility": "private"})
    with pytest.raises(exc.UnsharableImage) as info:
        alpha.add_image_member(private, BETA)
    assert isinstance(info.value, exc.Forbidden) and info.value.code == 403
    assert info.value.request_id.startswith("req-") and private.id in info.value.message
    community = scratch.create(unique + "-c", client=alpha, metadata={"visibility": "community"})
    with pytest.raises(exc.UnsharableImage):
        alpha.add_image_member(community.id, BETA)
    with pytest.raises(exc.Forbidden):  # "Only shared images have members."
        alpha.list_image_members(private)


def test_duplicate_member_is_a_conflict_not_unsharable(alpha, shared):
    alpha.add_image_member(shared, BETA)
    with pytest.raises(exc.Conflict) as info:
        alpha.add_image_member(shared, BETA)
    assert not isinstance(info.value, exc.UnsharableImage)
    assert info.value.code == 409 and BETA in info.value.message


def test_delete_member_then_again_is_not_found(alpha, beta, shared):
    alpha.add_image_member(shared, BETA)
    beta.update_image_member(shared, "accepted")
    alpha.delete_image_member(shared, BETA)
    assert alpha.list_image_members(shared) == []
    with pytest.raises(exc.NotFound):
        beta.get(shared.id)
    with pytest.raises(exc.NotFound):
        alpha.delete_image_member(shared.id, BETA)
    with pytest.raises(exc.NotFound):
        alpha.get_image_member(shared, BETA)


def test_only_the_owner_can_share(alpha, beta, shared):
    alpha.add_image_member(shared, BETA)
    beta.update_image_member(shared, "accepted")
    with pytest.raises(exc.ClientException) as info:
        beta.add_image_member(shared.id, ALPHA)
    assert info.value.code in (403, 404)
