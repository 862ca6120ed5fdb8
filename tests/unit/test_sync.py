"""sync_images' rules without a server: what is selected, what a counterpart
must say, what an update changes, and arguments refused before any request
(the strict ``rsps`` fixture fails on any request). The real runs, RegionOne
-> RegionTwo, are in tests/integration/test_sync.py."""

from __future__ import annotations

import json
from typing import Any, Dict, Tuple

import pytest

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.image import waiters
from pyrax_image.sync import (
    PROVENANCE_IMAGE,
    PROVENANCE_SOURCE,
    ImageSelector,
    differences,
    sync_images,
    wanted_attributes,
)
from pyrax_image.sync_report import SyncResult
from tests.unit.helpers import make_client

SOURCE = {
    "id": "11111111-2222-3333-4444-555555555555",
    "name": "golden",
    "status": "active",
    "disk_format": "qcow2",
    "container_format": "bare",
    "visibility": "shared",
    "protected": False,
    "min_ram": 512,
    "min_disk": 1,
    "tags": ["golden", "linux"],
    "os_distro": "debian",
    "size": 10,
    "checksum": "c",
    "os_hash_algo": "sha512",
    "os_hash_value": "h",
    "owner": "p",
    "created_at": "2026-01-01T00:00:00Z",
    "os_glance_importing_to_stores": "",
}


def test_a_selector_matches_tag_prefix_and_properties_together():
    selector = ImageSelector(tag="golden", name_prefix="gol", properties={"os_distro": "debian"})
    assert selector.matches(SOURCE)
    assert not ImageSelector(tag="golden", name_prefix="x").matches(SOURCE)
    assert not ImageSelector(properties={"os_distro": "ubuntu"}).matches(SOURCE)
    assert selector.server_filters() == {"tag": "golden", "os_distro": "debian"}


@pytest.mark.parametrize(
    "selector",
    [{}, {"tag": ""}, {"name_prefix": 3}, {"properties": {"k": 1}}, {"colour": "blue"}, "golden", None],
)
def test_a_selector_must_select_something_well_formed(selector):
    with pytest.raises(exc.InvalidArgument):
        ImageSelector.of(selector)


def test_the_counterpart_carries_the_user_set_attributes_and_provenance():
    wanted = wanted_attributes(SOURCE, "http://one:9292")
    assert wanted == {
        "name": "golden",
        "disk_format": "qcow2",
        "container_format": "bare",
        "visibility": "shared",
        "protected": False,
        "min_ram": 512,
        "min_disk": 1,
        "tags": ["golden", "linux"],
        "os_distro": "debian",
        PROVENANCE_SOURCE: "http://one:9292",
        PROVENANCE_IMAGE: SOURCE["id"],
    }


def test_differences_ignore_tag_order_and_remove_what_the_source_lost():
    wanted = wanted_attributes(SOURCE, "http://one:9292")
    copy = dict(
        SOURCE,
        id="copy",
        tags=["linux", "golden"],
        hw_disk_bus="scsi",
        owner="q",
        **{PROVENANCE_SOURCE: "http://one:9292", PROVENANCE_IMAGE: SOURCE["id"]},
    )
    assert differences(copy, wanted) == {"hw_disk_bus": None}
    copy.update(min_ram=128, visibility="private", disk_format="raw")
    assert differences(copy, wanted) == {"hw_disk_bus": None, "min_ram": 512, "visibility": "shared"}


def test_bad_arguments_are_refused_before_any_request(rsps):
    one, two = make_client([]), make_client([])
    for kwargs in ({"parallel": 0}, {"parallel": True}, {"copy_method": "rsync"}):
        with pytest.raises(exc.InvalidArgument):
            sync_images(one, [two], {"tag": "golden"}, **kwargs)
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, [one], {"tag": "golden"})
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, [], {"tag": "golden"})
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, ["RegionTwo"], {"tag": "golden"})


def test_a_record_a_killed_run_had_created_late_is_deleted_after_the_run(rsps):
    # The killed run's create reached Glance after the rerun first read the
    # target: the rerun's second read finds it beside the kept copy and deletes it.
    source, target = make_client([]), make_client([], url="https://two.example.com")
    label = str(source.management_url)
    kept = dict(wanted_attributes(SOURCE, label), id="kept", status="active", os_hash_value="h")
    kept.update(disk_format="qcow2", container_format="bare")
    late = {"id": "late", "name": "golden", "status": "queued", PROVENANCE_SOURCE: label}
    late[PROVENANCE_IMAGE] = SOURCE["id"]
    rsps.get(source.management_url + "/v2/images", json={"images": [SOURCE]})
    for images in ([kept], [], [kept, late], []):  # shown, hidden; then again after the copies
        rsps.get("https://two.example.com/v2/images", json={"images": images})
    rsps.delete("https://two.example.com/v2/images/late", status=204)
    report = sync_images(source, [target], {"tag": "golden"}, copy_method="client")
    assert [(row.action, row.target_id) for row in report.results] == [
        ("skipped", "kept"),
        ("deleted", "late"),
    ]


def glance_download_regions(rsps: Any, monkeypatch: Any, image: Dict[str, Any]) -> Tuple[Any, Any, str]:
    """RegionOne listing ``image`` and RegionTwo offering glance-download,
    one login (waits do not sleep): the source, the target and the source's label."""
    monkeypatch.setattr(waiters._Clock, "sleep", staticmethod(lambda seconds: None))
    identity = TokenIdentity("token", tenant_id="p")
    source = make_client([], identity=identity, region_name="RegionOne")
    target = make_client([], url="https://two.example.com", identity=identity, region_name="RegionTwo")
    rsps.get(source.management_url + "/v2/images", json={"images": [image]})
    rsps.get("https://two.example.com/v2/info/import", json={"import-methods": {"value": ["glance-download"]}})
    return source, target, str(source.management_url)


def test_a_glance_download_copy_is_changed_only_once_the_import_has_let_go_of_it(rsps, monkeypatch):
    # Glance's flow makes the copy active, then saves the whole record it had
    # read once more before dropping its lock: a protected=True sent while the
    # lock is held is reverted (the copy stayed unprotected). The sync waits.
    protected = dict(SOURCE, protected=True)
    source, target, label = glance_download_regions(rsps, monkeypatch, protected)
    for _ in range(5):  # counterparts (shown, hidden), same name and data, late copies (shown, hidden)
        rsps.get("https://two.example.com/v2/images", json={"images": []})
    made = {key: value for key, value in wanted_attributes(protected, label).items() if key != "protected"}
    made.update(id="copy", status="queued", protected=False)
    rsps.post("https://two.example.com/v2/images", json=made, status=201)
    rsps.post("https://two.example.com/v2/images/copy/import", status=202)
    active = dict(made, status="active", size=10, checksum="c", os_hash_algo="sha512", os_hash_value="h")
    locked = dict(active, os_glance_import_task="task")
    for body in (dict(made, status="importing"), locked, locked, active):
        rsps.get("https://two.example.com/v2/images/copy", json=body)
    rsps.patch("https://two.example.com/v2/images/copy", json=dict(active, protected=True))
    report = sync_images(source, [target], {"tag": "golden"}, copy_method="glance-download")
    assert [(row.action, row.target_id) for row in report.results] == [("copied", "copy")]
    steps = [
        (call.request.method, "os_glance_import_task" in call.response.text)
        for call in rsps.calls
        if call.request.url.startswith("https://two.example.com/v2/images/copy")
    ]
    assert steps[-3:] == [("GET", True), ("GET", False), ("PATCH", False)]
    [patch] = [call.request.body for call in rsps.calls if call.request.method == "PATCH"]
    assert json.loads(patch) == [{"op": "add", "path": "/protected", "value": True}]


def test_a_glance_download_copy_is_waited_for_in_one_poll_loop(rsps, monkeypatch):
    # The copy is found active and unlocked at the first poll: the sync sends
    # no second GET to see the lock gone (it used to wait for active, then
    # fetch again for the lock).
    source, target, label = glance_download_regions(rsps, monkeypatch, SOURCE)
    rsps.get("https://two.example.com/v2/images", json={"images": []})
    made = dict(wanted_attributes(SOURCE, label), id="copy", status="queued")
    rsps.post("https://two.example.com/v2/images", json=made, status=201)
    rsps.post("https://two.example.com/v2/images/copy/import", status=202)
    active = dict(made, status="active", size=10, checksum="c", os_hash_algo="sha512", os_hash_value="h")
    for body in (dict(made, status="importing", os_glance_import_task="task"), active):
        rsps.get("https://two.example.com/v2/images/copy", json=body)
    report = sync_images(source, [target], {"tag": "golden"}, copy_method="glance-download")
    assert [(row.action, row.target_id) for row in report.results] == [("copied", "copy")]
    on_copy = [
        call.request.method for call in rsps.calls if call.request.url == "https://two.example.com/v2/images/copy"
    ]
    assert on_copy == ["GET", "GET"]  # import_image's reload, then the one poll that sees the end


def test_a_result_gives_its_fields_in_order_and_stays_its_own_object():
    result = SyncResult("copied", "two", "src-id", "golden", "dst-id", "new", "client", 10)
    assert result.to_dict() == {
        "action": "copied",
        "target": "two",
        "source_id": "src-id",
        "name": "golden",
        "target_id": "dst-id",
        "detail": "new",
        "method": "client",
        "size": 10,
    }
    assert list(result.to_dict()) == [
        "action",
        "target",
        "source_id",
        "name",
        "target_id",
        "detail",
        "method",
        "size",
    ]
    assert repr(result) == "<SyncResult copied src-id -> two dst-id>"
    twin = SyncResult(**result.to_dict())
    assert twin is not result and twin != result and len({result, twin}) == 2  # identity, hashable
