"""Service catalog parsing and lookups (recorded v3, v2.0 and Rackspace bodies)."""

from __future__ import annotations

from typing import Any

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.identity.catalog import ServiceCatalog
from pyrax_image.identity.service_types import normalize_service_type
from tests.unit.helpers import recorded


@pytest.fixture
def v3() -> ServiceCatalog:
    return ServiceCatalog.from_v3(recorded("keystone_v3_token.json")["token"]["catalog"])


@pytest.fixture
def rax() -> ServiceCatalog:
    return ServiceCatalog.from_v2(recorded("rax_access.json")["access"]["serviceCatalog"])


def test_v3_catalog_groups_interfaces_by_region(v3: ServiceCatalog) -> None:
    image = v3.services["image"]
    assert image.name == "glance"
    assert image.regions == ["RegionOne", "RegionTwo"]
    assert image.endpoints["RegionTwo"].public_url == "http://127.0.0.1:9294"
    assert image.endpoints["RegionTwo"].internal_url == "http://localhost:9294"
    assert image.endpoints["RegionTwo"].private_url == "http://localhost:9294"
    assert v3.regions == ["RegionOne", "RegionTwo"]


def test_v3_url_for_public_internal_and_region_case(v3: ServiceCatalog) -> None:
    assert v3.url_for("image", "RegionOne") == "http://127.0.0.1:9293"
    assert v3.url_for("image", "regiontwo", public=False) == "http://localhost:9294"
    assert v3.url_for("object-store", "RegionOne").endswith("/v1/AUTH_12b8d377f76d42c1b359558a3c8c23d9")
    assert v3.url_for("object_store", "RegionOne", public=False).startswith("http://localhost:8080/")
    assert v3.url_for("swift", "RegionOne") == v3.url_for("object-store", "RegionOne")


def test_unknown_region_names_the_regions_that_exist(v3: ServiceCatalog) -> None:
    with pytest.raises(exc.NoEndpointForRegion) as caught:
        v3.url_for("image", "RegionThree")
    assert "RegionThree" in str(caught.value)
    assert "RegionOne, RegionTwo" in str(caught.value)
    with pytest.raises(exc.NoEndpointForRegion) as caught:
        v3.url_for("object-store", "RegionTwo")
    assert "its regions are: RegionOne" in str(caught.value)


def test_missing_service_is_no_endpoint_for_service(v3: ServiceCatalog) -> None:
    with pytest.raises(exc.NoEndpointForService) as caught:
        v3.url_for("compute", "RegionOne")
    assert "compute" in str(caught.value)
    assert "image" in str(caught.value) and "object-store" in str(caught.value)
    with pytest.raises(exc.NoEndpointForService):
        v3.url_for("image", "RegionOne", service_name="not-glance")


def test_no_region_prefers_the_default_else_the_first(v3: ServiceCatalog) -> None:
    assert v3.url_for("image", preferred_region="RegionTwo") == "http://127.0.0.1:9294"
    assert v3.url_for("image", preferred_region="Nowhere") == "http://127.0.0.1:9293"
    assert v3.url_for("image") == "http://127.0.0.1:9293"


def test_v2_rackspace_catalog_public_internal_tenant(rax: ServiceCatalog) -> None:
    files = rax.services.object_store
    assert files.name == "cloudFiles"
    dfw = files.endpoints["DFW"]
    assert dfw.public_url == "https://storage101.dfw1.clouddrive.com/v1/MossoCloudFS_aaaa-bbbb"
    assert dfw.internal_url == "https://snet-storage101.dfw1.clouddrive.com/v1/MossoCloudFS_aaaa-bbbb"
    assert dfw.tenant_id == "MossoCloudFS_aaaa-bbbb"
    assert dfw.get("private") == dfw.internal_url and dfw.get("public") == dfw.public_url
    compute = rax.services.compute.endpoints.DFW
    assert compute.extra["versionId"] == "2"
    assert rax.regions == ["DFW", "ORD", "IAD"]


def test_v2_image_has_no_internal_url(rax: ServiceCatalog) -> None:
    assert rax.url_for("image", "ORD") == "https://ord.images.api.rackspacecloud.com/v2"
    with pytest.raises(exc.NoEndpointForService) as caught:
        rax.url_for("image", "ORD", public=False)
    assert "internal" in str(caught.value) and "ORD" in str(caught.value)


def test_global_endpoint_serves_every_region(rax: ServiceCatalog) -> None:
    assert normalize_service_type("rax:dns") == "dns"
    assert rax.services.dns.regions == ["ALL"]
    assert rax.url_for("dns", "SYD") == "https://dns.api.rackspacecloud.com/v1.0/123456"
    assert rax.region_view("ORD").dns.public_url == "https://dns.api.rackspacecloud.com/v1.0/123456"


def test_region_view_keys_services_by_pyrax_names(rax: ServiceCatalog) -> None:
    view = rax.region_view("dfw")
    assert set(view) == {"object_store", "image", "dns", "compute"}
    assert view.image.public_url == "https://dfw.images.api.rackspacecloud.com/v2"
    assert view["cloudfiles"] is view.object_store
    assert view.images is view.image
    with pytest.raises(AttributeError):
        view.volume  # noqa: B018


def test_endpoint_client_uses_catalog_url_public_and_internal(v3: ServiceCatalog) -> None:
    from pyrax_image import TokenIdentity

    class CatalogTokenIdentity(TokenIdentity):
        def get_endpoint(self, service_type: str, region: Any = None, public: bool = True, service_name: Any = None) -> str:
            return v3.url_for(service_type, region, public, service_name)

    identity = CatalogTokenIdentity("tok")
    for service in v3.all_services:
        for endpoint in service.endpoints.values():
            endpoint.identity = identity
    endpoint = v3.services.image.endpoints.RegionTwo
    client = endpoint.client
    assert isinstance(client, ImageClient)
    assert client is endpoint.client  # cached
    assert client.management_url == "http://127.0.0.1:9294"
    assert endpoint.client_private.management_url == "http://localhost:9294"
    assert endpoint.get_new_client() is not client
    assert endpoint.list_all.__self__ is client  # attributes reach the client, as in pyrax
