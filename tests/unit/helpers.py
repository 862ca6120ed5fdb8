"""Constants and helpers shared by the unit tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Dict, List

import pytest
import responses

from pyrax_image import ImageClient, TokenIdentity, __version__

BASE = "http://glance.test:9292"
V2 = BASE + "/v2"
VERSIONED = "https://images.example.com/v2"
TOKEN = "tok"
PROJECT = "proj"
IMAGE_ID = "11111111-2222-3333-4444-555555555555"


def make_client(delays: List[float], url: str = BASE, **kwargs: Any) -> ImageClient:
    """An ImageClient on the fixed token whose retry waits are recorded."""
    identity = kwargs.pop("identity", None) or TokenIdentity(TOKEN, tenant_id=PROJECT)
    client = ImageClient(identity, management_url=url, **kwargs)
    client.transport.sleep = delays.append
    return client


def active_info(data: bytes, **extra: Any) -> Dict[str, Any]:
    """The body of an active image holding ``data``, with its real digests."""
    info = image_info(
        status="active",
        size=len(data),
        checksum=hashlib.md5(data).hexdigest(),
        os_hash_algo="sha512",
        os_hash_value=hashlib.sha512(data).hexdigest(),
    )
    info.update(extra)
    return info


def image_info(image_id: str = IMAGE_ID, **extra: Any) -> Dict[str, Any]:
    """A Glance v2 image body."""
    info: Dict[str, Any] = {
        "id": image_id,
        "name": "img",
        "status": "queued",
        "visibility": "shared",
        "disk_format": "vhd",
        "container_format": "bare",
        "tags": [],
        "owner": PROJECT,
        "self": "/v2/images/%s" % image_id,
        "file": "/v2/images/%s/file" % image_id,
        "schema": "/v2/schemas/image",
    }
    info.update(extra)
    return info


def call(rsps: responses.RequestsMock, index: int = -1) -> Any:
    """The request of one recorded call."""
    return rsps.calls[index].request


def sent_json(rsps: responses.RequestsMock, index: int = -1) -> Any:
    """The JSON body of one recorded request."""
    body = call(rsps, index).body
    return json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)


def assert_no_request(rsps: responses.RequestsMock) -> None:
    """Nothing went out."""
    assert len(rsps.calls) == 0


def debug_logging(caplog: pytest.LogCaptureFixture) -> None:
    """Capture the HTTP debug lines."""
    caplog.set_level(logging.DEBUG, logger="pyrax_image.http")


def assert_headers(request: Any, content_type: Any = None) -> None:
    """The headers every request carries, and its Content-Type (None: absent)."""
    assert request.headers["X-Auth-Token"] == TOKEN
    assert request.headers["User-Agent"] == "pyrax_image/%s" % __version__
    assert request.headers["Accept"] == "application/json"
    assert request.headers.get("Content-Type") == content_type


def reading_callback(received: List[bytes], status: int = 204) -> Any:
    """A responses callback that reads a streamed body like a server would."""

    def _callback(request: Any) -> Any:
        body = request.body
        if body is None:
            data = b""
        elif isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
        else:
            data = b"".join(body)
        received.append(data)
        return status, {"Content-Type": "text/html; charset=UTF-8"}, b""

    return _callback


JSON = "application/json"
PATCH = "application/openstack-images-v2.1-json-patch"
