"""Stores on the real Glances: details (admin, RegionOne with its read-only
http store), deleting an image's data from one store (admin), never its last."""

from __future__ import annotations

import os

import pytest

from pyrax_image import exceptions as exc
from tests.integration.helpers import delete_quietly

DATA = os.urandom(100_003)


def test_admin_sees_every_store_in_detail(ks_admin):
    stores = {store.id: store for store in ks_admin.get_stores_detail()}
    assert {"fast", "cheap", "web"} <= set(stores)
    fast, web = stores["fast"], stores["web"]
    assert fast.is_default and fast.type == "file" and fast.properties["data_dir"].endswith("/fast")
    assert web.type == "http" and web.is_read_only and not web.is_default
    assert isinstance(fast.weight, int)


def test_store_details_are_forbidden_to_a_member(ks_alpha):
    with pytest.raises(exc.Forbidden):
        ks_alpha.get_stores_detail()
    listed = {store.id: store for store in ks_alpha.stores.list()}  # the plain list is everyone's
    assert {"fast", "cheap", "web"} <= set(listed) and listed["fast"].is_default


@pytest.fixture
def in_two_stores(admin, unique):
    """An admin's image whose data is in store fast and, copied, in cheap."""
    image = admin.create(unique, img_format="raw", data=DATA)
    try:
        copied = admin.copy_image(image, admin, stores=["cheap"])
        assert set(copied.stores.split(",")) == {"fast", "cheap"}
        yield copied
    finally:
        delete_quietly(admin, image)


def test_delete_from_one_store_keeps_the_other_and_refuses_the_last(admin, in_two_stores):
    admin.delete_image_from_store(in_two_stores, "cheap")
    assert admin.get(in_two_stores.id).stores == "fast"
    with pytest.raises(exc.LastImageLocation) as info:
        admin.delete_image_from_store(in_two_stores, "fast")
    assert isinstance(info.value, exc.Forbidden) and info.value.code == 403
    assert "only store" in info.value.message
    assert admin.get(in_two_stores.id).stores == "fast"
    with pytest.raises(exc.Conflict):  # a store this Glance does not have
        admin.delete_image_from_store(in_two_stores, "nowhere")


def test_delete_from_a_store_is_forbidden_to_a_member(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    with pytest.raises(exc.Forbidden) as info:
        alpha.delete_image_from_store(image, "fast")
    assert not isinstance(info.value, exc.LastImageLocation)
    assert alpha.get(image.id).stores == "fast"


def test_upload_and_create_into_a_chosen_store(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    assert alpha.upload(image, DATA, store="cheap").stores == "cheap"
    made = alpha.create(unique + "-2", img_format="raw", data=DATA, store="cheap")
    cleanup.append(made)
    assert made.stores == "cheap" and made.status == "active"
    assert alpha.create(unique + "-3", img_format="raw", data=DATA).stores == "fast"  # the default
    cleanup.extend(alpha.findall(name=unique + "-3"))


def test_upload_into_an_unknown_store_is_bad_request_and_keeps_the_image_queued(alpha, cleanup, unique):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    with pytest.raises(exc.BadRequest):
        alpha.upload(image, DATA, store="nowhere")
    assert alpha.get(image.id).status == "queued"


def test_download_reads_the_preferred_store_first(admin, in_two_stores):
    assert b"".join(admin.download(in_two_stores, prefer=["cheap"])) == DATA
    assert b"".join(admin.download(in_two_stores, prefer=["cheap", "fast"])) == DATA
    with pytest.raises(exc.BadRequest, match="nowhere"):  # the preference reached Glance
        admin.download(in_two_stores, prefer=["nowhere"])
