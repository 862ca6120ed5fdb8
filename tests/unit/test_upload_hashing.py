"""Upload hashing: only the digest the cloud reports is computed, and it is always compared."""

from __future__ import annotations

import hashlib
from typing import Any, List

import pytest
import responses

from pyrax_image import exceptions as exc
from pyrax_image.image.uploads import hashes_to_compute, missing_digest
from pyrax_image.transfer import hashing
from tests.unit.helpers import FILE, IMAGE_ID, ITEM, V2, active_info, image_info, reading_callback

DATA = bytes(range(256)) * 40
QUEUED_MULTIHASH = {"checksum": None, "os_hash_algo": None, "os_hash_value": None}
QUEUED_LEGACY = {"checksum": None}


class _Recorded:
    """A hash object that notes its name in ``names`` when first fed."""

    def __init__(self, hasher: Any, names: List[str]):
        self.hasher, self.names, self.fed = hasher, names, False

    def update(self, chunk: bytes) -> None:
        if not self.fed:
            self.fed = True
            self.names.append(self.hasher.name)
        self.hasher.update(chunk)

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()


@pytest.fixture
def computed(monkeypatch) -> List[str]:
    """The names of the hash objects that were fed data, in order."""
    names: List[str] = []
    real_new, real_md5 = hashlib.new, hashlib.md5

    def new(name: str, *args: Any, **kwargs: Any) -> Any:
        return _Recorded(real_new(name, *args, **kwargs), names)

    def md5(*args: Any, **kwargs: Any) -> Any:
        return _Recorded(real_md5(*args, **kwargs), names)

    monkeypatch.setattr(hashing.hashlib, "new", new)
    monkeypatch.setattr(hashing.hashlib, "md5", md5)
    return names


@pytest.mark.parametrize(
    "info, cloud_algo, can_rehash, expected",
    [
        ({"os_hash_algo": "sha256"}, None, False, ("sha256", False)),
        (QUEUED_MULTIHASH, "sha384", False, ("sha384", False)),
        (QUEUED_MULTIHASH, None, True, ("sha512", False)),
        (QUEUED_MULTIHASH, None, False, ("sha512", True)),
        (QUEUED_LEGACY, None, True, (None, True)),
        ({}, None, True, ("sha512", True)),
        ({"os_hash_algo": "md5"}, None, True, (None, True)),
    ],
)
def test_hashes_to_compute(info, cloud_algo, can_rehash, expected):
    assert hashes_to_compute(info, cloud_algo, "sha512", can_rehash) == expected


def test_missing_digest_names_the_reported_digest_not_computed():
    info = active_info(DATA)
    assert missing_digest(info, {"sha512": "x"}) is None
    assert missing_digest(info, {"md5": "x"}) == "sha512"
    assert missing_digest(dict(info, os_hash_algo=None, os_hash_value=None), {"sha512": "x"}) == "md5"
    assert missing_digest(dict(info, os_hash_algo=None, os_hash_value=None, checksum=None), {}) is None


def _create(client: Any, rsps: responses.RequestsMock, queued: dict, active: dict, source: Any) -> Any:
    rsps.post(V2 + "/images", json=image_info(**queued), status=201)
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active)
    return client.create("n", data=source)


def test_a_multihash_cloud_gets_its_multihash_only_and_it_is_compared(client, rsps, computed):
    image = _create(client, rsps, QUEUED_MULTIHASH, active_info(DATA, checksum="not compared"), DATA)
    assert image.status == "active" and computed == ["sha512"]
    assert client.data_service.cloud_hash_algo == "sha512"
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ChecksumMismatch) as caught:
        _create(client, rsps, QUEUED_MULTIHASH, active_info(DATA, os_hash_value="0" * 128), DATA)
    assert caught.value.algorithm == "sha512"


def test_a_cloud_without_multihash_gets_md5_only(client, rsps, computed):
    legacy = {k: v for k, v in active_info(DATA).items() if not k.startswith("os_hash")}
    _create(client, rsps, QUEUED_LEGACY, legacy, DATA)
    assert computed == ["md5"]
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ChecksumMismatch) as caught:
        _create(client, rsps, QUEUED_LEGACY, dict(legacy, checksum="0" * 32), DATA)
    assert caught.value.algorithm == "md5"


@pytest.mark.parametrize("kind", ["bytes", "path", "file"])
def test_another_reported_algorithm_rehashes_a_source_that_can_be_read_again(
    client, rsps, computed, tmp_path, kind
):
    path = tmp_path / "image.raw"
    path.write_bytes(DATA)
    handle = open(path, "rb")
    source = {"bytes": DATA, "path": str(path), "file": handle}[kind]
    sha256 = hashlib.sha256(DATA).hexdigest()
    try:
        _create(client, rsps, QUEUED_MULTIHASH, active_info(DATA, os_hash_algo="sha256", os_hash_value=sha256), source)
        assert computed == ["sha512", "sha256"]
        assert client.data_service.cloud_hash_algo == "sha256"
        handle.seek(0)
        rsps.delete(ITEM, status=204)
        wrong = active_info(DATA, os_hash_algo="sha256", os_hash_value="0" * 64)
        with pytest.raises(exc.ChecksumMismatch) as caught:
            _create(client, rsps, QUEUED_MULTIHASH, wrong, source)
        assert caught.value.algorithm == "sha256"
        assert computed == ["sha512", "sha256", "sha256"]  # the learned algorithm, once
    finally:
        handle.close()


def test_a_one_shot_source_also_gets_md5_until_the_cloud_names_its_algorithm(client, rsps, computed):
    wrong_md5 = active_info(DATA, os_hash_algo="sha256", os_hash_value="0" * 64, checksum="0" * 32)
    rsps.delete(ITEM, status=204)
    with pytest.raises(exc.ChecksumMismatch) as caught:
        _create(client, rsps, QUEUED_MULTIHASH, wrong_md5, iter([DATA]))
    assert sorted(computed) == ["md5", "sha512"] and caught.value.algorithm == "md5"


def test_without_verify_nothing_is_hashed(client, rsps, computed):
    rsps.add_callback(responses.PUT, FILE, callback=reading_callback([]))
    rsps.get(ITEM, json=active_info(DATA, checksum="0" * 32))
    assert client.upload(IMAGE_ID, DATA, verify=False).status == "active"
    assert computed == []
