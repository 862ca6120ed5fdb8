"""Tiny real HTTP(S) servers on 127.0.0.1 for transport tests.

``LoopbackServer(handler)`` runs ``handler(request) -> Reply`` for every
request on a free port in a thread, and records what it received
(method, path, headers, body) in ``requests``, and how many connections
it accepted (``connections``) and has open (``open_connections``). A reply may trickle its body
or cut it short to exercise the client's fault handling.
"""

from __future__ import annotations

import http.server
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


@dataclass
class Reply:
    """What the server answers: ``body`` sent whole, one byte every ``trickle``
    seconds, or only ``cut_after`` bytes of it before closing the connection;
    or, with ``pieces``, each piece it yields as fast as the client reads,
    without a Content-Length, closing the connection at the end (an endless
    iterator is an endless body)."""

    status: int = 200
    body: bytes = b""
    headers: Dict[str, str] = field(default_factory=dict)
    trickle: Optional[float] = None
    cut_after: Optional[int] = None
    pieces: Optional[Iterable[bytes]] = None


Handler = Callable[[Received], Reply]


class LoopbackServer:
    """A threaded HTTP server answering with ``handler``; a context manager."""

    def __init__(self, handler: Handler, tls: Optional[ssl.SSLContext] = None):
        self.handler = handler
        self.requests: List[Received] = []
        self.connections = 0
        self.open_connections = 0
        self._count_lock = threading.Lock()
        server = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def setup(self) -> None:
                super().setup()
                with server._count_lock:
                    server.connections += 1
                    server.open_connections += 1

            def finish(self) -> None:
                with server._count_lock:
                    server.open_connections -= 1
                super().finish()

            def _serve(self) -> None:
                body = self._body()
                received = Received(self.command, self.path, dict(self.headers.items()), body)
                server.requests.append(received)
                reply = server.handler(received)
                self.send_response(reply.status)
                if reply.pieces is not None:
                    self._send_pieces(reply)
                    return
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                data = reply.body if reply.cut_after is None else reply.body[: reply.cut_after]
                try:
                    if reply.trickle is None:
                        self.wfile.write(data)
                    else:
                        for index in range(len(data)):
                            self.wfile.write(data[index : index + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle)
                except OSError:  # the client gave up: fine
                    self.close_connection = True
                    return
                if reply.cut_after is not None:
                    self.close_connection = True

            def _send_pieces(self, reply: Reply) -> None:
                for name, value in {**reply.headers, "Connection": "close"}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.close_connection = True
                try:
                    for piece in reply.pieces or ():
                        self.wfile.write(piece)
                except OSError:  # the client gave up: fine
                    pass

            def _body(self) -> bytes:
                if "chunked" in self.headers.get("Transfer-Encoding", ""):
                    parts = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()
                        if size == 0:
                            return b"".join(parts)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        scheme = "https" if tls is not None else "http"
        host = "localhost" if tls is not None else "127.0.0.1"
        self.url = "%s://%s:%d" % (scheme, host, self.port)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
