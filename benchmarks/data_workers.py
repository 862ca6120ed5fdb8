"""One measured transfer per process, so its peak RSS is its own.

``python -m benchmarks.data_workers CLIENT OP`` (arguments as JSON in $PYRAX_BENCH_WORKER_CONFIG) prints one JSON line:
``{"seconds", "bytes", "rss_kib", "rss_before_kib", "cpu", "requests"}`` (CPU
seconds of this process, HTTP requests sent). Clients: ``raw``
(requests streaming, no hashes), ``raw-hash`` (requests streaming computing
inline the hashes pyrax_image verifies and comparing them with Glance's: MD5 +
SHA-512 going up, the SHA-512 multihash coming down), ``pyrax_image``,
``glanceclient``, ``openstacksdk``. Ops: ``upload`` (create + upload a file),
``download`` (to a path), ``download-file`` (into an open file object),
``swift-create`` (a Swift object -> Glance image, pyrax_image only),
``upload-via-container`` (create from a file through Swift segments and a
web-download import, pyrax_image only).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
import uuid
from typing import Any, Callable, Dict

from benchmarks import parallel_workers
from benchmarks.peer_workers import RequestCounter

MIB = 1024 * 1024


def _rss_kib() -> int:
    """Peak RSS of this process image: VmHWM (``ru_maxrss`` would include the
    parent's RSS at fork time on Linux, since it survives ``exec``)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# -- raw requests ---------------------------------------------------------------------------------
def _raw_session(args: Dict[str, Any]) -> Any:
    import requests

    session = requests.Session()
    session.headers.update(args["headers"])
    return session


def _check(info: Dict[str, Any], md5: Any, sha512: Any) -> None:
    if info["checksum"] != md5.hexdigest() or info["os_hash_value"] != sha512.hexdigest():
        raise SystemExit("checksum mismatch")


class _Sized:
    """An iterable body whose size requests can read (``len``)."""

    def __init__(self, chunks: Any, size: int):
        self.chunks, self.len = chunks, size

    def __iter__(self) -> Any:
        return iter(self.chunks)


def raw_upload(args: Dict[str, Any], hashing: bool) -> Callable[[], None]:
    session = _raw_session(args)
    glance, path, size = args["glance"], args["file"], args["size"]

    def run() -> None:
        body = {"name": "bench-" + uuid.uuid4().hex[:8], "disk_format": "raw", "container_format": "bare"}
        image = session.post(glance + "/v2/images", json=body).json()
        args["created"] = image["id"]
        md5, sha512 = hashlib.md5(), hashlib.sha512()

        def chunks() -> Any:
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(MIB), b""):
                    if hashing:
                        md5.update(chunk)
                        sha512.update(chunk)
                    yield chunk

        headers = {"Content-Type": "application/octet-stream"}
        body = _Sized(chunks(), size)  # requests sends Content-Length from `len`
        response = session.put("%s/v2/images/%s/file" % (glance, image["id"]), data=body, headers=headers)
        response.raise_for_status()
        if hashing:
            _check(session.get("%s/v2/images/%s" % (glance, image["id"])).json(), md5, sha512)

    return run


def raw_download(args: Dict[str, Any], hashing: bool) -> Callable[[], None]:
    session = _raw_session(args)
    glance, image_id, dest = args["glance"], args["image_id"], args["dest"]

    def run() -> None:
        info = session.get("%s/v2/images/%s" % (glance, image_id)).json() if hashing else None
        sha512 = hashlib.sha512()
        response = session.get("%s/v2/images/%s/file" % (glance, image_id), stream=True)
        response.raise_for_status()
        with open(dest, "wb") as handle:
            for chunk in response.iter_content(MIB):
                if hashing:
                    sha512.update(chunk)  # the multihash, as pyrax_image and glanceclient verify
                handle.write(chunk)
        if info is not None and info["os_hash_value"] != sha512.hexdigest():
            raise SystemExit("checksum mismatch")

    return run


# -- pyrax_image ----------------------------------------------------------------------------------
def _pyrax(args: Dict[str, Any], url: str) -> Any:
    from pyrax_image import ImageClient, TokenIdentity

    client = ImageClient(
        TokenIdentity(args.get("token") or "bench", tenant_id=args.get("project")), management_url=url
    )
    client.session.headers.update(args["headers"])
    return client


def pyrax_upload(args: Dict[str, Any], verify: bool = True) -> Callable[[], None]:
    client = _pyrax(args, args["glance"])

    def run() -> None:
        name = "bench-" + uuid.uuid4().hex[:8]
        image = client.create(name, img_format="raw", data=args["file"], verify=verify)
        args["created"] = image.id

    return run


def pyrax_download(args: Dict[str, Any]) -> Callable[[], None]:
    client = _pyrax(args, args["glance"])
    return lambda: client.download(args["image_id"], args["dest"]) and None


def pyrax_download_file(args: Dict[str, Any]) -> Callable[[], None]:
    client = _pyrax(args, args["glance"])

    def run() -> None:
        with open(args["dest"], "wb") as handle:
            client.download(args["image_id"], handle)

    return run


def pyrax_swift_create(args: Dict[str, Any]) -> Callable[[], None]:
    client = _pyrax(args, args["glance"])
    client.object_storage_url = args["swift"]

    def run() -> None:
        image = client.create(
            "bench-" + uuid.uuid4().hex[:8], img_format="raw", container=args["container"], obj=args["object"]
        )
        args["created"] = image.id

    return run


def pyrax_upload_via_container(args: Dict[str, Any]) -> Callable[[], None]:
    """create() of a local file through Swift: parallel segment PUTs, then Glance's web-download."""
    client = _pyrax(args, args["glance"])
    client.object_storage_url = args["swift"]

    def run() -> None:
        image = client.create(
            "bench-" + uuid.uuid4().hex[:8],
            img_format="raw",
            data=args["file"],
            via_container=args["container"],
            connections=args.get("connections"),
        )
        args["created"] = image.id

    return run


# -- peers ----------------------------------------------------------------------------------------
def _glanceclient(args: Dict[str, Any]) -> Any:
    from glanceclient import Client

    client = Client("2", endpoint=args["glance"], token=args.get("token") or "bench")
    # On the session: glanceclient percent-encodes its identity_headers ("," in X-Roles).
    client.http_client.session.headers.update(args["headers"])
    return client


def glanceclient_upload(args: Dict[str, Any]) -> Callable[[], None]:
    client = _glanceclient(args)

    def run() -> None:
        image = client.images.create(
            name="bench-" + uuid.uuid4().hex[:8], disk_format="raw", container_format="bare"
        )
        args["created"] = image["id"]
        with open(args["file"], "rb") as handle:
            client.images.upload(image["id"], handle, image_size=args["size"])
        args["created"] = image["id"]

    return run


def glanceclient_download(args: Dict[str, Any]) -> Callable[[], None]:
    client = _glanceclient(args)

    def run() -> None:
        body = client.images.data(args["image_id"])  # verifies os_hash_value (do_checksum=True)
        with open(args["dest"], "wb") as handle:
            for chunk in body:
                handle.write(chunk)

    return run


def _sdk(args: Dict[str, Any]) -> Any:
    import openstack.connection
    from keystoneauth1 import noauth, token_endpoint
    from keystoneauth1 import session as ks_session

    if args.get("token"):  # Keystone-backed Glance: the token, as the other clients send it
        auth: Any = token_endpoint.Token(args["glance"], args["token"])
    else:
        auth = noauth.NoAuth(endpoint=args["glance"])
    session = ks_session.Session(auth=auth, additional_headers=args["headers"])
    return openstack.connection.Connection(session=session, image_endpoint_override=args["glance"])


def openstacksdk_upload(args: Dict[str, Any]) -> Callable[[], None]:
    conn = _sdk(args)

    def run() -> None:
        image = conn.image.create_image(
            "bench-" + uuid.uuid4().hex[:8],
            filename=args["file"],
            disk_format="raw",
            container_format="bare",
            allow_duplicates=True,
        )
        args["created"] = image.id

    return run


def openstacksdk_download(args: Dict[str, Any]) -> Callable[[], None]:
    conn = _sdk(args)
    return lambda: conn.image.download_image(args["image_id"], output=args["dest"]) and None


def openstacksdk_download_file(args: Dict[str, Any]) -> Callable[[], None]:
    conn = _sdk(args)

    def run() -> None:
        with open(args["dest"], "wb") as handle:
            conn.image.download_image(args["image_id"], output=handle)

    return run


WORKERS: Dict[str, Callable[[Dict[str, Any]], Callable[[], None]]] = {
    "raw/upload": lambda a: raw_upload(a, False),
    "raw-hash/upload": lambda a: raw_upload(a, True),
    "raw/download": lambda a: raw_download(a, False),
    "raw-hash/download": lambda a: raw_download(a, True),
    # Raw code and glanceclient write into a file object either way.
    "raw/download-file": lambda a: raw_download(a, False),
    "raw-hash/download-file": lambda a: raw_download(a, True),
    "glanceclient/download-file": glanceclient_download,
    "pyrax_image/download-file": pyrax_download_file,
    "openstacksdk/download-file": openstacksdk_download_file,
    "pyrax_image/upload": pyrax_upload,
    # What verification costs: the same upload with verify=False (hashes nothing, as openstacksdk).
    "pyrax_image-noverify/upload": lambda a: pyrax_upload(a, verify=False),
    "pyrax_image/download": pyrax_download,
    "pyrax_image/swift-create": pyrax_swift_create,
    "pyrax_image/upload-via-container": pyrax_upload_via_container,
    "glanceclient/upload": glanceclient_upload,
    "glanceclient/download": glanceclient_download,
    "openstacksdk/upload": openstacksdk_upload,
    "openstacksdk/download": openstacksdk_download,
}
WORKERS.update(parallel_workers.WORKERS)  # issue #12: throttled parallel download, copy_image


def _delete(args: Dict[str, Any]) -> None:
    import requests

    headers = dict(args["headers"])
    if args.get("token"):
        headers["X-Auth-Token"] = args["token"]
    glance = args.get("created_glance") or args["glance"]  # a copy lives in RegionTwo
    requests.delete("%s/v2/images/%s" % (glance, args["created"]), headers=headers, timeout=60)


def main(argv: list) -> int:
    """Run one worker and print its measurement."""
    client, op = argv
    raw_args = os.environ.pop("PYRAX_BENCH_WORKER_CONFIG")
    args = json.loads(raw_args)
    counter = RequestCounter()
    run = WORKERS["%s/%s" % (client, op)](args)
    before = _rss_kib()
    sent, cpu, started = counter.count, time.process_time(), time.perf_counter()
    try:
        run()
        seconds = args.get("seconds") or time.perf_counter() - started  # a worker may time its own part
        cpu, sent = time.process_time() - cpu, counter.count - sent
    finally:
        if args.get("created"):
            _delete(args)
    result = {
        "seconds": seconds,
        "bytes": args["size"],
        "rss_kib": _rss_kib(),
        "rss_before_kib": before,
        "cpu": cpu,
        "requests": sent,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
