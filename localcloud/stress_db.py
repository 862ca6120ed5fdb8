"""Concurrent image create / tag / update / delete against the local Glance.

Counts HTTP 500s and, in the Glance log, the "database is locked" errors that
appeared during the run: SQLite write contention shows up as those. Stdlib
plus requests (both in the glance venv):

    ~/.cache/pyrax_image_cloud/venvs/glance/bin/python localcloud/stress_db.py \\
        [--threads 8] [--ops 40] [--region noauth|RegionOne|RegionTwo]
        [--url URL --log GLANCE_LOG]   (another Glance with noauth headers)

One op = create an image, add a tag, patch a property, delete it (4 requests).
Exit status 1 if any 5xx was seen.
"""

import argparse
import collections
import json
import os
import sys
import threading
import time
import uuid

import requests

STATE = os.environ.get(
    "PYRAX_IMAGE_CLOUD_STATE",
    os.path.join(
        os.environ.get("PYRAX_IMAGE_CLOUD_HOME", os.path.expanduser("~/.cache/pyrax_image_cloud")), "state"
    ),
)
LOGS = {"noauth": "glance-noauth", "RegionOne": "glance-r1", "RegionTwo": "glance-r2"}
PATCH = "application/openstack-images-v2.1-json-patch"


def noauth_headers() -> dict[str, str]:
    """Headers a noauth Glance trusts: a member of a fresh project."""
    return {
        "X-Identity-Status": "Confirmed",
        "X-Roles": "reader,member",
        "X-Project-Id": uuid.uuid4().hex,
        "X-User-Id": uuid.uuid4().hex,
    }


def endpoint(cloud: dict, region: str) -> tuple[str, dict[str, str]]:
    """Glance URL and auth headers for REGION (noauth: trusted X-* headers)."""
    if region == "noauth":
        return cloud["glance_noauth_url"], noauth_headers()
    alice = cloud["users"]["alice"]
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "alice",
                        "domain": {"name": cloud["domain"]},
                        "password": alice["password"],
                    }
                },
            },
            "scope": {"project": {"id": alice["project_id"]}},
        }
    }
    reply = requests.post(cloud["keystone_v3_url"] + "/auth/tokens", json=body, timeout=30)
    reply.raise_for_status()
    return cloud["regions"][region]["image"], {"X-Auth-Token": reply.headers["X-Subject-Token"]}


def worker(
    url: str, headers: dict[str, str], ops: int, tag: str, codes: collections.Counter, lock: threading.Lock
) -> None:
    """Run OPS create/tag/patch/delete cycles, counting status codes per step."""
    session = requests.Session()
    session.headers.update(headers)

    def note(step: str, reply: requests.Response) -> None:
        with lock:
            codes[(step, reply.status_code)] += 1

    for _ in range(ops):
        reply = session.post(url + "/v2/images", json={"name": tag, "tags": [tag]}, timeout=60)
        note("create", reply)
        if reply.status_code != 201:
            continue
        image = url + "/v2/images/" + reply.json()["id"]
        note("tag", session.put(image + "/tags/extra", timeout=60))
        note(
            "patch",
            session.patch(
                image,
                data=json.dumps([{"op": "add", "path": "/stress", "value": "1"}]),
                headers={"Content-Type": PATCH},
                timeout=60,
            ),
        )
        note("delete", session.delete(image, timeout=60))
        # An image whose delete failed is left behind: retry until it is gone.
        for _ in range(20):
            if session.get(image, timeout=60).status_code == 404:
                break
            session.delete(image, timeout=60)
            time.sleep(0.2)


def log_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--ops", type=int, default=40, help="cycles per thread")
    parser.add_argument("--region", choices=sorted(LOGS), default="noauth")
    parser.add_argument("--url", help="a noauth Glance other than the cloud's (needs --log)")
    parser.add_argument("--log", help="that Glance's log file")
    args = parser.parse_args()
    if args.url:
        if not args.log:
            parser.error("--url needs --log")
        url, headers, log = args.url, noauth_headers(), args.log
    else:
        with open(os.path.join(STATE, "cloud.json")) as fh:
            cloud = json.load(fh)
        url, headers = endpoint(cloud, args.region)
        log = os.path.join(STATE, "logs", LOGS[args.region] + ".log")
    start = log_size(log)
    codes: collections.Counter = collections.Counter()
    lock = threading.Lock()
    tag = "stress-db-" + uuid.uuid4().hex[:8]
    t0 = time.monotonic()
    threads = [
        threading.Thread(target=worker, args=(url, headers, args.ops, tag, codes, lock))
        for _ in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - t0
    with open(log, "rb") as fh:
        fh.seek(start)
        locked = fh.read().count(b"(sqlite3.OperationalError) database is locked")
    failed = sum(n for (_, code), n in codes.items() if code >= 500)
    total = sum(codes.values())
    print(
        f"{url}: {args.threads} threads x {args.ops} ops, {total} requests "
        f"in {elapsed:.1f} s; 5xx: {failed}; 'database is locked' in log: {locked}"
    )
    for (step, code), n in sorted(codes.items()):
        print(f"  {step:7} {code}: {n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
