"""The four clients across a WAN: ``python -m benchmarks wan`` (``tox -e bench -- wan``).

Users sit 10-100 ms from their cloud, where a round trip costs what it does
not on loopback. This benchmark runs raw ``requests``, python-glanceclient,
openstacksdk and pyrax_image side by side against the local cloud with
round-trip time added to the clients' traffic only (``wan_link``: the clients
in a network namespace of their own, joined to the cloud's by a delaying,
rate-capped forwarder with a per-connection window; the services reach each
other undelayed), for each profile of ``--profiles`` (default +0, +20, +80
ms). Per workflow and client it reports the median wall time with the lowest
and highest round, the HTTP requests the client sent and the new TCP
connections it opened, per operation. Each measured call batch starts on a
live kept-alive connection (``KEEP_ALIVE``); a new connection costs its
handshake's round trip. The downloads go to a path (what users do) and into
an open file (one stream for every client). The uploads of a large local file
(``--uploads``, their own table) set every client's single PUT beside
pyrax_image's upload through object storage (``via_container``: parallel
segment PUTs to Swift, behind the same link, then Glance's web-download of a
temporary URL, which Glance reads from Swift undelayed); ``--uploads-only``
runs and rewrites just that table. The measured added RTT is printed before
each profile. Needs root (network namespaces).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from benchmarks.cloud import ROOT, ensure_cloud
from benchmarks.peer_clients import LOGIN_LIST
from benchmarks.peer_cloud import LISTING_SIZE, LISTING_TAG, Images, Keystone, find_name
from benchmarks.peer_report import machine
from benchmarks.peers import CLIENTS, PEERS, Worker, data_transfer, log, peers_versions, rotated
from benchmarks.wan_link import WINDOW_KIB, WanLink

MIB = 1024 * 1024
# Workflow -> (worker op, calls per batch). "login_list" is a fresh process.
WORKFLOWS = {
    "get": ("get", 5),
    "list 20": ("list20", 5),
    "add + delete a tag": ("tags", 3),
    "find by name": ("find", 5),
    "update one property": ("update_id", 5),
    "list all 2,000": ("list_all", 1),
    "create + upload 4 MiB + read back verified": ("create_upload_readback", 2),
}
# Sent, unmeasured, just before each measured batch: every client starts it
# on a live kept-alive connection, whatever the other clients did meanwhile
# (the cloud's uWSGI closes a connection idle for 10 s, and the rotation
# gives the clients different idle gaps). A fresh connection's cost is the
# fresh-process row's.
KEEP_ALIVE = {"op": "get", "calls": 1}
# Download rows: (title, worker op). To a path is what users do (ours then
# starts one stream and splits it into parallel ranges when it is slow, as
# across a long link); into an open write-only file every client uses one
# stream, which shows what one stream gets across the link.
DOWNLOADS = (
    ("download %d MiB to a path", "download"),
    ("download %d MiB into an open file", "download-file"),
)
# The worker of each client: raw verifies the multihash, as the SDKs do.
DOWNLOADERS = {
    "raw": "raw-hash",
    "glanceclient": "glanceclient",
    "openstacksdk": "openstacksdk",
    "pyrax_image": "pyrax_image",
}
# Upload rows: (title, worker op, the clients that have it). One PUT is every
# client's upload; through object storage is pyrax_image's via_container.
UPLOADS = (
    ("upload %d MiB, one PUT", "upload", tuple(DOWNLOADERS)),
    (
        "upload %d MiB through Swift (parallel segments + web-download)",
        "upload-via-container",
        ("pyrax_image",),
    ),
)
STAGING_CONTAINER = "bench-wan-staging"
# Its own section of docs/performance.md, which the peers benchmark keeps when it rewrites the page.
SECTION = re.compile(r"<!-- section: wan .*?<!-- end section: wan -->", re.DOTALL)
# The uploads table inside it, which --uploads-only rewrites alone.
UPLOADS_BLOCK = re.compile(r"<!-- wan uploads -->.*?<!-- end wan uploads -->", re.DOTALL)


class Profile:
    """The samples of one added-RTT profile."""

    def __init__(self, rtt_ms: float):
        self.rtt_ms = rtt_ms
        self.measured_ms = 0.0
        self.samples: Dict[str, Dict[str, List[Dict[str, float]]]] = {}
        self.uploads: Dict[str, Dict[str, List[Dict[str, float]]]] = {}

    def add(self, workflow: str, client: str, sample: Dict[str, float]) -> None:
        self.samples.setdefault(workflow, {}).setdefault(client, []).append(sample)

    def add_upload(self, row: str, client: str, sample: Dict[str, float]) -> None:
        self.uploads.setdefault(row, {}).setdefault(client, []).append(sample)


def counted(link: WanLink, run: Any, *args: Any) -> Dict[str, Any]:
    """``run(*args)``'s answer with the connections and requests the link carried meanwhile."""
    before = link.stats()
    answer: Dict[str, Any] = run(*args)
    after = link.stats()
    answer["link_connections"] = after["connections"] - before["connections"]
    answer["link_requests"] = after["requests"] - before["requests"]
    return answer


def login_list(link: WanLink, python: str, client: str, login: Dict[str, str]) -> Dict[str, Any]:
    """A fresh process in the clients' namespace: log in with a password, list."""
    header = "".join("%s = %r\n" % (name, login[key]) for name, key in LOGIN_NAMES.items())
    started = time.perf_counter()
    out = subprocess.run(
        link.prefix + [python, "-c", header + LOGIN_LIST[client] + "\nassert n > 0\n"],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if out.returncode:
        raise RuntimeError("%s login + list failed: %s" % (client, out.stderr[-400:]))
    return {"seconds": seconds}


LOGIN_NAMES = {
    "KEYSTONE": "keystone",
    "USER": "user_name",
    "PASSWORD": "password",
    "PROJECT": "project_name",
    "DOMAIN": "domain",
    "REGION": "region",
}


class WanRun:
    def __init__(self, options: argparse.Namespace, cloud: Dict[str, Any]):
        self.options = options
        self.glance = cloud["regions"]["RegionOne"]["image"]
        keystone = Keystone(cloud)
        self.login = keystone.bench_login()
        self.login.update(keystone=cloud["keystone_v3_url"], domain=cloud["domain"], region="RegionOne")
        self.images = Images(self.glance, self.login["token"])
        self.swift = "%s/v1/AUTH_%s" % (cloud["swift_url"], self.login["project"])
        self.profiles: List[Profile] = []

    def python(self, client: str) -> str:
        return self.options.peers_python if client in PEERS else sys.executable

    def config(self, scratch: str, client: str) -> Dict[str, Any]:
        return {
            "glance": self.glance,
            "token": self.login["token"],
            "project": self.login["project"],
            "image_id": self.subject,
            "listing_tag": LISTING_TAG,
            "find_name": find_name(),
            "small_file": os.path.join(scratch, "small.raw"),
            "readback": os.path.join(scratch, "readback-%s.raw" % client),
        }

    def execute(self) -> None:
        uploads_only = self.options.uploads_only
        with_calls = not uploads_only and not self.options.downloads_only
        if with_calls:
            log("listing images: %d" % self.images.ensure_listing(log))
            self.subject = self.images.subject()["id"]
        with tempfile.TemporaryDirectory(prefix="pyrax-bench-wan-") as scratch:
            with open(os.path.join(scratch, "small.raw"), "wb") as handle:
                handle.write(os.urandom(4 * MIB))
            local = self.local_file(scratch) if self.options.size and self.options.uploads else None
            source = self.upload_source(scratch) if self.options.size and not uploads_only else None
            try:
                for rtt in self.options.profiles:
                    profile = Profile(rtt)
                    self.profiles.append(profile)
                    rate = self.options.rate_mbit
                    with WanLink(rtt, rate, self.options.window_kib) as link:
                        profile.measured_ms = link.round_trip_ms(self.glance)
                        log(
                            "profile +%g ms: measured added RTT %.1f ms, link %g Mbit/s"
                            % (rtt, profile.measured_ms, rate)
                        )
                        if with_calls:
                            self.calls(link, profile, scratch)
                        if source:
                            self.downloads(link, profile, scratch, source)
                        if local:
                            self.uploads(link, profile, local)
            finally:
                if with_calls:
                    self.images.delete(self.subject)
                if source:
                    self.images.delete(source)

    def local_file(self, scratch: str) -> str:
        """The file the upload rows send: ``--size`` MiB of random bytes."""
        path = os.path.join(scratch, "upload.raw")
        with open(path, "wb") as handle:
            for _ in range(self.options.size):
                handle.write(os.urandom(MIB))
        return path

    def upload_source(self, scratch: str) -> str:
        path = os.path.join(scratch, "source.raw")
        with open(path, "wb") as handle:
            for _ in range(self.options.size):
                handle.write(os.urandom(MIB))
        source = self.images.create("bench-wan-source")
        with open(path, "rb") as handle:
            url = "%s/v2/images/%s/file" % (self.glance, source["id"])
            headers = {"Content-Type": "application/octet-stream"}
            self.images.session.put(url, data=handle, headers=headers, timeout=600).raise_for_status()
        os.unlink(path)
        return str(source["id"])

    def calls(self, link: WanLink, profile: Profile, scratch: str) -> None:
        workers = {
            client: Worker(self.python(client), client, self.config(scratch, client), link.prefix)
            for client in CLIENTS
        }
        try:
            for client in CLIENTS:  # warm up: connections, schemas, discovery
                for op, _ in WORKFLOWS.values():
                    workers[client].run({"op": op, "calls": 1})
            for round_no in range(self.options.rounds):
                log("+%g ms: round %d/%d" % (profile.rtt_ms, round_no + 1, self.options.rounds))
                for workflow, (op, calls) in WORKFLOWS.items():
                    calls = 1 if self.options.quick else calls
                    for client in rotated(CLIENTS, round_no):
                        workers[client].run(KEEP_ALIVE)
                        answer = counted(link, workers[client].run, {"op": op, "calls": calls})
                        expected = {"list_all": LISTING_SIZE, "list20": 20}.get(op, 1)
                        if answer["items"] != expected:
                            raise RuntimeError("%s %s saw %s items" % (client, op, answer["items"]))
                        answer["connections"] = answer.pop("link_connections") / calls
                        answer.pop("link_requests")
                        profile.add(workflow, client, answer)
                for client in rotated(CLIENTS, round_no):
                    answer = counted(link, login_list, link, self.python(client), client, self.login)
                    answer["requests"] = answer.pop("link_requests")
                    answer["connections"] = answer.pop("link_connections")
                    profile.add("fresh process: log in + list", client, answer)
        finally:
            for worker in workers.values():
                worker.run({"op": "cleanup"})
                worker.close()

    def downloads(self, link: WanLink, profile: Profile, scratch: str, source: str) -> None:
        size = self.options.size * MIB
        args = {
            "glance": self.glance,
            "headers": {"X-Auth-Token": self.login["token"]},
            "token": self.login["token"],
            "project": self.login["project"],
            "size": size,
            "image_id": source,
        }
        for round_no in range(self.options.data_rounds):
            for title, op in DOWNLOADS:
                for client in rotated(list(DOWNLOADERS), round_no):
                    worker = DOWNLOADERS[client]
                    dest = os.path.join(scratch, "download-%s.raw" % client)
                    job = dict(args, dest=dest)
                    answer = counted(link, data_transfer, self.python(client), worker, op, job, link.prefix)
                    answer["connections"] = answer.pop("link_connections")
                    answer.pop("link_requests")
                    profile.add(title % self.options.size, client, answer)
                    os.unlink(dest)

    def uploads(self, link: WanLink, profile: Profile, local: str) -> None:
        """Each client's single PUT of the local file, and pyrax_image's upload
        through Swift, alternating; every image is deleted after its sample."""
        job = {
            "glance": self.glance,
            "headers": {"X-Auth-Token": self.login["token"]},
            "token": self.login["token"],
            "project": self.login["project"],
            "size": self.options.size * MIB,
            "file": local,
            "swift": self.swift,
            "container": STAGING_CONTAINER,
        }
        for round_no in range(self.options.data_rounds):
            for title, op, clients in UPLOADS:
                for client in rotated(list(clients), round_no):
                    worker = DOWNLOADERS[client]
                    answer = counted(link, data_transfer, self.python(client), worker, op, job, link.prefix)
                    answer["connections"] = answer.pop("link_connections")
                    answer.pop("link_requests")
                    profile.add_upload(title % self.options.size, client, answer)


def cell(samples: List[Dict[str, float]]) -> str:
    ms = [sample["seconds"] * 1000 for sample in samples]
    requests = statistics.median(sample["requests"] for sample in samples)
    connections = statistics.median(sample["connections"] for sample in samples)
    spread = "%.0f-%.0f" % (min(ms), max(ms)) if len(ms) > 1 else ""
    new = ", +%g conn" % round(connections, 2) if connections else ""
    return "%.0f ms (%s) [%g req%s]" % (statistics.median(ms), spread, round(requests, 2), new)


def uploads_report(run: WanRun) -> str:
    """The uploads table of every profile, between the markers --uploads-only rewrites."""
    link_limit = run.options.size * MIB / (run.options.rate_mbit * 1e6 / 8)
    lines = ["<!-- wan uploads -->", "### Uploads of a %d MiB local file" % run.options.size, ""]
    lines.append("| profile | row | %s | vs the best single PUT |" % " | ".join(CLIENTS))
    lines.append("|---|---|%s---|" % ("---|" * len(CLIENTS)))
    for profile in run.profiles:
        best = min(
            statistics.median(s["seconds"] for s in samples)
            for samples in next(iter(profile.uploads.values())).values()
        )
        for row, by_client in profile.uploads.items():
            cells = [cell(by_client[client]) if client in by_client else "-" for client in CLIENTS]
            fastest = min(statistics.median(s["seconds"] for s in samples) for samples in by_client.values())
            lines.append(
                "| +%g ms (measured +%.1f) | %s (link limit %.0f ms) | %s | %.2fx |"
                % (
                    profile.rtt_ms,
                    profile.measured_ms,
                    row,
                    link_limit * 1000,
                    " | ".join(cells),
                    fastest / best,
                )
            )
    lines += ["", "<!-- end wan uploads -->"]
    return "\n".join(lines)


def report(run: WanRun) -> str:
    lines = []
    link_limit = run.options.size * MIB / (run.options.rate_mbit * 1e6 / 8) if run.options.size else 0
    if run.options.uploads_only:
        return uploads_report(run)
    for profile in run.profiles:
        lines.append(
            "### +%g ms round trip (measured: +%.1f ms), link %g Mbit/s"
            % (profile.rtt_ms, profile.measured_ms, run.options.rate_mbit)
        )
        lines.append("")
        lines.append("| workflow | %s |" % " | ".join(CLIENTS))
        lines.append("|---|%s" % ("---|" * len(CLIENTS)))
        for workflow, by_client in profile.samples.items():
            cells = [cell(by_client[client]) if client in by_client else "-" for client in CLIENTS]
            name = workflow
            if workflow.startswith("download") and link_limit:
                name += " (link limit %.0f ms)" % (link_limit * 1000)
            lines.append("| %s | %s |" % (name, " | ".join(cells)))
        lines.append("")
    if run.options.uploads and run.options.size:
        lines += [uploads_report(run), ""]
    return "\n".join(lines)


def write_uploads(text: str, meta: Dict[str, Any]) -> None:
    """Replace (or add) only the uploads table of the WAN section, with its run's conditions."""
    path = ROOT / "docs" / "performance.md"
    current = path.read_text()
    section = SECTION.search(current)
    if section is None:
        raise SystemExit("docs/performance.md has no WAN section yet: run without --uploads-only first")
    head, _, rest = text.partition("\n\n")
    block = "%s\n\nRun %s on %s%s (`%s`). Medians over %d rounds; peers: %s.\n\n%s" % (
        head,
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine(),
        ", %s" % meta["conditions"] if meta.get("conditions") else "",
        meta["command"],
        meta["data_rounds"],
        ", ".join("%s %s" % item for item in sorted(meta["versions"].items())),
        rest,
    )
    old = section.group(0)
    if UPLOADS_BLOCK.search(old):
        new = UPLOADS_BLOCK.sub(lambda _: block, old)
    else:
        new = old.replace("<!-- end section: wan -->", block + "\n<!-- end section: wan -->")
    path.write_text(current.replace(old, new))


def write_docs(text: str, meta: Dict[str, Any]) -> None:
    path = ROOT / "docs" / "performance.md"
    section = (
        "<!-- section: wan (benchmarks/wan.py --write-docs) -->\n## Across a WAN (`%s`)\n\n"
        "Run %s on %s%s. Medians over %d rounds (downloads: %d; lowest-highest round in brackets), "
        "requests the client sent and new TCP connections it opened per operation in square brackets. "
        "Peers: %s. Only the clients' traffic is delayed (benchmarks/wan_link.py: a per-connection window "
        "of %d KiB a round trip, a new connection's handshake costs a round trip); each call batch "
        "starts on a live kept-alive connection.\n\n%s\n<!-- end section: wan -->\n"
        % (
            meta["command"],
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            machine(),
            ", %s" % meta["conditions"] if meta.get("conditions") else "",
            meta["rounds"],
            meta["data_rounds"],
            ", ".join("%s %s" % item for item in sorted(meta["versions"].items())),
            meta["window_kib"],
            text,
        )
    )
    current = path.read_text()
    if SECTION.search(current):
        current = SECTION.sub(lambda _: section.rstrip("\n"), current)
    else:
        current = current.rstrip("\n") + "\n\n" + section
    path.write_text(current)


def shown_options(argv: List[str]) -> List[str]:
    """The command line without ``--json FILE`` and ``--conditions TEXT`` (the page states the conditions)."""
    shown, skip = [], False
    for arg in argv:
        if not skip and arg not in ("--json", "--conditions"):
            shown.append(arg)
        skip = not skip and arg in ("--json", "--conditions")
    return shown


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks wan", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--profiles",
        type=lambda text: [float(ms) for ms in text.split(",")],
        default=[0.0, 20.0, 80.0],
        help="added round-trip times in ms (default 0,20,80)",
    )
    parser.add_argument("--rate-mbit", type=float, default=400.0, help="link rate each way (400 Mbit/s)")
    parser.add_argument(
        "--window-kib",
        type=int,
        default=WINDOW_KIB,
        help="bytes a connection may have unacknowledged, in KiB: one stream moves at most this per round "
        "trip (default %d: ~32 MB/s at +80 ms, what one Glance stream got across a real 80 ms WAN in "
        "issue 19; the 'into an open file' row shows it)" % WINDOW_KIB,
    )
    parser.add_argument("--rounds", type=int, help="rounds of the call workflows (default 5, quick 2)")
    parser.add_argument("--data-rounds", type=int, help="rounds of the download (default 3, quick 1)")
    parser.add_argument("--size", type=int, help="download size in MiB, 0 skips it (default 256, quick 32)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls, a 32 MiB download")
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("PYRAX_IMAGE_PEERS_PYTHON", sys.executable),
        help="interpreter of the peers' virtualenv (tox -e bench makes it)",
    )
    parser.add_argument(
        "--uploads",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the uploads of a --size MiB file: one PUT per client, and pyrax_image through Swift (default on)",
    )
    parser.add_argument(
        "--uploads-only",
        action="store_true",
        help="only the uploads (--write-docs then rewrites only their table)",
    )
    parser.add_argument(
        "--downloads-only",
        action="store_true",
        help="only the download rows (no call workflows, no uploads; not with --write-docs)",
    )
    parser.add_argument("--write-docs", action="store_true", help="write the tables into docs/performance.md")
    parser.add_argument("--json", help="also write the raw samples to this file")
    parser.add_argument("--conditions", help="what else the machine did meanwhile, for --write-docs")
    options = parser.parse_args(argv)
    if options.downloads_only and (options.uploads_only or options.write_docs):
        parser.error("--downloads-only prints its rows: the page is written from a whole run")
    options.rounds = options.rounds or (2 if options.quick else 5)
    options.data_rounds = options.data_rounds or (1 if options.quick else 3)
    options.uploads = (options.uploads or options.uploads_only) and not options.downloads_only
    if options.size is None:
        options.size = 32 if options.quick else 256
    if os.geteuid() != 0:
        print("benchmarks wan needs root (it makes a network namespace)", file=sys.stderr)
        return 2
    cloud, _ = ensure_cloud()
    run = WanRun(options, cloud)
    run.execute()
    text = report(run)
    print(text)
    meta = {
        "command": " ".join(["tox -e bench -- wan"] + shown_options(argv or [])),
        "rounds": options.rounds,
        "data_rounds": options.data_rounds,
        "window_kib": options.window_kib,
        "conditions": options.conditions,
        "versions": peers_versions(options.peers_python),
    }
    if options.json:
        samples = {
            "+%g" % p.rtt_ms: {"measured_ms": p.measured_ms, "samples": p.samples} for p in run.profiles
        }
        Path(options.json).write_text(json.dumps({"meta": meta, "profiles": samples}, indent=1))
    if options.write_docs and options.uploads_only:
        write_uploads(text, meta)
        log("wrote the WAN uploads table into docs/performance.md")
    elif options.write_docs:
        write_docs(text, meta)
        log("wrote the WAN tables into docs/performance.md")
    return 0
