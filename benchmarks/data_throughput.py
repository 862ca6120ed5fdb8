"""Image data throughput and peak RSS, pyrax_image beside its baselines.

``python -m benchmarks data [--sizes 100,1024] [--rounds 3] [--python PY]``

Against the local noauth Glance, each round runs every client once per size
and operation, interleaved, each in its own process (``data_workers``), so
the peak RSS (``ru_maxrss``) belongs to that one transfer. Baselines: raw
``requests`` streaming without verification, raw ``requests`` computing the
same MD5 + SHA-512 inline, python-glanceclient and openstacksdk (run with
``--python`` pointing at an interpreter that has them; they are never
dependencies of pyrax_image; ``tox -e bench`` points it at the peers' own
virtualenv). Also measured: Swift -> Glance ``create`` of a
Swift object through the Keystone-backed Glance (peak RSS flat in size).
Medians are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

from benchmarks.cloud import NOAUTH_HEADERS, PROJECT, ROOT, STATE, ensure_cloud, stop_cloud

MIB = 1024 * 1024
CLIENTS = ["raw", "raw-hash", "pyrax_image", "glanceclient", "openstacksdk"]


def _bare_rss_kib(python: str) -> int:
    """Peak RSS of an interpreter that does nothing (``python -c pass``)."""
    code = "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"
    return int(subprocess.check_output([python, "-c", code], text=True))


def _worker(python: str, client: str, op: str, args: Dict[str, Any], attempts: int = 3) -> Dict[str, Any]:
    """Run one measured transfer in a fresh process. A failed run is logged to
    stderr and repeated, never counted."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYRAX_BENCH_WORKER_CONFIG=json.dumps(args))
    for attempt in range(attempts):
        out = subprocess.run(
            [python, "-m", "benchmarks.data_workers", client, op],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(ROOT),
        )
        if not out.returncode:
            return json.loads(out.stdout.strip().splitlines()[-1])
        print(
            "%s %s failed (attempt %d): %s" % (client, op, attempt + 1, out.stderr.strip()[-300:]),
            file=sys.stderr,
        )
    raise RuntimeError("%s %s failed %d times" % (client, op, attempts))


def _retrying(call: Any, attempts: int = 3) -> Any:
    """A set-up or clean-up call (not measured), repeated on a 500."""
    from pyrax_image import exceptions as exc

    for attempt in range(attempts):
        try:
            return call()
        except exc.InternalServerError:
            if attempt == attempts - 1:
                raise
    return None


def _make_file(directory: str, size: int) -> str:
    path = os.path.join(directory, "bench-%d.raw" % size)
    with open(path, "wb") as handle:
        left = size
        while left:
            piece = os.urandom(min(left, 16 * MIB))
            handle.write(piece)
            left -= len(piece)
    return path


def _keystone_login(cloud: Dict[str, Any]) -> Dict[str, str]:
    account = cloud["users"]["alice"]
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "alice",
                        "domain": {"name": cloud["domain"]},
                        "password": account["password"],
                    }
                },
            },
            "scope": {"project": {"name": account["project_name"], "domain": {"name": cloud["domain"]}}},
        }
    }
    response = requests.post(cloud["keystone_v3_url"] + "/auth/tokens", json=body, timeout=30)
    response.raise_for_status()
    return {
        "token": response.headers["X-Subject-Token"],
        "project": response.json()["token"]["project"]["id"],
    }


def run(
    cloud: Dict[str, Any], sizes: List[int], rounds: int, python: str, clients: List[str], swift: bool
) -> Dict[str, Any]:
    """Measure every client, op and size; return the raw samples."""
    from pyrax_image import ImageClient, TokenIdentity

    glance = cloud["glance_noauth_url"]
    base = {"glance": glance, "headers": dict(NOAUTH_HEADERS), "project": PROJECT}
    samples: Dict[str, List[Dict[str, Any]]] = {}
    pyrax = ImageClient(TokenIdentity("bench", tenant_id=PROJECT), management_url=glance)
    pyrax.session.headers.update(NOAUTH_HEADERS)
    with tempfile.TemporaryDirectory(prefix="pyrax-image-bench-") as scratch:
        for size in sizes:
            path = _make_file(scratch, size)
            name = "bench-source-%d" % size
            source = _retrying(lambda name=name, path=path: pyrax.create(name, img_format="raw", data=path))
            try:
                for _ in range(rounds):
                    for client in clients:
                        for op in ("upload", "download"):
                            args = dict(
                                base,
                                size=size,
                                file=path,
                                image_id=source.id,
                                dest=os.path.join(scratch, "out-%s.raw" % client),
                            )
                            interpreter = sys.executable if client.startswith(("raw", "pyrax")) else python
                            result = _worker(interpreter, client, op, args)
                            samples.setdefault("%s|%s|%d" % (client, op, size), []).append(result)
                            if os.path.exists(args["dest"]):
                                os.unlink(args["dest"])
                    if swift:
                        _swift_round(cloud, path, size, samples)
            finally:
                _retrying(lambda source=source: pyrax.delete(source))
                os.unlink(path)
    return samples


def _swift_round(
    cloud: Dict[str, Any], path: str, size: int, samples: Dict[str, List[Dict[str, Any]]]
) -> None:
    from pyrax_image import ImageClient, TokenIdentity

    login = _keystone_login(cloud)
    swift_url = "%s/v1/AUTH_%s" % (cloud["swift_url"], login["project"])
    images = ImageClient(
        TokenIdentity(login["token"], tenant_id=login["project"]),
        management_url=cloud["regions"]["RegionOne"]["image"],
    )
    images.object_storage_url = swift_url
    storage = images.object_storage
    container = "bench-data"
    storage.create_container(container)
    name = "bench-%d.raw" % size
    storage.store_object(container, name, path)
    try:
        args = {
            "glance": cloud["regions"]["RegionOne"]["image"],
            "headers": {},
            "token": login["token"],
            "project": login["project"],
            "swift": swift_url,
            "container": container,
            "object": name,
            "size": size,
        }
        result = _worker(sys.executable, "pyrax_image", "swift-create", args)
        samples.setdefault("pyrax_image|swift-create|%d" % size, []).append(result)
    finally:
        storage.delete_object(container, name)


def table(samples: Dict[str, List[Dict[str, Any]]], bare_kib: int) -> str:
    """Markdown: median MiB/s, ratio to raw-hash, peak RSS and RSS over the bare interpreter."""
    rows = [
        "| client | op | size | MiB/s (median) | vs raw-hash | peak RSS MiB | over bare python MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    medians: Dict[str, float] = {}
    for key, results in samples.items():
        medians[key] = statistics.median(r["bytes"] / r["seconds"] / MIB for r in results)
    for key, results in samples.items():
        client, op, size = key.split("|")
        reference = medians.get("raw-hash|%s|%s" % (op, size))
        ratio = "%.2fx" % (medians[key] / reference) if reference and op != "swift-create" else "-"
        peak = max(r["rss_kib"] for r in results) / 1024
        rows.append(
            "| %s | %s | %d MiB | %.0f | %s | %.1f | %.1f |"
            % (client, op, int(size) // MIB, medians[key], ratio, peak, peak - bare_kib / 1024)
        )
    return "\n".join(rows)


def pin_servers_and_clients(server_cpu: int = 0, client_cpu: int = 1) -> None:
    """Pin every thread of the local cloud to one CPU and this process (and so
    the client workers it starts) to another, so a client's hashing does not
    compete with the server for the same core, as on two real machines."""
    marker = str(STATE).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker not in (entry / "environ").read_bytes() + (entry / "cmdline").read_bytes():
                continue
            for task in (entry / "task").iterdir():
                os.sched_setaffinity(int(task.name), {server_cpu})
        except (OSError, ValueError):
            continue
    os.sched_setaffinity(0, {client_cpu})


def main(argv: Optional[List[str]] = None) -> int:
    """Run the data benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1024", help="image sizes in MiB, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--python",
        default=os.environ.get("PYRAX_IMAGE_PEERS_PYTHON", sys.executable),
        help="interpreter with python-glanceclient and openstacksdk installed (tox -e bench: the peers' virtualenv)",
    )
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--no-swift", action="store_true", help="skip the Swift -> Glance create")
    parser.add_argument("--json", help="also write the raw samples to this file")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="run the servers on CPU 0 and the clients on CPU 1, as if on separate machines",
    )
    options = parser.parse_args(argv)
    cloud, started = ensure_cloud()
    try:
        if options.pin:
            pin_servers_and_clients()
        sizes = [int(s) * MIB for s in options.sizes.split(",")]
        clients = options.clients.split(",")
        samples = run(cloud, sizes, options.rounds, options.python, clients, not options.no_swift)
        bare = _bare_rss_kib(sys.executable)
        print(table(samples, bare))
        print("\nbare interpreter peak RSS: %.1f MiB; %d round(s)" % (bare / 1024, options.rounds))
        if options.json:
            Path(options.json).write_text(json.dumps(samples, indent=1))
    finally:
        if started:
            stop_cloud()
    return 0


if __name__ == "__main__":
    sys.exit(main())
