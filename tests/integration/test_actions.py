"""Image actions on the real Glance: deactivate, reactivate, delete."""

from __future__ import annotations

from typing import Iterator

import pytest

from pyrax_image import exceptions as exc
from tests.integration.helpers import Scratch, scratch_project

CONTENT = b"deactivate me " * 1000


@pytest.fixture
def scratch(glance_url: str) -> Iterator[Scratch]:
    yield from scratch_project(glance_url)


def file_uri(image_id: str) -> str:
    return "/images/%s/file" % image_id


def test_deactivate_and_reactivate(scratch, alpha, admin, unique):
    image = scratch.create(unique, client=alpha, data=CONTENT)
    assert alpha.deactivate(image) is None
    assert alpha.get(image.id).status == "deactivated"
    alpha.deactivate(image.id)  # idempotent
    # Owner, but not admin: the bytes are off limits while deactivated.
    with pytest.raises(exc.Forbidden) as info:
        alpha.method_get(file_uri(image.id), stream=True)
    assert info.value.code == 403 and info.value.request_id.startswith("req-")
    response, _ = admin.method_get(file_uri(image.id), stream=True)
    assert response.content == CONTENT
    # Metadata stays readable and listable.
    assert [img.id for img in alpha.list(name=unique, status="deactivated")] == [image.id]

    assert alpha.reactivate(image) is None
    assert alpha.get(image).status == "active"
    alpha.reactivate(image.id)  # idempotent
    response, _ = alpha.method_get(file_uri(image.id), stream=True)
    assert response.status_code == 200 and response.content == CONTENT
    assert alpha.get(image.id).status == "active"


def test_deactivating_a_queued_image_is_forbidden(scratch, unique):
    image = scratch.create(unique)
    with pytest.raises(exc.Forbidden) as info:
        scratch.client.deactivate(image)
    assert "queued" in info.value.message
    assert scratch.client.get(image.id).status == "queued"


def test_delete_then_get_is_not_found(scratch, unique):
    client = scratch.client
    image = scratch.create(unique, data=b"short-lived")
    assert client.delete(image) is None
    with pytest.raises(exc.NotFound):
        client.get(image.id)
    with pytest.raises(exc.NotFound):
        client.delete(image.id)
    assert client.list(name=unique) == []
    other = scratch.create(unique + "-2")
    other.delete()  # Image.delete
    with pytest.raises(exc.NotFound):
        other.reload()
