"""The integration suite's second pass: every service reached through a proxy
that closes idle keep-alive connections at random.

With ``PYRAX_IMAGE_VIA_PROXY=1`` the ``cloud`` fixture starts one
:class:`~tests.faultproxy.FaultProxy` with :class:`~tests.faultproxy.Chaos`
per public service origin (Glance noauth, RegionOne, RegionTwo, Keystone,
Swift) and hands the tests a cloud description whose URLs point at them. The
proxies rewrite those origins in JSON replies and URL headers too, so the
endpoints of Keystone's catalog (and version discovery, and Swift's
``X-Storage-Url``) also go through them. Internal endpoints (``localhost``)
and URLs a test writes by hand stay direct; the tests in ``DIRECT_ONLY``
compare output with the real URLs and are left out of the second pass. ``PYRAX_IMAGE_PROXY_SEED`` fixes
the random choices (else one is drawn and reported); ``PYRAX_IMAGE_PROXY_RATE``
sets how often a connection is closed (0.2).
"""

from __future__ import annotations

import copy
import os
import random
import re
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List

from tests.faultproxy import Chaos, FaultProxy

SWITCH = "PYRAX_IMAGE_VIA_PROXY"
SUITE_LIFETIME = 3 * 3600.0  # far longer than the suite; the session stops the proxies anyway

# Tests that compare what they see with the real URLs (written in a guide or
# in the test), or count connections to the real ports: the first pass only.
DIRECT_ONLY = (
    "tests/integration/test_getting_started.py",
    "tests/integration/test_cli_docs.py",
    "tests/integration/test_cli.py::test_debug_shows_redacted_curl_lines",
    "tests/integration/test_cli.py::test_region_and_interface_choose_the_endpoint",
    "tests/integration/test_pyrax_samples.py::test_import_task_gets_to_the_task_request",
    "tests/integration/test_pyrax_samples.py::test_export_task_gets_to_the_task_request",
    # These count the TCP connections this process holds to a service's port;
    # through the proxies, whose chaos closes idle connections at random, the
    # count is the proxies' and not the client's.
    "tests/integration/test_fork_pool_close.py::test_32_threads_share_one_client_without_dropping_connections",
    "tests/integration/test_data.py::test_abandoned_downloads_release_their_threads_and_connections_without_the_collector",
)

# What the last proxied session did, for the terminal summary.
summary: Dict[str, Any] = {}


def enabled() -> bool:
    return os.environ.get(SWITCH, "") not in ("", "0")


def direct_only(nodeid: str) -> bool:
    """True for a test that the second pass leaves out (see DIRECT_ONLY)."""
    return any(nodeid == name or nodeid.startswith(name + "::") for name in DIRECT_ONLY)


def _public_origins(described: Dict[str, Any]) -> List[str]:
    urls = [described["glance_noauth_url"], described["keystone_url"], described["swift_url"]]
    urls += [region["image"] for region in described["regions"].values()]
    return sorted({re.match(r"https?://[^/]+", url).group(0) for url in urls})  # type: ignore[union-attr]


def _rewritten(value: Any, origins: Dict[str, str]) -> Any:
    if isinstance(value, str):
        for real, proxied in origins.items():
            value = re.sub(re.escape(real) + r"(?![0-9])", proxied, value)
        return value
    if isinstance(value, dict):
        return {key: _rewritten(item, origins) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewritten(item, origins) for item in value]
    return value


@contextmanager
def maybe_through_proxies(described: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """``described`` as it is, or (second pass) pointing through chaos proxies."""
    if not enabled():
        yield described
        return
    seed = int(os.environ.get("PYRAX_IMAGE_PROXY_SEED") or random.SystemRandom().randrange(10**6))
    rate = float(os.environ.get("PYRAX_IMAGE_PROXY_RATE") or 0.2)
    origins: Dict[str, str] = {}
    proxies: Dict[str, FaultProxy] = {}
    for offset, origin in enumerate(_public_origins(described)):
        chaos = Chaos(seed + offset, rate)
        proxy = FaultProxy(origin, chaos=chaos, rewrites=origins, lifetime=SUITE_LIFETIME, record=False)
        proxies[origin] = proxy
        origins[origin] = proxy.url  # the proxies share this map: each reply may name any service
    summary.clear()
    summary.update(seed=seed, rate=rate, proxies=proxies)
    try:
        yield _rewritten(copy.deepcopy(described), origins)
    finally:
        for proxy in proxies.values():
            proxy.stop()


def report() -> List[str]:
    """Lines for the terminal summary: what the proxies did."""
    if not summary:
        return []
    lines = ["through fault proxies (seed %d, rate %.2f):" % (summary["seed"], summary["rate"])]
    for origin, proxy in summary["proxies"].items():
        chaos = proxy.chaos
        lines.append(
            "  %s via %s: %d requests on %d connections, %d closed when idle, %d raced"
            % (origin, proxy.url, proxy.count(), proxy.connections, chaos.idle_closes, chaos.races)
        )
    return lines
