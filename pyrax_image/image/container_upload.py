"""Uploads of a local file through object storage: parallel segments, then a
server-side import.

One TCP stream across a long link moves at most its window per round trip;
Swift takes many at once. :func:`upload_via_container` stores the file as a
static large object of segments PUT in parallel (each verified against its
ETag, see :mod:`pyrax_image.object_storage.parallel_upload`), has Glance pull
it from a temporary URL (``web-download``, or the legacy ``import`` task),
waits for the image to be active, compares its multihash/checksum with the
digests computed while reading the file, and removes the manifest and
segments. A failure at any step deletes what it made: the image (unless
``keep_on_failure``) and the objects.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, NamedTuple, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_flag, check_int
from pyrax_image.image.api import ImageApi
from pyrax_image.image.importing import get_import_info, import_body, import_image
from pyrax_image.image.object_transfer import task_import, temp_url_of
from pyrax_image.image.resources import Image
from pyrax_image.image.storage_access import StorageAccess
from pyrax_image.image.uploads import verify_image
from pyrax_image.image.waiters import DEFAULT_WAIT_TIMEOUT, wait_for_import_end
from pyrax_image.object_storage import paths
from pyrax_image.object_storage.parallel_upload import (
    DEFAULT_SEGMENT_SIZE,
    ParallelSegmentUpload,
    check_segment_size,
    source_size,
)
from pyrax_image.object_storage.tempurl import DEFAULT_TEMP_URL_SECONDS
from pyrax_image.replies import expect_object, invalid, kind_of
from pyrax_image.transfer.options import DEFAULT_PARALLEL_CONNECTIONS, TransferOptions
from pyrax_image.utils import get_id

# How Glance can take in what an upload put in object storage (not the
# interoperable import methods of importing.py: "task" is the legacy task).
CONTAINER_IMPORT_METHODS = ("web-download", "task")
# How often the image (or task) is polled while Glance imports: a poll is one
# round trip, and a coarser one adds up to its interval to every upload.
IMPORT_POLL_SECONDS = 0.5


class _RouteFields(NamedTuple):
    via_container: Optional[str] = None
    segment_size: int = DEFAULT_SEGMENT_SIZE
    connections: int = DEFAULT_PARALLEL_CONNECTIONS
    import_method: Optional[str] = None
    keep_segments: bool = False


class ViaContainer(_RouteFields):
    """How an upload goes through object storage, declared once (its fields
    are the keyword arguments of ``create()`` and ``upload()``) and checked
    when made, before any request: ``via_container``, the container (created
    if missing, kept; None: the data goes straight to Glance, and the others
    must be left at their defaults); ``segment_size`` (None: 32 MiB); ``connections``,
    the segments PUT at once (None: 4); ``import_method`` (None: web-download
    where the cloud enables it, else the task); ``keep_segments``: whether
    the objects stay afterwards. Immutable, as ``TransferOptions``."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> ViaContainer:
        given = _RouteFields(*args, **kwargs)  # None: the default
        if given.via_container is None:
            chosen = dict(zip(_RouteFields._fields, args), **kwargs)  # what the caller gave
            named = [name for name, value in chosen.items() if value is not None and value is not False]
            if named:
                raise exc.InvalidArgument("%s need via_container" % ", ".join(sorted(named)))
            return super().__new__(cls)
        if given.import_method is not None:
            check_choice("import_method", given.import_method, CONTAINER_IMPORT_METHODS)
        segment_size, connections = given.segment_size, given.connections
        return super().__new__(
            cls,
            paths.container_name(given.via_container),
            DEFAULT_SEGMENT_SIZE if segment_size is None else check_segment_size(segment_size),
            DEFAULT_PARALLEL_CONNECTIONS if connections is None else check_int("connections", connections, 1),
            given.import_method,
            check_flag("keep_segments", given.keep_segments),
        )


def check_source(data: Any) -> None:
    """Refuse data that is not a path or seekable binary file, or is empty
    (``InvalidArgument``, before any request)."""
    source_size(data)


def choose_import_method(api: ImageApi, wanted: Optional[str]) -> str:
    """The import method to use: ``wanted`` if this cloud offers it, else
    (``wanted`` None) web-download, else the task; ``ServiceNotAvailable``
    when the cloud offers neither (nothing has been created yet)."""
    if wanted in (None, "web-download"):
        try:
            info = expect_object(get_import_info(api.http), "The import information (/info/import)")
        except exc.NotFound:  # no interoperable import (Rackspace)
            info = {}
        methods = expect_object(info.get("import-methods") or {}, "Its import-methods").get("value") or []
        if "web-download" in _listed(methods, "The import methods"):
            return "web-download"
    if wanted in (None, "task") and _offers_import_task(api):
        return "task"
    offered: List[str] = [method for method in CONTAINER_IMPORT_METHODS if method != wanted]
    raise exc.ServiceNotAvailable(
        "This cloud does not offer %s, so an upload through object storage cannot be imported%s"
        % (
            "the web-download import method or the import task" if wanted is None else wanted,
            "" if wanted is None else " (import_method=%r may be offered, or None to choose)" % offered[0],
        )
    )


def _offers_import_task(api: ImageApi) -> bool:
    """True when the task schema lists the ``import`` type."""
    try:
        _, schema = api.http.method_get("/schemas/task")
    except (exc.NotFound, exc.Forbidden):
        return False
    properties = expect_object(schema or {}, "The task schema").get("properties") or {}
    kind = expect_object(
        expect_object(properties, "The task schema's properties").get("type") or {}, "Its type"
    )
    return "import" in _listed(kind.get("enum") or [], "The task types")


def _listed(value: Any, what: str) -> List[Any]:
    """``value`` if it is a list (a reply's enumeration), else ``InvalidResponse``."""
    if not isinstance(value, list):
        raise invalid(None, "%s: expected a list, got %s" % (what, kind_of(value)))
    return value


def upload_via_container(
    api: ImageApi,
    storage_access: StorageAccess,
    data: Any,
    route: ViaContainer,
    options: TransferOptions,
    body: Optional[Dict[str, Any]] = None,
    image: Optional[Image] = None,
    keep_on_failure: bool = False,
) -> Image:
    """Upload ``data`` (a path or seekable binary file) through container
    ``route.via_container`` into a new image of record ``body`` or the queued
    ``image``; return the active image, verified."""
    container = route.via_container
    assert container is not None  # the caller chose this route
    size = source_size(data)  # refused before any request
    method = choose_import_method(api, route.import_method)
    if method == "task" and image is not None:
        raise exc.ServiceNotAvailable(
            "The import task makes its own image, so it cannot fill image %s: use create(..., "
            "via_container=...) on this cloud" % get_id(image)
        )
    storage = storage_access.reachable("upload through object storage")
    storage.method_put(paths.container_path(container))
    segments = ParallelSegmentUpload(
        storage,
        container,
        "%s-%s" % (_base_name(data), uuid.uuid4().hex[:12]),
        data,
        route.segment_size,
        route.connections,
        options,
    )
    done = False
    try:
        with ThreadPoolExecutor(max_workers=1) as signer:  # the key's round trip beside the segments
            signing = signer.submit(temp_url_of, storage, container, segments.name, DEFAULT_TEMP_URL_SECONDS)
            digests = segments.upload()
            url = signing.result()
        result = _import(api, url, method, body, image, keep_on_failure, digests, size)
        done = True
        return result
    finally:
        if not (done and route.keep_segments):
            segments.delete()


def _import(
    api: ImageApi,
    url: str,
    method: str,
    body: Optional[Dict[str, Any]],
    image: Optional[Image],
    keep_on_failure: bool,
    digests: Dict[str, str],
    size: int,
) -> Image:
    """Import ``url`` by ``method``, wait, verify; delete an image made here
    if any of it fails (unless ``keep_on_failure``)."""
    made: Optional[Image] = None
    try:
        if method == "task":
            assert body is not None
            record = dict(body)
            name, disk_format = record.pop("name"), record.pop("disk_format")
            container_format = record.pop("container_format")
            created = task_import(
                api,
                url,
                name,
                disk_format,
                container_format,
                record,
                True,
                DEFAULT_WAIT_TIMEOUT,
                IMPORT_POLL_SECONDS,
            )
            assert isinstance(created, Image)
            made = active = created
        else:
            if image is None:
                assert body is not None
                made = image = api.images.post_record(body)
            import_image(api.http, image, import_body("web-download", uri=url))
            active = wait_for_import_end(api, image, DEFAULT_WAIT_TIMEOUT, IMPORT_POLL_SECONDS)
        verify_image(active, digests, size, required=True)
        return active
    except BaseException:
        if made is not None and not keep_on_failure:
            api.images.discard(made)
        raise


def _base_name(data: Any) -> str:
    """The object's name: the file's base name (``image`` for a file object without one)."""
    path = data if isinstance(data, (str, os.PathLike)) else getattr(data, "name", None)
    name = os.path.basename(os.fspath(path)) if isinstance(path, (str, os.PathLike)) else ""
    return name or "image"
