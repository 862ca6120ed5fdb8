"""Images on the real Glance: create (with bytes, a path, an open file, or
nothing), properties, update (add/replace/remove, JSON-pointer escaping,
read-only attributes), rename and delete."""

from __future__ import annotations

import hashlib
import os
from typing import Iterator

import pytest

from pyrax_image import Image
from pyrax_image import exceptions as exc
from pyrax_image.image.patch import PATCH_CONTENT_TYPE
from pyrax_image.image.properties import READ_ONLY_ATTRIBUTES, read_only_names
from tests.integration.helpers import Recorder, Scratch, noauth_client, scratch_project

PAYLOAD = os.urandom(300_001)


@pytest.fixture
def scratch(glance_url: str) -> Iterator[Scratch]:
    yield from scratch_project(glance_url)


@pytest.mark.parametrize("kind", ["bytes", "path", "open_file"])
def test_create_uploads_bytes_path_or_open_file(scratch, unique, tmp_path, kind):
    path = tmp_path / "disk.raw"
    path.write_bytes(PAYLOAD)
    handle = open(path, "rb") if kind == "open_file" else None
    source = {"bytes": PAYLOAD, "path": str(path), "open_file": handle}[kind]
    try:
        image = scratch.create(unique, data=source)
    finally:
        if handle is not None:
            handle.close()
    assert isinstance(image, Image)
    for seen in (image, scratch.client.get(image.id)):
        assert seen.status == "active"
        assert seen.size == len(PAYLOAD)
        assert seen.checksum == hashlib.md5(PAYLOAD).hexdigest()
        assert seen.os_hash_algo == "sha512"
        assert seen.os_hash_value == hashlib.sha512(PAYLOAD).hexdigest()
        assert (seen.name, seen.disk_format, seen.container_format) == (unique, "raw", "bare")


def test_create_without_bytes_leaves_the_image_queued(scratch, unique):
    image = scratch.create(unique)
    assert image.loaded and image.status == "queued"
    fresh = scratch.client.get(image)
    assert fresh.status == "queued"
    assert fresh.size is None and fresh.checksum is None
    assert fresh.disk_format == "raw" and fresh.owner == scratch.project


def test_create_defaults_to_vhd_and_honours_properties(scratch, unique):
    plain = scratch.create(unique + "-plain", img_format=None)
    assert (plain.disk_format, plain.container_format, plain.visibility) == ("vhd", "bare", "shared")
    props = {"os_distro": "it-distro", "it_note": "ünïcode & more", "visibility": "private", "min_ram": 256}
    image = scratch.create(unique, img_format="qcow2", img_container_format="ovf", metadata=props)
    fresh = scratch.client.get(image.id)
    for seen in (image, fresh):
        assert (seen.disk_format, seen.container_format) == ("qcow2", "ovf")
        assert seen.os_distro == "it-distro" and seen.it_note == "ünïcode & more"
        assert seen.visibility == "private" and seen.min_ram == 256
    assert [img.id for img in scratch.client.list(it_note="ünïcode & more")] == [image.id]


@pytest.mark.parametrize("name", ["", "   "])
def test_create_with_empty_name_is_refused_and_leaves_nothing(scratch, name):
    with Recorder(scratch.client) as recorder:
        with pytest.raises(exc.MissingName):
            scratch.client.create(name, img_format="raw", data=b"abc")
    assert recorder.calls == []
    assert scratch.client.list_all(owner=scratch.project) == []


def test_update_adds_replaces_and_removes_and_refreshes_the_image(scratch, unique):
    image = scratch.create(unique, metadata={"it_keep": "1", "it_drop": "x"})
    assert image.min_ram == 0
    before = image.updated_at
    updated = scratch.client.update(
        image, {"it_new": "n", "it_keep": "2", "min_ram": 512, "it_drop": None, "it_absent": None}
    )
    assert updated is image  # the Image passed in is refreshed and returned
    fresh = scratch.client.get(image.id).to_dict()
    for seen in (image.to_dict(), fresh):
        assert (seen["it_new"], seen["it_keep"], seen["min_ram"]) == ("n", "2", 512)
        assert "it_drop" not in seen and "it_absent" not in seen
    assert "it_drop" not in image.__dict__
    assert image.updated_at >= before
    # By id: a new Image comes back; add on a property that exists replaces it.
    by_id = scratch.client.update(image.id, {"it_new": "n2", "min_disk": 3})
    assert isinstance(by_id, Image) and by_id is not image
    assert (by_id.it_new, by_id.min_disk, by_id.min_ram) == ("n2", 3, 512)
    # Image.update is the same call.
    assert image.update({"it_keep": None}) is image and "it_keep" not in image.to_dict()
    assert "it_keep" not in scratch.client.get(image.id).to_dict()


def test_update_is_one_patch_given_an_image_or_an_id(scratch, unique):
    # The v2.1 patch media type: add on an existing property replaces it.
    image = scratch.create(unique, metadata={"it_keep": "1", "it_drop": "x"})
    with Recorder(scratch.client) as recorder:
        assert scratch.client.update(image, {"it_keep": "2", "min_ram": 64, "it_new": "n"}) is image
        by_id = scratch.client.update(image.id, {"it_keep": "3", "name": unique + "-r", "it_drop": None})
    assert [(method, status) for method, _, status in recorder.calls] == [("PATCH", 200), ("PATCH", 200)]
    assert (image.it_keep, image.min_ram, image.it_new) == ("2", 64, "n")
    assert isinstance(by_id, Image) and by_id is not image and by_id.loaded
    fresh = scratch.client.get(image.id).to_dict()
    for seen in (by_id.to_dict(), fresh):
        assert (seen["it_keep"], seen["name"], seen["min_ram"], seen["it_new"]) == ("3", unique + "-r", 64, "n")
        assert "it_drop" not in seen


def test_update_by_id_removing_an_absent_property_changes_the_rest(scratch, unique):
    # Glance refuses the whole patch (409) for a missing property: nothing is
    # applied, so the image is read and the patch resent without that removal.
    image = scratch.create(unique, metadata={"it_keep": "1"})
    with Recorder(scratch.client) as recorder:
        updated = scratch.client.update(image.id, {"it_keep": "2", "it_absent": None})
    assert [(method, status) for method, _, status in recorder.calls] == [
        ("PATCH", 409),
        ("GET", 200),
        ("PATCH", 200),
    ]
    assert updated.it_keep == "2" and "it_absent" not in updated.to_dict()
    assert scratch.client.get(image.id).it_keep == "2"
    with Recorder(scratch.client) as recorder:
        assert scratch.client.update(image.id, {"it_absent": None}).it_keep == "2"
    assert [(method, status) for method, _, status in recorder.calls] == [("PATCH", 409), ("GET", 200)]


def test_update_escapes_property_names_as_json_pointers(scratch, unique):
    keys = ["it/a~b", "it~1c", "it~0d/"]
    image = scratch.create(unique)
    scratch.client.update(image, {key: "v%d" % i for i, key in enumerate(keys)})
    stored = scratch.client.get(image.id).to_dict()
    assert [stored.get(key) for key in keys] == ["v0", "v1", "v2"]
    # Escaped wrongly, "it~1c" would have named the property "it/c".
    assert "it/c" not in stored and "it~d/" not in stored
    assert image["it/a~b"] == "v0"
    scratch.client.update(image, {"it/a~b": "w", "it~1c": None})
    stored = scratch.client.get(image.id).to_dict()
    assert stored["it/a~b"] == "w" and "it~1c" not in stored and stored["it~0d/"] == "v2"


def test_change_image_name_and_change_name(scratch, unique):
    image = scratch.create(unique)
    renamed = scratch.client.change_image_name(image, unique + " renamed (ü)")
    assert renamed is image and image.name == unique + " renamed (ü)"
    assert scratch.client.get(image.id).name == unique + " renamed (ü)"
    by_id = scratch.client.change_image_name(image.id, unique + "-2")
    assert by_id.name == unique + "-2"
    image.change_name(unique + "-3")
    assert image.name == unique + "-3" == scratch.client.get(image.id).name
    with pytest.raises(exc.MissingName):
        scratch.client.change_image_name(image, "")
    assert scratch.client.get(image.id).name == unique + "-3"


@pytest.mark.parametrize(
    "attribute",
    ["status", "checksum", "size", "id", "created_at", "os_hash_value", "deleted_at", "os_glance_x"],
)
def test_read_only_attribute_is_refused_without_any_change(scratch, unique, attribute):
    image = scratch.create(unique, data=b"read only")
    before = scratch.client.get(image.id).to_dict()
    with Recorder(scratch.client) as recorder:
        with pytest.raises(exc.ReadOnlyAttribute) as info:
            scratch.client.update(image, {attribute: "x", "it_other": "y"})
    assert attribute in str(info.value)
    assert recorder.calls == []
    assert scratch.client.get(image.id).to_dict() == before


def test_the_read_only_list_is_what_the_running_glance_refuses(scratch, unique):
    """properties.READ_ONLY_ATTRIBUTES holds every attribute Glance's image
    schema marks readOnly, and each other one in it is refused by the server."""
    schema = scratch.client.get_image_schema()["properties"]
    marked = {name for name, spec in schema.items() if spec.get("readOnly")}
    assert marked and marked <= READ_ONLY_ATTRIBUTES
    image = scratch.create(unique)
    uri = "/images/%s" % image.id
    for name in sorted(READ_ONLY_ATTRIBUTES - marked) + ["os_glance_it"]:
        with pytest.raises(exc.Forbidden, match=name):  # the server, past the local check
            scratch.client.method_patch(
                uri,
                body=[{"op": "add", "path": "/" + name, "value": "x"}],
                headers={"Content-Type": PATCH_CONTENT_TYPE},
            )
    assert read_only_names(["os_glance_it", "name", "id"]) == ["id", "os_glance_it"]


def test_get_lazily_loads_an_image_known_by_id(scratch, unique):
    image = scratch.create(unique, metadata={"it_prop": "p"})
    stub = Image(scratch.client._manager, {"id": image.id})
    with Recorder(scratch.client) as recorder:
        assert stub.it_prop == "p" and stub.name == unique
    assert [call[0] for call in recorder.calls] == ["GET"]
    assert stub.loaded and stub == image
    listed = scratch.client.list(name=unique)
    assert listed == [image] and listed[0].reload() is listed[0]


def test_timings_record_each_request(glance_url, scratch, unique):
    client = noauth_client(glance_url, scratch.project, timings=True)
    image = scratch.create(unique, client=client)
    client.reset_timings()
    client.get(image.id)
    client.list(name=unique)
    timings = client.get_timings()
    assert [entry[0].split(" ")[0] for entry in timings] == ["GET", "GET"]
    assert timings[0][0].endswith("/v2/images/" + image.id)
    assert all(start <= end for _, start, end in timings)
    client.reset_timings()
    assert client.get_timings() == []
