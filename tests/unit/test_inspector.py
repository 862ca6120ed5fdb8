"""inspect_image without a server: Glance 33's acceptance rules
(``ImageProxy.set_data``), what is read of a large file, the caller's file
left where it was, and the skip without the ``inspect`` extra. Real images
made by qemu-img, and the real Glance agreeing, are in
tests/integration/test_inspect.py."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys

import pytest

from pyrax_image import exceptions as exc
from pyrax_image import inspector
from pyrax_image.inspector import ImageInspection, inspect_image
from tests.unit.helpers import CountingFile, needs_oslo, qcow2_header

GiB = 1024**3


def found(format: str = "raw", findings: dict | None = None, error: str | None = None) -> ImageInspection:
    return ImageInspection(format, 1024, 1024, 1024, findings or {}, error)


@needs_oslo
@pytest.mark.parametrize(
    "detected, declared, accepted",
    [
        ("qcow2", "qcow2", True),
        ("raw", "qcow2", False),  # the walk-a: 415 after the whole upload
        ("qcow2", "vmdk", False),
        ("qcow2", "raw", True),  # Glance takes anything declared raw (safety checks still apply)
        ("raw", "ami", True),  # not an inspectable format: raw data is allowed
        ("raw", "ploop", True),
        ("vhd", "vhdx", False),
        ("iso", "iso", True),
    ],
)
def test_disk_format_match_follows_glance(detected, declared, accepted):
    refusal = found(detected).refusal(declared)
    assert (refusal is None) is accepted
    if not accepted:
        assert isinstance(refusal, exc.DiskFormatMismatch)
        assert "declared %s but its data is %s" % (declared, detected) in str(refusal)


@needs_oslo
def test_failed_safety_checks_refuse_even_as_raw():
    backing = found("qcow2", {"backing_file": "Image has a backing file"})
    for declared in ("qcow2", "raw"):
        refusal = backing.refusal(declared)
        assert isinstance(refusal, exc.UnsafeImage)
        assert "backing_file: Image has a backing file" in str(refusal)
    assert isinstance(found(error="Multiple formats detected: qcow2,vmdk").refusal("raw"), exc.UnsafeImage)


@needs_oslo
def test_a_gpt_with_a_bad_mbr_is_refused_with_glances_default_settings():
    gpt = found("gpt", {"mbr": "GPT MBR has no partitions defined"})
    assert isinstance(gpt.refusal("raw"), exc.UnsafeImage)
    assert isinstance(gpt.refusal("aki"), exc.DiskFormatMismatch)  # matched before the MBR leniency
    assert found("gpt").refusal("raw") is None


def test_glance_inspects_only_bare_images():
    assert found("qcow2", {"backing_file": "x"}).refusal("vmdk", container_format="ovf") is None


def test_detected_formats_glance_does_not_list_are_declared_raw():
    assert found("qcow2").disk_format == "qcow2"
    assert found("gpt").disk_format == "raw" and found("luks").disk_format == "raw"


@needs_oslo
def test_a_10_gib_sparse_file_is_judged_from_its_first_megabytes(tmp_path):
    path = tmp_path / "big.raw"
    with open(path, "wb") as handle:
        handle.truncate(10 * GiB)
    with CountingFile(str(path), "rb") as handle:
        result = inspect_image(handle)
        assert handle.read_bytes == result.bytes_read <= inspector.HEAD_BYTES + inspector.TAIL_BYTES
    assert (result.format, result.virtual_size, result.size, result.safe) == ("raw", 10 * GiB, 10 * GiB, True)


@needs_oslo
def test_a_qcow2_header_gives_format_virtual_size_and_findings(tmp_path):
    plain = io.BytesIO(qcow2_header(5 * GiB))
    result = inspect_image(plain)
    assert (result.format, result.virtual_size, result.findings) == ("qcow2", 5 * GiB, {})
    backed = inspect_image(io.BytesIO(qcow2_header(GiB, backing_offset=512)))
    assert backed.findings == {"backing_file": "Image has a backing file"}
    external = inspect_image(io.BytesIO(qcow2_header(GiB, incompatible=1 << 2)))
    assert external.findings == {"data_file": "Image has data_file set"}


@needs_oslo
def test_a_file_is_inspected_from_its_position_which_is_restored():
    data = io.BytesIO(b"x" * 100 + qcow2_header(GiB))
    data.seek(100)
    assert inspect_image(data).format == "qcow2"
    assert data.tell() == 100
    data.seek(0)
    assert inspect_image(data).format == "raw"


@needs_oslo
def test_a_truncated_header_is_raw_data(tmp_path):
    result = inspect_image(io.BytesIO(qcow2_header(GiB)[:100]))
    assert result.format == "raw"
    assert isinstance(result.refusal("qcow2"), exc.DiskFormatMismatch)


@needs_oslo
@pytest.mark.parametrize("source", [b"bytes", iter([b"chunk"]), io.StringIO("text"), 42])
def test_only_paths_and_seekable_binary_files_are_inspected(source):
    assert not inspector.inspectable(source)
    with pytest.raises(exc.InvalidArgument):
        inspect_image(source)


def test_without_the_extra_inspection_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "oslo_utils.imageutils.format_inspector", None)
    monkeypatch.setitem(sys.modules, "oslo_utils.imageutils", None)
    with pytest.raises(exc.InspectorNotInstalled) as raised:
        inspect_image(io.BytesIO(b""))
    assert 'pip install "pyrax_image[inspect]"' in str(raised.value)
    assert isinstance(raised.value, ImportError)


def test_refusals_pickle_with_their_facts():
    error = exc.DiskFormatMismatch(
        "declared qcow2 but its data is raw", disk_format="qcow2", inspection=found()
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.disk_format, copy.inspection.format) == (str(error), "qcow2", "raw")
    assert isinstance(copy, exc.ImageRejected) and isinstance(copy, exc.InvalidArgument)


# -- loading the inspector without running oslo_utils.strutils (issue 19 item 2) ------------------
# The CPython releases whose importlib.util.LazyLoader locks a lazy module's first load
# (gh-114763, Misc/NEWS.d/3.11.9.rst and 3.12.3.rst; 3.13.0): only there is strutils deferred.
LAZY_LOADING_THREAD_SAFE = sys.implementation.name == "cpython" and (
    sys.version_info >= (3, 12, 3) or (3, 11, 9) <= sys.version_info < (3, 12)
)


def fresh_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def raw_disk(tmp_path) -> str:
    """A small raw disk image for a fresh interpreter to inspect."""
    path = tmp_path / "disk.raw"
    path.write_bytes(b"\0" * 4096)
    return str(path)


@needs_oslo
def test_an_inspection_defers_strutils_only_where_lazy_loading_is_thread_safe(raw_disk):
    out = fresh_python(
        "import sys\n"
        "from pyrax_image.inspector import inspect_image\n"
        "print(inspect_image(%r).format)\n"
        "print(type(sys.modules['oslo_utils.strutils']).__name__)\n"
        "from oslo_utils import strutils\n"
        "print(strutils.mask_password('password=hunter2'))\n"
        "from oslo_utils.imageutils import QemuImgInfo\n"
        "print(QemuImgInfo('{\"virtual-size\": 2048, \"format\": \"raw\"}', format='json').virtual_size)\n"
        "print(type(sys.modules['oslo_utils.strutils']).__name__)\n" % raw_disk
    )
    loaded_by_the_inspection = "_LazyModule" if LAZY_LOADING_THREAD_SAFE else "module"
    assert out.split() == ["raw", loaded_by_the_inspection, "password=***", "2048", "module"]


# Threads that all use a module the inspector may have deferred, at once, before anything ran
# it: the first use runs it; the others must wait for it, not see it half-filled. oslo's
# strutils first, then modules whose run sleeps between two definitions (a wide window).
THREADS_USING_A_DEFERRED_MODULE = """
import sys, threading
from pyrax_image.inspector import defer_module, format_inspector

def used_by_threads_at_once(package, child, attribute):
    barrier = threading.Barrier(20)
    failures = []

    def use():
        module = getattr(__import__(package, fromlist=[child]), child)
        barrier.wait()
        try:
            getattr(module, attribute)
        except AttributeError as error:
            failures.append(error)

    threads = [threading.Thread(target=use) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(failures)

format_inspector()
print(used_by_threads_at_once("oslo_utils", "strutils", "mask_password"))
sys.path.insert(0, %r)
for round in range(3):
    defer_module("slow_package.slow%%d" %% round)
    print(used_by_threads_at_once("slow_package", "slow%%d" %% round, "LAST"))
"""


@needs_oslo
def test_threads_using_strutils_at_once_after_an_inspection_all_find_it_whole(tmp_path):
    package = tmp_path / "slow_package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for round in range(3):
        (package / ("slow%d.py" % round)).write_text("import time\nFIRST = 1\ntime.sleep(0.05)\nLAST = 2\n")
    out = fresh_python(THREADS_USING_A_DEFERRED_MODULE % str(tmp_path))
    assert out.split() == ["0", "0", "0", "0"]  # threads that saw a half-run module, per round


@needs_oslo
def test_a_strutils_already_imported_is_left_as_it_is(raw_disk):
    out = fresh_python(
        "import sys\n"
        "import oslo_utils.strutils as before\n"
        "from pyrax_image.inspector import inspect_image\n"
        "print(inspect_image(%r).format)\n"
        "print(sys.modules['oslo_utils.strutils'] is before, type(before).__name__)\n" % raw_disk
    )
    assert out.split() == ["raw", "True", "module"]


def test_a_module_is_deferred_only_where_lazy_loading_is_thread_safe(tmp_path, monkeypatch):
    package = tmp_path / "deferred_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "probe.py").write_text("import sys\nsys.deferred_probe_runs += 1\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "deferred_probe_runs", 0, raising=False)
    try:
        inspector.defer_module("deferred_pkg.probe")
        assert ("deferred_pkg.probe" in sys.modules) is LAZY_LOADING_THREAD_SAFE
        from deferred_pkg import probe  # as oslo_utils.imageutils.qemu imports strutils

        # deferred: imported, not run; else run by that import, as usual
        assert sys.deferred_probe_runs == (0 if LAZY_LOADING_THREAD_SAFE else 1)
        assert probe.VALUE == 42
        assert probe.VALUE == 42 and sys.deferred_probe_runs == 1
    finally:
        sys.modules.pop("deferred_pkg.probe", None)
        sys.modules.pop("deferred_pkg", None)


@pytest.mark.parametrize("name", ["pyrax_image_no_such_module", "no_such_package.module", "sys"])
def test_deferring_a_missing_or_loaded_module_changes_nothing(name):
    before = sys.modules.get(name)
    inspector.defer_module(name)
    assert sys.modules.get(name) is before
