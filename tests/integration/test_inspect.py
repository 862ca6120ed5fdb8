"""inspect_image on real images made by qemu-img, each judged by the real
Glance 33 too: the client refuses exactly what the server refuses (HTTP 415
after the whole upload, ``[image_format] require_image_format_match``) and
accepts what it accepts; a 10 GiB sparse qcow2 is judged from its first
megabytes; ``pyrax-image inspect``."""

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
from tests.integration.cli_fixtures import clean_environ, run_cli
from tests.unit.test_inspector import CountingFile

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
        qemu_img(*(name if arg == "FILE" else arg for arg in args), cwd=folder)
        made[name] = folder / name
    truncated = made["truncated-qcow2-header"]
    truncated.write_bytes(truncated.read_bytes()[:100])
    return made


def server_verdict(client: ImageClient, path: Path, disk_format: str, cleanup: List[Any]) -> Optional[str]:
    """Upload ``path`` as ``disk_format`` without the client's check: None if
    Glance made the image active, else its refusal."""
    image = client.create("inspect-" + path.name, img_format=disk_format)
    cleanup.append(image)
    try:
        client.upload(image, str(path))
    except exc.UnsupportedMediaType as refused:
        assert client.get(image.id).status == "queued"  # Glance restored it, nothing stored
        return refused.message
    assert client.get(image.id).status == "active"
    return None


@pytest.mark.parametrize("case", sorted(CASES))
def test_client_and_glance_agree(case, images, alpha, cleanup):
    _, declared, expected = CASES[case]
    refusal = inspect_image(images[case]).refusal(declared)
    if expected is None:
        assert refusal is None
    else:
        assert isinstance(refusal, expected), refusal
    server = server_verdict(alpha, images[case], declared, cleanup)
    assert (refusal is None) == (server is None), (refusal, server)
    if isinstance(refusal, exc.DiskFormatMismatch):
        found = refusal.inspection.format
        assert server.endswith("Image disk_format %s does not match stream data %s" % (declared, found))


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
