"""Real Glance: the member keyword, an empty id, and the resend of a partly
received upload (issue 16 item 8)."""

from __future__ import annotations

import os

import pytest

from pyrax_image import exceptions as exc
from tests.faultproxy import reset_request
from tests.integration.fault_fixtures import names_now
from tests.integration.helpers import BETA, delete_quietly

MIB = 1024 * 1024
DATA = os.urandom(3 * MIB + 17)


def test_the_owner_naming_another_project_gets_image_member_forbidden(alpha, beta, unique):
    image = alpha.create(unique, img_format="raw", metadata={"visibility": "shared"})
    try:
        alpha.add_image_member(image, BETA)
        with pytest.raises(exc.ImageMemberForbidden) as caught:
            alpha.update_image_member(image.id, "accepted", member=BETA)
        assert caught.value.code == 403 and isinstance(caught.value, exc.Forbidden)
        assert alpha.get_image_member(image, BETA).status == "pending"  # unchanged
        accepted = beta.update_image_member(image.id, "accepted", member=BETA)  # the member itself may
        assert (accepted.id, accepted.status) == (BETA, "accepted")
    finally:
        delete_quietly(alpha, image)


def test_an_empty_id_is_not_found_without_a_request(glance, via):
    for call in (via.get, via.delete):
        with pytest.raises(exc.NotFound) as caught:
            call("")
        assert caught.value.code == 404
    assert glance.count() == 0


def test_an_upload_cut_after_glance_received_part_waits_for_it_before_resending(glance, via, alpha, unique):
    # Glance gets the head and 1 MiB, then the connection is reset.
    glance.add(reset_request(MIB, forward=True), method="PUT", path=r"/file$")
    image = via.create(unique, img_format="raw", data=DATA)
    try:
        assert image.status == "active" and names_now(alpha, unique) == [image.id]
        assert b"".join(alpha.download(image)) == DATA
        exchanges = [(entry.method, entry.target) for entry in glance.requests()]
        puts = [i for i, (method, target) in enumerate(exchanges) if method == "PUT" and target.endswith("/file")]
        assert len(puts) >= 2
        for resend in puts[1:]:  # each resend came after Glance was seen to have let go of the data
            assert exchanges[resend - 1] == ("GET", "/v2/images/%s" % image.id), exchanges
        assert not any(entry.status in (409, 500) for entry in glance.requests())
    finally:
        delete_quietly(alpha, image)


def test_a_bogus_hash_algo_sends_no_byte_and_creates_no_image(glance, via, alpha, unique):
    image = alpha.create(unique, img_format="raw")
    try:
        for call in (
            lambda: via.upload(image.id, DATA, hash_algo="bogus"),
            lambda: via.create(unique + "-new", img_format="raw", data=DATA, hash_algo="bogus"),
        ):
            with pytest.raises(exc.InvalidArgument, match="hash_algo"):
                call()
        assert glance.count() == 0  # not even the image record of the create
        assert alpha.get(image.id).status == "queued" and names_now(alpha, unique + "-new") == []
    finally:
        delete_quietly(alpha, image)
