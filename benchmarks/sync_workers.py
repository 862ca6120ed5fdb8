"""One fleet-copy workload in a fresh process: ``python -m benchmarks.sync_workers NAME``.

The configuration (Keystone URL, user, password, project, tag, source image
ids) comes in the ``PYRAX_BENCH_WORKER_CONFIG`` environment variable, never
on the command line. Prints one JSON line: wall seconds, the bytes this
process sent and received on its sockets (every client here sends through
the standard library's ``socket``, counted by :class:`CountingSocket`), the
copies made and how their bytes travelled. The
``glanceclient`` workload runs in the peers' virtualenv and imports nothing
of pyrax_image.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List

CONFIG_VARIABLE = "PYRAX_BENCH_WORKER_CONFIG"
METHODS: set = set()


SOCKET_BYTES = [0]


class CountingSocket(socket.socket):
    """A socket counting what it sends and receives (all threads)."""

    def recv(self, *args: Any) -> bytes:
        data = super().recv(*args)
        SOCKET_BYTES[0] += len(data)
        return data

    def recv_into(self, *args: Any) -> int:
        count = super().recv_into(*args)
        SOCKET_BYTES[0] += count
        return count

    def send(self, data: Any, *args: Any) -> int:
        count = super().send(data, *args)
        SOCKET_BYTES[0] += count
        return count

    def sendall(self, data: Any, *args: Any) -> None:
        super().sendall(data, *args)
        SOCKET_BYTES[0] += memoryview(data).nbytes


def pyrax_clients(config: Dict[str, Any]) -> Any:
    from pyrax_image import ImageClient, KeystoneIdentity

    identity = KeystoneIdentity(
        config["username"],
        config["password"],
        tenant_name=config["project"],
        auth_endpoint=config["auth_url"],
    )
    return ImageClient(identity, region_name="RegionOne"), ImageClient(identity, region_name="RegionTwo")


def run_sync(config: Dict[str, Any]) -> List[str]:
    from pyrax_image.sync import sync_images

    one, two = pyrax_clients(config)
    report = sync_images(
        one, [two], {"tag": config["tag"]}, parallel=config["parallel"], copy_method=config["method"]
    )
    if report.failed:
        raise RuntimeError("sync failed: %s" % [result.detail for result in report.failed])
    METHODS.update(str(result.method) for result in report.of("copied"))
    return [str(result.target_id) for result in report.of("copied")]


def run_copy_loop(config: Dict[str, Any]) -> List[str]:
    one, two = pyrax_clients(config)
    METHODS.add("client")
    return [one.copy_image(image_id, two, copy_visibility=True).id for image_id in config["sources"]]


def run_glanceclient(config: Dict[str, Any]) -> List[str]:
    """Download each image to a file, then create and upload it in RegionTwo,
    as scripts around python-glanceclient do."""
    from glanceclient import Client
    from keystoneauth1 import session
    from keystoneauth1.identity import v3

    auth = v3.Password(
        auth_url=config["auth_url"],
        username=config["username"],
        password=config["password"],
        project_name=config["project"],
        user_domain_name="Default",
        project_domain_name="Default",
    )
    sess = session.Session(auth=auth)
    one = Client("2", session=sess, region_name="RegionOne")
    two = Client("2", session=sess, region_name="RegionTwo")
    METHODS.add("client, through a file")
    made = []
    with tempfile.TemporaryDirectory() as folder:
        for image_id in config["sources"]:
            source = one.images.get(image_id)
            path = os.path.join(folder, image_id)
            with open(path, "wb") as handle:
                for chunk in one.images.data(image_id):
                    handle.write(chunk)
            copy = two.images.create(
                name=source.name,
                disk_format=source.disk_format,
                container_format=source.container_format,
                tags=source.tags,
            )
            with open(path, "rb") as handle:
                two.images.upload(copy.id, handle)
            if two.images.get(copy.id).os_hash_value != source.os_hash_value:
                raise RuntimeError("copy %s differs from its source" % copy.id)
            os.remove(path)
            made.append(copy.id)
    return made


WORKLOADS: Dict[str, Callable[[Dict[str, Any]], List[str]]] = {
    "sync": run_sync,
    "copy-loop": run_copy_loop,
    "glanceclient": run_glanceclient,
}


def main(name: str) -> None:
    config = json.loads(os.environ[CONFIG_VARIABLE])
    socket.socket = CountingSocket  # type: ignore[misc]
    started = time.perf_counter()
    copies = WORKLOADS[name](config)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"seconds": seconds, "net_bytes": SOCKET_BYTES[0], "copies": copies, "methods": sorted(METHODS)}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
