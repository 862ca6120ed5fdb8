"""Per-call overhead of ``client.get(id)`` and ``client.list()``.

Measured against the local Glance in one run, interleaved round by round with
two baselines doing the same HTTP calls: a raw ``requests.Session`` (the floor
for a keep-alive client) and ``requests.get`` opening a new connection per
call (what pyrax did). The order of the variants rotates every round; the
table gives the median time per call and the median of the per-round ratios
to the raw session. Reported, never asserted: on a loaded machine the server's
noise (a kept-alive connection pinned to a busy uWSGI process) dwarfs the
client's own overhead of a few tens of microseconds per call.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, List

import requests

from benchmarks.cloud import NOAUTH_HEADERS, PROJECT, ensure_cloud, stop_cloud
from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc


def _timed(call: Callable[[], object], count: int) -> float:
    """Mean seconds per call over ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - start) / count


def run(glance: str, rounds: int, calls: int, images: int) -> Dict[str, Dict[str, List[float]]]:
    """Seconds per call of each variant, one sample per round."""
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
                "requests.get (new connection)": lambda: requests.get(
                    get_url, headers=headers, timeout=60
                ).json(),
            },
            "list": {
                "pyrax_image": lambda: client.list(),
                "requests.Session": lambda: session.get(list_url, headers=headers, timeout=60).json(),
                "requests.get (new connection)": lambda: requests.get(
                    list_url, headers=headers, timeout=60
                ).json(),
            },
        }
        samples: Dict[str, Dict[str, List[float]]] = {
            op: {name: [] for name in group} for op, group in variants.items()
        }
        for op, group in variants.items():
            for call in group.values():  # warm up connections and caches
                _timed(call, 3)
            names = list(group)
            for round_no in range(rounds):
                # Rotate the order each round so no variant always runs first
                # (or last) when the server's load drifts.
                shift = round_no % len(names)
                for name in names[shift:] + names[:shift]:
                    samples[op][name].append(_timed(group[name], calls))
        return samples
    finally:
        for image in created:
            _delete(client, image)


def _delete(client: ImageClient, image: object) -> None:
    """Delete a benchmark image; absent is fine."""
    try:
        client.delete(image)
    except exc.NotFound:
        pass


def report(samples: Dict[str, Dict[str, List[float]]]) -> str:
    """A Markdown table: median ms per call, and the median of the per-round
    ratios to the raw session measured in the same round (robust to drift)."""
    lines = [
        "| call | variant | ms per call (median) | ratio to requests.Session (median of rounds) |",
        "|---|---|---|---|",
    ]
    for op, group in samples.items():
        floor = group["requests.Session"]
        for name, values in group.items():
            ratio = statistics.median(value / base for value, base in zip(values, floor))
            lines.append("| %s | %s | %.3f | %.3fx |" % (op, name, statistics.median(values) * 1000, ratio))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks calls", description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--calls", type=int, default=5, help="calls per variant per round")
    parser.add_argument("--images", type=int, default=25, help="images in the listed page")
    args = parser.parse_args(argv)
    cloud, started = ensure_cloud()
    try:
        print(report(run(cloud["glance_noauth_url"], args.rounds, args.calls, args.images)))
    finally:
        if started:
            stop_cloud()
    return 0
