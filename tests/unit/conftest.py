"""Shared fixtures of the unit suite: clients over ``responses``, no server.

Every test runs inside a ``responses.RequestsMock`` that fails on any request
not registered and on any registered response left unused, so a test that
registers nothing proves that no request was sent. Waits between retries are
recorded in ``delays`` instead of slept.
"""

from __future__ import annotations

from typing import Iterator, List

import pytest
import responses

from pyrax_image import ImageClient, http_log
from tests.unit.helpers import VERSIONED, make_client


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """The mock transport; unmatched requests raise, unused mocks fail the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def delays() -> List[float]:
    """The waits the transport asked for, in order (nothing is slept)."""
    return []


@pytest.fixture
def client(rsps: responses.RequestsMock, delays: List[float]) -> ImageClient:
    """The client of an unversioned endpoint (usual OpenStack catalog)."""
    return make_client(delays)


@pytest.fixture
def vclient(rsps: responses.RequestsMock, delays: List[float]) -> ImageClient:
    """The client of a versioned ``.../v2`` endpoint (Rackspace catalog)."""
    return make_client(delays, VERSIONED)


@pytest.fixture(autouse=True)
def _reset_http_logging() -> Iterator[None]:
    """Undo the module-wide debug switch a test (or http_log_debug) turned on."""
    level = http_log.logger.level
    yield
    http_log.enable_debug_output(False)
    http_log.logger.setLevel(level)
    if http_log._client_handler is not None:  # bound to this test's captured stderr
        http_log.logger.removeHandler(http_log._client_handler)
        http_log._client_handler = None
