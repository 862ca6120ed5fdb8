"""The fault proxy itself, against a tiny stdlib server: each fault does what
the fault tests rely on (so a scenario cannot pass because a fault never fired)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import requests

from tests.faultproxy import (
    Chaos,
    FaultProxy,
    close_idle,
    race_close,
    redirect,
    reset_request,
    reset_response,
    retry_after,
    stall,
    trickle,
)

BODY = bytes(range(256)) * 8  # 2048 bytes


class _Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence
        pass

    def do_GET(self) -> None:
        if self.path == "/json":
            body = json.dumps({"self": "http://%s/json" % self.headers["Host"]}).encode()
            self._reply(body, "application/json", {"Location": "http://%s/x" % self.headers["Host"]})
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(BODY), 500):
                piece = BODY[start : start + 500]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self._reply(BODY, "application/octet-stream")

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append(self.rfile.read(length))  # type: ignore[attr-defined]
        self._reply(b"stored", "text/plain")

    def _reply(self, body: bytes, content_type: str, extra: Any = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def upstream() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(upstream: ThreadingHTTPServer) -> Iterator[FaultProxy]:
    with FaultProxy("http://127.0.0.1:%d" % upstream.server_address[1], lifetime=60) as started:
        yield started


def test_forwards_and_keeps_the_client_connection_alive(proxy):
    with requests.Session() as session:
        for path in ("/data", "/chunked", "/data"):
            assert session.get(proxy.url + path, timeout=5).content == BODY
    assert [(entry.connection, entry.number, entry.status) for entry in proxy.log] == [
        (1, 1, 200),
        (1, 2, 200),
        (1, 3, 200),
    ]


def raw_get(proxy: FaultProxy, path: str) -> bytes:
    """The body bytes a GET gets before the connection ends (framing included)."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as client:
        client.sendall(b"GET %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" % path.encode())
        received = b""
        while True:
            piece = client.recv(65536)
            if not piece:
                return received.partition(b"\r\n\r\n")[2]
            received += piece


def test_reset_response_delivers_exactly_the_bytes_before_the_cut(proxy):
    proxy.add(reset_response(700), path="/data")
    assert raw_get(proxy, "/data") == BODY[:700]
    proxy.add(reset_response(700), path="/chunked")
    assert raw_get(proxy, "/chunked") == b"1f4\r\n" + BODY[:500] + b"\r\n1f4\r\n" + BODY[500:688]
    proxy.add(reset_response(0))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(proxy.url + "/data", timeout=5)
    assert [entry.body_sent for entry in proxy.log] == [700, 700, 0]


@pytest.mark.parametrize("forward", [True, False])
def test_reset_request_cuts_the_upload(proxy, upstream, forward):
    proxy.add(reset_request(1000, forward=forward), method="PUT")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.put(proxy.url + "/obj", data=BODY * 64, timeout=5)
    assert upstream.received == []  # the server never got a whole body
    assert requests.put(proxy.url + "/obj", data=BODY, timeout=5).text == "stored"
    assert upstream.received == [BODY]


def test_stall_trips_a_read_timeout_and_a_short_one_is_waited_out(proxy):
    proxy.add(stall(2))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(proxy.url + "/data", timeout=0.5)
    proxy.add(stall(0.2, after=100))
    assert requests.get(proxy.url + "/data", timeout=5).content == BODY


def test_trickle_sends_the_body_byte_by_byte(proxy):
    proxy.add(trickle(0.01, after=len(BODY) - 5))
    response = requests.get(proxy.url + "/data", stream=True, timeout=5)
    pieces = list(response.raw.stream(1024, decode_content=False))
    assert b"".join(pieces) == BODY


def test_trickle_is_cut_after_its_limit(proxy):
    proxy.add(trickle(0.05, limit=0.2))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(proxy.url + "/data", timeout=5)


def test_canned_answers_count_and_then_pass_through(proxy):
    proxy.add(retry_after(503, 7), times=2)
    proxy.add(redirect("http://elsewhere.invalid/x", 308), path="/moved")
    statuses = [requests.get(proxy.url + "/data", timeout=5).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    moved = requests.get(proxy.url + "/moved", allow_redirects=False, timeout=5)
    assert (moved.status_code, moved.headers["Location"]) == (308, "http://elsewhere.invalid/x")
    assert proxy.requests()[0].status == 503 and proxy.count(path="/data") == 3


def test_close_idle_and_race_close_end_kept_alive_connections(proxy):
    with requests.Session() as session:
        session.get(proxy.url + "/data", timeout=5)
        proxy.add(close_idle())
        session.get(proxy.url + "/data", timeout=5)
        session.get(proxy.url + "/data", timeout=5)  # urllib3 sees the close and reconnects
        proxy.add(race_close())
        with pytest.raises(requests.exceptions.ConnectionError):
            session.get(proxy.url + "/data", timeout=5)
    assert [entry.connection for entry in proxy.log] == [1, 1, 2, 2]
    assert proxy.log[-1].fault == "race_close"


def test_chaos_closes_at_random_but_never_races_twice_in_a_row_nor_a_put(upstream):
    chaos = Chaos(seed=7, rate=0.5)
    with FaultProxy("http://127.0.0.1:%d" % upstream.server_address[1], chaos=chaos) as proxy:
        with requests.Session() as session:
            for _ in range(30):
                try:
                    assert session.get(proxy.url + "/data", timeout=5).content == BODY
                except requests.exceptions.ConnectionError:  # raced: once is the most
                    assert session.get(proxy.url + "/data", timeout=5).content == BODY
                assert session.put(proxy.url + "/obj", data=b"x", timeout=5).text == "stored"
    faults = ",".join(str(entry.fault) for entry in proxy.log)
    assert chaos.races > 0 and chaos.idle_closes > 0
    assert "race_close,race_close" not in faults
    assert all(entry.fault is None for entry in proxy.requests("PUT"))


def test_rewrites_origins_in_json_bodies_and_url_headers(proxy, upstream):
    real = "127.0.0.1:%d" % upstream.server_address[1]
    proxy.rewrites["http://" + real] = proxy.url
    response = requests.get(proxy.url + "/json", timeout=5)
    assert response.json() == {"self": proxy.url + "/json"}
    assert response.headers["Location"] == proxy.url + "/x"


def test_stops_by_itself_after_its_lifetime(upstream):
    proxy = FaultProxy("http://127.0.0.1:%d" % upstream.server_address[1], lifetime=0.2)
    assert proxy.stopped.wait(5)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1).recv(1)
