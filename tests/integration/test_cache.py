"""The image cache of Glance RegionOne (image_cache_dir, centralized_db
driver, node http://127.0.0.1:9293): admin-only under the default policy."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from pyrax_image import Image
from pyrax_image import exceptions as exc

DATA = os.urandom(300_001)


def cached_ids(client: Any) -> Any:
    state = client.list_cached_images()
    return {image.id for image in state.cached}, {image.id for image in state.queued}


def listed_ids(client: Any) -> Any:
    """The ids the cache lists, cached or queued (one listing)."""
    cached, queued = cached_ids(client)
    return cached.union(queued)


def wait_cached(client: Any, image_id: str, timeout: float = 60) -> Any:
    """The cached entry of the image, once Glance's cache worker has fetched it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for image in client.list_cached_images().cached:
            if image.id == image_id:
                return image
        time.sleep(0.2)
    raise AssertionError("image %s was not cached within %s s" % (image_id, timeout))


@pytest.fixture
def active(ks_alpha, ks_cleanup, unique):
    image = ks_alpha.create(unique, img_format="raw", data=DATA)
    ks_cleanup.append(image)
    return image


def test_admin_caches_lists_and_removes_an_image(ks_admin, active, unique):
    ks_admin.cache_image(active)
    cached = wait_cached(ks_admin, active.id)
    assert isinstance(cached, Image) and cached.cache_entry.size == len(DATA)
    assert cached.cache_entry.last_modified is not None and cached.cache_entry.hits is not None
    assert cached.name == unique and cached.status == "active"  # an image: details load on use
    endpoint = urlsplit(ks_admin.management_url)  # the proxied pass rewrites the node's URL to its proxy
    assert ks_admin.list_image_cache_nodes(active) == ["%s://%s" % (endpoint.scheme, endpoint.netloc)]
    assert active.id in [image.id for image in ks_admin.image_cache.list()]

    ks_admin.delete_cached_image(active)
    assert active.id not in listed_ids(ks_admin)
    assert ks_admin.list_image_cache_nodes(active) == []


def test_clear_clean_and_prune(ks_admin, active):
    ks_admin.cache_image(active)
    wait_cached(ks_admin, active.id)
    ks_admin.clear_image_cache("queue")
    assert active.id in cached_ids(ks_admin)[0]  # the cache is kept
    ks_admin.clear_image_cache("cache")
    assert active.id not in cached_ids(ks_admin)[0]
    ks_admin.cache_image(active)
    wait_cached(ks_admin, active.id)
    ks_admin.clear_image_cache()
    assert active.id not in listed_ids(ks_admin)
    ks_admin.clean_image_cache()
    pruned = ks_admin.prune_image_cache()
    assert pruned.files >= 0 and pruned.bytes >= 0


def test_queueing_an_image_without_data_is_bad_request(ks_admin, ks_alpha, ks_cleanup, unique):
    image = ks_alpha.create(unique, img_format="raw")
    ks_cleanup.append(image)
    with pytest.raises(exc.BadRequest, match="active"):
        ks_admin.cache_image(image)


def test_queueing_a_missing_image_is_not_found(ks_admin):
    with pytest.raises(exc.NotFound) as info:
        ks_admin.cache_image(str(uuid.uuid4()))
    assert not isinstance(info.value, exc.ApiVersionNotSupported)  # the cloud has the cache


def test_the_cache_is_forbidden_to_a_member(ks_alpha, active):
    with pytest.raises(exc.Forbidden):
        ks_alpha.list_cached_images()
    with pytest.raises(exc.Forbidden):
        ks_alpha.cache_image(active)
    with pytest.raises(exc.Forbidden):
        ks_alpha.clear_image_cache()
