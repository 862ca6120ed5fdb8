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
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import requests

from pyrax_image import ImageClient
from tests.integration import proxied_cloud
from tests.integration.helpers import ADMIN, ALPHA, BETA, delete_quietly, noauth_client

ROOT = Path(__file__).resolve().parents[2]
CLOUD_HOME = Path(os.environ.get("PYRAX_IMAGE_CLOUD_HOME", Path.home() / ".cache" / "pyrax_image_cloud"))
STATE = Path(os.environ.get("PYRAX_IMAGE_CLOUD_STATE", CLOUD_HOME / "state"))


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
