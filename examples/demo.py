"""The pyrax_image demo: create → upload → list → share → download.

Starts the local cloud (a real Keystone, Swift and Glance on loopback, see
localcloud/), logs in as two users of two projects, and walks an image
through its life: alice creates and uploads it, lists it, shares it with
bob's project; bob accepts and downloads it, verified. The cloud is stopped
at the end if this script started it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from benchmarks.cloud import ensure_cloud, stop_cloud  # noqa: E402
from pyrax_image import ImageClient  # noqa: E402
from pyrax_image.identity import KeystoneIdentity  # noqa: E402


def login(cloud: dict, user: str) -> ImageClient:
    """An ImageClient for one of the cloud's users, endpoint from the catalog."""
    account = cloud["users"][user]
    identity = KeystoneIdentity(
        username=user,
        password=account["password"],
        tenant_name=account["project_name"],
        auth_endpoint=cloud["keystone_v3_url"],
    )
    return ImageClient(identity, region_name="RegionOne")


def demo(cloud: dict) -> None:
    """Walk one image through create, upload, list, share and download."""
    alice, bob = login(cloud, "alice"), login(cloud, "bob")
    data = os.urandom(3 * 1024 * 1024 + 17)
    print("alice creates and uploads a 3 MiB image (streamed, verified)...")
    image = alice.create(
        "demo-image", img_format="raw", data=data, metadata={"visibility": "shared", "os_distro": "demo"}
    )
    print("  %s status=%s size=%s sha512=%s..." % (image.id, image.status, image.size, image.os_hash_value[:16]))
    try:
        listed = alice.list_all(name="demo-image")
        print("alice lists her images named demo-image: %d found" % len(listed))
        print("alice shares it with bob's project %s" % bob.projectid)
        alice.add_image_member(image, bob.projectid)
        member = bob.update_image_member(image.id, "accepted")
        print("  bob accepted: member %s status=%s" % (member.id, member.status))
        print("  bob now sees: %s" % [img.name for img in bob.list_all(member_status="accepted", name="demo-image")])
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "demo.raw")
            bob.download(image, path)
            with open(path, "rb") as handle:
                same = hashlib.sha512(handle.read()).hexdigest() == hashlib.sha512(data).hexdigest()
            print("bob downloaded it to %s: %d bytes, identical=%s" % (path, os.path.getsize(path), same))
            if not same:
                raise SystemExit("download differs from upload")
    finally:
        alice.delete(image)
        print("alice deleted the image; demo done.")


def main() -> int:
    """Start the cloud if needed, run the demo, stop what was started."""
    cloud, started = ensure_cloud()
    try:
        demo(cloud)
    finally:
        if started:
            stop_cloud()
    return 0


if __name__ == "__main__":
    sys.exit(main())
