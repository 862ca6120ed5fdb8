"""Fixtures of the image-data tests: Keystone-backed clients with object
storage, scratch containers, and a fault-injecting HTTP proxy.

The proxy (:class:`FaultProxy`) sits on 127.0.0.1 in front of a real server
and forwards every request; a test arms it to flip one byte of a download,
to cut a download after some bytes (the connection is reset), or to cut an
upload midway. It records what it forwarded (method, path, Range, status).
"""

from __future__ import annotations

import http.client
import socket
import socketserver
import struct
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import urlsplit

import pytest
import requests

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def keystone_login(cloud: Dict[str, Any], user: str = "alice") -> Dict[str, str]:
    """A project-scoped token by a raw ``POST /v3/auth/tokens``."""
    account = cloud["users"][user]
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": user,
                        "domain": {"name": cloud["domain"]},
                        "password": account["password"],
                    }
                },
            },
            "scope": {"project": {"name": account["project_name"], "domain": {"name": cloud["domain"]}}},
        }
    }
    response = requests.post(cloud["keystone_v3_url"] + "/auth/tokens", json=body, timeout=30)
    response.raise_for_status()
    project_id = response.json()["token"]["project"]["id"]
    return {"token": response.headers["X-Subject-Token"], "project_id": project_id}


def keystone_client(cloud: Dict[str, Any], login: Dict[str, str], **kwargs: Any) -> ImageClient:
    """An ImageClient of Glance RegionOne (Keystone) with Swift as object storage."""
    identity = TokenIdentity(login["token"], tenant_id=login["project_id"])
    client = ImageClient(identity, management_url=cloud["regions"]["RegionOne"]["image"], **kwargs)
    client.object_storage_url = "%s/v1/AUTH_%s" % (cloud["swift_url"], login["project_id"])
    return client


@pytest.fixture(scope="session")
def alice_login(cloud: Dict[str, Any]) -> Dict[str, str]:
    return keystone_login(cloud, "alice")


@pytest.fixture(scope="session")
def ks_alpha(cloud: Dict[str, Any], alice_login: Dict[str, str]) -> ImageClient:
    """alice (project alpha) on the Keystone-backed Glance, with Swift."""
    return keystone_client(cloud, alice_login)


@pytest.fixture
def ks_cleanup(ks_alpha: ImageClient) -> Iterator[List[Any]]:
    """Images (or ids) appended here are deleted after the test, as alice."""
    created: List[Any] = []
    yield created
    for image in created:
        try:
            ks_alpha.delete(image)
        except exc.NotFound:
            pass


@pytest.fixture
def container(ks_alpha: ImageClient) -> Iterator[str]:
    """A fresh container (and its ``_segments`` twin), emptied and removed after."""
    storage = ks_alpha.object_storage
    name = "it-" + uuid.uuid4().hex[:10]
    storage.create_container(name)
    yield name
    for cont in (name, name + "_segments"):
        try:
            storage.delete_container(cont, del_objects=True)
        except exc.NoSuchContainer:
            pass


class FaultProxy(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A forwarding HTTP proxy for ``upstream`` that can corrupt or cut traffic.

    Faults apply to requests whose path ends with ``target`` (``/file`` by
    default): ``corrupt_at`` flips the byte at that offset of a response
    body; ``drop_after`` resets the connection after that many body bytes
    (``drops`` times); ``cut_upload_after`` stops forwarding a request body
    after that many bytes and resets both connections (every time).
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: str, target: str = "/file"):
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.prefix = parts.path.rstrip("/")
        self.target = target
        self.corrupt_at: Optional[int] = None
        self.drop_after: Optional[int] = None
        self.drops = 1
        self.cut_upload_after: Optional[int] = None
        self.log: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d%s" % (self.server_address[1], self.prefix)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultProxy

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence
        pass

    def _any(self) -> None:
        proxy = self.server
        targeted = self.path.split("?", 1)[0].endswith(proxy.target)
        entry: Dict[str, Any] = {
            "method": self.command,
            "path": self.path,
            "range": self.headers.get("Range"),
        }
        with proxy.lock:
            proxy.log.append(entry)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(*proxy.upstream, timeout=120)
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        length = int(self.headers.get("Content-Length") or 0)
        cut = proxy.cut_upload_after if targeted and self.command in ("PUT", "POST") else None
        body: Any = None
        if chunked:
            body = self._chunks()
            headers["Transfer-Encoding"] = "chunked"
        elif length:
            body = self._fixed(length)
        if cut is not None and body is not None:
            body = _limited(body, cut)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers, encode_chunked=chunked)
            if cut is not None:
                raise _Cut()
            response = upstream.getresponse()
        except (_Cut, OSError):
            entry["status"] = "cut"
            upstream.close()
            self._reset()
            return
        entry["status"] = response.status
        self.send_response_only(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        drop = None
        with proxy.lock:
            if targeted and self.command == "GET" and proxy.drop_after is not None and proxy.drops > 0:
                proxy.drops -= 1
                drop = proxy.drop_after
        sent = 0
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            if targeted and self.command == "GET" and proxy.corrupt_at is not None:
                offset = proxy.corrupt_at - sent
                if 0 <= offset < len(chunk):
                    chunk = chunk[:offset] + bytes([chunk[offset] ^ 0xFF]) + chunk[offset + 1 :]
            if drop is not None and sent + len(chunk) >= drop:
                self.wfile.write(chunk[: drop - sent])
                self.wfile.flush()
                time.sleep(0.3)  # let the client read what was sent, as on a real network
                entry["dropped_at"] = drop
                upstream.close()
                self._reset()
                return
            self.wfile.write(chunk)
            sent += len(chunk)
        upstream.close()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = _any

    def _fixed(self, length: int) -> Iterator[bytes]:
        left = length
        while left > 0:
            chunk = self.rfile.read(min(65536, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk

    def _chunks(self) -> Iterator[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return
            data = self.rfile.read(size)
            self.rfile.readline()
            yield data

    def _reset(self) -> None:
        """Close the client connection with a TCP reset, as a dying peer would."""
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        self.connection.close()


class _Cut(Exception):
    pass


def _limited(body: Iterator[bytes], limit: int) -> Iterator[bytes]:
    sent = 0
    for chunk in body:
        if sent + len(chunk) >= limit:
            yield chunk[: limit - sent]
            raise _Cut()
        sent += len(chunk)
        yield chunk


@pytest.fixture
def fault_proxy() -> Iterator[Any]:
    """``fault_proxy(upstream_url, target="/file")`` starts a proxy; all are
    stopped after the test."""
    proxies: List[FaultProxy] = []

    def start(upstream: str, target: str = "/file") -> FaultProxy:
        proxy = FaultProxy(upstream, target)
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.stop()
