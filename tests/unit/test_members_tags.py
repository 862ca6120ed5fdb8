"""Wire format of sharing (members) and tags (docs/images.md "Sharing", "Tags")."""

from __future__ import annotations

import pytest

from pyrax_image import Image, ImageMember, TokenIdentity
from pyrax_image import exceptions as exc
from tests.unit.helpers import (
    IMAGE_ID,
    ITEM,
    JSON,
    PROJECT,
    assert_headers,
    assert_no_request,
    call,
    image_info,
    make_client,
    sent_json,
)

MEMBERS = ITEM + "/members"


def member_info(member_id: str = "p2", status: str = "pending") -> dict:
    return {
        "image_id": IMAGE_ID,
        "member_id": member_id,
        "status": status,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "schema": "/v2/schemas/member",
    }


# -- members ---------------------------------------------------------------------------
def test_list_image_members(client, rsps):
    rsps.get(MEMBERS, json={"members": [member_info("p2"), member_info("p3")], "schema": "x"})
    members = client.list_image_members(IMAGE_ID)
    assert [m.id for m in members] == ["p2", "p3"]
    assert all(isinstance(m, ImageMember) for m in members)
    assert call(rsps).url == MEMBERS
    assert_headers(call(rsps))


def test_list_members_from_image_object(client, rsps):
    rsps.get(MEMBERS, json={"members": []})
    assert Image(client._manager, {"id": IMAGE_ID}).list_members() == []


def test_get_image_member(client, rsps):
    rsps.get(MEMBERS + "/p2", json=member_info("p2", "accepted"))
    member = client.get_image_member(IMAGE_ID, "p2")
    assert (member.id, member.status) == ("p2", "accepted")


def test_get_image_member_accepts_member_object(client, rsps):
    rsps.get(MEMBERS + "/p2", json=member_info("p2"))
    image = Image(client._manager, {"id": IMAGE_ID})
    member = ImageMember(image._member_manager, member_info("p2"))
    assert client.get_image_member(image, member).id == "p2"


def test_add_image_member(client, rsps):
    rsps.post(MEMBERS, json=member_info("p2"))
    member = client.add_image_member(IMAGE_ID, "p2")
    assert sent_json(rsps) == {"member": "p2"}
    assert_headers(call(rsps), JSON)
    assert isinstance(member, ImageMember) and member.id == "p2" and member.status == "pending"


def test_add_image_member_maps_403_to_unsharable(client, rsps):
    rsps.post(MEMBERS, status=403, json={"message": "Only shared images have members.", "code": "403"},
              headers={"x-openstack-request-id": "req-1"})
    with pytest.raises(exc.UnsharableImage) as info:
        client.add_image_member(IMAGE_ID, "p2")
    assert info.value.code == 403 and info.value.request_id == "req-1"
    assert "Only shared images have members." in str(info.value)


@pytest.mark.parametrize(
    "status, cls", [(404, exc.NotFound), (409, exc.Conflict), (413, exc.OverLimit), (400, exc.BadRequest)]
)
def test_add_image_member_reraises_other_errors_unchanged(client, rsps, status, cls):
    # pyrax turned every error into UnsharableImage.
    rsps.post(MEMBERS, status=status, json={"message": "m", "code": str(status)})
    with pytest.raises(cls) as info:
        client.add_image_member(IMAGE_ID, "p2")
    assert type(info.value) is cls
    assert not isinstance(info.value, exc.UnsharableImage)


def test_delete_image_member(client, rsps):
    rsps.delete(MEMBERS + "/p2", status=204)
    assert client.delete_image_member(IMAGE_ID, "p2") is None
    assert_headers(call(rsps))


def test_member_ids_are_percent_encoded(client, rsps):
    rsps.delete(MEMBERS + "/a%2Fb%3Fc", status=204)
    client.delete_image_member(IMAGE_ID, "a/b?c")
    assert call(rsps).url == MEMBERS + "/a%2Fb%3Fc"


# -- update_image_member -----------------------------------------------------------------------
@pytest.mark.parametrize("status", ["accepted", "rejected", "pending"])
def test_update_image_member_with_id(client, rsps, status):
    rsps.put(MEMBERS + "/" + PROJECT, json=member_info(PROJECT, status))
    member = client.update_image_member(IMAGE_ID, status)
    assert sent_json(rsps) == {"status": status}
    assert_headers(call(rsps), JSON)
    assert isinstance(member, ImageMember)
    assert (member.id, member.status) == (PROJECT, status)


def test_update_image_member_with_image(client, rsps):
    # pyrax needed the id; an Image made it build a broken URL.
    rsps.put(MEMBERS + "/" + PROJECT, json=member_info(PROJECT, "accepted"))
    member = client.update_image_member(Image(client._manager, image_info()), "accepted")
    assert member.id == PROJECT


def test_update_image_member_invalid_status_sends_nothing(client, rsps):
    with pytest.raises(exc.InvalidImageMemberStatus):
        client.update_image_member(IMAGE_ID, "approved")
    assert_no_request(rsps)


def test_update_image_member_403_is_invalid_image_member(client, rsps):
    rsps.put(MEMBERS + "/" + PROJECT, status=403, json={"message": "owner", "code": "403"})
    with pytest.raises(exc.InvalidImageMember) as info:
        client.update_image_member(IMAGE_ID, "accepted")
    assert isinstance(info.value, exc.Forbidden)
    assert isinstance(info.value.__cause__, exc.Forbidden)


def test_update_image_member_404_is_both_not_found_and_invalid_image_member(client, rsps):
    rsps.put(MEMBERS + "/" + PROJECT, status=404, json={"message": "nope", "code": "404"})
    rsps.get(ITEM, json=image_info(owner="someone-else"))
    with pytest.raises(exc.NotFound) as info:
        client.update_image_member(IMAGE_ID, "accepted")
    assert isinstance(info.value, exc.InvalidImageMember)
    assert "No member request for that image was found" in str(info.value)
    assert info.value.code == 404


def test_update_image_member_404_to_the_owner_is_invalid_image_member(client, rsps):
    # Real Glance 33 answers the owner 404: it is not in its own image's member list.
    rsps.put(MEMBERS + "/" + PROJECT, status=404, json={"message": "not found", "code": "404"})
    rsps.get(ITEM, json=image_info(owner=PROJECT))
    with pytest.raises(exc.InvalidImageMember) as info:
        client.update_image_member(IMAGE_ID, "accepted")
    assert isinstance(info.value.__cause__, exc.NotFound)


def test_update_image_member_names_another_project_with_member(client, rsps):
    # issue 16: the owner can now express "accept for project X" (pyrax's
    # signature kept, a keyword added); Glance refuses it with 403.
    rsps.put(MEMBERS + "/other-project", status=403, json={"message": "owner", "code": "403"})
    with pytest.raises(exc.ImageMemberForbidden) as info:
        client.update_image_member(IMAGE_ID, "accepted", member="other-project")
    assert call(rsps).url == MEMBERS + "/other-project" and sent_json(rsps) == {"status": "accepted"}
    assert "owner cannot" in str(info.value)
    rsps.put(MEMBERS + "/other-project", json=member_info("other-project", "rejected"))
    member = client.update_image_member(IMAGE_ID, "rejected", member=ImageMember(None, {"member_id": "other-project"}))
    assert (member.id, member.status) == ("other-project", "rejected")


@pytest.mark.parametrize("member", ["", 5.5, ["p"], "a\nb"])
def test_update_image_member_refuses_a_bad_member_before_sending(client, rsps, member):
    with pytest.raises(exc.InvalidArgument):
        client.update_image_member(IMAGE_ID, "accepted", member=member)
    assert_no_request(rsps)


# -- tags ------------------------------------------------------------------------------------------
def test_add_image_tag(client, rsps):
    rsps.put(ITEM + "/tags/web", status=204, content_type="text/html")
    assert client.add_image_tag(IMAGE_ID, "web") is None
    assert call(rsps).body is None
    assert_headers(call(rsps))


def test_delete_image_tag(client, rsps):
    rsps.delete(ITEM + "/tags/web", status=204)
    assert client.delete_image_tag(IMAGE_ID, "web") is None


def test_tags_are_url_encoded(client, rsps):
    rsps.put(ITEM + "/tags/a%2Fb%3Fc%20d%C3%A9", status=204)
    client.add_image_tag(IMAGE_ID, "a/b?c dé")
    assert call(rsps).url == ITEM + "/tags/a%2Fb%3Fc%20d%C3%A9"


def test_image_add_and_delete_tag_track_tags(client, rsps):
    image = Image(client._manager, image_info(tags=["a"]), loaded=True)
    rsps.put(ITEM + "/tags/b", status=204)
    rsps.delete(ITEM + "/tags/a", status=204)
    image.add_tag("b")
    image.delete_tag("a")
    assert image.tags == ["b"] and image["tags"] == ["b"]


@pytest.mark.parametrize("tag", ["", "x" * 256, None, 5])
def test_bad_tags_send_nothing(client, rsps, tag):
    with pytest.raises(exc.InvalidArgument):
        client.add_image_tag(IMAGE_ID, tag)
    with pytest.raises(exc.InvalidArgument):
        client.delete_image_tag(IMAGE_ID, tag)
    assert_no_request(rsps)


def test_tag_of_255_chars_is_allowed(client, rsps):
    rsps.put(ITEM + "/tags/" + "x" * 255, status=204)
    client.add_image_tag(IMAGE_ID, "x" * 255)


def test_add_tag_to_unloaded_image_does_not_invent_its_tags(client, rsps):
    image = Image(client._manager, {"id": IMAGE_ID})
    rsps.put(ITEM + "/tags/b", status=204)
    rsps.get(ITEM, json=image_info(tags=["a", "b"]))
    image.add_tag("b")
    assert image.tags == ["a", "b"]


def test_update_image_member_without_project_sends_nothing(rsps, delays):
    client = make_client(delays, identity=TokenIdentity("t"))
    with pytest.raises(exc.NotAuthenticated):
        client.update_image_member(IMAGE_ID, "accepted")
    assert_no_request(rsps)
