"""Fixtures for tests against the real local cloud (localcloud/).

The session starts the cloud with ``localcloud/start.sh`` unless it already
runs, and stops it at the end if it started it (set
``PYRAX_IMAGE_KEEP_CLOUD=1`` to leave it running). Integration tests never
skip: a cloud that cannot start fails the run. ``PYRAX_IMAGE_VIA_PROXY=1``
sends everything through proxies closing idle connections at random
(tests/integration/proxied_cloud.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import requests

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from tests.integration import proxied_cloud

ROOT = Path(__file__).resolve().parents[2]
CLOUD_HOME = Path(os.environ.get("PYRAX_IMAGE_CLOUD_HOME", Path.home() / ".cache" / "pyrax_image_cloud"))
STATE = Path(os.environ.get("PYRAX_IMAGE_CLOUD_STATE", CLOUD_HOME / "state"))

# Projects of the header-trusting ("noauth") Glance: any ids will do.
ALPHA = "a1fa0000000000000000000000000001"
BETA = "be7a0000000000000000000000000002"
ADMIN = "ad310000000000000000000000000003"


def _cloud_running() -> bool:
    """True when every service named in cloud.json answers."""
    try:
        described = json.loads((STATE / "cloud.json").read_text())
        urls = [described["glance_noauth_url"], described["keystone_url"], described["swift_url"] + "/info"]
        urls += [region["image"] for region in described["regions"].values()]
        return all(requests.get(url, timeout=2).status_code < 500 for url in urls)
    except (OSError, ValueError, KeyError, requests.RequestException):
        return False


@pytest.fixture(scope="session")
def cloud() -> Iterator[Dict[str, Any]]:
    """The running local cloud, described by its cloud.json."""
    started = False
    if not _cloud_running():
        subprocess.run(["bash", str(ROOT / "localcloud" / "start.sh")], check=True)
        started = True
    try:
        with proxied_cloud.maybe_through_proxies(json.loads((STATE / "cloud.json").read_text())) as described:
            yield described
    finally:
        if started and not os.environ.get("PYRAX_IMAGE_KEEP_CLOUD"):
            subprocess.run(["bash", str(ROOT / "localcloud" / "stop.sh")], check=False)


def noauth_client(url: str, project: str, roles: str = "reader,member", **kwargs: Any) -> ImageClient:
    """A client of the header-trusting Glance acting as ``project``."""
    client = ImageClient(TokenIdentity("noauth", tenant_id=project), management_url=url, **kwargs)
    client.session.headers.update(
        {
            "X-Identity-Status": "Confirmed",
            "X-Project-Id": project,
            "X-User-Id": "user-of-" + project,
            "X-Roles": roles,
        }
    )
    return client


def delete_quietly(client: ImageClient, image: Any, attempts: int = 5) -> None:
    """Delete an image; absent is fine, a transient 500 is retried."""
    for attempt in range(attempts):
        try:
            client.delete(image)
            return
        except exc.NotFound:
            return
        except exc.InternalServerError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture(scope="session")
def glance_url(cloud: Dict[str, Any]) -> str:
    return cloud["glance_noauth_url"]


@pytest.fixture(scope="session")
def alpha(glance_url: str) -> ImageClient:
    """Project alpha: owns the images most tests create."""
    return noauth_client(glance_url, ALPHA)


@pytest.fixture(scope="session")
def beta(glance_url: str) -> ImageClient:
    """Project beta: the other party of sharing tests."""
    return noauth_client(glance_url, BETA)


@pytest.fixture(scope="session")
def admin(glance_url: str) -> ImageClient:
    """An admin of the noauth Glance (tasks, copy-image)."""
    return noauth_client(glance_url, ADMIN, roles="admin,reader,member")


@pytest.fixture
def unique() -> str:
    """A name no other test uses."""
    return "it-" + uuid.uuid4().hex[:12]


@pytest.fixture
def cleanup(alpha: ImageClient) -> Iterator[list[Any]]:
    """Images appended here are deleted after the test (as alpha)."""
    created: list[Any] = []
    yield created
    for image in created:
        delete_quietly(alpha, image)
