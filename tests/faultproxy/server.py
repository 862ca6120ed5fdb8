"""The fault proxy's listener: accepts loopback connections, hands each to a
:class:`~tests.faultproxy.relay.Relay`, owns the rules and the exchange log."""

from __future__ import annotations

import re
import socket
import threading
from typing import Any, Dict, List, Optional, Set
from urllib.parse import urlsplit

from tests.faultproxy.relay import Relay, _reset
from tests.faultproxy.rules import Chaos, Exchange, Fault, Rule, race_close


class FaultProxy:
    """A fault-injecting HTTP/1.1 forwarder on 127.0.0.1 for ``upstream``.

    ``chaos`` closes idle connections at random; ``rewrites`` maps real
    origins to proxied ones in JSON bodies and URL headers. Without
    ``record`` only the number of exchanges is kept (for whole-suite runs).
    The proxy stops by itself after ``lifetime`` seconds and serves at most
    ``max_connections`` clients at once (more are reset).
    """

    def __init__(
        self,
        upstream: str,
        chaos: Optional[Chaos] = None,
        rewrites: Optional[Dict[str, str]] = None,
        lifetime: float = 900.0,
        max_connections: int = 64,
        record: bool = True,
    ):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.chaos = chaos
        self.rewrites = rewrites if rewrites is not None else {}
        self.recording = record
        self.exchanges = 0
        self.rules: List[Rule] = []
        self.log: List[Exchange] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self._slots = threading.BoundedSemaphore(max_connections)
        self._relays: Set[Relay] = set()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.25)
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name="faultproxy-%d" % self.port).start()
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def add(
        self,
        fault: Fault,
        method: Optional[str] = None,
        path: Optional[str] = None,
        skip: int = 0,
        times: Optional[int] = 1,
    ) -> Rule:
        """Arm ``fault`` for matching requests; rules are tried in the order added."""
        rule = Rule(fault, method, path, skip, times)
        with self.lock:
            self.rules.append(rule)
        return rule

    def requests(self, method: Optional[str] = None, path: Optional[str] = None) -> List[Exchange]:
        """The exchanges so far, optionally only those of ``method`` whose target matches ``path``."""
        with self.lock:
            return [
                entry
                for entry in self.log
                if (method is None or entry.method == method.upper())
                and (path is None or re.search(path, entry.target))
            ]

    def count(self, method: Optional[str] = None, path: Optional[str] = None) -> int:
        """How many exchanges (matching, if a filter is given) the proxy saw."""
        if method is None and path is None:
            return self.exchanges
        return len(self.requests(method, path))

    def stop(self) -> None:
        """Stop listening and end every open connection."""
        self.stopped.set()
        self._timer.cancel()
        self._listener.close()
        with self.lock:
            relays = list(self._relays)
        for relay in relays:
            try:
                relay.client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # -- used by the relays -------------------------------------------------------
    def choose(self, method: str, target: str, reused: bool) -> Optional[Fault]:
        """The fault for this request: the first armed rule's, else maybe chaos."""
        with self.lock:
            for rule in self.rules:
                if rule.take(method, target, reused):
                    return rule.fault
        if self.chaos is not None and self.chaos.race(method, reused):
            return race_close()
        return None

    def record(self, entry: Exchange) -> None:
        with self.lock:
            self.exchanges += 1
            if self.recording:
                self.log.append(entry)

    def rewrite(self, data: bytes) -> bytes:
        """``data`` with each real origin replaced (not inside a longer port number)."""
        for real, proxied in self.rewrites.items():
            data = re.sub(re.escape(real.encode()) + rb"(?![0-9])", proxied.encode(), data)
        return data

    # -- serving ---------------------------------------------------------------------
    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if not self._slots.acquire(blocking=False):
                _reset(client)
                continue
            with self.lock:
                self.connections += 1
                relay = Relay(self, client, self.connections)
                self._relays.add(relay)
            threading.Thread(target=self._serve, args=(relay,), daemon=True).start()

    def _serve(self, relay: Relay) -> None:
        try:
            relay.run()
        except (OSError, ValueError):
            relay.close()
        finally:
            with self.lock:
                self._relays.discard(relay)
            self._slots.release()
