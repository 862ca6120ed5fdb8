"""pyrax_image beside python-glanceclient, openstacksdk and raw ``requests``.

``python -m benchmarks peers [--quick] [--size MIB] [--rounds N] [--write-docs]``
(``tox -e bench -- peers``) measures, in one run against the local cloud's
Keystone-authenticated RegionOne Glance (Keystone validates every token), each
scenario for the four clients side by side: every client has its own worker
process (the peers run in their own virtualenv, ``--peers-python``), the
scenarios alternate round by round and the client order rotates each round.
The 2,000 listing images live in a project of their own (``peer_cloud``).
The listing scenarios run again against a second RegionOne Glance API with
keep-alive off (``closing_glance``): issue #9's conditions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from benchmarks import peer_report
from benchmarks.closing_glance import ClosingGlance
from benchmarks.cloud import ROOT, ensure_cloud
from benchmarks.data_workers import WORKERS
from benchmarks.peer_clients import FIRST_LIST, IMPORTS
from benchmarks.peer_cloud import LISTING_SIZE, LISTING_TAG, Images, Keystone, find_name

CLIENTS = ["raw", "glanceclient", "openstacksdk", "pyrax_image"]
PEERS = ("glanceclient", "openstacksdk")
# Call scenarios: (name in the worker, calls per batch in a full and a quick run).
CALLS = {
    "get": (5, 2),
    "list20": (5, 2),
    "update_image": (5, 2),
    "update_id": (5, 2),
    "tags": (3, 1),
    "list_all": (1, 1),
    "find": (5, 2),
}
# The listing scenarios again on the Glance with keep-alive off (issue #9's
# conditions), recorded as "<op>-no-keepalive".
CLOSED_CALLS = ("list20", "list_all", "find")
CLOSED = "-no-keepalive"
# Data scenarios, each transfer in a fresh ``data_workers`` process. "raw-hash"
# (requests verifying like the SDKs) is the reference; "raw" sends bare.
DATA_OPS = ("upload", "download-file", "download", "download-connections-4", "copy-image")
DATA_CLIENTS = [
    "raw-hash",
    "raw",
    "glanceclient",
    "openstacksdk",
    "pyrax_image",
    "pyrax_image-1",
    "pyrax_image-noverify",
]
# Issue #12's two (benchmarks/parallel_workers.py): "download-connections-4"
# goes through a proxy throttling each connection to --throttle MB/s
# ("pyrax_image-1" is pyrax_image with one stream), "copy-image" is
# RegionOne -> RegionTwo. "pyrax_image-noverify" uploads with verify=False,
# to show what verification costs. A client without a worker for an op is skipped.
MIB = 1024 * 1024


def log(message: str) -> None:
    print("[peers] " + message, file=sys.stderr, flush=True)


CONFIG_VARIABLE = "PYRAX_BENCH_WORKER_CONFIG"


def env(config: Optional[Dict[str, Any]] = None) -> Dict[str, str]:
    """The workers' environment; their config (tokens included) travels here,
    not on the command line, where ``ps`` would show it to every user."""
    variables = dict(os.environ, PYTHONPATH=str(ROOT))
    if config is not None:
        variables[CONFIG_VARIABLE] = json.dumps(config)
    return variables


class Worker:
    """One client's long-lived worker process (``peer_workers``)."""

    def __init__(self, python: str, client: str, config: Dict[str, Any], prefix: Sequence[str] = ()):
        self.client = client
        self.proc = subprocess.Popen(
            [*prefix, python, "-m", "benchmarks.peer_workers", client],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env(config),
            cwd=str(ROOT),
        )
        self._read()  # {"ready": true}

    def _read(self) -> Dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("%s worker died (exit %s)" % (self.client, self.proc.wait()))
        return json.loads(line)

    def run(self, command: Dict[str, Any], attempts: int = 3) -> Dict[str, Any]:
        """Send a command; a failed batch is logged and repeated, never counted."""
        assert self.proc.stdin is not None
        for attempt in range(attempts):
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
            answer = self._read()
            if "error" not in answer:
                return answer
            log("%s %s failed (attempt %d): %s" % (self.client, command["op"], attempt + 1, answer["error"]))
            time.sleep(1)
        raise RuntimeError("%s %s failed %d times" % (self.client, command["op"], attempts))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def rotated(items: List[str], round_no: int) -> List[str]:
    shift = round_no % len(items)
    return items[shift:] + items[:shift]


def import_ms(python: str, module: str) -> float:
    """Milliseconds ``python -X importtime`` spends importing ``module`` after
    ``import requests`` (for "requests": importing requests itself).

    The same import runs once unmeasured first, free to write its bytecode
    caches (as pip does when it installs a wheel): with PYTHONDONTWRITEBYTECODE
    set and a source tree without them, every measured run would compile the
    modules again and time the compiler, not the import."""
    code = "import requests" if module == "requests" else "import requests; import %s" % module
    warm = {name: value for name, value in env().items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([python, "-c", code], capture_output=True, env=warm, check=True)
    out = subprocess.run([python, "-X", "importtime", "-c", code], capture_output=True, text=True, env=env())
    out.check_returncode()
    top: List[tuple] = []
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line[len("import time:") :].split("|")
            if not name.startswith("  "):  # a top-level import (children are indented)
                top.append((name.strip(), int(cumulative)))
    names = [name for name, _ in top]
    start = names.index("requests")
    if module == "requests":
        return top[start][1] / 1000
    return sum(us for _, us in top[start + 1 :]) / 1000


def first_list(python: str, client: str, cfg: Dict[str, Any]) -> Dict[str, Any]:
    """A fresh process from start to its first listing: wall, CPU and peak RSS."""
    header = "GLANCE, TOKEN, PROJECT = %r, %r, %r\n" % (cfg["glance"], cfg["token"], cfg["project"])
    footer = "\nassert n > 0\nprint(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"
    before = os.times()
    started = time.perf_counter()
    out = subprocess.run([python, "-c", header + FIRST_LIST[client] + footer], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = os.times()
    if out.returncode:
        raise RuntimeError("%s first list failed: %s" % (client, out.stderr[-300:]))
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"seconds": seconds, "cpu": cpu, "rss_kib": int(out.stdout.split()[-1])}


def data_transfer(
    python: str, client: str, op: str, args: Dict[str, Any], prefix: Sequence[str] = ()
) -> Dict[str, Any]:
    """One transfer in a fresh ``data_workers`` process (run behind ``prefix``,
    e.g. in the WAN benchmark's namespace), repeated on a 500."""
    for attempt in range(3):
        out = subprocess.run(
            [*prefix, python, "-m", "benchmarks.data_workers", client, op],
            capture_output=True,
            text=True,
            env=env(args),
            cwd=str(ROOT),
        )
        if not out.returncode:
            return json.loads(out.stdout.strip().splitlines()[-1])
        log("%s %s failed (attempt %d): %s" % (client, op, attempt + 1, out.stderr.strip()[-300:]))
    raise RuntimeError("%s %s failed 3 times" % (client, op))


class Run:
    """One benchmark run: the workers, the rounds and the samples."""

    def __init__(self, options: argparse.Namespace, cloud: Dict[str, Any], login: Dict[str, str]):
        self.options = options
        self.glance = cloud["regions"]["RegionOne"]["image"]
        self.glance_two = cloud["regions"]["RegionTwo"]["image"]
        self.login = login
        self.images = Images(self.glance, login["token"])
        self.samples: Dict[str, Dict[str, List[Dict[str, Any]]]] = {}
        self.cleanup: List[str] = []

    def python(self, client: str) -> str:
        return self.options.peers_python if client in PEERS else sys.executable

    def add(self, scenario: str, client: str, sample: Dict[str, Any]) -> None:
        self.samples.setdefault(scenario, {}).setdefault(client, []).append(sample)

    def config(self, image_id: str) -> Dict[str, Any]:
        return {
            "glance": self.glance,
            "token": self.login["token"],
            "project": self.login["project"],
            "image_id": image_id,
            "listing_tag": LISTING_TAG,
            "find_name": find_name(),
        }

    def calls(self, workers: Dict[str, Worker], round_no: int, ops: Any = CALLS, suffix: str = "") -> None:
        quick = self.options.quick
        for op in ops:
            full, short = CALLS[op]
            for client in rotated(CLIENTS, round_no):
                answer = workers[client].run({"op": op, "calls": short if quick else full})
                expected = {"list_all": LISTING_SIZE, "list20": 20}.get(op, 1)
                if answer["items"] != expected:
                    raise RuntimeError("%s %s saw %s items, not %d" % (client, op, answer["items"], expected))
                self.add(op + suffix, client, answer)
        if round_no < 2 and not suffix:
            for client in rotated(CLIENTS, round_no):
                self.add("memory", client, workers[client].run({"op": "memory"}))

    def processes(self, round_no: int) -> None:
        cfg = self.config("")
        for client in rotated(CLIENTS, round_no):
            self.add("import", client, {"ms": import_ms(self.python(client), IMPORTS[client])})
        self.add("import", "requests", {"ms": import_ms(sys.executable, "requests")})
        for client in rotated(CLIENTS, round_no):
            self.add("first_list", client, first_list(self.python(client), client, cfg))

    def data(self, scratch: str, round_no: int, source: Dict[str, Any], path: str, size: int) -> None:
        base = {
            "glance": self.glance,
            "headers": {"X-Auth-Token": self.login["token"]},
            "token": self.login["token"],
            "project": self.login["project"],
            "size": size,
            "file": path,
            "image_id": source["id"],
            "glance_two": self.glance_two,
            "throttle": self.options.throttle * 1000 * 1000,
        }
        for op in self.options.ops or DATA_OPS:
            for client in rotated(DATA_CLIENTS, round_no):
                if "%s/%s" % (client, op) not in WORKERS:
                    continue  # a client without this operation (its cell prints "-")
                args = dict(base, dest=os.path.join(scratch, "out-%s.raw" % client))
                python = self.options.peers_python if client in PEERS else sys.executable
                self.add(op, client, data_transfer(python, client, op, args))
                if os.path.exists(args["dest"]):
                    os.unlink(args["dest"])

    def execute(self) -> None:
        if self.options.data_only:
            self.execute_data(self.options.size * MIB)
            return
        log("listing images: %d" % self.images.ensure_listing(log))
        workers: Dict[str, Worker] = {}
        closed: Dict[str, Worker] = {}  # the same clients on the Glance with keep-alive off
        with contextlib.ExitStack() as stack:
            closing_url = None
            if not self.options.keepalive_only:
                closing_url = stack.enter_context(ClosingGlance())
                log("Glance with keep-alive off at %s" % closing_url)
            try:
                for client in CLIENTS:
                    subject = self.images.subject()
                    self.cleanup.append(subject["id"])
                    workers[client] = Worker(self.python(client), client, self.config(subject["id"]))
                    if closing_url:
                        config = dict(self.config(subject["id"]), glance=closing_url)
                        closed[client] = Worker(self.python(client), client, config)
                for client in CLIENTS:  # warm up: connections, schemas, discovery
                    for op in CALLS:
                        workers[client].run({"op": op, "calls": 1})
                    for op in CLOSED_CALLS if closed else ():
                        closed[client].run({"op": op, "calls": 1})
                for round_no in range(self.options.rounds):
                    log("round %d/%d: calls" % (round_no + 1, self.options.rounds))
                    self.calls(workers, round_no)
                    if closed:
                        self.calls(closed, round_no, CLOSED_CALLS, CLOSED)
                    self.processes(round_no)
            finally:
                for worker in [*workers.values(), *closed.values()]:
                    worker.close()
        if self.options.size:
            self.execute_data(self.options.size * MIB)

    def execute_data(self, size: int) -> None:
        with tempfile.TemporaryDirectory(prefix="pyrax-bench-peers-") as scratch:
            path = os.path.join(scratch, "source.raw")
            with open(path, "wb") as handle:
                for offset in range(0, size, MIB):
                    handle.write(os.urandom(min(MIB, size - offset)))
            source = self.images.create("bench-data-source")
            self.cleanup.append(source["id"])
            with open(path, "rb") as handle:
                headers = {"Content-Type": "application/octet-stream"}
                url = "%s/v2/images/%s/file" % (self.glance, source["id"])
                self.images.session.put(url, data=handle, headers=headers, timeout=600).raise_for_status()
            for round_no in range(self.options.data_rounds):
                log("data round %d/%d (%d MiB)" % (round_no + 1, self.options.data_rounds, size // MIB))
                self.data(scratch, round_no, source, path, size)

    def finish(self) -> None:
        for image_id in self.cleanup:
            self.images.delete(image_id)


def peers_versions(python: str) -> Dict[str, str]:
    code = (
        "import importlib.metadata as m, json\n"
        "print(json.dumps({p: m.version(p) for p in "
        "('python-glanceclient', 'openstacksdk', 'keystoneauth1', 'requests')}))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return json.loads(out.stdout) if not out.returncode else {}


def conditions(text: Optional[str], before: Tuple[float, ...], after: Tuple[float, ...]) -> str:
    """What loaded the machine: the caller's note and the load averages
    (1, 5, 15 minutes) when the run started and ended."""
    load = "load average %s at the start, %s at the end" % (
        "/".join("%.1f" % value for value in before),
        "/".join("%.1f" % value for value in after),
    )
    return "%s; %s" % (text, load) if text else load


def shown_options(argv: List[str]) -> List[str]:
    """The options that shape the results (not --write-docs, --json FILE,
    --conditions TEXT: the page states the conditions)."""
    shown, skip = [], False
    for arg in argv:
        if skip or arg == "--write-docs" or arg.startswith(("--json=", "--conditions=")):
            skip = False
        elif arg in ("--json", "--conditions"):
            skip = True
        else:
            shown.append(arg)
    return shown


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks peers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, help="rounds of every call scenario (default 7, quick 3)")
    parser.add_argument("--data-rounds", type=int, help="rounds of every transfer (default 3, quick 1)")
    parser.add_argument(
        "--size", type=int, help="image size in MiB for the transfers; 0 skips them (default 1024)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls, 16 MiB transfers")
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("PYRAX_IMAGE_PEERS_PYTHON", sys.executable),
        help="interpreter of the peers' virtualenv (tox -e bench makes it)",
    )
    parser.add_argument(
        "--throttle", type=float, default=50.0, help="MB/s per connection for download-connections-4 (50)"
    )
    parser.add_argument(
        "--ops", type=lambda text: text.split(","), help="only these transfers (comma-separated)"
    )
    parser.add_argument("--data-only", action="store_true", help="only the transfers (no call scenarios)")
    parser.add_argument(
        "--keepalive-only",
        action="store_true",
        help="skip the listing rows on a second Glance with keep-alive off (issue #9's conditions)",
    )
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/performance.md")
    parser.add_argument("--json", help="also write the raw samples to this file")
    parser.add_argument("--conditions", help="what else the machine did meanwhile, for --write-docs")
    parser.add_argument(
        "--delete-listing", action="store_true", help="delete the 2,000 listing images and stop"
    )
    options = parser.parse_args(argv)
    options.rounds = options.rounds or (3 if options.quick else 7)
    options.data_rounds = options.data_rounds or (1 if options.quick else 3)
    if options.size is None:
        options.size = 16 if options.quick else 1024
    load_before = os.getloadavg()
    cloud, _ = ensure_cloud()
    login = Keystone(cloud).bench_login()
    run = Run(options, cloud, login)
    if options.delete_listing:
        log("deleted %d listing images" % run.images.delete_listing())
        return 0
    try:
        run.execute()
    finally:
        run.finish()
    meta = {
        "command": " ".join(["tox -e bench -- peers"] + shown_options(argv or [])),
        "rounds": options.rounds,
        "data_rounds": options.data_rounds if options.size else 0,
        "size_mib": options.size,
        "versions": peers_versions(options.peers_python),
        "conditions": conditions(options.conditions, load_before, os.getloadavg()),
        "calls": {op: counts[1 if options.quick else 0] for op, counts in CALLS.items()},
    }
    text = peer_report.report(run.samples, meta)
    print(text)
    if options.json:
        Path(options.json).write_text(json.dumps({"meta": meta, "samples": run.samples}, indent=1))
    if options.write_docs:
        peer_report.write_docs(text, meta)
        log("wrote docs/performance.md")
    return 0
