"""A WAN link between the benchmark's clients and the local cloud.

The clients run in a network namespace of their own; this forwarder listens
there on the cloud's ports (127.0.0.1:5000, 8080, 9292-9294) and relays each
connection to the same port in the namespace the cloud runs in, holding every
chunk for half the round trip in each direction. A link-wide rate caps each
direction (the bandwidth of the link, shared by all connections) and each
connection keeps at most ``window`` bytes in flight, as a TCP window does, so
one stream is limited to window / RTT like a real long-distance stream. A new
connection's first bytes wait one round trip (its TCP handshake). Only the
clients' traffic is delayed: the services still reach each other directly.

``python -m benchmarks.wan_link --client-ns NS --rtt-ms 80 [--rate-mbit 400]``
prints ``ready`` once listening, then serves until stdin closes. Root is needed
(network namespaces). ``WanLink`` makes the namespace, runs the forwarder and
counts the connections and requests it carried (``stats()``).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import re
import socket
import subprocess
import sys
from typing import Any, Dict, List, Optional

from benchmarks.cloud import ROOT

CLOUD_PORTS = (5000, 8080, 9292, 9293, 9294)
# The default window: 2.5 MiB a round trip is ~32 MB/s at +80 ms, what one
# Glance download stream got across a real 80 ms WAN (issue 19), and the whole
# 400 Mbit/s link from about +50 ms down.
WINDOW_KIB = 2560
CLONE_NEWNET = 0x40000000
CHUNK = 64 * 1024
# A request line at the start of a client-to-server chunk: how requests are
# counted, whatever the client (a body would need these exact bytes to count).
REQUEST_LINE = re.compile(rb"(?:^|\r\n)(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /\S* HTTP/1\.[01]\r\n")


def enter_namespace(path: str) -> None:
    """Move this thread into the network namespace at ``path`` (setns(2))."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open(path) as handle:
        if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns(%s) failed" % path)


class Direction:
    """One direction of the link: a delay, and a rate shared by every connection."""

    def __init__(self, delay: float, rate: Optional[float]):
        self.delay, self.rate = delay, rate
        self.free_at = 0.0  # when the link has sent everything queued so far

    def departure(self, size: int, arrived: float) -> float:
        """When a chunk of ``size`` bytes read at ``arrived`` reaches the other end."""
        if not self.rate:
            return arrived + self.delay
        start = max(arrived, self.free_at)
        self.free_at = start + size / self.rate
        return self.free_at + self.delay


class Forwarder:
    def __init__(self, rtt: float, rate: Optional[float], window: int):
        self.up = Direction(rtt / 2, rate)  # client to server
        self.down = Direction(rtt / 2, rate)  # server to client
        self.window = window
        self.connections = 0
        self.requests = 0

    async def pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        direction: Direction,
        back: Direction,
        count: bool,
    ) -> None:
        """Relay ``reader`` to ``writer``, each chunk delivered at its departure time,
        reading no further while ``window`` bytes are unacknowledged: a chunk's
        bytes count until its acknowledgement would be back (``back``'s delay
        after delivery), so one stream moves at most a window per round trip."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        in_flight = 0
        room = asyncio.Event()
        room.set()

        def acknowledged(size: int) -> None:
            nonlocal in_flight
            in_flight -= size
            if in_flight < self.window:
                room.set()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
                loop.call_later(back.delay, acknowledged, len(data))
            writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                await room.wait()
                data = await reader.read(CHUNK)
                if not data:
                    break
                if count:
                    self.requests += len(REQUEST_LINE.findall(data))
                in_flight += len(data)
                if in_flight >= self.window:
                    room.clear()
                queue.put_nowait((direction.departure(len(data), loop.time()), data))
        except (ConnectionError, OSError):
            pass
        finally:
            queue.put_nowait((0.0, None))
            try:
                await sender
            except (ConnectionError, OSError):
                pass

    async def serve(self, port: int, client: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        # The kernel accepted at once; across a WAN the SYN and SYN-ACK take a
        # round trip before the client's first byte may leave: it waits here.
        handshake = asyncio.ensure_future(asyncio.sleep(self.up.delay + self.down.delay))
        try:
            server, server_w = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            handshake.cancel()
            client_w.close()
            return
        await handshake
        await asyncio.gather(
            self.pipe(client, server_w, self.up, self.down, True),
            self.pipe(server, client_w, self.down, self.up, False),
        )

    async def stats(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(json.dumps({"connections": self.connections, "requests": self.requests}).encode())
        await writer.drain()
        writer.close()


async def run(listeners: Dict[int, socket.socket], control: str, forwarder: Forwarder) -> None:
    for port, sock in listeners.items():

        async def handle(r: Any, w: Any, port: int = port) -> None:
            await forwarder.serve(port, r, w)

        await asyncio.start_server(handle, sock=sock)
    await asyncio.start_unix_server(forwarder.stats, path=control)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wan_link")
    parser.add_argument("--client-ns", required=True, help="the clients' network namespace (ip netns name)")
    parser.add_argument("--rtt-ms", type=float, required=True, help="round-trip time to add")
    parser.add_argument("--rate-mbit", type=float, default=0, help="link rate each way (0: no cap)")
    parser.add_argument(
        "--window-kib", type=int, default=WINDOW_KIB, help="bytes unacknowledged per connection"
    )
    parser.add_argument("--control", required=True, help="unix socket answering the counters")
    options = parser.parse_args(argv)
    home = "/proc/self/ns/net"
    with open(home) as own:
        home_fd = os.dup(own.fileno())
    enter_namespace("/run/netns/" + options.client_ns)
    listeners = {}
    for port in CLOUD_PORTS:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(256)
        sock.setblocking(False)
        listeners[port] = sock
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(home_fd, CLONE_NEWNET) != 0:  # back: the services are reached from here
        raise OSError(ctypes.get_errno(), "setns back failed")
    rate = options.rate_mbit * 1e6 / 8 if options.rate_mbit else None
    forwarder = Forwarder(options.rtt_ms / 1000.0, rate, options.window_kib * 1024)
    asyncio.run(run(listeners, options.control, forwarder))
    return 0


class WanLink:
    """``with WanLink(rtt_ms, rate_mbit) as link:`` a client namespace joined to
    this one by the forwarder; ``link.prefix`` runs a command in it and
    ``link.stats()`` reads the connections and requests carried so far."""

    def __init__(self, rtt_ms: float, rate_mbit: float = 0.0, window_kib: int = WINDOW_KIB):
        self.rtt_ms, self.rate_mbit, self.window_kib = rtt_ms, rate_mbit, window_kib
        self.namespace = "pyrax-wan-%d" % os.getpid()
        self.control = "/tmp/%s.sock" % self.namespace
        self.prefix = ["ip", "netns", "exec", self.namespace]
        self.process: Any = None

    def __enter__(self) -> "WanLink":
        subprocess.run(["ip", "netns", "add", self.namespace], check=True)
        subprocess.run(self.prefix + ["ip", "link", "set", "lo", "up"], check=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.wan_link", "--client-ns", self.namespace]
            + ["--rtt-ms", str(self.rtt_ms), "--rate-mbit", str(self.rate_mbit)]
            + ["--window-kib", str(self.window_kib), "--control", self.control],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
        )
        if self.process.stdout.readline().strip() != "ready":
            self.__exit__()
            raise RuntimeError("the WAN forwarder did not start")
        return self

    def stats(self) -> Dict[str, int]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(self.control)
            data = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        answer: Dict[str, int] = json.loads(data)
        return answer

    def round_trip_ms(self, url: str, tries: int = 7) -> float:
        """The median time of a small GET through the link minus directly: the added RTT."""
        probe = [sys.executable, "-c", _PROBE, url, str(tries)]
        direct = float(subprocess.run(probe, capture_output=True, text=True, check=True).stdout)
        linked = float(subprocess.run(self.prefix + probe, capture_output=True, text=True, check=True).stdout)
        return linked - direct

    def __exit__(self, *exc_info: Any) -> None:
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        subprocess.run(["ip", "netns", "delete", self.namespace], check=False)
        if os.path.exists(self.control):
            os.unlink(self.control)


# One HTTP exchange on a kept-alive connection (its handshake done by a first
# exchange), timed: the round trip the link adds is this through the link
# minus this directly.
_PROBE = """
import http.client, statistics, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
times = []
connection = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
connection.request("GET", "/versions")
connection.getresponse().read()
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    connection.request("GET", "/versions")
    connection.getresponse().read()
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
"""

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
