"""``wait_for_import_end`` on the real Glance: after it, a change to an
imported image sticks (Glance 33's import flow makes the image active, then
writes back the record it had read, then drops ``os_glance_import_task``),
and an import that fails ends the wait with the reason. glance-download
between regions is in tests/integration/test_sync.py."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from tests.integration.operations_fixtures import SERVED

LOCK = "os_glance_import_task"


def test_a_change_after_wait_for_import_end_of_a_web_download_sticks(alpha, cleanup, served_url, unique):
    for attempt in range(3):
        image = alpha.create("%s-%d" % (unique, attempt), img_format="raw")
        cleanup.append(image)
        imported = alpha.import_image(image, "web-download", uri=served_url)
        assert imported.to_dict().get(LOCK)  # Glance takes the lock before it answers
        assert alpha.wait_for_import_end(image, timeout=120, interval=0.2) is image
        assert image.status == "active" and LOCK not in image.to_dict()
        assert image.size == len(SERVED) and image.checksum == hashlib.md5(SERVED).hexdigest()
        alpha.update(image, {"os_distro": "debian", "min_ram": 512})
        again = alpha.get(image.id).to_dict()
        assert (again["os_distro"], again["min_ram"]) == ("debian", 512)


def test_wait_for_import_end_raises_when_the_web_download_fails(alpha, cleanup, unique):
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    alpha.import_image(image, "web-download", uri="http://127.0.0.1:%d/disk.raw" % port)
    with pytest.raises(
        exc.ImageStatusError,
        match="import ended with the image queued: the import failed for store\\(s\\) fast",
    ) as caught:
        alpha.wait_for_import_end(image, timeout=120, interval=0.2)
    assert (caught.value.image_id, caught.value.status) == (image.id, "queued")
    after = alpha.get(image.id).to_dict()
    assert after["status"] == "queued" and LOCK not in after


def test_wait_for_import_end_raises_when_a_glance_download_fails_and_keeps_its_lock(
    alice_images, alice_identity, cloud, unique
):
    # The source's bytes vanish from RegionOne's store: RegionTwo's pull gets
    # none, and Glance 33's revert fails before dropping the lock.
    source = alice_images.create(unique, img_format="raw", data=os.urandom(100_000))
    two = ImageClient(alice_identity, region_name="RegionTwo")
    copy = two.create(unique, img_format="raw")
    try:
        os.remove(Path(cloud["state_dir"]) / "glance-r1" / "fast" / source.id)
        two.import_image(copy, "glance-download", remote_region="RegionOne", remote_image_id=source.id)
        with pytest.raises(exc.ImageStatusError, match="the import failed for store\\(s\\) fast") as caught:
            two.wait_for_import_end(copy, timeout=120, interval=0.2)
        assert caught.value.status == "queued"
        assert two.get(copy.id).to_dict().get(LOCK)  # still held: the wait did not rely on its end
    finally:
        two.delete(copy)
        alice_images.delete(source)


def test_wait_for_import_end_refuses_bad_timing_before_any_request(alpha):
    with pytest.raises(exc.InvalidArgument):
        alpha.wait_for_import_end("no-such-image", interval=0)
    with pytest.raises(exc.InvalidArgument):
        alpha.wait_for_import_end("no-such-image", timeout=-1)
