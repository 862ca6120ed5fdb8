"""Knowing an image before it leaves the machine: its format, virtual size and
whether Glance would take it.

:func:`inspect_image` reads the first megabytes of a local file (and, only if
they do not decide, its last 64 KiB) with the format inspector Glance 33
itself runs on uploaded data, oslo.utils' ``imageutils.format_inspector``
(``pip install "pyrax_image[inspect]"``, imported on first use).
:meth:`ImageInspection.refusal` then applies the rules of Glance 33's
``ImageProxy.set_data`` (``glance/location.py``, with
``[image_format] require_image_format_match`` on, its default): a
``disk_format`` the bytes contradict, several formats in one file, or a
failed safety check (a qcow2 with a backing or external data file, a VMDK
whose extents lie outside it, a banned format...) is refused, so the client
refuses exactly what the server would, before a byte is sent.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Dict, Optional, Tuple, Union

from pyrax_image import exceptions as exc

logger = logging.getLogger("pyrax_image.inspect")

INSTALL_HINT = 'pip install "pyrax_image[inspect]"'
# Read from the start before deciding; qemu-img puts every structure the
# inspectors need (headers, VMDK descriptors, VHDX metadata) in the first 4 MiB.
HEAD_BYTES = 8 * 1024 * 1024
# A streamOptimized VMDK keeps a footer at the end: read only if undecided.
TAIL_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024
# Glance 33's default ``[image_format] disk_formats``: a detected format
# outside it (gpt, luks, qed) is declared as raw, which Glance accepts for
# any content that passes the safety checks.
GLANCE_DISK_FORMATS = ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")

PathOrFile = Union[str, "os.PathLike[str]", BinaryIO]


# Imported by oslo_utils.imageutils' package (its qemu-img parser) but not used
# by format_inspector: it compiles hundreds of regular expressions on import.
DEFERRED_MODULE = "oslo_utils.strutils"


def format_inspector() -> Any:
    """oslo.utils' ``format_inspector`` module; ``InspectorNotInstalled``
    without the ``inspect`` extra. Where :func:`defer_module` can defer it
    safely (CPython 3.11.9+, 3.12.3+, 3.13+), loading it does not run
    ``oslo_utils.strutils``, which alone takes longer than the rest of an
    inspection (135-270 ms); on older interpreters the first call pays that."""
    try:
        if "oslo_utils.imageutils" not in sys.modules:
            defer_module(DEFERRED_MODULE)
        from oslo_utils.imageutils import format_inspector as module
    except ImportError as error:
        raise exc.InspectorNotInstalled(
            "Image inspection needs oslo.utils' format inspector: %s (%s)" % (INSTALL_HINT, error)
        ) from None
    return module


def defer_module(name: str) -> None:
    """Register module ``name``, not yet imported, to run on first use of one
    of its attributes (the standard library's ``importlib.util.LazyLoader``):
    ``from parent import child`` costs nothing until then, and any later use
    finds the whole module (an ``import parent.child`` statement runs it at
    once). Nothing happens when it is already imported or cannot be found:
    it is then imported, or not, as usual.

    The lazy module stays in ``sys.modules`` for the whole process, shared by
    the host's threads, so it is registered only where ``LazyLoader`` locks
    the first load (CPython gh-114763, in 3.11.9, 3.12.3 and 3.13.0; never
    in 3.9 or 3.10): before that fix, a second thread using the module while
    the first use runs it finds it half-filled (``AttributeError``). The check
    is the lock itself (``loader_state["lock"]``, which the fix added), not a
    version number. Without it nothing is deferred: the module runs when it
    is first imported, as it would without this function."""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if "lock" not in spec.loader_state:  # a LazyLoader without the gh-114763 fix
        return
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)  # as the import system does


def inspector_available() -> bool:
    """True when the ``inspect`` extra is installed."""
    try:
        format_inspector()
    except exc.InspectorNotInstalled:
        return False
    return True


@dataclass(eq=False)
class ImageInspection:
    """What the bytes of an image say: ``format`` (Glance's inspector names:
    raw, qcow2, vmdk, vhd, vhdx, vdi, iso, gpt, luks, qed; None when the
    inspection itself failed, see ``error``), ``virtual_size``, the failed
    safety checks in ``findings`` (name -> reason), ``size`` and ``bytes_read``."""

    format: Optional[str]
    virtual_size: Optional[int]
    size: int
    bytes_read: int
    findings: Dict[str, str]
    error: Optional[str] = None
    name: Optional[str] = None

    def __repr__(self) -> str:
        return "<ImageInspection format=%s virtual_size=%s findings=%s%s>" % (
            self.format,
            self.virtual_size,
            sorted(self.findings),
            " error=%r" % self.error if self.error else "",
        )

    @property
    def safe(self) -> bool:
        """No failed safety check and a format that could be told."""
        return not self.findings and self.error is None

    @property
    def disk_format(self) -> str:
        """The ``disk_format`` to declare for these bytes: the detected format
        when Glance knows it as a disk format, else ``raw``."""
        return self.format if self.format in GLANCE_DISK_FORMATS else "raw"

    def refusal(self, disk_format: str, container_format: str = "bare") -> Optional[exc.ImageRejected]:
        """The error Glance 33 would answer an upload of these bytes as
        ``disk_format`` with (None if it would accept them). Glance inspects
        only ``bare`` images."""
        if container_format != "bare":
            return None
        described = "Image %s" % self.name if self.name else "The image data"
        if self.error is not None:
            return exc.UnsafeImage(
                "%s: %s; Glance would refuse it" % (described, self.error),
                disk_format=disk_format,
                inspection=self,
            )
        if not _format_accepted(self.format or "", disk_format):
            return exc.DiskFormatMismatch(
                "%s: it is declared %s but its data is %s; Glance refuses a disk format the "
                "bytes contradict (declare disk_format=%r, or leave it out to use the detected one)"
                % (described, disk_format, self.format, self.disk_format),
                disk_format=disk_format,
                inspection=self,
            )
        # Glance lets through only GPT findings named in its
        # ``gpt_safety_checks_nonfatal``, empty by default.
        if self.findings:
            reasons = "; ".join("%s: %s" % (name, self.findings[name]) for name in sorted(self.findings))
            return exc.UnsafeImage(
                "%s: %s image failed Glance's safety checks (%s); Glance would refuse it"
                % (described, self.format, reasons),
                disk_format=disk_format,
                inspection=self,
            )
        return None

    def check(self, disk_format: str, container_format: str = "bare") -> None:
        """Raise :meth:`refusal`'s error, if any."""
        error = self.refusal(disk_format, container_format)
        if error is not None:
            raise error

    def to_dict(self) -> Dict[str, Any]:
        """The inspection as plain values (the CLI's ``--json``)."""
        return {
            "format": self.format,
            "disk_format": self.disk_format,
            "virtual_size": self.virtual_size,
            "size": self.size,
            "bytes_read": self.bytes_read,
            "findings": dict(self.findings),
            "error": self.error,
            "safe": self.safe,
        }


def _format_accepted(detected: str, declared: str) -> bool:
    """Glance's match rule: the same format; raw data under a format its
    inspector does not know (ami, ari, aki, ploop); anything declared raw."""
    module = format_inspector()
    if detected == declared or declared == "raw":
        return True
    return detected == "raw" and declared not in module.ALL_FORMATS


class _Window:
    """The part of the file the inspectors see: ``read`` serves the head,
    then, once :meth:`skip_to_tail` is called, the last ``TAIL_BYTES``;
    it counts what it read and has no ``close`` (the caller's file stays open)."""

    def __init__(self, handle: BinaryIO, start: int, size: int):
        self.handle = handle
        self.start = start
        self.size = size
        self.position = 0
        self.bytes_read = 0

    def read(self, count: int) -> bytes:
        count = min(count, self.size - self.position)
        if count <= 0:
            return b""
        chunk = self.handle.read(count)
        self.position += len(chunk)
        self.bytes_read += len(chunk)
        return chunk

    def skip_to_tail(self) -> None:
        tail = max(self.position, self.size - TAIL_BYTES)
        self.handle.seek(self.start + tail)
        self.position = tail


def inspect_image(source: PathOrFile) -> ImageInspection:
    """Inspect an image file (a path, or a binary file open for reading and
    seekable, inspected from its current position, which is restored)
    reading at most its first ``HEAD_BYTES`` and last ``TAIL_BYTES``.

    Raises ``InspectorNotInstalled`` without the ``inspect`` extra,
    ``InvalidArgument`` for anything but a path or a seekable binary file.
    """
    module = format_inspector()
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        with open(path, "rb") as handle:
            return _inspect_open(module, handle, 0, os.path.basename(path))
    if not _seekable(source):
        raise exc.InvalidArgument(
            "inspect_image needs a path or a seekable binary file open for reading, not %s"
            % type(source).__name__
        )
    start = source.tell()
    try:
        return _inspect_open(module, source, start, getattr(source, "name", None))
    finally:
        source.seek(start)


def inspectable(data: Any) -> bool:
    """True for what :func:`inspect_image` can read: a path or a seekable
    binary file (not bytes, an iterator or a pipe)."""
    return isinstance(data, (str, os.PathLike)) or _seekable(data)


def inspect_upload(data: Any) -> Optional[ImageInspection]:
    """The inspection of upload data, or None when there is nothing to
    inspect: not a regular file's path nor a seekable binary file (bytes, an
    iterator, a pipe), a path that cannot be read (the upload reports it), or
    without the ``inspect`` extra (said in one log line)."""
    if isinstance(data, (str, os.PathLike)):
        if not os.path.isfile(data):  # a FIFO or device would lose what is read here
            return None
    elif not _seekable(data):
        return None
    try:
        return inspect_image(data)
    except exc.InspectorNotInstalled:
        logger.info("Image data not inspected before upload: %s", INSTALL_HINT)
    except OSError:
        pass
    return None


def _seekable(data: Any) -> bool:
    if isinstance(data, io.TextIOBase) or "b" not in getattr(data, "mode", "b"):
        return False
    try:
        return bool(callable(getattr(data, "read", None)) and data.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _inspect_open(module: Any, handle: BinaryIO, start: int, name: Any) -> ImageInspection:
    size = handle.seek(0, os.SEEK_END) - start
    handle.seek(start)
    if size < 0:
        raise exc.InvalidArgument("The file's position is past its end")
    window = _Window(handle, start, size)
    wrapper = module.InspectWrapper(window)
    decided = _feed(wrapper, HEAD_BYTES)
    if not decided and window.position < size:
        window.skip_to_tail()
        _feed(wrapper, TAIL_BYTES)
    wrapper.close()
    label = os.path.basename(name) if isinstance(name, str) else None
    format_name, virtual_size, findings, error = _verdict(module, wrapper, size)
    return ImageInspection(format_name, virtual_size, size, window.bytes_read, findings, error, label)


def _feed(wrapper: Any, limit: int) -> bool:
    """Hand up to ``limit`` bytes to the inspectors; True once they decided."""
    fed = 0
    while fed < limit:
        chunk = wrapper.read(min(CHUNK_BYTES, limit - fed))
        if not chunk:
            return False
        fed += len(chunk)
        try:
            if wrapper.formats is not None:
                return True
        except Exception:  # the inspector's own error: reported by _verdict
            return True
    return False


def _verdict(
    module: Any, wrapper: Any, size: int
) -> Tuple[Optional[str], Optional[int], Dict[str, str], Optional[str]]:
    """(format, virtual size, failed safety checks, error) as Glance's
    ``set_data`` reads the inspectors after the stream."""
    try:
        matches = wrapper.formats or []
        by_name = {str(match): match for match in matches}
        # Glance: a bootable ISO may carry a GPT in front; iso+gpt is the ISO.
        inspector = by_name["iso"] if set(by_name) == {"iso", "gpt"} else wrapper.format
        if inspector is None:
            return None, None, {}, "Content does not match any format"
        name = str(inspector)
        virtual_size = size if name == "raw" else (inspector.virtual_size or None)
        try:
            inspector.safety_check()
        except module.SafetyCheckFailed as failed:
            return name, virtual_size, {key: str(value) for key, value in failed.failures.items()}, None
        return name, virtual_size, {}, None
    except module.ImageFormatError as error:
        return None, None, {}, str(error)
    except Exception as error:  # Glance: "Image format inspection failed"
        return None, None, {}, "Image format inspection failed (%s)" % (error,)
