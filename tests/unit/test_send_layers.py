"""The send loop in layers (issue 17 item 4): renewal, redirects, retries and
the single send each with its own counter; "may this be resent?" answered by
``http_retry.may_resend``; a retry policy object for the transport and the client."""

from __future__ import annotations

from typing import Optional

import pytest
import requests

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.exceptions import BodyCut
from pyrax_image.http import Transport
from pyrax_image.http_retry import RetryPolicy, may_resend
from tests.unit.helpers import IMAGE_ID, ITEM, V2, image_info, make_client

MOVED = V2 + "/moved/" + IMAGE_ID


class RenewingToken(TokenIdentity):
    """A token identity that can renew once (as a password identity would)."""

    def reauthenticate(self) -> bool:
        self.token = "renewed"
        return True


# -- each layer its own counter ----------------------------------------------------------------
def test_a_redirect_starts_a_fresh_retry_budget(rsps, delays):
    rsps.get(ITEM, status=503)
    rsps.get(ITEM, status=307, headers={"Location": MOVED})
    rsps.get(MOVED, status=503)
    rsps.get(MOVED, json=image_info())
    images = make_client(delays, retries=1)
    assert images.get(IMAGE_ID).id == IMAGE_ID
    assert len(rsps.calls) == 4 and len(delays) == 2


def test_a_renewal_starts_a_fresh_retry_budget(rsps, delays):
    rsps.get(ITEM, status=503)
    rsps.get(ITEM, status=401)
    rsps.get(ITEM, status=503)
    rsps.get(ITEM, json=image_info())
    images = make_client(delays, retries=1, identity=RenewingToken("first", tenant_id="p"))
    assert images.get(IMAGE_ID).id == IMAGE_ID
    tokens = [call.request.headers["X-Auth-Token"] for call in rsps.calls]
    assert tokens == ["first", "first", "renewed", "renewed"]


def test_renewal_happens_once_whatever_the_redirects(rsps, delays):
    rsps.get(ITEM, status=401)
    rsps.get(ITEM, status=307, headers={"Location": MOVED})
    rsps.get(MOVED, status=401)
    images = make_client(delays, identity=RenewingToken("first", tenant_id="p"))
    with pytest.raises(exc.Unauthorized):
        images.get(IMAGE_ID)
    assert len(rsps.calls) == 3


def test_the_layers_are_methods():
    for layer in (
        "_send_handling_auth",
        "_send_handling_redirects",
        "_send_handling_retries",
        "_send_single_request",
    ):
        assert callable(getattr(Transport, layer))


# -- "may this be resent?" lives in http_retry ------------------------------------------------------
@pytest.mark.parametrize(
    "method, cause, resend",
    [
        ("POST", requests.exceptions.ConnectTimeout(), True),  # never reached the server
        ("GET", requests.exceptions.ConnectTimeout(), True),
        ("GET", requests.exceptions.ConnectionError(), True),  # a stale keep-alive connection
        ("POST", requests.exceptions.ConnectionError(), False),
        ("GET", requests.exceptions.ChunkedEncodingError(), True),
        ("PUT", BodyCut(OSError("reset")), True),
        ("PATCH", BodyCut(OSError("reset")), False),
        ("GET", requests.exceptions.SSLError(), False),  # a certificate stays wrong
        ("GET", requests.exceptions.ReadTimeout(), False),  # a silent server is not asked twice
        ("GET", requests.exceptions.InvalidHeader(), False),
        ("GET", ValueError("anything else"), False),
    ],
)
def test_may_resend(method, cause, resend):
    assert may_resend(method, cause) is resend


# -- a policy object ------------------------------------------------------------------------------
class NeverAgain(RetryPolicy):
    """A policy whose rules say no resend, ever."""

    def failure_wait(self, *args: object, **kwargs: object) -> Optional[float]:
        return None

    def status_wait(self, *args: object, **kwargs: object) -> Optional[float]:
        return None


def test_the_client_takes_a_policy_object(rsps, delays):
    rsps.get(ITEM, status=503)
    policy = NeverAgain()
    images = make_client(delays, retry_policy=policy)
    assert images.transport.retry_policy is policy
    with pytest.raises(exc.ServiceUnavailable):
        images.get(IMAGE_ID)
    assert len(rsps.calls) == 1 and delays == []


def test_a_policy_with_a_larger_budget(rsps, delays):
    for _ in range(5):
        rsps.get(ITEM, status=502)
    rsps.get(ITEM, json=image_info())
    images = make_client(delays, retry_policy=RetryPolicy(retries=5, backoff=0.1, max_backoff=0.4))
    assert images.get(IMAGE_ID).id == IMAGE_ID
    assert len(delays) == 5 and max(delays) <= 0.4


def test_a_policy_may_resend_what_the_default_would_not(rsps, delays):
    class ResendPosts(RetryPolicy):
        def status_wait(self, method, status, attempt, rewindable, retry_after, deadline_at):
            return 0.0 if status == 503 and attempt < self.retries else None

    rsps.post(V2 + "/images", status=503)
    rsps.post(V2 + "/images", json=image_info(), status=201)
    images = make_client(delays, retry_policy=ResendPosts(retries=1))
    response, body = images.method_post("/images", body={"name": "img"})
    assert response.status_code == 201 and len(rsps.calls) == 2


def test_a_policy_is_checked(delays):
    with pytest.raises(exc.InvalidArgument, match="retry_policy"):
        make_client(delays, retry_policy=3)
    with pytest.raises(exc.InvalidArgument, match="retry_policy"):
        Transport(retry_policy={"retries": 3})  # type: ignore[arg-type]
    with pytest.raises(exc.InvalidArgument, match="retries"):
        RetryPolicy(retries=-1)


def test_the_default_policy_is_built_from_the_old_keywords(delays):
    images = make_client(delays, retries=7)
    assert images.transport.retry_policy.retries == 7 and images.transport.retries == 7
    assert "retries=7" in repr(images.transport.retry_policy)
