"""Issue #12's transfers for ``benchmarks peers``, run by ``benchmarks.data_workers``.

- ``download-connections-4``: the image through a proxy throttling each
  connection (``args["throttle"]`` bytes/s, a process of its own); pyrax_image
  with ``connections=4``; ``pyrax_image-1`` the same with one stream; the
  reference ``raw-hash`` is one stream of plain requests verifying the
  multihash.
- ``copy-image``: pyrax_image's ``copy_image`` from RegionOne to RegionTwo;
  the reference ``raw-hash`` is a plain download (RegionOne) and a plain
  upload (RegionTwo) done separately, both verified, timed as the slower one.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from typing import Any, Callable, Dict

from benchmarks.throttle_proxy import ThrottledGlance

MIB = 1024 * 1024
Run = Callable[[], None]


def _pyrax(args: Dict[str, Any], url: str) -> Any:
    from pyrax_image import ImageClient, TokenIdentity

    return ImageClient(TokenIdentity(args["token"], tenant_id=args.get("project")), management_url=url)


def _session(args: Dict[str, Any]) -> Any:
    import requests

    session = requests.Session()
    session.headers["X-Auth-Token"] = args["token"]
    return session


def _throttled(args: Dict[str, Any]) -> str:
    """Start the throttling proxy for the whole worker process; its URL."""
    proxy = ThrottledGlance(args["glance"], args["throttle"])
    args["_proxy"] = proxy
    return proxy.__enter__()


def pyrax_throttled(connections: int) -> Callable[[Dict[str, Any]], Run]:
    def build(args: Dict[str, Any]) -> Run:
        client = _pyrax(args, _throttled(args))

        def run() -> None:
            result = client.download(args["image_id"], args["dest"], connections=connections)
            if result.verified_with != "sha512":
                raise SystemExit("not verified")

        return run

    return build


def _raw_download(session: Any, glance: str, image_id: str, dest: str) -> None:
    info = session.get("%s/v2/images/%s" % (glance, image_id)).json()
    sha512 = hashlib.sha512()
    response = session.get("%s/v2/images/%s/file" % (glance, image_id), stream=True)
    response.raise_for_status()
    with open(dest, "wb") as handle:
        for chunk in response.iter_content(MIB):
            sha512.update(chunk)
            handle.write(chunk)
    if info["os_hash_value"] != sha512.hexdigest():
        raise SystemExit("checksum mismatch")


def raw_throttled(args: Dict[str, Any]) -> Run:
    session, url = _session(args), _throttled(args)
    return lambda: _raw_download(session, url, args["image_id"], args["dest"])


def pyrax_copy(args: Dict[str, Any]) -> Run:
    source, target = _pyrax(args, args["glance"]), _pyrax(args, args["glance_two"])

    def run() -> None:
        copy = source.copy_image(args["image_id"], target, name="bench-copy-" + uuid.uuid4().hex[:8])
        args["created"], args["created_glance"] = copy.id, args["glance_two"]

    return run


def raw_download_then_upload(args: Dict[str, Any]) -> Run:
    """A plain verified download, then a plain verified upload of the file to
    RegionTwo; ``args["seconds"]`` is set to the slower of the two."""
    session = _session(args)

    def run() -> None:
        started = time.perf_counter()
        _raw_download(session, args["glance"], args["image_id"], args["dest"])
        down = time.perf_counter() - started
        body = {"name": "bench-up-" + uuid.uuid4().hex[:8], "disk_format": "raw", "container_format": "bare"}
        image = session.post(args["glance_two"] + "/v2/images", json=body).json()
        args["created"], args["created_glance"] = image["id"], args["glance_two"]
        md5, sha512 = hashlib.md5(), hashlib.sha512()

        def chunks() -> Any:
            with open(args["dest"], "rb") as handle:
                for chunk in iter(lambda: handle.read(MIB), b""):
                    md5.update(chunk)
                    sha512.update(chunk)
                    yield chunk

        from benchmarks.data_workers import _Sized  # Content-Length from its len

        started = time.perf_counter()
        headers = {"Content-Type": "application/octet-stream"}
        url = "%s/v2/images/%s/file" % (args["glance_two"], image["id"])
        body = _Sized(chunks(), os.path.getsize(args["dest"]))
        session.put(url, data=body, headers=headers).raise_for_status()
        info = session.get("%s/v2/images/%s" % (args["glance_two"], image["id"])).json()
        if info["checksum"] != md5.hexdigest() or info["os_hash_value"] != sha512.hexdigest():
            raise SystemExit("checksum mismatch")
        args["seconds"] = max(down, time.perf_counter() - started)

    return run


WORKERS: Dict[str, Callable[[Dict[str, Any]], Run]] = {
    "pyrax_image/download-connections-4": pyrax_throttled(4),
    "pyrax_image-1/download-connections-4": pyrax_throttled(1),
    "raw-hash/download-connections-4": raw_throttled,
    "pyrax_image/copy-image": pyrax_copy,
    "raw-hash/copy-image": raw_download_then_upload,
}
