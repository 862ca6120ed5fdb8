"""RaxIdentity: API-key and password bodies, default URL and region (recorded bodies)."""

from __future__ import annotations

import pytest
import responses

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.identity import RaxIdentity
from tests.unit.helpers import recorded, sent_json

RAX_TOKENS = "https://identity.api.rackspacecloud.com/v2.0/tokens"


def test_api_key_body_default_url_and_default_region(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_access.json"))
    identity = RaxIdentity("rackerjoe", api_key="0123456789abcdef")
    assert identity.auth_endpoint == "https://identity.api.rackspacecloud.com/v2.0/"
    identity.authenticate()
    call = rsps.calls[0]
    assert call.request.url == RAX_TOKENS
    assert call.request.headers["Content-Type"] == "application/json"
    assert sent_json(rsps, 0) == {
        "auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "rackerjoe", "apiKey": "0123456789abcdef"}}
    }
    assert identity.token == "AAD4fakeRaxToken0123456789abcdef"
    assert identity.tenant_id == "123456"
    assert identity.user["default_region"] == "DFW"
    assert identity.get_default_region() == "DFW"
    assert identity.get_endpoint("image") == "https://dfw.images.api.rackspacecloud.com/v2"
    assert identity.get_endpoint("image", "IAD") == "https://iad.images.api.rackspacecloud.com/v2"
    assert identity.get_endpoint("object_store", public=False).startswith("https://snet-storage101.dfw1.")
    assert ImageClient(identity).management_url == "https://dfw.images.api.rackspacecloud.com/v2"


def test_explicit_region_beats_the_default_region(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_access.json"))
    identity = RaxIdentity("rackerjoe", api_key="k", region="ORD")
    identity.authenticate()
    assert ImageClient(identity).management_url == "https://ord.images.api.rackspacecloud.com/v2"
    with pytest.raises(exc.NoEndpointForRegion) as caught:
        identity.get_endpoint("image", "SYD")
    assert "IAD, DFW, ORD" in str(caught.value)


def test_password_body(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_access.json"))
    RaxIdentity("rackerjoe", password="hunter2", tenant_id="123456").authenticate()
    assert sent_json(rsps, 0) == {
        "auth": {"passwordCredentials": {"username": "rackerjoe", "password": "hunter2"}, "tenantId": "123456"}
    }


def test_refused_api_key_is_tried_as_a_password_and_the_style_is_kept(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_unauthorized.json"), status=401)
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_access.json"))
    identity = RaxIdentity("rackerjoe", api_key="actually-a-password")
    identity.authenticate()
    bodies = [sent_json(rsps, index)["auth"] for index in range(len(rsps.calls))]
    assert list(bodies[0]) == ["RAX-KSKEY:apiKeyCredentials"]
    assert bodies[1] == {"passwordCredentials": {"username": "rackerjoe", "password": "actually-a-password"}}
    identity.reauthenticate()
    assert list(sent_json(rsps, 2)["auth"]) == ["passwordCredentials"]


def test_bad_api_key_is_authentication_failed_with_the_servers_message(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_unauthorized.json"), status=401)
    identity = RaxIdentity("rackerjoe", password="nope-nope")
    with pytest.raises(exc.AuthenticationFailed) as caught:
        identity.authenticate()
    assert "Username or api key is invalid." in str(caught.value)
    assert "nope-nope" not in str(caught.value)
    assert len(rsps.calls) == 1


def test_reauthentication_uses_the_original_username(rsps: responses.RequestsMock) -> None:
    body = recorded("rax_access.json")
    body["access"]["user"]["name"] = "123456"  # the server may report another name
    rsps.add(responses.POST, RAX_TOKENS, json=body)
    identity = RaxIdentity("rackerjoe", api_key="k")
    identity.authenticate()
    assert identity.reauthenticate() is True
    usernames = [sent_json(rsps, i)["auth"]["RAX-KSKEY:apiKeyCredentials"]["username"] for i in range(len(rsps.calls))]
    assert usernames == [
        "rackerjoe",
        "rackerjoe",
    ]


def test_global_and_pyrax_style_access(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, RAX_TOKENS, json=recorded("rax_access.json"))
    identity = RaxIdentity("rackerjoe", api_key="k")
    identity.authenticate()
    assert identity.cloudfiles["ORD"].public_url.startswith("https://storage101.ord1.")
    assert identity.DFW.dns.public_url == "https://dns.api.rackspacecloud.com/v1.0/123456"
    assert identity.ORD.image.client.management_url == "https://ord.images.api.rackspacecloud.com/v2"
    with pytest.raises(exc.NoEndpointForService):
        identity.get_client("image", "ORD", public=False)
    with pytest.raises(exc.ServiceNotAvailable):
        identity.get_client("dns", "ORD")
