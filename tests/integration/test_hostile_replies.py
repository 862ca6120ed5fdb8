"""Replies of the wrong shape and endless listings, from a rewriting proxy in
front of the real Glance: the real image a malformed create reply names is
deleted, and listings whose ``next`` links never end do end."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from pyrax_image import ImageClient, paging
from pyrax_image import exceptions as exc
from tests.integration.helpers import ALPHA, delete_quietly, noauth_client

Reply = Tuple[int, Dict[str, str], bytes]
Rewrite = Callable[[str, str, Reply], Reply]
HOP_HEADERS = {"connection", "transfer-encoding", "content-length", "keep-alive", "content-encoding"}


class RewritingProxy(ThreadingHTTPServer):
    """Forwards every request to ``upstream`` and lets ``rewrite`` change the reply."""

    daemon_threads = True

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream = upstream
        self.rewrite: Optional[Rewrite] = None
        self.seen: List[Tuple[str, str]] = []

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.server_address[1]


class _Forward(BaseHTTPRequestHandler):
    server: RewritingProxy
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS | {"host"}}
        path = self.path.split("&nonce=")[0]  # a rewritten link's marker: Glance never sees it
        upstream = requests.request(
            self.command, self.server.upstream + path, headers=headers, data=body, timeout=60
        )
        reply: Reply = (upstream.status_code, dict(upstream.headers), upstream.content)
        self.server.seen.append((self.command, self.path))
        if self.server.rewrite is not None:
            reply = self.server.rewrite(self.command, self.path, reply)
        status, reply_headers, content = reply
        self.send_response(status)
        for key, value in reply_headers.items():
            if key.lower() not in HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def proxy(glance_url: str) -> Iterator[RewritingProxy]:
    server = RewritingProxy(glance_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def via_proxy(proxy: RewritingProxy) -> ImageClient:
    return noauth_client(proxy.url, ALPHA)


def _html_create(method: str, path: str, reply: Reply) -> Reply:
    status, headers, content = reply
    if method == "POST" and path == "/v2/images":
        headers = dict(headers, **{"Content-Type": "text/html"})
        return status, headers, b"<html><body>Created</body></html>"
    return reply


def test_a_create_answered_with_html_deletes_the_real_image(
    proxy: RewritingProxy, via_proxy: ImageClient, alpha: ImageClient, unique: str
) -> None:
    proxy.rewrite = _html_create
    try:
        with pytest.raises(exc.InvalidResponse) as raised:
            via_proxy.create(unique, img_format="raw", data=b"never uploaded")
    finally:
        for image in alpha.list_all(name=unique):
            delete_quietly(alpha, image)
    assert raised.value.code == 201 and "has been deleted" in str(raised.value)
    assert [method for method, _ in proxy.seen] == ["POST", "DELETE"]
    assert alpha.list_all(name=unique) == []  # no image left behind on the real Glance


def test_a_create_answered_with_a_list_deletes_the_real_image(
    proxy: RewritingProxy, via_proxy: ImageClient, alpha: ImageClient, unique: str
) -> None:
    def as_list(method: str, path: str, reply: Reply) -> Reply:
        status, headers, content = reply
        if method == "POST" and path == "/v2/images":
            headers = {k: v for k, v in headers.items() if k.lower() != "location"}
            return status, headers, json.dumps([json.loads(content)]).encode()
        return reply

    proxy.rewrite = as_list
    try:
        with pytest.raises(exc.InvalidResponse):
            via_proxy.create(unique, img_format="raw")
    finally:
        for image in alpha.list_all(name=unique):
            delete_quietly(alpha, image)
    assert [method for method, _ in proxy.seen] == ["POST", "DELETE"]
    assert alpha.list_all(name=unique) == []


def endless_next() -> Rewrite:
    """Every listing page links to "another" page: the first one, with a new nonce."""
    nonces = itertools.count(1)

    def rewrite(method: str, path: str, reply: Reply) -> Reply:
        status, headers, content = reply
        if method == "GET" and path.startswith("/v2/images?") and status == 200:
            body = json.loads(content)
            body["next"] = "%s&nonce=%d" % (path.split("&nonce=")[0], next(nonces))
            return status, headers, json.dumps(body).encode()
        return reply

    return rewrite


def test_a_next_link_that_changes_on_every_page_ends_on_the_real_glance(
    proxy: RewritingProxy, via_proxy: ImageClient, alpha: ImageClient, unique: str, cleanup: List[Any]
) -> None:
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    proxy.rewrite = endless_next()
    with pytest.raises(paging.PagingLoop):
        via_proxy.list_all(name=unique)
    assert len(proxy.seen) == 2  # the second page held only images already listed
    assert via_proxy.find(name=unique).id == image.id  # find: the unique image, once
    with pytest.raises(paging.TooManyPages):
        via_proxy.list_all(name="it-no-such-image-%s" % unique, max_pages=4)  # empty pages never repeat ids
