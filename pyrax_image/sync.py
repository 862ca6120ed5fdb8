"""Fleet sync: keep a selected set of images identical in other regions and clouds.

:func:`sync_images` lists the source images a :class:`ImageSelector` picks
(a tag, a name prefix, properties) and, in each target, finds each one's
counterpart: the image the sync made, known by two properties it sets
(``pyrax_sync_source``: the source's label, ``pyrax_sync_source_image``: the
source image id), else an image of the same name and multihash made by
someone else (then left alone). What is missing is copied (Glance's
``glance-download`` import when the target offers it and shares the source's
Keystone, the bytes never passing through the client; else
:func:`~pyrax_image.image.copy.copy_image` through the client), what differs
is updated (name, visibility, ``protected``, ``min_*``, tags, custom
properties), what is identical is skipped, each copy verified against the
source's multihash. ``delete_extra`` deletes images the sync made whose
source image no longer exists, nothing else. A rerun after an interruption
replaces the unfinished copy it finds and copies nothing twice; once its
copies are done it reads the target again and deletes, beside each verified
counterpart, the sync-made records that appeared meanwhile (a create the
killed run had sent and Glance finished after the rerun first looked).
"""

from __future__ import annotations

import concurrent.futures
import logging
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice
from pyrax_image.image import copy as copies
from pyrax_image.image.client import ImageClient
from pyrax_image.sync_report import COPIED, DELETED, FAILED, SKIPPED, UPDATED, SyncReport, SyncResult

logger = logging.getLogger("pyrax_image.sync")

PROVENANCE_SOURCE = "pyrax_sync_source"
PROVENANCE_IMAGE = "pyrax_sync_source_image"
COPY_METHODS = ("auto", "glance-download", "client")
# Fixed once an image has data: a counterpart differing here is copied again.
IMMUTABLE = ("disk_format", "container_format")
DEFAULT_PARALLEL = 4


class ImageSelector:
    """Which source images to sync: those with ``tag``, a name starting with
    ``name_prefix`` and every ``properties`` value (at least one is needed)."""

    def __init__(
        self,
        tag: Optional[str] = None,
        name_prefix: Optional[str] = None,
        properties: Optional[Mapping[str, str]] = None,
    ):
        for label, value in (("tag", tag), ("name_prefix", name_prefix)):
            if value is not None and (not isinstance(value, str) or not value):
                raise exc.InvalidArgument("%s must be a non-empty string, not %r" % (label, value))
        props = dict(properties or {})
        if not all(isinstance(key, str) and key and isinstance(value, str) for key, value in props.items()):
            raise exc.InvalidArgument("properties must map non-empty names to string values")
        if tag is None and name_prefix is None and not props:
            raise exc.InvalidArgument("A sync needs a selector: a tag, a name prefix or properties")
        self.tag = tag
        self.name_prefix = name_prefix
        self.properties = props

    def __repr__(self) -> str:
        return "<ImageSelector tag=%r name_prefix=%r properties=%r>" % (
            self.tag,
            self.name_prefix,
            self.properties,
        )

    @classmethod
    def of(cls, selector: Union[ImageSelector, Mapping[str, Any]]) -> ImageSelector:
        """``selector``, or one built from a mapping of this class's arguments."""
        if isinstance(selector, ImageSelector):
            return selector
        if isinstance(selector, Mapping):
            unknown = sorted(set(selector) - {"tag", "name_prefix", "properties"})
            if unknown:
                raise exc.InvalidArgument("Unknown selector keys: %s" % ", ".join(unknown))
            return cls(**selector)
        raise exc.InvalidArgument("selector must be an ImageSelector or a mapping, not %r" % (selector,))

    def server_filters(self) -> Dict[str, Any]:
        """The Glance list filters of this selection (the name prefix is matched here)."""
        filters: Dict[str, Any] = dict(self.properties)
        if self.tag is not None:
            filters["tag"] = self.tag
        return filters

    def matches(self, info: Mapping[str, Any]) -> bool:
        """True if an image body is selected."""
        if self.tag is not None and self.tag not in (info.get("tags") or ()):
            return False
        if self.name_prefix is not None and not str(info.get("name") or "").startswith(self.name_prefix):
            return False
        return all(info.get(key) == value for key, value in self.properties.items())


def label_of(client: ImageClient) -> str:
    """How a client is named in reports: its region, else its endpoint."""
    return str(client.region_name or client.management_url)


def wanted_attributes(info: Mapping[str, Any], source_label: str) -> Dict[str, Any]:
    """What the counterpart of source image ``info`` must say: the source's
    copied attributes, name, visibility and ``protected``, plus provenance."""
    wanted = copies.copied_attributes(dict(info))
    wanted.update(
        name=info.get("name") or info["id"],
        visibility=info.get("visibility"),
        protected=bool(info.get("protected")),
    )
    wanted[PROVENANCE_SOURCE] = source_label
    wanted[PROVENANCE_IMAGE] = info["id"]
    return {key: value for key, value in wanted.items() if value is not None}


def differences(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> Dict[str, Any]:
    """The update turning ``current`` into ``wanted`` (None removes a
    property the source does not have); formats are not compared here."""
    changes: Dict[str, Any] = {}
    for key, value in wanted.items():
        if key in IMMUTABLE:
            continue
        mine = current.get(key)
        same = sorted(mine or []) == sorted(value) if key == "tags" else mine == value
        if not same:
            changes[key] = value
    for key in copies.copied_attributes(dict(current)):
        if key not in wanted and key not in IMMUTABLE:
            changes[key] = None
    return changes


def sync_images(
    source_client: ImageClient,
    target_clients: Union[ImageClient, Sequence[ImageClient]],
    selector: Union[ImageSelector, Mapping[str, Any]],
    dry_run: bool = False,
    delete_extra: bool = False,
    parallel: int = DEFAULT_PARALLEL,
    copy_method: str = "auto",
    source_label: Optional[str] = None,
) -> SyncReport:
    """Make the images ``selector`` picks in ``source_client`` present and
    identical in every target; return the :class:`SyncReport` (with
    ``dry_run``, the plan: nothing is changed). At most ``parallel`` images
    are worked on at once; a failure is reported and the others go on.
    ``copy_method``: ``auto`` (glance-download where possible, else through
    the client), ``glance-download`` or ``client``. ``source_label`` names the
    source in the provenance property (default: its endpoint URL)."""
    targets = [target_clients] if isinstance(target_clients, ImageClient) else list(target_clients)
    if not targets or not all(isinstance(target, ImageClient) for target in targets + [source_client]):
        raise exc.InvalidArgument(
            "sync_images needs a source ImageClient and one or more target ImageClients"
        )
    if any(target is source_client for target in targets):
        raise exc.InvalidArgument("A target cannot be the source client itself")
    choice = ImageSelector.of(selector)
    check_choice("copy_method", copy_method, COPY_METHODS)
    if isinstance(parallel, bool) or not isinstance(parallel, int) or parallel < 1:
        raise exc.InvalidArgument("parallel must be a positive integer, not %r" % (parallel,))
    label = source_label or str(source_client.management_url)
    report = SyncReport(label, [label_of(target) for target in targets], dry_run)
    selected = [
        image.to_dict()
        for image in source_client.iter_all(**choice.server_filters())
        if choice.matches(image.to_dict())
    ]
    jobs = [_TargetSync(source_client, target, label, copy_method, dry_run) for target in targets]
    work: List[Tuple[Any, Tuple[Any, ...]]] = []
    for job in jobs:
        job.choose_method()
        job.read_counterparts()
        work += [(job.sync_one, (info,)) for info in selected]
        if delete_extra:
            chosen = {info["id"] for info in selected}
            work += [
                (job.delete_if_orphan, (source_id,)) for source_id in job.made if source_id not in chosen
            ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
        try:
            for results in pool.map(lambda item: item[0](*item[1]), work):
                for result in results:
                    report.add(result)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    for job in jobs:
        for result in job.delete_late_copies():
            report.add(result)
    return report


class _TargetSync:
    """The sync of the selected images into one target."""

    def __init__(self, source: ImageClient, target: ImageClient, label: str, copy_method: str, dry_run: bool):
        self.source = source
        self.target = target
        self.label = label
        self.name = label_of(target)
        self.copy_method = copy_method
        self.dry_run = dry_run
        self.made: Dict[str, List[Dict[str, Any]]] = {}
        # source id -> the id of its verified counterpart after this run
        self.kept: Dict[str, str] = {}
        self.glance_download = False

    def read_counterparts(self) -> None:
        """The target's images this sync (from this source) made, by source id."""
        self.made = self._counterparts()

    def _counterparts(self) -> Dict[str, List[Dict[str, Any]]]:
        made: Dict[str, List[Dict[str, Any]]] = {}
        for hidden in (False, True):
            filters: Dict[str, Any] = {
                PROVENANCE_SOURCE: self.label,
                "visibility": "all",
                "os_hidden": hidden,
            }
            for image in self.target.iter_all(**filters):
                info = image.to_dict()
                made.setdefault(str(info.get(PROVENANCE_IMAGE)), []).append(info)
        return made

    def delete_late_copies(self) -> List[SyncResult]:
        """Delete the sync-made images that appeared during this run beside a
        verified counterpart: records a killed run had asked for and Glance
        created after :meth:`read_counterparts` (queued, never to get data)."""
        if self.dry_run or not self.kept:
            return []
        seen = {info["id"] for infos in self.made.values() for info in infos}
        try:
            now = self._counterparts()
        except exc.PyraxImageException as error:
            gone = {"id": None, "name": None}
            return [self.result(FAILED, gone, "could not read the target again for late copies: %s" % error)]
        return [
            self._delete(
                info, {"id": source_id, "name": info.get("name")}, "an unfinished copy made meanwhile"
            )
            for source_id, kept_id in sorted(self.kept.items())
            for info in now.get(source_id, [])
            if info["id"] != kept_id and info["id"] not in seen
        ]

    def result(self, action: str, info: Mapping[str, Any], detail: str, **facts: Any) -> SyncResult:
        return SyncResult(action, self.name, info.get("id"), info.get("name"), detail=detail, **facts)

    def sync_one(self, info: Dict[str, Any]) -> List[SyncResult]:
        """Copy, update or skip the counterpart of one source image."""
        try:
            return self._sync_one(info)
        except Exception as error:  # reported; the other images go on
            logger.warning("Sync of image %s to %s failed: %s", info.get("id"), self.name, error)
            return [self.result(FAILED, info, "%s: %s" % (type(error).__name__, error))]

    def _sync_one(self, info: Dict[str, Any]) -> List[SyncResult]:
        if info.get("status") != "active":
            return [self.result(SKIPPED, info, "the source image is %s, not active" % info.get("status"))]
        wanted = wanted_attributes(info, self.label)
        mine = self.made.get(info["id"], [])
        good = [
            candidate
            for candidate in mine
            if candidate.get("status") == "active"
            and candidate.get("os_hash_value") == info.get("os_hash_value")
            and all(candidate.get(key) == info.get(key) for key in IMMUTABLE)
        ]
        keep = good[0] if good else None
        stale = [candidate for candidate in mine if candidate is not keep]
        results: List[SyncResult] = []
        if keep is None:
            if not mine:
                other = self._identical_not_made_by_sync(info)
                if other is not None:
                    return [
                        self.result(
                            SKIPPED,
                            info,
                            "image %s has the same name and data and was not made by the sync: left alone"
                            % other["id"],
                            target_id=other["id"],
                        )
                    ]
            results.append(self._copy(info, wanted, replaces=len(stale)))
        else:
            self.kept[info["id"]] = keep["id"]
            changes = differences(keep, wanted)
            if not changes:
                results.append(self.result(SKIPPED, info, "identical", target_id=keep["id"]))
            else:
                if not self.dry_run:
                    self.target.update(keep["id"], changes)
                results.append(
                    self.result(
                        UPDATED, info, "changed: %s" % ", ".join(sorted(changes)), target_id=keep["id"]
                    )
                )
        if results[0].action != FAILED:
            results += [
                self._delete(stale_info, info, "an unfinished or outdated copy") for stale_info in stale
            ]
        return results

    def _identical_not_made_by_sync(self, info: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        if not info.get("os_hash_value"):
            return None
        for image in self.target.list(
            name=info.get("name"), os_hash_value=info["os_hash_value"], visibility="all"
        ):
            other = image.to_dict()
            if other.get("status") == "active" and other.get("os_hash_value") == info["os_hash_value"]:
                return other
        return None

    def _copy(self, info: Dict[str, Any], wanted: Dict[str, Any], replaces: int) -> SyncResult:
        note = " (replacing %d unfinished or outdated copies)" % replaces if replaces else ""
        method = "glance-download" if self.glance_download else "client"
        if self.dry_run:
            return self.result(COPIED, info, "would copy%s" % note, method=method, size=info.get("size"))
        fallback = ""
        if method == "glance-download":
            try:
                copy = self._glance_download(info, wanted)
            except exc.PyraxImageException as error:
                if self.copy_method == "glance-download":
                    raise
                method, fallback = (
                    "client",
                    "; glance-download failed (%s), copied through the client" % error,
                )
        if method == "client":
            provenance = {key: wanted[key] for key in (PROVENANCE_SOURCE, PROVENANCE_IMAGE)}
            copy = self.source.copy_image(info["id"], _Marking(self.target, provenance), copy_visibility=True)
        self.kept[info["id"]] = copy.id
        return self.result(
            COPIED,
            info,
            "verified %s%s%s" % (info.get("os_hash_algo") or "checksum", note, fallback),
            target_id=copy.id,
            method=method,
            size=info.get("size"),
        )

    def choose_method(self) -> None:
        """Decide once whether this target pulls with glance-download;
        ``InvalidArgument`` if it was asked for and is not possible."""
        possible = self.copy_method != "client" and glance_download_possible(self.source, self.target)
        if self.copy_method == "glance-download" and not possible:
            raise exc.InvalidArgument(
                "%s cannot glance-download from %s: it does not offer the method or does not share the "
                "source's Keystone and catalog" % (self.name, label_of(self.source))
            )
        self.glance_download = possible

    def _glance_download(self, info: Dict[str, Any], wanted: Dict[str, Any]) -> Any:
        """Glance's glance-download import: the target pulls the bytes from the source region."""
        metadata = {
            key: value for key, value in wanted.items() if key not in ("name", "protected", *IMMUTABLE)
        }
        created = self.target.create(
            wanted["name"],
            img_format=wanted.get("disk_format"),
            img_container_format=wanted.get("container_format"),
            metadata=metadata,
        )
        try:
            self.target.import_image(
                created, "glance-download", remote_region=self.source.region_name, remote_image_id=info["id"]
            )
            # One wait for active and the lock gone: the flow saves the whole
            # record once more after making it active, so a change sent before
            # its lock is gone could be reverted.
            copy = self.target.wait_for_import_end(created)
            copies.check_same_data(info, copy.to_dict())
            changes = differences(copy.to_dict(), wanted)  # Glance sets some properties itself
            if changes:
                copy = self.target.update(copy, changes)
        except BaseException:
            try:
                self.target.delete(created)
            except exc.PyraxImageException:
                logger.warning("Could not delete the failed copy %s in %s", created.id, self.name)
            raise
        return copy

    def delete_if_orphan(self, source_id: str) -> List[SyncResult]:
        """Delete the copies of a source image that no longer exists."""
        infos = self.made.get(source_id, [])
        first = {"id": source_id, "name": infos[0].get("name") if infos else None}
        try:
            self.source.get(source_id)
            return []  # the source exists (no longer selected, or not active): kept
        except exc.NotFound:
            pass
        except Exception as error:
            return [self.result(FAILED, first, "could not tell whether the source exists: %s" % error)]
        return [self._delete(info, first, "its source image is gone") for info in infos]

    def _delete(self, info: Mapping[str, Any], source: Mapping[str, Any], why: str) -> SyncResult:
        if not self.dry_run:
            try:
                self.target.delete(info["id"])
            except exc.NotFound:
                pass
            except Exception as error:
                return self.result(FAILED, source, "could not delete %s (%s): %s" % (info["id"], why, error))
        return self.result(DELETED, source, why, target_id=info["id"])


class _Marking:
    """A target client whose new image records carry the sync's provenance
    properties from the start, so that a copy cut short is still known as
    the sync's on the next run."""

    def __init__(self, target: ImageClient, provenance: Mapping[str, str]):
        self.target = target
        self.data_service = target.data_service
        self.provenance = dict(provenance)

    def create(self, name: str, **kwargs: Any) -> Any:
        kwargs["metadata"] = {**(kwargs.get("metadata") or {}), **self.provenance}
        return self.target.create(name, **kwargs)


def glance_download_possible(source: ImageClient, target: ImageClient) -> bool:
    """True when ``target`` offers glance-download and can pull from
    ``source``: the same Keystone login (its token is what Glance uses) and
    the source's region in the catalog."""
    if not source.region_name or not _same_login(source.identity, target.identity):
        return False
    try:
        methods = target.get_import_info().get("import-methods", {}).get("value") or []
    except exc.PyraxImageException:
        return False
    return "glance-download" in methods


def _same_login(one: Any, other: Any) -> bool:
    if one is other:
        return True
    facts = ("auth_endpoint", "username", "tenant_id", "tenant_name")
    return all(getattr(one, name, None) == getattr(other, name, None) for name in facts) and bool(
        getattr(one, "auth_endpoint", None)
    )
