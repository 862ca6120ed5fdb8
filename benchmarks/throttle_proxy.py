"""A loopback proxy throttling each connection, in a process of its own (so
its CPU and memory are not the measured client's).

``python -m benchmarks.throttle_proxy UPSTREAM BYTES_PER_SECOND`` prints the
proxy's URL on one line, then serves until stdin closes. Built on the test
suite's fault proxy (``tests/faultproxy``): every response body is paced to
the rate, per exchange (hence per connection), like a WAN link or a load
balancer's per-connection limit.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from benchmarks.cloud import ROOT


def main(argv: list) -> int:
    from tests.faultproxy import FaultProxy, throttle

    upstream, rate = argv[0], float(argv[1])
    with FaultProxy(upstream, lifetime=3600.0, record=False) as proxy:
        proxy.add(throttle(rate), times=None)
        print(proxy.url, flush=True)
        sys.stdin.read()  # until the parent closes it (or exits)
    return 0


class ThrottledGlance:
    """``with ThrottledGlance(url, rate) as proxied_url:`` runs the proxy process."""

    def __init__(self, upstream: str, rate: float):
        self.upstream, self.rate = upstream, rate
        self.process: Any = None

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.throttle_proxy", self.upstream, str(self.rate)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
        )
        return self.process.stdout.readline().strip()

    def __exit__(self, *exc_info: Any) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
