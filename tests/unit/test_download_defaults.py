"""How many ranges a download fetches when the caller does not say
(docs/data.md: a large image's one stream is split into ranges when slow)."""

from __future__ import annotations

import io

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.image.destinations import writer_for
from pyrax_image.transfer.options import (
    DEFAULT_PARALLEL_CONNECTIONS,
    DEFAULT_PARALLEL_RATE,
    DEFAULT_PARALLEL_SIZE,
    DEFAULT_PARALLEL_WARMUP,
    TransferOptions,
)


def test_unset_connections_choose_by_size():
    options = TransferOptions(connections=None, parallel_size=100, parallel_connections=3)
    assert [options.connections_for(size) for size in (100, 5000, 99, 0, None)] == [3, 3, 1, 1, 1]


def test_given_connections_are_kept_whatever_the_size():
    assert TransferOptions(connections=1).connections_for(10**12) == 1
    assert TransferOptions(connections=6).connections_for(10) == 6


def test_the_defaults_are_64_mib_and_4_ranges():
    assert (DEFAULT_PARALLEL_SIZE, DEFAULT_PARALLEL_CONNECTIONS) == (64 * 1024 * 1024, 4)
    # a stream is judged a quarter second in, split under 40 MiB/s (docs/data.md)
    assert (DEFAULT_PARALLEL_WARMUP, DEFAULT_PARALLEL_RATE) == (0.25, 40 * 1024 * 1024)
    options = TransferOptions(connections=None)
    assert options.connections_for(DEFAULT_PARALLEL_SIZE) == 4
    assert options.connections_for(DEFAULT_PARALLEL_SIZE - 1) == 1


@pytest.mark.parametrize(
    "changes",
    [{"parallel_connections": 0}, {"parallel_size": -1}, {"parallel_connections": "4"}, {"connections": 0}],
)
def test_bad_settings_are_refused_before_any_request(changes):
    with pytest.raises(exc.InvalidArgument):
        TransferOptions(**changes)


def test_an_unset_count_never_refuses_a_destination():
    assert writer_for(None, None) is None  # an iterator of chunks: one stream
    assert writer_for(io.BytesIO(), None).at_offsets  # type: ignore[union-attr]
    write_only = open("/dev/null", "wb")
    try:
        assert not writer_for(write_only, None).at_offsets  # type: ignore[union-attr]
    finally:
        write_only.close()
