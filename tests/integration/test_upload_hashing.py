"""Upload hashing on the real Glance: only its multihash is computed, and compared."""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any, List

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.transfer import hashing
from tests.integration.helpers import ALPHA, noauth_client

DATA = os.urandom(2 * 1024 * 1024 + 7)


class _Fed:
    """A hash object that notes its name in ``names`` when first fed."""

    def __init__(self, hasher: Any, names: List[str]):
        self.hasher, self.names = hasher, names

    def update(self, chunk: bytes) -> None:
        if self.hasher.name not in self.names:
            self.names.append(self.hasher.name)
        self.hasher.update(chunk)

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()


def test_upload_hashes_the_multihash_glance_reports_and_compares_it(cloud: Any, monkeypatch) -> None:
    client = noauth_client(cloud["glance_noauth_url"], ALPHA)
    fed: List[str] = []
    real_new, real_md5 = hashlib.new, hashlib.md5
    monkeypatch.setattr(hashing.hashlib, "new", lambda name, **kw: _Fed(real_new(name, **kw), fed))
    monkeypatch.setattr(hashing.hashlib, "md5", lambda **kw: _Fed(real_md5(**kw), fed))
    queued = client.create("it-upload-hashing-" + uuid.uuid4().hex[:8], img_format="raw")
    try:
        assert "os_hash_algo" in queued.to_dict() and queued.os_hash_algo is None  # multihash, not yet named
        image = client.upload(queued, DATA)
        assert fed == ["sha512"]  # no MD5: Glance reports its sha512 multihash
        assert (image.os_hash_algo, image.os_hash_value) == ("sha512", hashlib.sha512(DATA).hexdigest())
        assert client.data_service.cloud_hash_algo == "sha512"
    finally:
        client.delete(queued)


def test_a_reported_multihash_that_differs_fails_the_upload(cloud: Any, monkeypatch) -> None:
    client = noauth_client(cloud["glance_noauth_url"], ALPHA)
    real_new = hashlib.new

    def corrupt(name: str, **kw: Any) -> Any:
        hasher = real_new(name, **kw)
        hasher.update(b"x")  # this side's digest now differs from Glance's
        return hasher

    monkeypatch.setattr(hashing.hashlib, "new", corrupt)
    name = "it-upload-hashing-bad-" + uuid.uuid4().hex[:8]
    with pytest.raises(exc.ChecksumMismatch) as caught:
        client.create(name, img_format="raw", data=DATA)
    assert caught.value.algorithm == "sha512"
    assert client.list(name=name) == []  # the unverified image was deleted


def test_a_fresh_client_creating_from_a_path_hashes_sha512_only(cloud: Any, monkeypatch, tmp_path) -> None:
    """The benchmarks' case: a new process's first create(data=path) on a multihash cloud."""
    path = tmp_path / "disk.raw"
    path.write_bytes(DATA)
    client = noauth_client(cloud["glance_noauth_url"], ALPHA)
    fed: List[str] = []
    real_new, real_md5 = hashlib.new, hashlib.md5
    monkeypatch.setattr(hashing.hashlib, "new", lambda name, **kw: _Fed(real_new(name, **kw), fed))
    monkeypatch.setattr(hashing.hashlib, "md5", lambda **kw: _Fed(real_md5(**kw), fed))
    image = client.create("it-upload-path-" + uuid.uuid4().hex[:8], img_format="raw", data=str(path))
    try:
        assert fed == ["sha512"]  # no MD5, nothing hashed twice
        assert (image.status, image.os_hash_value) == ("active", hashlib.sha512(DATA).hexdigest())
    finally:
        client.delete(image)
