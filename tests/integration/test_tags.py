"""Tags on the real Glance: add, idempotent add, delete, absent tag, odd characters."""

from __future__ import annotations

from typing import Iterator

import pytest

from pyrax_image import Image
from pyrax_image import exceptions as exc
from tests.integration.helpers import Recorder, Scratch, scratch_project


@pytest.fixture
def scratch(glance_url: str) -> Iterator[Scratch]:
    yield from scratch_project(glance_url)


def test_add_is_idempotent_and_delete_removes(scratch, unique):
    client = scratch.client
    image = scratch.create(unique)
    assert client.add_image_tag(image, "golden") is None
    client.add_image_tag(image.id, "golden")  # again: no error, no duplicate
    client.add_image_tag(image, "second")
    assert sorted(client.get(image.id).tags) == ["golden", "second"]
    assert sorted(image.tags) == ["golden", "second"]  # the Image passed in tracks its tags
    assert [img.id for img in client.list(tag="golden", owner=scratch.project)] == [image.id]
    client.delete_image_tag(image, "golden")
    assert client.get(image.id).tags == ["second"] and image.tags == ["second"]
    client.delete_image_tag(image.id, "second")
    assert client.get(image.id).tags == []


def test_image_add_tag_and_delete_tag(scratch, unique):
    image = scratch.create(unique)
    image.add_tag("via-image")
    image.add_tag("via-image")
    assert image.tags == ["via-image"] == scratch.client.get(image.id).tags
    image.delete_tag("via-image")
    assert image.tags == [] == scratch.client.get(image.id).tags


def test_delete_of_an_absent_tag_is_not_found(scratch, unique):
    image = scratch.create(unique)
    scratch.client.add_image_tag(image, "present")
    with pytest.raises(exc.NotFound) as info:
        scratch.client.delete_image_tag(image, "absent")
    assert info.value.code == 404 and info.value.request_id.startswith("req-")
    assert scratch.client.get(image.id).tags == ["present"]
    with pytest.raises(exc.NotFound):
        scratch.client.add_image_tag("00000000-0000-0000-0000-000000000000", "x")


def test_tags_with_url_special_characters_round_trip(scratch, unique):
    # ASCII only: Glance behind uWSGI decodes non-ASCII path segments as
    # Latin-1 and stores mojibake ("ü" -> "Ã¼"), a server bug.
    tags = ["with space", "plus+sign", "amp&ersand", "question?mark", "hash#tag", "per%cent", "semi;colon"]
    image = scratch.create(unique)
    for tag in tags:
        scratch.client.add_image_tag(image, tag)
    assert sorted(scratch.client.get(image.id).tags) == sorted(tags)
    for tag in tags:
        assert [img.id for img in scratch.client.list(tag=tag, owner=scratch.project)] == [image.id]
    for tag in tags:
        scratch.client.delete_image_tag(image, tag)
    assert scratch.client.get(image.id).tags == []


def test_bad_tags_are_refused_without_request(scratch, unique):
    image = Image(scratch.client._manager, {"id": "00000000-0000-0000-0000-000000000000"})
    with Recorder(scratch.client) as recorder:
        for tag in ("", "x" * 256, None):
            with pytest.raises(exc.InvalidArgument):
                scratch.client.add_image_tag(image, tag)
    assert recorder.calls == []
    longest = scratch.create(unique)
    scratch.client.add_image_tag(longest, "x" * 255)
    assert scratch.client.get(longest.id).tags == ["x" * 255]
