"""Fixtures of the tests of the rest of Glance v2 (versions, cache, stores,
locations, usage, an image's tasks): the local cloud's admin and its Glance
service user on the Keystone-backed Glance RegionOne, and a throwaway HTTP
server on 127.0.0.1 that serves ``SERVED`` (for location, task and
web-download imports)."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator

import pytest

from pyrax_image import ImageClient, KeystoneIdentity

SERVED = os.urandom(70_001)


def keystone_account(cloud: Dict[str, Any], account: Dict[str, Any], username: str) -> ImageClient:
    """A client of Glance RegionOne logged in as ``username`` of ``account``'s project."""
    identity = KeystoneIdentity(
        username,
        account["password"],
        tenant_name=account["project_name"],
        auth_endpoint=cloud["keystone_v3_url"],
    )
    return ImageClient(identity, region_name="RegionOne")


@pytest.fixture
def ks_admin(cloud: Dict[str, Any]) -> Iterator[ImageClient]:
    """The cloud's admin (project admin, role admin) on Glance RegionOne
    (closed after the test: no connection outlives it)."""
    with keystone_account(cloud, cloud["admin"], cloud["admin"]["username"]) as client:
        yield client


@pytest.fixture
def ks_service(cloud: Dict[str, Any]) -> Iterator[ImageClient]:
    """Glance's own service user (roles service and admin on project service):
    the ``service`` role reads image locations."""
    with keystone_account(cloud, cloud["service_users"]["glance"], "glance") as client:
        yield client


def url_import_task(url: str, name: str) -> Dict[str, Any]:
    """The body of an upstream ``import`` task of the raw image at ``url``."""
    return {
        "type": "import",
        "input": {
            "import_from": url,
            "import_from_format": "raw",
            "image_properties": {"name": name, "disk_format": "raw", "container_format": "bare"},
        },
    }


class _Handler(BaseHTTPRequestHandler):
    def _headers(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(SERVED)))
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
        self._headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._headers()
        self.wfile.write(SERVED)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def served_url() -> Iterator[str]:
    """The URL of SERVED on a throwaway HTTP server on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/disk.raw" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
