"""One client's worker process for ``benchmarks peers``.

``python -m benchmarks.peer_workers CLIENT`` (config as JSON in $PYRAX_BENCH_WORKER_CONFIG) builds the client
(``peer_clients``), then reads one JSON command a line from stdin and answers
one JSON line: ``{"op": "get", "calls": 5}`` runs the scenario 5 times and
answers ``seconds`` (wall, per call), ``cpu`` (this process's CPU, per call),
``requests`` (HTTP requests sent, per call, counted by the transport adapter
every client uses), ``rss_kib`` (peak RSS during the batch) and ``items``.
``{"op": "memory"}`` answers the bytes each held listed image costs
(``tracemalloc``: what stays allocated while the 2,000 images are held).
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict

from benchmarks.peer_clients import CLIENTS


class RequestCounter:
    """Counts every request ``requests`` sends (all four clients send through
    ``HTTPAdapter.send``: requests, keystoneauth, glanceclient)."""

    def __init__(self) -> None:
        from requests.adapters import HTTPAdapter

        self.count = 0
        original = HTTPAdapter.send

        def counting_send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(adapter, request, *args, **kwargs)

        HTTPAdapter.send = counting_send  # type: ignore[method-assign]


def reset_peak_rss() -> None:
    """Start a new peak-RSS window (Linux: ``5`` to ``clear_refs`` resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def scenarios(client: Any) -> Dict[str, Callable[[], Any]]:
    """Each scenario as a call; every update sets a value never set before
    (a client may skip a PATCH that changes nothing)."""
    fetched = client.fetch()  # the "given a fetched Image" scenario's Image
    values = itertools.count(1)
    return {
        "get": client.get,
        "list20": client.list20,
        "update_image": lambda: client.update_image(fetched, "v%d" % next(values)),
        "update_id": lambda: client.update_id("v%d" % next(values)),
        "tags": client.tags,
        "list_all": client.list_all,
        "find": client.find,
        "create_upload_readback": client.create_upload_readback,
    }


def _size(result: Any) -> int:
    return len(result) if isinstance(result, list) else 1


def run_batch(
    calls: Dict[str, Callable[[], Any]], counter: RequestCounter, op: str, n: int
) -> Dict[str, Any]:
    call = calls[op]
    gc.collect()
    reset_peak_rss()
    sent, cpu, wall = counter.count, time.process_time(), time.perf_counter()
    result = None
    for _ in range(n):
        result = call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "seconds": wall / n,
        "cpu": cpu / n,
        "requests": (counter.count - sent) / n,
        "rss_kib": peak_rss_kib(),
        "items": _size(result),
    }


def held_bytes(client: Any) -> Dict[str, Any]:
    """Bytes per listed image still allocated while the listing is held."""
    client.list_all()  # warm: connections, schemas and caches are not the images' cost
    gc.collect()
    tracemalloc.start()
    try:
        images = client.list_all()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return {"bytes_per_image": held / len(images), "items": len(images)}


def main(argv: list) -> int:
    (name,) = argv
    raw_config = os.environ.pop("PYRAX_BENCH_WORKER_CONFIG")
    counter = RequestCounter()
    client = CLIENTS[name](json.loads(raw_config))
    calls = scenarios(client)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        try:
            if command["op"] == "memory":
                answer = held_bytes(client)
            elif command["op"] == "cleanup":  # the images the create scenario made
                for image_id in client.created:
                    client.delete(image_id)
                answer = {"deleted": len(client.created)}
                client.created.clear()
            else:
                answer = run_batch(calls, counter, command["op"], command["calls"])
        except Exception as error:  # reported to the harness, which retries or stops
            answer = {"error": "%s: %s" % (type(error).__name__, str(error)[:300])}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
