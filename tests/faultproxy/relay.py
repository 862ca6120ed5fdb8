"""The relay of one client connection of the fault proxy: reads HTTP/1.1
requests, forwards each on a fresh upstream connection, sends the response
back (keeping the client connection alive) and applies the chosen fault."""

from __future__ import annotations

import socket
import struct
import time
from typing import TYPE_CHECKING, BinaryIO, Iterator, List, Optional, Tuple

from tests.faultproxy.rules import Exchange, Fault

if TYPE_CHECKING:
    from tests.faultproxy.server import FaultProxy

IO_TIMEOUT = 120.0  # one read or write; a peer stuck longer ends the relay
MAX_HEAD = 65536
MAX_REWRITTEN = 16 * 1024 * 1024
KEPT_BODY = 65536
PIECE = 65536
THROTTLE_PIECE = 16384
URL_HEADERS = frozenset(("location", "content-location", "x-storage-url"))
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect"}
REASONS.update({308: "Permanent Redirect", 429: "Too Many Requests", 500: "Internal Server Error"})
REASONS.update({502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"})

Headers = List[Tuple[str, str]]
Framing = Tuple[str, int]  # ("none" | "length" | "chunked" | "close", length)


class Cut(Exception):
    """The exchange ends here, and so does the client connection: with a TCP
    reset (``"reset"``), a plain close (``"close"``), or a close after which
    the client can still read every byte sent (``"cut"``; an RST could make
    its kernel drop bytes it received but had not read yet)."""

    def __init__(self, how: str):
        super().__init__(how)
        self.how = how


class Relay:
    """Serves one client connection until it closes, fails or a fault ends it."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, connection: int):
        self.proxy = proxy
        self.client = client
        self.connection = connection
        client.settimeout(IO_TIMEOUT)
        self.client_in: BinaryIO = client.makefile("rb")
        self.upstream: Optional[socket.socket] = None
        self.upstream_in: Optional[BinaryIO] = None

    def run(self) -> None:
        number = 0
        try:
            while not self.proxy.stopped.is_set():
                head = _read_head(self.client_in)
                if head is None:
                    return
                number += 1
                if not self._exchange(head, number):
                    return
        except Cut as cut:
            self.close(cut.how)
        finally:
            self.close()

    def close(self, how: str = "close") -> None:
        """Close both connections (see :class:`Cut` for ``how``)."""
        self._close_upstream()
        if how == "cut":
            self._wait_for_hang_up()
        self.client_in.close()  # the socket only really closes once its reader is closed
        if how == "reset":
            _reset(self.client)
            return
        try:
            self.client.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.client.close()

    # -- one request ------------------------------------------------------------
    def _exchange(self, head: List[bytes], number: int) -> bool:
        """Relay one request and its response; False when the connection ends."""
        method, target, headers = _parse_request(head)
        entry = Exchange(self.connection, number, method, target, {k.lower(): v for k, v in headers})
        fault = self.proxy.choose(method, target, reused=number > 1)
        entry.fault = fault.kind if fault else None
        self.proxy.record(entry)
        if fault is not None and fault.kind == "race_close":
            raise Cut("close")
        body = _request_body(self.client_in, headers)
        if fault is not None and fault.kind == "drop_headers":
            headers = [(k, v) for k, v in headers if k.lower() not in fault.headers]
        if fault is not None and fault.kind == "respond":
            for piece in body:
                _keep(entry, piece)
            self._send_canned(fault, entry)
            return True
        chaos = self.proxy.chaos
        closing = (fault is not None and fault.kind == "close_idle") or (
            fault is None and chaos is not None and chaos.close_after_response()
        )
        if closing:
            # Hold the reply's last bytes until the close, so that the FIN
            # travels with them: the client can always tell, before reusing
            # the connection, that it was closed (no race with its next request).
            self.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        self._forward_request(method, target, headers, body, fault, entry)
        keep_alive = self._relay_response(method, fault, entry)
        self._close_upstream()
        if closing:
            raise Cut("cut")
        return keep_alive

    def _forward_request(
        self,
        method: str,
        target: str,
        headers: Headers,
        body: Iterator[bytes],
        fault: Optional[Fault],
        entry: Exchange,
    ) -> None:
        cut_at = fault.after if fault is not None and fault.kind == "reset_request" else None
        upstream = None
        if fault is None or fault.forward:
            host, port = self.proxy.upstream
            upstream = self.upstream = socket.create_connection((host, port), timeout=IO_TIMEOUT)
            lines = ["%s %s HTTP/1.1" % (method, target)]
            lines += [
                "%s: %s" % (k, "%s:%d" % (host, port) if k.lower() == "host" else v) for k, v in headers
            ]
            upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        sent = 0
        for piece in body:
            _keep(entry, piece)
            if cut_at is not None and sent + len(piece) >= cut_at:
                piece = piece[: cut_at - sent]
            if upstream is not None:
                upstream.sendall(piece)
            sent += len(piece)
            if cut_at is not None and sent >= cut_at:
                break
        if cut_at is not None:
            if upstream is not None:
                time.sleep(0.05)  # let the server read what it was sent before it sees the reset
                self._close_upstream(reset=True)
            raise Cut("reset")

    def _relay_response(self, method: str, fault: Optional[Fault], entry: Exchange) -> bool:
        """Send the upstream's response to the client; True if the connection stays open."""
        assert self.upstream is not None
        upstream_in: BinaryIO = self.upstream.makefile("rb")
        self.upstream_in = upstream_in
        while True:
            head = _read_head(upstream_in)
            if head is None:
                raise Cut("close")  # the server hung up: so does the proxy
            status = int(head[0].split()[1])
            if status >= 200 or status == 101:
                break
            self.client.sendall(b"".join(head) + b"\r\n")  # 1xx, then the real response
        entry.status = status
        headers = _parse_headers(head[1:])
        framing = _framing(method, status, headers)
        pieces: Iterator[bytes] = _wire_body(upstream_in, framing)
        if self.proxy.rewrites:
            headers, pieces, framing = self._rewritten(headers, pieces, framing)
        if fault is not None and fault.kind == "stall" and fault.after is None:
            self.proxy.stopped.wait(fault.seconds)
        self.client.sendall(_head_bytes(head[0].decode("latin-1").rstrip("\r\n"), headers))
        self._send_body(pieces, fault, entry)
        connection = dict((k.lower(), v.lower()) for k, v in headers).get("connection", "")
        return framing[0] != "close" and "close" not in connection and not head[0].startswith(b"HTTP/1.0")

    def _send_body(self, pieces: Iterator[bytes], fault: Optional[Fault], entry: Exchange) -> None:
        """Send the body, applying a mid-body fault at its offset."""
        kind = fault.kind if fault is not None else None
        if kind == "throttle" and fault is not None:
            self._send_throttled(pieces, fault.limit, entry)
            return
        mid_body = ("reset_response", "stall", "trickle", "corrupt")
        at = fault.after if fault is not None and kind in mid_body else None
        trickling_since: Optional[float] = None
        for piece in pieces:
            if kind == "corrupt" and at is not None and entry.body_sent + len(piece) > at:
                offset = at - entry.body_sent
                piece = piece[:offset] + bytes([piece[offset] ^ 0xFF]) + piece[offset + 1 :]
                at = None
            if at is not None and entry.body_sent + len(piece) >= at:
                before = at - entry.body_sent
                self._send(piece[:before], entry)
                piece, at = piece[before:], None
                if kind == "reset_response":
                    raise Cut("cut")
                if kind == "stall" and fault is not None:
                    self.proxy.stopped.wait(fault.seconds)
                if kind == "trickle":
                    trickling_since = time.monotonic()
            if trickling_since is None or fault is None:
                self._send(piece, entry)
                continue
            for offset in range(len(piece)):
                if time.monotonic() - trickling_since > fault.limit or self.proxy.stopped.wait(fault.seconds):
                    raise Cut("cut")
                self._send(piece[offset : offset + 1], entry)
        if at is not None and kind == "reset_response":
            raise Cut("cut")  # the body was shorter than the cut

    def _send_throttled(self, pieces: Iterator[bytes], rate: float, entry: Exchange) -> None:
        """Send the body paced to ``rate`` bytes per second."""
        started = time.monotonic()
        for piece in pieces:
            for offset in range(0, len(piece), THROTTLE_PIECE):
                self._send(piece[offset : offset + THROTTLE_PIECE], entry)
                ahead = started + entry.body_sent / rate - time.monotonic()
                if ahead > 0 and self.proxy.stopped.wait(ahead):
                    raise Cut("close")

    def _send(self, data: bytes, entry: Exchange) -> None:
        if data:
            self.client.sendall(data)
            entry.body_sent += len(data)

    def _rewritten(
        self, headers: Headers, pieces: Iterator[bytes], framing: Framing
    ) -> Tuple[Headers, Iterator[bytes], Framing]:
        """Real origins replaced by proxied ones in URL headers and JSON bodies."""
        rewrite = self.proxy.rewrite
        headers = [
            (k, rewrite(v.encode("latin-1")).decode("latin-1") if k.lower() in URL_HEADERS else v)
            for k, v in headers
        ]
        content_type = dict((k.lower(), v) for k, v in headers).get("content-type", "")
        if (
            "json" not in content_type
            or framing[0] not in ("length", "chunked")
            or framing[1] > MAX_REWRITTEN
        ):
            return headers, pieces, framing
        raw = b"".join(pieces)
        payload = _dechunk(raw) if framing[0] == "chunked" else raw
        body = rewrite(payload)
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "transfer-encoding")]
        return kept + [("Content-Length", str(len(body)))], iter([body]), ("length", len(body))

    def _send_canned(self, fault: Fault, entry: Exchange) -> None:
        entry.status = fault.status
        headers = list(fault.headers.items()) + [("Content-Length", str(len(fault.body)))]
        status_line = "HTTP/1.1 %d %s" % (fault.status, REASONS.get(fault.status, "Fault"))
        self.client.sendall(_head_bytes(status_line, headers) + fault.body)
        entry.body_sent = len(fault.body)

    def _wait_for_hang_up(self) -> None:
        """Half-close, then wait (a little) until the client has read all and hung up."""
        try:
            self.client.shutdown(socket.SHUT_WR)
            self.client.settimeout(2.0)
            while self.client.recv(PIECE):
                pass
        except OSError:
            pass

    def _close_upstream(self, reset: bool = False) -> None:
        if self.upstream_in is not None:
            self.upstream_in.close()
            self.upstream_in = None
        if self.upstream is not None:
            if reset:
                _reset(self.upstream)
            else:
                self.upstream.close()
            self.upstream = None


# -- HTTP/1.1 framing -----------------------------------------------------------------
def _read_head(reader: BinaryIO) -> Optional[List[bytes]]:
    """The start line and header lines (without the blank line); None at EOF."""
    lines: List[bytes] = []
    size = 0
    while True:
        line = reader.readline(MAX_HEAD)
        if not line:
            if lines:
                raise ValueError("connection closed inside a message head")
            return None
        if line in (b"\r\n", b"\n"):
            if lines:
                return lines
            continue  # a stray blank line between messages
        lines.append(line)
        size += len(line)
        if size > MAX_HEAD:
            raise ValueError("message head too long")


def _parse_headers(lines: List[bytes]) -> Headers:
    headers: Headers = []
    for line in lines:
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return headers


def _parse_request(head: List[bytes]) -> Tuple[str, str, Headers]:
    method, target, _version = head[0].decode("latin-1").split()
    return method.upper(), target, _parse_headers(head[1:])


def _framing(method: str, status: int, headers: Headers) -> Framing:
    lowered = dict((k.lower(), v) for k, v in headers)
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return ("none", 0)
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        return ("chunked", 0)
    if "content-length" in lowered:
        return ("length", int(lowered["content-length"]))
    return ("close", 0)


def _request_body(reader: BinaryIO, headers: Headers) -> Iterator[bytes]:
    lowered = dict((k.lower(), v) for k, v in headers)
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        return _wire_body(reader, ("chunked", 0))
    return _wire_body(reader, ("length", int(lowered.get("content-length") or 0)))


def _wire_body(reader: BinaryIO, framing: Framing) -> Iterator[bytes]:
    """The body as it is on the wire (chunk framing included)."""
    kind, length = framing
    if kind == "length":
        left = length
        while left > 0:
            piece = reader.read1(min(PIECE, left))  # type: ignore[attr-defined]
            if not piece:
                raise ValueError("body cut short")
            left -= len(piece)
            yield piece
    elif kind == "chunked":
        while True:
            size_line = reader.readline(MAX_HEAD)
            if not size_line:
                raise ValueError("chunked body cut short")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                trailer = size_line
                while True:
                    line = reader.readline(MAX_HEAD)
                    trailer += line
                    if line in (b"\r\n", b"\n", b""):
                        break
                yield trailer
                return
            yield size_line
            left = size + 2  # the data and its CRLF
            while left > 0:
                piece = reader.read(min(PIECE, left))
                if not piece:
                    raise ValueError("chunk cut short")
                left -= len(piece)
                yield piece
    elif kind == "close":
        while True:
            piece = reader.read1(PIECE)  # type: ignore[attr-defined]
            if not piece:
                return
            yield piece


def _dechunk(raw: bytes) -> bytes:
    payload = b""
    while raw:
        size_line, _, raw = raw.partition(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        payload += raw[:size]
        raw = raw[size + 2 :]
    return payload


def _head_bytes(status_line: str, headers: Headers) -> bytes:
    lines = [status_line] + ["%s: %s" % (k, v) for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _keep(entry: Exchange, piece: bytes) -> None:
    if len(entry.body) < KEPT_BODY:
        entry.body += piece[: KEPT_BODY - len(entry.body)]


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (RST), as a crashing peer or middlebox does."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()
