"""Image locations (API 2.17) on the real Glances: RegionOne has a read-only
http store, so its members may add http locations; reading locations takes
the ``service`` role (Glance's own service user has it) or admin; members
may not. The noauth Glance has no http store: members may not add any."""

from __future__ import annotations

import hashlib
import time
from typing import Any, List

import pytest

from pyrax_image import ImageTask
from pyrax_image import exceptions as exc
from tests.integration.operations_fixtures import SERVED

SHA512 = {"os_hash_algo": "sha512", "os_hash_value": hashlib.sha512(SERVED).hexdigest()}


def wait_tasks(client: Any, image: Any, status: str, timeout: float = 60) -> List[ImageTask]:
    """The image's tasks once one of them has ``status``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tasks = client.list_image_tasks(image)
        if any(task.status == status for task in tasks):
            return tasks
        time.sleep(0.3)
    raise AssertionError("no task of %s reached %s" % (image.id, status))


@pytest.fixture
def queued(ks_alpha, ks_cleanup, unique):
    image = ks_alpha.create(unique, img_format="raw")
    ks_cleanup.append(image)
    return image


def test_an_http_location_activates_the_image_and_only_the_service_role_reads_it(
    ks_alpha, ks_service, ks_admin, queued, served_url
):
    ks_alpha.add_image_location(queued, served_url, validation_data=SHA512)
    image = ks_alpha.wait_for_status(queued, timeout=60, interval=0.3)
    assert image.size == len(SERVED) and image.checksum == hashlib.md5(SERVED).hexdigest()
    assert image.os_hash_value == SHA512["os_hash_value"]
    for reader in (ks_service, ks_admin):
        (location,) = reader.list_image_locations(queued)
        assert (location.url, location.store) == (served_url, "web")
    with pytest.raises(exc.Forbidden):  # the owner, a member without the service role
        ks_alpha.list_image_locations(queued)
    (task,) = ks_alpha.list_image_tasks(queued)
    assert (task.type, task.status) == ("location_import", "success")


def test_a_location_whose_data_does_not_match_leaves_the_image_queued(ks_alpha, queued, served_url):
    wrong = dict(SHA512, os_hash_value=hashlib.sha512(b"other").hexdigest())
    ks_alpha.add_image_location(queued, served_url, validation_data=wrong)
    (task,) = wait_tasks(ks_alpha, queued, "failure")
    assert task.type == "location_import" and task.message  # Glance 33 says "Task failed due to Internal Error"
    image = ks_alpha.get(queued.id)
    assert image.status == "queued" and image.os_hash_value is None


def test_a_location_for_an_active_image_is_a_conflict(ks_alpha, ks_cleanup, unique, served_url):
    image = ks_alpha.create(unique, img_format="raw", data=b"x" * 1000)
    ks_cleanup.append(image)
    with pytest.raises(exc.Conflict):
        ks_alpha.add_image_location(image, served_url)


def test_without_an_http_store_a_member_may_not_add_a_location(alpha, cleanup, unique, served_url):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    with pytest.raises(exc.Forbidden, match="http store"):
        alpha.add_image_location(image, served_url)
