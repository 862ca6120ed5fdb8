"""Quota usage (``GET /v2/info/usage``) on the real Glances: RegionTwo
enforces Keystone's unified limits (localcloud/lib/keystone_bootstrap.py
IMAGE_LIMITS), RegionOne none (Glance then reports no quota)."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Dict, Iterator

import pytest
import requests

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.image.usage import ImageUsage, QuotaUsage
from tests.integration.operations_fixtures import keystone_account

MIB = 1024 * 1024


def test_usage_counts_the_projects_images_against_keystone_limits(alice_identity, unique):
    images = ImageClient(alice_identity, region_name="RegionTwo")
    before = images.get_usage()
    assert isinstance(before, ImageUsage) and set(before.quotas) == {
        "image_size_total",
        "image_stage_total",
        "image_count_total",
        "image_count_uploading",
    }
    assert before.image_count_total.limit == 10000 and before.image_size_total.limit == 100000
    image = images.create(unique, img_format="raw", data=os.urandom(2 * MIB))
    try:
        after = images.get_usage()
        assert after.image_count_total.usage == before.image_count_total.usage + 1
        assert after.image_size_total.usage == before.image_size_total.usage + 2
        assert after.image_size_total == QuotaUsage(100000, after.image_size_total.usage)
        assert after.image_count_total.remaining == 10000 - after.image_count_total.usage
    finally:
        images.delete(image)
    assert images.get_usage().image_count_total.usage == before.image_count_total.usage


def test_a_cloud_without_limits_reports_no_quota(alice_images):
    usage = alice_images.get_usage()
    assert usage.quotas == {} and usage.image_size_total is None


@contextlib.contextmanager
def project_limit(cloud: Dict[str, Any], project_id: str, name: str, value: int) -> Iterator[None]:
    """A Keystone limit of ``name`` for ``project_id`` on Glance RegionTwo,
    set by the cloud's admin for the block and deleted after it."""
    admin = keystone_account(cloud, cloud["admin"], cloud["admin"]["username"])
    with admin:
        admin.identity.authenticate()
        headers = {"X-Auth-Token": str(admin.identity.token)}
        url = cloud["keystone_v3_url"]
        services = requests.get(url + "/services?type=image", headers=headers, timeout=30)
        assert services.status_code == 200, services.text
        body = {
            "limits": [
                {
                    "service_id": services.json()["services"][0]["id"],
                    "region_id": "RegionTwo",
                    "project_id": project_id,
                    "resource_name": name,
                    "resource_limit": value,
                }
            ]
        }
        created = requests.post(url + "/limits", json=body, headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        try:
            yield
        finally:
            limit_id = created.json()["limits"][0]["id"]
            deleted = requests.delete(url + "/limits/" + limit_id, headers=headers, timeout=30)
            assert deleted.status_code == 204, deleted.text


def test_a_project_at_its_limit_sees_it_in_usage_and_cannot_create(cloud, bob_identity, unique):
    images = ImageClient(bob_identity, region_name="RegionTwo")
    count = images.get_usage().image_count_total.usage
    with project_limit(cloud, cloud["users"]["bob"]["project_id"], "image_count_total", count):
        usage = images.get_usage()
        assert usage.image_count_total == QuotaUsage(count, count) and usage.image_count_total.remaining == 0
        with pytest.raises(exc.OverLimit) as info:
            images.create(unique, img_format="raw")
        assert info.value.code == 413
    assert images.get_usage().image_count_total.usage == count  # nothing was created
    assert images.findall(name=unique) == []
