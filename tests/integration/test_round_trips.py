"""Requests per workflow against the real Glance (docs/performance.md, across a
WAN): each round trip a user sits 10-100 ms from costs that much, so the
workflows send no request they can do without, verification kept."""

from __future__ import annotations

import hashlib
import os
from typing import Any, List, Tuple

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc

DATA = os.urandom(4 * 1024 * 1024 + 7)


def record_requests(client: ImageClient) -> List[Tuple[str, str]]:
    """Every request ``client`` sends from now on, as (method, path)."""
    seen: List[Tuple[str, str]] = []

    def hook(response: Any, *args: Any, **kwargs: Any) -> None:
        seen.append((response.request.method, response.request.path_url.split("?")[0]))

    client.session.hooks["response"].append(hook)
    return seen


def test_create_upload_and_verified_read_back_in_four_requests(alpha, cleanup, unique, tmp_path):
    seen = record_requests(alpha)
    image = alpha.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    alpha.download(image, str(tmp_path / "back.raw"))
    assert (tmp_path / "back.raw").read_bytes() == DATA
    item = "/v2/images/" + image.id
    assert seen == [("POST", "/v2/images"), ("PUT", item + "/file"), ("GET", item), ("GET", item + "/file")]
    assert image.os_hash_value == hashlib.sha512(DATA).hexdigest()


def test_a_held_active_image_is_still_verified_against_its_multihash(alpha, cleanup, unique, tmp_path):
    image = alpha.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    forged = hashlib.sha512(b"other bytes").hexdigest()  # what a forged or mistaken record says
    image.replace_details(dict(image.to_dict(), os_hash_value=forged))
    target = tmp_path / "back.raw"
    try:
        alpha.download(image, str(target))
    except exc.ChecksumMismatch:
        pass
    else:
        raise AssertionError("a download verified against the held multihash must fail here")
    assert not target.exists()


def test_an_image_deleted_since_it_was_held_is_not_found(alpha, unique, tmp_path):
    image = alpha.create(unique, img_format="raw", data=DATA)
    alpha.delete(image.id)
    try:
        alpha.download(image, str(tmp_path / "gone.raw"))
    except exc.NotFound:
        pass
    else:
        raise AssertionError("the data request of a deleted image must raise NotFound")
    assert list(tmp_path.iterdir()) == []


def test_an_id_or_an_image_not_yet_active_is_fetched_first(alpha, cleanup, unique, tmp_path):
    image = alpha.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    seen = record_requests(alpha)
    alpha.download(image.id, str(tmp_path / "by-id.raw"))
    item = "/v2/images/" + image.id
    assert seen == [("GET", item), ("GET", item + "/file")]
    del seen[:]
    image.replace_details(dict(image.to_dict(), status="queued"))  # held from before its upload
    alpha.download(image, str(tmp_path / "held-queued.raw"))
    assert seen == [("GET", item), ("GET", item + "/file")]


def test_a_large_download_on_a_fast_link_stays_one_stream(alpha, cleanup, unique, tmp_path, caplog):
    """By default a large image starts as one stream and, fast on loopback,
    stays the one request (parallel ranges cost requests and a read-back)."""
    image = alpha.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    alpha.parallel_download_size = 1024 * 1024  # DATA counts as large here (default: 64 MiB)
    alpha.parallel_download_warmup = 0  # judged at its second chunk...
    alpha.parallel_download_rate = 1024 * 1024  # ...split only under 1 MiB/s: never on loopback
    try:
        seen = record_requests(alpha)
        with caplog.at_level("DEBUG", logger="pyrax_image.data"):
            done = alpha.download(image, str(tmp_path / "auto.raw"))
        assert seen == [("GET", "/v2/images/%s/file" % image.id)]
        assert done.connections == 1 and done.split_at is None and done.verified_with == "sha512"
        assert "kept as the one stream" in caplog.text  # judged, not merely finished before
        assert (tmp_path / "auto.raw").read_bytes() == DATA
        one = alpha.download(image, str(tmp_path / "one.raw"), connections=1)
        assert one.connections == 1 and (tmp_path / "one.raw").read_bytes() == DATA
        with open(tmp_path / "stream.raw", "wb") as handle:  # cannot be read back: one stream, no error
            assert alpha.download(image, handle).connections == 1
        assert (tmp_path / "stream.raw").read_bytes() == DATA
    finally:
        del alpha.parallel_download_size  # back to the class defaults for the other tests
        del alpha.parallel_download_warmup
        del alpha.parallel_download_rate


def test_an_image_under_the_threshold_is_one_stream(alpha, cleanup, unique, tmp_path):
    image = alpha.create(unique, img_format="raw", data=DATA)
    cleanup.append(image)
    assert len(DATA) < alpha.parallel_download_size
    assert alpha.download(image, str(tmp_path / "small.raw")).connections == 1
