"""Real images made by qemu-img (and one ISO 9660 written here), each sent to
the real Glance 33 by ``create``: the client refuses exactly what the server
refuses (the server's 4xx after the whole upload, ``[image_format]
require_image_format_match``), before any request, so no image record is
left; what the client accepts the server makes active; without a disk format
the detected one is declared; ``upload`` and ``stage`` check the image's
formats; a 10 GiB sparse qcow2 is judged from its first megabytes;
``pyrax-image inspect``, ``create`` and ``upload`` (``--no-inspect``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from pyrax_image import ImageClient, inspect_image
from pyrax_image import exceptions as exc
from pyrax_image.inspector import HEAD_BYTES, TAIL_BYTES
from tests.integration.cli_fixtures import clean_environ, cli_json, delete_images, os_env, run_cli
from tests.integration.helpers import ALPHA, noauth_client
from tests.unit.helpers import CountingFile

pytestmark = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="oslo.utils 10.2 (Glance 33's inspector) needs Python 3.11+"
)
MiB = 1024 * 1024
GiB = 1024 * MiB

# name: (qemu-img create arguments, FILE standing for the image's file name,
#        the disk_format declared, the refusal expected: None or its class)
CASES: Dict[str, Tuple[List[str], str, Optional[type]]] = {
    "raw": (["-f", "raw", "FILE", "1M"], "raw", None),
    "qcow2": (["-f", "qcow2", "FILE", "1M"], "qcow2", None),
    "vmdk-sparse": (["-f", "vmdk", "FILE", "1M"], "vmdk", None),
    "vmdk-stream": (["-f", "vmdk", "-o", "subformat=streamOptimized", "FILE", "1M"], "vmdk", None),
    "vhd": (["-f", "vpc", "FILE", "1M"], "vhd", None),
    "vhdx": (["-f", "vhdx", "FILE", "1M"], "vhdx", None),
    "vdi": (["-f", "vdi", "FILE", "1M"], "vdi", None),
    "iso": ([], "iso", None),  # written by write_iso: qemu-img makes no ISO
    "qcow2-as-raw": (["-f", "qcow2", "FILE", "1M"], "raw", None),  # Glance takes anything as raw
    "qcow2-backing-file": (
        ["-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "FILE"],
        "qcow2",
        exc.UnsafeImage,
    ),
    "qcow2-backing-file-as-raw": (
        ["-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "FILE"],
        "raw",
        exc.UnsafeImage,
    ),
    "qcow2-data-file": (
        ["-f", "qcow2", "-o", "data_file=external.raw", "FILE", "1M"],
        "qcow2",
        exc.UnsafeImage,
    ),
    "vmdk-extent-outside": (
        ["-f", "vmdk", "-o", "subformat=monolithicFlat", "FILE", "1M"],
        "vmdk",
        exc.UnsafeImage,
    ),
    "qed-banned": (["-f", "qed", "FILE", "1M"], "raw", exc.UnsafeImage),
    "raw-declared-qcow2": (["-f", "raw", "FILE", "1M"], "qcow2", exc.DiskFormatMismatch),
    "qcow2-declared-vmdk": (["-f", "qcow2", "FILE", "1M"], "vmdk", exc.DiskFormatMismatch),
    "truncated-qcow2-header": (["-f", "qcow2", "FILE", "1M"], "qcow2", exc.DiskFormatMismatch),
}


def qemu_img(*args: str, cwd: Path) -> None:
    subprocess.run(["qemu-img", "create", "-q", *args], cwd=cwd, check=True)


@pytest.fixture(scope="module")
def images(tmp_path_factory: Any) -> Dict[str, Path]:
    """One file per case of CASES, made by qemu-img (the truncated one cut to 100 bytes)."""
    folder = tmp_path_factory.mktemp("qemu")
    qemu_img("-f", "qcow2", "base.qcow2", "1M", cwd=folder)
    made = {}
    for name, (args, _, _) in CASES.items():
        made[name] = folder / name
        if args:
            qemu_img(*(name if arg == "FILE" else arg for arg in args), cwd=folder)
    write_iso(made["iso"], blocks=512)
    truncated = made["truncated-qcow2-header"]
    truncated.write_bytes(truncated.read_bytes()[:100])
    return made


def write_iso(path: Path, blocks: int) -> None:
    """An ISO 9660 of ``blocks`` 2 KiB blocks: system area, primary volume
    descriptor (volume size, block size), descriptor set terminator."""
    primary = bytearray(2048)
    primary[0:7] = b"\x01CD001\x01"
    primary[80:88] = blocks.to_bytes(4, "little") + blocks.to_bytes(4, "big")
    primary[128:132] = (2048).to_bytes(2, "little") + (2048).to_bytes(2, "big")
    terminator = b"\xffCD001\x01".ljust(2048, b"\0")
    data = bytes(16 * 2048) + bytes(primary) + terminator
    path.write_bytes(data.ljust(blocks * 2048, b"\0"))


def server_verdict(client: ImageClient, path: Path, disk_format: str, cleanup: List[Any]) -> Optional[str]:
    """Create and upload ``path`` as ``disk_format`` without the client's
    check: None if Glance made the image active, else its 4xx refusal."""
    image = client.create("inspect-" + path.name, img_format=disk_format)
    cleanup.append(image)
    try:
        client.upload(image, str(path), inspect=False)
    except exc.ClientException as refused:
        assert refused.code == 415, refused
        assert client.get(image.id).status == "queued"  # Glance restored it, nothing stored
        return refused.message
    assert client.get(image.id).status == "active"
    return None


@pytest.fixture
def counted(glance_url: str) -> ImageClient:
    """Project alpha's client recording every request it sends."""
    return noauth_client(glance_url, ALPHA, timings=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_client_refuses_before_any_request_exactly_what_glance_refuses(
    case, images, counted, alpha, cleanup, unique
):
    _, declared, expected = CASES[case]
    if expected is None:  # the client lets it through: Glance takes it
        image = counted.create(unique, img_format=declared, data=str(images[case]))
        cleanup.append(image)
        assert (image.status, image.disk_format) == ("active", declared)
        return
    with pytest.raises(expected) as raised:
        counted.create(unique, img_format=declared, data=str(images[case]))
    assert "Image %s:" % case in str(raised.value)
    assert counted.get_timings() == []  # not one request
    assert alpha.list(name=unique) == []  # so no image record either
    server = server_verdict(alpha, images[case], declared, cleanup)
    assert server is not None, "Glance took the %s image the client refused" % case
    if expected is exc.DiskFormatMismatch:
        found = raised.value.inspection.format
        assert server.endswith("Image disk_format %s does not match stream data %s" % (declared, found))
    else:
        assert server.endswith("Image failed safety checks") or "Multiple formats" in server, server


SAFE = {"raw": "raw", "qcow2": "qcow2", "vmdk-sparse": "vmdk", "vmdk-stream": "vmdk", "vhd": "vhd"}
SAFE.update(vhdx="vhdx", vdi="vdi", iso="iso")


@pytest.mark.parametrize("case", sorted(SAFE))
def test_without_a_disk_format_the_detected_one_is_declared(case, images, alpha, cleanup, unique):
    image = alpha.create(unique, data=str(images[case]))
    cleanup.append(image)
    assert (image.status, image.disk_format) == ("active", SAFE[case])
    # Glance 33 reads the virtual size with the same inspector: they agree.
    assert image.virtual_size == inspect_image(images[case]).virtual_size


def test_without_a_disk_format_an_unsafe_image_is_still_refused(images, counted, alpha, unique):
    with pytest.raises(exc.UnsafeImage, match="backing_file: Image has a backing file"):
        counted.create(unique, data=str(images["qcow2-backing-file"]))
    assert counted.get_timings() == [] and alpha.list(name=unique) == []


def test_upload_checks_against_the_images_disk_format(images, alpha, cleanup, unique):
    image = alpha.create(unique, img_format="qcow2")
    cleanup.append(image)
    with pytest.raises(exc.DiskFormatMismatch, match="declared qcow2 but its data is raw"):
        alpha.upload(image.id, str(images["raw"]))  # by id: the image's formats are read first
    with open(images["qcow2-backing-file"], "rb") as handle:
        with pytest.raises(exc.UnsafeImage):
            alpha.upload(image, handle)
    assert alpha.get(image.id).status == "queued"  # nothing was sent
    assert alpha.upload(image.id, str(images["qcow2"])).status == "active"


def test_stage_refuses_what_the_import_would_fail_on(images, alpha, cleanup, unique):
    refused = alpha.create(unique, img_format="qcow2")
    cleanup.append(refused)
    with pytest.raises(exc.UnsafeImage):
        alpha.stage(refused, str(images["qcow2-backing-file"]))
    assert alpha.get(refused.id).status == "queued"  # nothing staged
    # Glance takes the same bytes into staging and fails their import.
    alpha.stage(refused, str(images["qcow2-backing-file"]), inspect=False)
    alpha.import_image(refused, "glance-direct")
    with pytest.raises(exc.ImageStatusError):
        alpha.wait_for_status(refused, "active", timeout=60, interval=0.5)
    accepted = alpha.create(unique + "-ok", img_format="qcow2")
    cleanup.append(accepted)
    alpha.stage(accepted, str(images["qcow2"]))
    alpha.import_image(accepted, "glance-direct")
    assert alpha.wait_for_status(accepted, "active", timeout=60, interval=0.5).disk_format == "qcow2"


def test_a_10_gib_sparse_qcow2_is_read_only_at_its_start(tmp_path):
    qemu_img("-f", "qcow2", "-o", "preallocation=metadata", "big.qcow2", "10G", cwd=tmp_path)
    path = tmp_path / "big.qcow2"
    assert path.stat().st_size > 10 * GiB
    with CountingFile(str(path), "rb") as handle:
        result = inspect_image(handle)
        assert handle.read_bytes == result.bytes_read <= HEAD_BYTES + TAIL_BYTES
    assert (result.format, result.virtual_size, result.findings) == ("qcow2", 10 * GiB, {})


def test_cli_inspect(images, tmp_path):
    env = clean_environ()  # no credentials: nothing is sent
    done = run_cli(["inspect", str(images["qcow2-backing-file"])], env)
    assert done.returncode == 1
    assert b"qcow2" in done.stdout and b"backing_file (Image has a backing file)" in done.stdout
    assert "error: Image qcow2-backing-file: qcow2 image failed Glance's safety checks" in done.stderr
    done = run_cli(["--json", "inspect", str(images["vhd"])], env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["format"], report["accepted"], report["findings"]) == ("vhd", True, {})
    done = run_cli(["inspect", str(images["raw"]), "--disk-format", "qcow2"], env)
    assert done.returncode == 1 and "declared qcow2 but its data is raw" in done.stderr


def test_cli_create_and_upload_inspect_the_file(cloud, images, tmp_path, unique):
    env = os_env(cloud, "alice", tmp_path)
    raw = str(images["raw"])
    done = run_cli(["create", unique, "--file", raw, "--disk-format", "qcow2"], env)
    assert done.returncode == 2  # bad values, no request sent
    assert "error: Image raw: it is declared qcow2 but its data is raw" in done.stderr
    assert cli_json(["list", "--name", unique], env) == []
    try:
        done = run_cli(["create", unique, "--file", raw, "--disk-format", "qcow2", "--no-inspect"], env)
        assert done.returncode == 1
        assert "Image disk_format qcow2 does not match stream data raw" in done.stderr
        assert "HTTP 415" in done.stderr
        created = cli_json(["create", unique + "-detected", "--file", str(images["vhdx"])], env)
        assert (created["disk_format"], created["status"]) == ("vhdx", "active")
        queued = cli_json(["create", unique + "-queued", "--disk-format", "qcow2"], env)
        done = run_cli(["upload", queued["id"], str(images["qcow2-data-file"])], env)
        assert done.returncode == 2 and "data_file: Image has data_file set" in done.stderr
        done = run_cli(["upload", queued["id"], str(images["qcow2-data-file"]), "--no-inspect"], env)
        assert done.returncode == 1 and "HTTP 415" in done.stderr
        # A fresh image: Glance 33 keeps the bytes of the upload it refused in its store,
        # and an import into that image then fails ("already exists").
        fresh = cli_json(["create", unique + "-staged", "--disk-format", "qcow2"], env)
        done = run_cli(["stage", fresh["id"], str(images["qcow2-backing-file"])], env)
        assert done.returncode == 2 and "backing_file: Image has a backing file" in done.stderr
        staged = cli_json(["stage", fresh["id"], str(images["qcow2"])], env)
        assert (staged["status"], staged["disk_format"]) == ("active", "qcow2")
    finally:
        delete_images(
            env, *(image["id"] for image in cli_json(["list", "--all"], env) if unique in image["name"])
        )


def test_cli_without_the_extra_says_the_file_is_not_inspected(cloud, images, tmp_path, unique):
    hidden = tmp_path / "no-oslo"
    (hidden / "oslo_utils").mkdir(parents=True)
    (hidden / "oslo_utils" / "__init__.py").write_text("raise ImportError('oslo.utils is not installed')\n")
    env = dict(os_env(cloud, "alice", tmp_path), PYTHONPATH=str(hidden))
    try:
        done = run_cli(["create", unique, "--file", str(images["raw"]), "--disk-format", "raw"], env)
        assert done.returncode == 0, done.stderr
        assert done.stderr.count("note: the file is sent without checking that Glance would take it") == 1
        assert 'pip install "pyrax_image[inspect]"' in done.stderr
    finally:
        delete_images(os_env(cloud, "alice", tmp_path), unique)
