"""Fleet sync and image inspection: ``python -m benchmarks sync [options]``.

In one run against the local cloud (alice, RegionOne -> RegionTwo, one
Keystone), the same set of ``--images`` images of ``--size`` MiB copied by:

- ``sync_images`` (``copy_method="auto"``: Glance's glance-download import
  where the target offers it, so the bytes never pass through the client);
- ``sync_images`` with ``copy_method="client"`` (parallel ``copy_image``);
- a loop of ``copy_image`` calls, one image after the other;
- python-glanceclient, download to a file then upload, one image after the
  other (the way users script it today; in the peers' virtualenv);

then a second ``sync_images`` with nothing to copy. Each workload runs in a
fresh process (``benchmarks/sync_workers.py``) starting from an empty
RegionTwo and is timed wall-clock; "through the client" is that process's
read+write system-call bytes (sockets and files). Then ``inspect_image`` on a
10 GiB sparse raw file and a 10 GiB qcow2 (metadata preallocated, so the file
is 10 GiB too), beside ``qemu-img info``. ``--write-docs`` puts the tables in
their own section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any, Dict, List, Optional

from benchmarks.cloud import ROOT, ensure_cloud, stop_cloud
from benchmarks.sync_workers import CONFIG_VARIABLE

MIB = 1024 * 1024
GIB = 1024 * MIB
SECTION_BEGIN = "<!-- section: sync-bench (benchmarks/sync_bench.py --write-docs) -->"
SECTION_END = "<!-- end section: sync-bench -->"


def log(message: str) -> None:
    print("[sync] " + message, file=sys.stderr, flush=True)


def run_worker(python: str, workload: str, config: Dict[str, Any]) -> Dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{CONFIG_VARIABLE: json.dumps(config)})
    done = subprocess.run(
        [python, "-m", "benchmarks.sync_workers", workload],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError("%s failed: %s" % (workload, done.stderr[-2000:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def clients(config: Dict[str, Any]) -> Any:
    from benchmarks.sync_workers import pyrax_clients

    return pyrax_clients(config)


def empty_target(config: Dict[str, Any]) -> None:
    _, two = clients(config)
    for image in two.list_all(tag=config["tag"]):
        two.delete(image)


def make_sources(config: Dict[str, Any], count: int, size: int) -> List[str]:
    one, _ = clients(config)
    body = os.urandom(size - 64)
    ids = []
    for index in range(count):
        data = os.urandom(64) + body  # different bytes, hence different multihashes
        image = one.create(
            "%s-%02d" % (config["tag"], index),
            img_format="raw",
            data=data,
            metadata={"tags": [config["tag"]], "os_distro": "bench"},
        )
        ids.append(image.id)
    return ids


def fleet_rows(options: Any, config: Dict[str, Any], peers_python: Optional[str]) -> List[Dict[str, Any]]:
    size = options.size * MIB
    total = options.images * size
    workloads = [
        ("sync_images (copy_method=auto)", sys.executable, "sync", {"method": "auto"}),
        (
            "sync_images (client copy, parallel %d)" % options.parallel,
            sys.executable,
            "sync",
            {"method": "client"},
        ),
        ("loop of copy_image", sys.executable, "copy-loop", {}),
    ]
    if peers_python:
        workloads.append(("python-glanceclient download, then upload", peers_python, "glanceclient", {}))
    rows = []
    for label, python, workload, extra in workloads:
        empty_target(config)
        log("%s ..." % label)
        result = run_worker(python, workload, dict(config, **extra))
        if len(result["copies"]) != options.images:
            raise RuntimeError("%s made %d copies, not %d" % (label, len(result["copies"]), options.images))
        rows.append(dict(result, label=label, total=total))
        if workload == "sync" and extra["method"] == "auto":
            log("second sync_images (nothing to copy) ...")
            again = run_worker(python, "sync", dict(config, method="auto"))
            rows.append(dict(again, label="second sync_images (all identical)", total=total))
    empty_target(config)
    return rows


def inspection_rows(size_gib: int) -> List[Dict[str, Any]]:
    from pyrax_image.inspector import inspect_image

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        raw = os.path.join(folder, "sparse.raw")
        with open(raw, "wb") as handle:
            handle.truncate(size_gib * GIB)
        qcow2 = os.path.join(folder, "disk.qcow2")
        subprocess.run(
            [
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-o",
                "preallocation=metadata",
                qcow2,
                "%dG" % size_gib,
            ],
            check=True,
        )
        for label, path in (("raw", raw), ("qcow2", qcow2)):
            times, qemu = [], []
            for _ in range(5):
                started = time.perf_counter()
                result = inspect_image(path)
                times.append(time.perf_counter() - started)
                started = time.perf_counter()
                subprocess.run(["qemu-img", "info", path], check=True, capture_output=True)
                qemu.append(time.perf_counter() - started)
            rows.append(
                {
                    "label": label,
                    "file": os.path.getsize(path),
                    "format": result.format,
                    "virtual": result.virtual_size,
                    "read": result.bytes_read,
                    "seconds": statistics.median(times),
                    "qemu": statistics.median(qemu),
                }
            )
    return rows


def render(
    options: Any, fleet: List[Dict[str, Any]], inspection: List[Dict[str, Any]], load: List[float]
) -> str:
    reference = fleet[0]["seconds"] if fleet else 1.0
    lines = [
        "### Fleet sync: %d images of %d MiB, RegionOne -> RegionTwo" % (options.images, options.size),
        "",
        "| how | bytes travel | wall time | vs sync_images | MiB through the client | per image |",
        "|---|---|---|---|---|---|",
    ]
    for row in fleet:
        lines.append(
            "| %s | %s | %.1f s | %.2fx | %.0f | %.2f s |"
            % (
                row["label"],
                ", ".join(row["methods"]) or "nothing copied",
                row["seconds"],
                row["seconds"] / reference,
                row["net_bytes"] / MIB,
                row["seconds"] / options.images,
            )
        )
    lines += [
        "",
        "### Inspection of a %d GiB file (median of 5)" % options.inspect_gib,
        "",
        "| file | size on disk (apparent) | format | virtual size | bytes read | inspect_image | qemu-img info |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in inspection:
        lines.append(
            "| %s | %.1f GiB | %s | %.1f GiB | %d KiB | %.1f ms | %.1f ms |"
            % (
                row["label"],
                row["file"] / GIB,
                row["format"],
                row["virtual"] / GIB,
                row["read"] // 1024,
                row["seconds"] * 1000,
                row["qemu"] * 1000,
            )
        )
    lines += [
        "",
        "Load average (1 min) at the start and the end of the run: %.1f, %.1f (2 cores, shared by every "
        "engineer's cloud and tests: read the ratios, not the absolute times)." % (load[0], load[1]),
    ]
    return "\n".join(lines)


def write_docs(table: str) -> None:
    """Put ``table`` in its own section of docs/performance.md (replacing the last one)."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    section = (
        "%s\n## Fleet sync and inspection (issue 18)\n\n`python -m benchmarks sync --write-docs`, "
        "run %s.\n\n%s\n%s\n"
        % (SECTION_BEGIN, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), table, SECTION_END)
    )
    if SECTION_BEGIN in text:
        before, rest = text.split(SECTION_BEGIN, 1)
        text = before + section + rest.split(SECTION_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sync")
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--size", type=int, default=64, help="MiB per image")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--inspect-gib", type=int, default=10)
    parser.add_argument("--peers-python", default=os.environ.get("PYRAX_IMAGE_PEERS_PYTHON"))
    parser.add_argument("--write-docs", action="store_true")
    options = parser.parse_args(argv)
    cloud, started = ensure_cloud()
    alice = cloud["users"]["alice"]
    config = {
        "auth_url": cloud["keystone_v3_url"],
        "username": "alice",
        "password": alice["password"],
        "project": alice["project_name"],
        "tag": "bench-sync-" + uuid.uuid4().hex[:8],
        "parallel": options.parallel,
    }
    load = [os.getloadavg()[0]]
    try:
        log("uploading %d images of %d MiB to RegionOne" % (options.images, options.size))
        config["sources"] = make_sources(config, options.images, options.size * MIB)
        fleet = fleet_rows(options, config, options.peers_python)
        inspection = inspection_rows(options.inspect_gib)
    finally:
        one, two = clients(config)
        for client in (two, one):
            for image in client.list_all(tag=config["tag"]):
                client.delete(image)
        if started:
            stop_cloud()
    load.append(os.getloadavg()[0])
    table = render(options, fleet, inspection, load)
    print(table)
    if options.write_docs:
        write_docs(table)
        log("wrote docs/performance.md")
    return 0
