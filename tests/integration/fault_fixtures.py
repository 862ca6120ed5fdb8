"""Fixtures of the fault-injection tests: proxies in front of the real
Glance (noauth and RegionOne) and Swift, clients that go through them, images
to read, and :func:`raised`, which checks an error's class and that no secret
is in its text."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Iterator, List

import pytest

from pyrax_image import ImageClient, TokenIdentity
from tests.faultproxy import FaultProxy
from tests.integration import proxied_cloud
from tests.integration.helpers import ALPHA, delete_quietly, noauth_client

MIB = 1024 * 1024
DATA = os.urandom(2 * MIB + 4321)
IMAGE_PATH = r"^/v2/images/%s$"
COLLECTION = r"^/v2/images(\?|$)"


@pytest.fixture
def proxies() -> Iterator[Callable[..., FaultProxy]]:
    """``proxies(upstream_url)`` starts a proxy; all are stopped after the test."""
    started: List[FaultProxy] = []

    def start(upstream: str) -> FaultProxy:
        proxy = FaultProxy(upstream, lifetime=300)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


@pytest.fixture
def glance(proxies: Callable[..., FaultProxy], glance_url: str) -> FaultProxy:
    """A proxy in front of the header-trusting Glance."""
    return proxies(glance_url)


@pytest.fixture
def via(glance: FaultProxy) -> ImageClient:
    """Project alpha's client, talking to Glance through ``glance``."""
    return noauth_client(glance.url, ALPHA)


@pytest.fixture
def region_one(proxies: Callable[..., FaultProxy], cloud: Dict[str, Any]) -> FaultProxy:
    """A proxy in front of the Keystone-backed Glance (RegionOne)."""
    return proxies(cloud["regions"]["RegionOne"]["image"])


@pytest.fixture
def swift(proxies: Callable[..., FaultProxy], cloud: Dict[str, Any]) -> FaultProxy:
    return proxies(cloud["swift_url"])


@pytest.fixture
def token_via(
    region_one: FaultProxy, swift: FaultProxy, alice_login: Dict[str, str]
) -> Callable[..., ImageClient]:
    """``token_via(**kwargs)``: alice's client (a real Keystone token) of
    RegionOne and Swift, both through their proxies."""

    def build(**kwargs: Any) -> ImageClient:
        identity = TokenIdentity(alice_login["token"], tenant_id=alice_login["project_id"])
        client = ImageClient(identity, management_url=region_one.url, **kwargs)
        client.object_storage_url = "%s/v1/AUTH_%s" % (swift.url, alice_login["project_id"])
        return client

    return build


@pytest.fixture(scope="module")
def fault_image(cloud: Dict[str, Any]) -> Iterator[Any]:
    """One active image holding DATA (created directly), shared by the read tests."""
    client = noauth_client(cloud["glance_noauth_url"], ALPHA)
    image = client.create("it-faults-shared", img_format="raw", data=DATA)
    yield image
    delete_quietly(client, image)


@pytest.fixture(scope="module")
def ks_fault_image(cloud: Dict[str, Any], alice_login: Dict[str, str]) -> Iterator[Any]:
    """An active image of alice on RegionOne (created directly)."""
    identity = TokenIdentity(alice_login["token"], tenant_id=alice_login["project_id"])
    client = ImageClient(identity, management_url=cloud["regions"]["RegionOne"]["image"])
    image = client.create("it-faults-ks", img_format="raw", data=DATA[:70_000])
    yield image
    delete_quietly(client, image)


def raised(error_class: type, call: Callable[[], Any], *secrets: str) -> Any:
    """Run ``call``, which must raise ``error_class`` with none of ``secrets``
    in its text, repr or arguments; return the exception."""
    with pytest.raises(error_class) as caught:
        call()
    error = caught.value
    for secret in secrets:
        assert secret not in str(error) and secret not in repr(error)
        assert all(secret not in str(arg) for arg in error.args)
    return error


def names_now(client: ImageClient, name: str) -> List[str]:
    return [image.id for image in client.list_all(name=name)]


def pytest_collection_modifyitems(config: Any, items: List[Any]) -> None:
    """The second pass leaves out the tests that expect the real URLs."""
    if not proxied_cloud.enabled():
        return
    left_out = [item for item in items if proxied_cloud.direct_only(item.nodeid)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """After a second pass, say what the proxies did."""
    for line in proxied_cloud.report():
        terminalreporter.write_line(line)
