"""The one rule of each check, scrubber and parser, seen from every caller
that used to have its own (identities, the transport, the managers)."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest
import responses

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.display import lenient_timestamp
from pyrax_image.identity import KeystoneIdentity
from pyrax_image.identity.auth import parse_expiry
from pyrax_image.replies import parse_timestamp
from pyrax_image.secrets import SecretValues
from tests.unit.helpers import IMAGE_ID, V2, make_client

V3 = "https://keystone.example.com:5000/v3"
SECRET = "pw-9f8e7d6c"


@pytest.mark.parametrize("verify", ["false", "True", "no", "", "/nonexistent/ca.pem", 0])
def test_identity_and_client_refuse_the_same_verify_values(verify: object) -> None:
    """One check_verify: a string that reads as a boolean, or a missing CA path,
    is refused by an identity as by a client (it used to accept any string)."""
    with pytest.raises(exc.InvalidArgument, match="verify_ssl"):
        KeystoneIdentity("alice", SECRET, auth_endpoint=V3, verify_ssl=verify)
    with pytest.raises(exc.InvalidArgument, match="verify_ssl"):
        ImageClient(TokenIdentity("tok-12345"), management_url=V2, verify_ssl=verify)


def test_identity_and_client_refuse_a_missing_client_certificate() -> None:
    with pytest.raises(exc.InvalidArgument, match="no file"):
        KeystoneIdentity("alice", SECRET, auth_endpoint=V3, cert="/nonexistent/client.pem")
    with pytest.raises(exc.InvalidArgument, match="no file"):
        ImageClient(TokenIdentity("tok-12345"), management_url=V2, cert="/nonexistent/client.pem")


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1, True, "5"])
def test_seconds_are_finite_non_negative_numbers_everywhere(value: object) -> None:
    with pytest.raises(exc.InvalidArgument, match="timeout"):
        ImageClient(TokenIdentity("tok-12345"), management_url=V2, timeout=value)
    with pytest.raises(exc.InvalidArgument, match="renewal_margin"):
        KeystoneIdentity("alice", SECRET, auth_endpoint=V3, renewal_margin=value)


@pytest.mark.parametrize("text", ["alpha\x1b[31m", "alpha\n", "al\x00pha", "alpha\t"])
def test_text_with_control_characters_is_refused_for_identities_and_images(
    text: str, client: ImageClient, rsps: responses.RequestsMock
) -> None:
    """A terminal escape or line break is refused in a region as in an image name."""
    with pytest.raises(exc.InvalidArgument, match="control characters"):
        KeystoneIdentity("alice", SECRET, auth_endpoint=V3, region=text)
    with pytest.raises(exc.InvalidArgument, match="control characters"):
        client.update(IMAGE_ID, {"name": text})
    assert len(rsps.calls) == 0


def test_an_identity_accepts_long_text_an_image_name_cannot_be() -> None:
    long_token = "t" * 5000  # PKI tokens run to kilobytes
    assert TokenIdentity(long_token).token == long_token
    with pytest.raises(exc.InvalidArgument, match="255"):
        make_client([]).create("n" * 256)


def test_the_one_scrubber_masks_every_part_of_an_error() -> None:
    secrets = SecretValues([SECRET])
    try:
        raise ValueError("cause quoting " + SECRET)
    except ValueError as cause:
        error = exc.UnsafeRedirect(
            302,
            "refused " + SECRET,
            details={"echo": [SECRET]},
            request_id="req-" + SECRET,
            url="http://u:%s@host/x" % SECRET,
            location="http://host/?k=" + SECRET,
        )
        error.__cause__ = cause
    scrubbed = secrets.scrub_error(error)
    assert scrubbed is error and error.__cause__ is None
    shown = [str(error), repr(error), error.message, error.details, error.request_id, error.url]
    shown += [error.location, error.args, pickle.dumps(error.args)]
    assert all(SECRET not in str(part) for part in shown)
    assert error.request_id == "req-***" and error.location == "http://host/?k=***"


def test_an_identity_error_is_scrubbed_in_its_request_id_too(rsps: responses.RequestsMock) -> None:
    """The identity now calls the same scrubber as the transport: a request id
    echoing the password is masked (it was left as sent)."""
    rsps.post(
        V3 + "/auth/tokens",
        status=500,
        json={"error": {"message": "boom " + SECRET}},
        headers={"X-Openstack-Request-Id": "req-" + SECRET},
    )
    with pytest.raises(exc.ClientException) as info:
        KeystoneIdentity("alice", SECRET, auth_endpoint=V3).authenticate()
    assert SECRET not in str(info.value) and SECRET not in str(info.value.request_id)
    assert SECRET not in repr(info.value.args)


def test_one_timestamp_parser_strict_for_replies_lenient_for_display() -> None:
    given = "2026-11-30T11:00:00+01:00"
    assert (
        parse_timestamp(given) == lenient_timestamp(given) == datetime(2026, 11, 30, 10, tzinfo=timezone.utc)
    )
    assert lenient_timestamp(given).utcoffset() == timedelta(hours=1)  # as sent, for display
    assert parse_expiry(given).tzinfo is timezone.utc  # a token's expiry is compared in UTC
    for bad in ("yesterday", "12", 12, ["2026-11-30"]):
        with pytest.raises(exc.InvalidResponse, match="not a date"):
            parse_timestamp(bad)
        assert lenient_timestamp(bad) is None
