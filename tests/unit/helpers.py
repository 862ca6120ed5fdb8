"""Constants and helpers shared by the unit tests (fixtures live in conftest.py)."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import logging
import struct
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from pyrax_image import ImageClient, TokenIdentity, __version__

BASE = "http://glance.test:9292"
V2 = BASE + "/v2"
VERSIONED = "https://images.example.com/v2"
TOKEN = "tok"
PROJECT = "proj"
IMAGE_ID = "11111111-2222-3333-4444-555555555555"
IMAGES = V2 + "/images"
ITEM = IMAGES + "/" + IMAGE_ID
FILE = ITEM + "/file"
SWIFT = "http://swift.test:8080/v1/AUTH_%s" % PROJECT
JSON = "application/json"
PATCH = "application/openstack-images-v2.1-json-patch"
IDENTITY_FIXTURES = Path(__file__).parent / "fixtures" / "identity"


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


class Exchange:
    """One request a call must send: its method, exact URL (query included),
    JSON body (None: no body at all) and headers beyond the ones every request
    carries (a value of None: that header must be absent); and the reply it
    gets (bytes: a non-JSON reply, as Glance's empty 200s)."""

    def __init__(
        self,
        method: str,
        url: str,
        body: Any = None,
        reply: Any = None,
        status: int = 200,
        headers: Optional[Dict[str, Optional[str]]] = None,
    ):
        self.method, self.url, self.body, self.reply, self.status = method, url, body, reply, status
        self.headers = headers or {}

    def register(self, rsps: responses.RequestsMock) -> None:
        """Answer this request with its reply."""
        if isinstance(self.reply, bytes):
            rsps.add(self.method, self.url, body=self.reply, status=self.status, content_type="text/html")
        else:
            rsps.add(self.method, self.url, json=self.reply, status=self.status)


def assert_sent_exactly(rsps: responses.RequestsMock, exchanges: List[Exchange]) -> None:
    """The recorded requests are ``exchanges``, in order, and nothing else."""
    assert len(rsps.calls) == len(exchanges)
    for index, exchange in enumerate(exchanges):
        request = call(rsps, index)
        assert (request.method, request.url) == (exchange.method, exchange.url)
        assert_headers(request, JSON if exchange.body is not None else None)
        for header, value in exchange.headers.items():
            assert request.headers.get(header) == value, header
        if exchange.body is None:
            assert not request.body
        else:
            assert sent_json(rsps, index) == exchange.body


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


def recorded(name: str) -> Dict[str, Any]:
    """A recorded identity reply of tests/unit/fixtures/identity (a fresh copy)."""
    return json.loads((IDENTITY_FIXTURES / name).read_text())


def iso_in(seconds: float) -> str:
    """The UTC time ``seconds`` from now, as Keystone writes an expiry."""
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def v3_token(expires_in: float = 3600) -> Dict[str, Any]:
    """The recorded Keystone v3 token body, expiring ``expires_in`` seconds from now."""
    body = copy.deepcopy(recorded("keystone_v3_token.json"))
    body["token"]["issued_at"] = iso_in(0)
    body["token"]["expires_at"] = iso_in(expires_in)
    return body


class Dropping(io.RawIOBase):
    """A socket-like body that resets the connection after ``cut`` bytes."""

    def __init__(self, data: bytes, cut: int):
        self.data, self.cut, self.pos = data, cut, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.pos >= len(self.data):
            return 0
        if self.pos >= self.cut:
            raise ConnectionResetError(104, "Connection reset by peer")
        count = min(len(buffer), self.cut - self.pos, len(self.data) - self.pos)
        buffer[:count] = self.data[self.pos : self.pos + count]
        self.pos += count
        return count


def dropping_body(data: bytes, cut: int) -> io.BufferedReader:
    """A reply body whose connection is reset after ``cut`` bytes of ``data``."""
    return io.BufferedReader(Dropping(data, cut))


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def head_object(
    rsps: responses.RequestsMock, name: str, data: bytes, container_url: str = SWIFT + "/c", **headers: str
) -> None:
    """Swift answering a HEAD of object ``name`` (length and ETag of ``data``)."""
    rsps.head(
        container_url + "/" + name,
        headers=dict({"Content-Length": str(len(data)), "Etag": md5(data)}, **headers),
    )


class StoringSwift:
    """A responses callback that reads the streamed body and answers like Swift."""

    def __init__(self, corrupt_etag: bool = False, fail_on: Optional[str] = None):
        self.objects: Dict[str, bytes] = {}
        self.headers: Dict[str, Dict[str, str]] = {}
        self.corrupt_etag = corrupt_etag
        self.fail_on = fail_on

    def __call__(self, request: Any) -> Any:
        path = urlsplit(request.url).path
        body = request.body
        data = b"".join(body) if body is not None and not isinstance(body, (bytes, str)) else (body or b"")
        if isinstance(data, str):
            data = data.encode()
        if self.fail_on and self.fail_on in path:
            return 503, {}, b""
        query = parse_qs(urlsplit(request.url).query)
        if query.get("multipart-manifest") == ["put"]:
            manifest = json.loads(data)
            etag = '"%s"' % md5("".join(item["etag"] for item in manifest).encode())
            self.objects[path] = json.dumps(manifest).encode()
        elif "X-Copy-From" in request.headers:
            source = "/v1/AUTH_%s%s" % (PROJECT, request.headers["X-Copy-From"])
            self.objects[path] = self.objects[source]
            etag = md5(self.objects[path])
        else:
            self.objects[path] = data
            etag = "0" * 32 if self.corrupt_etag else md5(data)
        self.headers[path] = dict(request.headers)
        return 201, {"Etag": etag}, b""


# -- image inspection ------------------------------------------------------------------
needs_oslo = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="oslo.utils 10.2 (Glance 33's inspector) needs Python 3.11+"
)


def qcow2_header(size: int, backing_offset: int = 0, incompatible: int = 0) -> bytes:
    """A qcow2 v3 header of ``size`` virtual bytes, padded to 512 bytes."""
    head = struct.pack(">4sIQIIQ", b"QFI\xfb", 3, backing_offset, 0, 16, size)
    head = head.ljust(0x48, b"\0") + struct.pack(">Q", incompatible)
    return head.ljust(512, b"\0")


class CountingFile(io.FileIO):
    """A file counting the bytes read from it."""

    read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk
