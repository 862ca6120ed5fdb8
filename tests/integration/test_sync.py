"""sync_images and ``pyrax-image sync`` on the real local cloud, RegionOne ->
RegionTwo (both Glance 33 behind the same Keystone): each selected image
copied once and verified, a second run copies nothing, changes are updated,
``delete_extra`` deletes only what the sync made and whose source is gone, a
failure on one image leaves the others done, and a run killed mid-way is
finished by the next without copying anything twice."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from pyrax_image import ImageClient, KeystoneIdentity
from pyrax_image import exceptions as exc
from pyrax_image.sync import (
    PROVENANCE_IMAGE,
    PROVENANCE_SOURCE,
    ImageSelector,
    glance_download_possible,
    sync_images,
)
from tests.integration.cli_fixtures import BIN, os_env, run_cli
from tests.integration.helpers import ALPHA, noauth_client


@pytest.fixture
def one(alice_images: ImageClient) -> ImageClient:
    return alice_images  # RegionOne


@pytest.fixture
def two(alice_identity: KeystoneIdentity) -> ImageClient:
    return ImageClient(alice_identity, region_name="RegionTwo")


@pytest.fixture
def tag(one: ImageClient, two: ImageClient) -> Iterator[str]:
    """A tag no other test uses; every image carrying it is deleted afterwards, in both regions."""
    value = "sync-" + uuid.uuid4().hex[:10]
    yield value
    for client in (two, one):
        for image in client.list(tag=value, visibility="all"):
            if image.to_dict().get("protected"):
                client.update(image, {"protected": False})
            client.delete(image)


def make_images(one: ImageClient, tag: str, count: int, size: int = 200_000) -> List[Any]:
    return [
        one.create(
            "%s-%d" % (tag, index),
            img_format="raw",
            data=os.urandom(size + index),
            metadata={"tags": [tag, "golden"], "os_distro": "debian", "min_ram": 256 + index},
        )
        for index in range(count)
    ]


def copies_in(two: ImageClient, tag: str) -> Dict[str, List[Dict[str, Any]]]:
    """RegionTwo's sync-made images carrying ``tag``, by source image id."""
    found: Dict[str, List[Dict[str, Any]]] = {}
    for image in two.list(tag=tag, visibility="all"):
        info = image.to_dict()
        if PROVENANCE_IMAGE in info:
            found.setdefault(info[PROVENANCE_IMAGE], []).append(info)
    return found


def test_each_image_is_copied_once_with_its_metadata_then_nothing(one, two, tag):
    sources = make_images(one, tag, 3)
    one.update(sources[0], {"visibility": "community", "hw_disk_bus": "scsi"})
    one.update(sources[1], {"protected": True})
    report = sync_images(one, [two], ImageSelector(tag=tag))
    assert report.counts()["copied"] == 3 and not report.failed, report.results
    # RegionTwo offers glance-download and shares RegionOne's Keystone: it pulls the bytes itself.
    assert {result.method for result in report.results} == {"glance-download"}
    copies = copies_in(two, tag)
    assert sorted(copies) == sorted(image.id for image in sources)
    for source in sources:
        info = one.get(source.id).to_dict()
        [copy] = copies[source.id]
        assert copy["status"] == "active" and copy["os_hash_value"] == info["os_hash_value"]
        assert copy[PROVENANCE_SOURCE] == one.management_url
        for key in ("name", "visibility", "protected", "min_ram", "os_distro", "disk_format"):
            assert copy.get(key) == info.get(key), key
        assert sorted(copy["tags"]) == sorted(info["tags"])
    assert copies[sources[0].id][0]["hw_disk_bus"] == "scsi"

    again = sync_images(one, [two], {"tag": tag})
    assert again.counts() == {"copied": 0, "updated": 0, "skipped": 3, "deleted": 0, "failed": 0}
    assert {result.target_id for result in again.results} == {c[0]["id"] for c in copies.values()}


def test_changes_are_updated_and_delete_extra_deletes_only_orphans_it_made(one, two, tag):
    sources = make_images(one, tag, 3)
    sync_images(one, [two], {"tag": tag})
    # Images in RegionTwo the sync did not make: one unrelated, one with the
    # same name and data as a source (uploaded by hand).
    unrelated = two.create("%s-mine" % tag, img_format="raw", data=b"mine", metadata={"tags": [tag]})
    one.update(sources[0], {"os_distro": "ubuntu", "min_ram": 1024, "new_key": "v"})
    one.update(sources[1], {"tags": [tag]})
    one.delete(sources[2])

    plan = sync_images(one, [two], {"tag": tag}, delete_extra=True, dry_run=True)
    assert (plan.counts()["updated"], plan.counts()["deleted"]) == (2, 1)
    assert sorted(copies_in(two, tag)) == sorted(image.id for image in sources)  # nothing changed

    report = sync_images(one, [two], {"tag": tag}, delete_extra=True)
    assert (report.counts()["updated"], report.counts()["deleted"], report.counts()["failed"]) == (2, 1, 0)
    copies = copies_in(two, tag)
    assert sorted(copies) == sorted([sources[0].id, sources[1].id])
    first = copies[sources[0].id][0]
    assert (first["os_distro"], first["min_ram"], first["new_key"]) == ("ubuntu", 1024, "v")
    assert copies[sources[1].id][0]["tags"] == [tag]
    assert two.get(unrelated.id).status == "active"  # never touched

    hand_made = two.create(
        sources[0].name, img_format="raw", data=b"", metadata={"tags": [tag]}
    )  # same name, other data: not a counterpart
    assert sync_images(one, [two], {"tag": tag}, delete_extra=True).counts()["skipped"] == 2
    assert two.get(hand_made.id).status == "active"


def test_an_identical_image_not_made_by_the_sync_is_left_alone(one, two, tag):
    data = os.urandom(50_000)
    source = one.create(tag, img_format="raw", data=data, metadata={"tags": [tag]})
    theirs = two.create(tag, img_format="raw", data=data, metadata={"tags": [tag]})
    report = sync_images(one, [two], {"name_prefix": tag, "tag": tag}, delete_extra=True)
    [result] = report.results
    assert (result.action, result.target_id) == (
        "skipped",
        theirs.id,
    ) and "not made by the sync" in result.detail
    assert copies_in(two, tag) == {} and source.id not in {
        i.id for i in two.list(tag=tag) if i.id != theirs.id
    }


def test_a_failure_on_one_image_does_not_stop_the_others(one, two, tag, cloud):
    sources = make_images(one, tag, 4)
    # The bytes of one source image vanish from RegionOne's store: its
    # download fails on the server, the others copy.
    os.remove(Path(cloud["state_dir"]) / "glance-r1" / "fast" / sources[1].id)
    report = sync_images(one, [two], {"tag": tag}, parallel=2)
    [failed] = report.failed
    assert failed.source_id == sources[1].id and failed.detail
    assert report.counts()["copied"] == 3
    assert sorted(copies_in(two, tag)) == sorted(image.id for image in sources if image is not sources[1])


def test_through_the_client_when_asked_or_when_glance_download_is_not_possible(one, two, tag, glance_url):
    make_images(one, tag, 2)
    report = sync_images(one, [two], {"tag": tag}, copy_method="client")
    assert [result.method for result in report.results] == ["client", "client"]
    assert sync_images(one, [two], {"tag": tag}).counts()["skipped"] == 2
    # A Glance without Keystone (no catalog to find RegionOne in) cannot pull.
    assert not glance_download_possible(one, noauth_client(glance_url, ALPHA))
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, [noauth_client(glance_url, ALPHA)], {"tag": tag}, copy_method="glance-download")


def test_a_killed_run_is_finished_by_the_next_without_copying_twice(one, two, tag, cloud, tmp_path):
    sources = make_images(one, tag, 6, size=4 * 1024 * 1024)
    env = os_env(cloud, "alice", tmp_path)
    args = ["sync", "--from", "RegionOne", "--to", "RegionTwo", "--tag", tag, "--parallel", "1"]
    args += ["--method", "client"]
    cut = subprocess.Popen([str(BIN / "pyrax-image"), *args], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and cut.poll() is None:
        done = [c for c in copies_in(two, tag).values() if c[0]["status"] == "active"]
        if len(done) >= 2:
            break
        time.sleep(0.2)
    cut.send_signal(signal.SIGKILL)
    cut.wait()
    before = {source_id: infos for source_id, infos in copies_in(two, tag).items()}
    finished = {infos[0]["id"] for infos in before.values() if infos[0]["status"] == "active"}
    assert 2 <= len(finished) < len(sources)

    done = run_cli(["--json", *args], env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    skipped = {row["target_id"] for row in report["results"] if row["action"] == "skipped"}
    assert skipped == finished  # what the killed run finished is not copied again
    assert report["counts"]["copied"] == len(sources) - len(finished)
    copies = copies_in(two, tag)
    assert sorted(copies) == sorted(image.id for image in sources)
    assert all(len(infos) == 1 and infos[0]["status"] == "active" for infos in copies.values())
    for source in sources:
        assert (
            copies[source.id][0]["os_hash_value"]
            == hashlib.sha512(b"".join(one.download(source))).hexdigest()
        )


def test_cli_sync_plan_table_and_json(one, two, tag, cloud, tmp_path):
    make_images(one, tag, 2)
    env = os_env(cloud, "alice", tmp_path)
    plan = run_cli(["sync", "--from", "RegionOne", "--to", "RegionTwo", "--tag", tag, "--dry-run"], env)
    assert plan.returncode == 0, plan.stderr
    lines = plan.stdout.decode().splitlines()
    assert lines[0].split()[:2] == ["ACTION", "TARGET"] and len(lines) == 3
    assert all(line.startswith("copied") and "would copy" in line for line in lines[1:])
    assert "dry run, nothing changed: 2 copied" in plan.stderr
    assert copies_in(two, tag) == {}
    done = run_cli(["--json", "sync", "--from", "RegionOne", "--to", "RegionTwo", "--tag", tag], env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["copied"] == 2
    bad = run_cli(["sync", "--from", "RegionOne", "--to", "Nowhere", "--tag", tag], env)
    assert bad.returncode == 2 and "'Nowhere' is neither a region of this login" in bad.stderr


def test_selection_is_checked_before_any_request(one, two):
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, [two], {})
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, [two], {"tag": "x"}, parallel=0)
    with pytest.raises(exc.InvalidArgument):
        sync_images(one, [one], {"tag": "x"})


def test_a_change_after_wait_for_import_end_is_not_reverted_by_the_import(one, two, tag):
    # Glance's glance-download flow shows the image active while it still holds
    # it (os_glance_import_task) and then saves the record it had read: a
    # change sent in between could be reverted. After the wait it stays.
    source = make_images(one, tag, 1)[0]
    for _ in range(3):
        created = two.create(tag, img_format="raw", metadata={"tags": [tag]})
        two.import_image(created, "glance-download", remote_region="RegionOne", remote_image_id=source.id)
        image = two.wait_for_import_end(created, interval=0.2)
        assert "os_glance_import_task" not in image.to_dict() and image.status == "active"
        two.update(created, {"protected": True, "os_distro": "debian"})
        again = two.get(created.id).to_dict()
        assert (again["protected"], again["os_distro"]) == (True, "debian")
