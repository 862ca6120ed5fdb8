"""Per-call overhead of ``client.get(id)`` and ``client.list()``.

Measured against the local Glance in one run, interleaved round by round with
two baselines doing the same HTTP calls: a raw ``requests.Session`` (the floor
for a keep-alive client) and ``requests.get`` opening a new connection per
call (what pyrax did). Reported as medians and ratios, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, List

import requests

from benchmarks.cloud import NOAUTH_HEADERS, PROJECT, ensure_cloud, stop_cloud
from pyrax_image import ImageClient, TokenIdentity


def _timed(call: Callable[[], object], count: int) -> float:
    """Mean seconds per call over ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - start) / count


def run(glance: str, rounds: int, calls: int, images: int) -> Dict[str, Dict[str, float]]:
    """Median per-call time of each variant, in milliseconds."""
    client = ImageClient(TokenIdentity("bench", tenant_id=PROJECT), management_url=glance)
    client.session.headers.update(NOAUTH_HEADERS)
    created = [client.create("bench-%03d" % i, img_format="raw") for i in range(images)]
    try:
        image_id = created[0].id
        session = requests.Session()
        headers = dict(NOAUTH_HEADERS, **{"X-Auth-Token": "bench", "Accept": "application/json"})
        get_url = "%s/v2/images/%s" % (glance, image_id)
        list_url = "%s/v2/images" % glance
        variants: Dict[str, Dict[str, Callable[[], object]]] = {
            "get": {
                "pyrax_image": lambda: client.get(image_id),
                "requests.Session": lambda: session.get(get_url, headers=headers, timeout=60).json(),
                "requests.get (new connection)": lambda: requests.get(get_url, headers=headers, timeout=60).json(),
            },
            "list": {
                "pyrax_image": lambda: client.list(),
                "requests.Session": lambda: session.get(list_url, headers=headers, timeout=60).json(),
                "requests.get (new connection)": lambda: requests.get(list_url, headers=headers, timeout=60).json(),
            },
        }
        samples: Dict[str, Dict[str, List[float]]] = {
            op: {name: [] for name in group} for op, group in variants.items()
        }
        for op, group in variants.items():
            for call in group.values():  # warm up connections and caches
                _timed(call, 3)
            for _ in range(rounds):
                for name, call in group.items():
                    samples[op][name].append(_timed(call, calls))
        return {
            op: {name: statistics.median(values) * 1000 for name, values in group.items()}
            for op, group in samples.items()
        }
    finally:
        for image in created:
            client.delete(image)


def report(results: Dict[str, Dict[str, float]]) -> str:
    """A Markdown table of medians and ratios to the raw session."""
    lines = [
        "| call | variant | ms per call (median) | ratio to requests.Session |",
        "|---|---|---|---|",
    ]
    for op, group in results.items():
        floor = group["requests.Session"]
        for name, value in group.items():
            lines.append("| %s | %s | %.3f | %.3fx |" % (op, name, value, value / floor))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks calls", description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=20, help="calls per variant per round")
    parser.add_argument("--images", type=int, default=25, help="images in the listed page")
    args = parser.parse_args(argv)
    cloud, started = ensure_cloud()
    try:
        print(report(run(cloud["glance_noauth_url"], args.rounds, args.calls, args.images)))
    finally:
        if started:
            stop_cloud()
    return 0
