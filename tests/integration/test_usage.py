"""Quota usage (``GET /v2/info/usage``) on the real Glances: RegionTwo
enforces Keystone's unified limits (localcloud/lib/keystone_bootstrap.py
IMAGE_LIMITS), RegionOne none (Glance then reports no quota)."""

from __future__ import annotations

import os

from pyrax_image import ImageClient
from pyrax_image.image.usage import ImageUsage, QuotaUsage

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
