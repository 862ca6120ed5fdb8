"""API versions on the real Glances: RegionOne (Keystone) has the image
cache, so it lists 2.14-2.18; the noauth Glance has none, lists 2.17 as
current, and its cache API is ApiVersionNotSupported rather than a raw 404."""

from __future__ import annotations

import pytest

from pyrax_image import exceptions as exc


def test_a_cloud_with_the_cache_lists_2_18_and_its_optional_apis(ks_admin):
    ks_alpha = ks_admin  # any user: closed after the test, it leaves no connection behind
    versions = ks_alpha.list_versions()
    assert {"v2.0", "v2.12", "v2.14", "v2.17", "v2.18"} <= {v.id for v in versions}
    assert [v.id for v in versions if v.status == "CURRENT"] == ["v2.18"]
    assert all(v.url and v.url.endswith("/v2/") for v in versions)
    support = ks_alpha.get_api_support()
    assert support.current == "2.18" and support.versions[0] == "2.18"
    assert support.cache and support.locations and support.stores and support.image_tasks


def test_the_root_answers_300_with_the_same_versions(alpha):
    at_root = alpha.list_versions(root=True)
    assert [v.id for v in at_root] == [v.id for v in alpha.list_versions()]
    support = alpha.get_api_support()
    assert support.current == "2.17" and not support.cache and support.locations


def test_the_cache_of_a_cloud_without_it_is_api_version_not_supported(admin):
    with pytest.raises(exc.ApiVersionNotSupported) as info:
        admin.list_cached_images()
    error = info.value
    assert isinstance(error, exc.NotFound) and error.code == 404 and error.version == "2.14"
    assert "2.17" in error.offered and "2.14" not in error.offered
    assert "image cache" in error.message and error.request_id.startswith("req-")


def test_a_non_admin_is_forbidden_before_the_missing_cache_shows(alpha):
    with pytest.raises(exc.Forbidden):
        alpha.list_cached_images()
