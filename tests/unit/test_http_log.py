"""Curl-style debug logging (docs/security.md, "Secrets, by value"): tokens digested,
passwords, keys and temp-URL signatures redacted, image bytes never logged."""

from __future__ import annotations

import logging

import pytest

from pyrax_image import TokenIdentity, http_log
from tests.unit.helpers import IMAGE_ID, ITEM, V2, debug_logging, image_info, make_client

SECRET_TOKEN = "gAAAAA-very-secret-token-value"

scanned = pytest.mark.secrets(SECRET_TOKEN, "hunter2", "k3y-abc", "s3cret")  # tests/secret_scan.py


def secret_client(delays, **kwargs):
    return make_client(delays, identity=TokenIdentity(SECRET_TOKEN, tenant_id="proj"), **kwargs)


@scanned
def test_curl_line_with_token_digest(rsps, delays, caplog):
    debug_logging(caplog)
    client = secret_client(delays)
    rsps.get(ITEM, json=image_info(), headers={"x-openstack-request-id": "req-1"})
    client.get(IMAGE_ID)
    text = caplog.text
    assert "REQ: curl -g -i -X GET %s" % ITEM in text
    assert "X-Auth-Token: " + http_log.digest(SECRET_TOKEN) in text
    assert "RESP: [200]" in text and "req-1" in text
    assert SECRET_TOKEN not in text


def test_http_log_debug_flag_turns_logging_on_for_that_client_only(rsps, delays, caplog, capsys):
    client = secret_client(delays, http_log_debug=True)
    quiet = make_client(delays)
    rsps.get(ITEM, json=image_info())
    rsps.get(V2 + "/images", json={"images": []})
    client.get(IMAGE_ID)
    quiet.list()
    assert "REQ: curl -g -i -X GET %s" % ITEM in caplog.text and "RESP: [200]" in caplog.text
    assert "%s/images'" % V2 not in caplog.text  # the other client stays quiet
    assert SECRET_TOKEN not in caplog.text
    assert client.http_log_debug and not quiet.http_log_debug
    assert not http_log.logger.isEnabledFor(logging.DEBUG)


def test_http_log_debug_writes_to_stderr(rsps, delays, capfd):
    client = secret_client(delays, http_log_debug=True)
    rsps.get(ITEM, json=image_info())
    client.get(IMAGE_ID)
    err = capfd.readouterr().err
    assert "pyrax_image.http: REQ: curl" in err and SECRET_TOKEN not in err


def test_http_log_debug_can_be_switched_later(client, rsps, caplog):
    rsps.get(ITEM, json=image_info())
    client.http_log_debug = True
    client.get(IMAGE_ID)
    client.http_log_debug = False
    assert "REQ: curl" in caplog.text


def test_nothing_logged_by_default(client, rsps, caplog):
    caplog.set_level(logging.INFO)
    rsps.get(ITEM, json=image_info())
    client.get(IMAGE_ID)
    assert "curl" not in caplog.text


@scanned
def test_passwords_and_api_keys_in_json_redacted(client, rsps, caplog):
    debug_logging(caplog)
    rsps.post(V2 + "/tokens", json={"access": {"token": {"id": "issued-token-xyz"}}})
    client.method_post(
        "/tokens",
        body={
            "auth": {
                "passwordCredentials": {"username": "alice", "password": "hunter2"},
                "RAX-KSKEY:apiKeyCredentials": {"username": "alice", "apiKey": "k3y-abc"},
                "identity": {"application_credential": {"id": "ac", "secret": "s3cret"}},
            }
        },
    )
    text = caplog.text
    for secret in ("hunter2", "k3y-abc", "s3cret", "issued-token-xyz"):
        assert secret not in text
    assert "alice" in text and "***" in text


@scanned
def test_secret_response_headers_digested(client, rsps, caplog):
    debug_logging(caplog)
    rsps.post(V2 + "/auth", json={}, headers={"X-Subject-Token": "subject-token-123"})
    client.method_post("/auth", body={})
    assert "subject-token-123" not in caplog.text


@scanned
def test_temp_url_sig_redacted(client, rsps, caplog):
    debug_logging(caplog)
    url = "https://swift.test/v1/AUTH_p/c/o?temp_url_sig=deadbeef42&temp_url_expires=99"
    rsps.get(url, body=b"x", content_type="application/octet-stream")
    client.transport.request("GET", url)
    assert "deadbeef42" not in caplog.text
    assert "temp_url_sig=***" in caplog.text


def test_binary_upload_body_never_logged(client, rsps, caplog):
    debug_logging(caplog)
    rsps.put(ITEM + "/file", status=204)
    client.method_put(
        "/images/%s/file" % IMAGE_ID,
        data=b"BINARY-IMAGE-PAYLOAD",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert "BINARY-IMAGE-PAYLOAD" not in caplog.text
    assert "<binary data: 20 bytes>" in caplog.text


def test_raw_bytes_without_content_type_not_logged(client, rsps, caplog):
    debug_logging(caplog)
    rsps.put(ITEM + "/file", status=204)
    client.method_put("/images/%s/file" % IMAGE_ID, data=b"RAW-IMAGE-PAYLOAD")
    assert "RAW-IMAGE-PAYLOAD" not in caplog.text


def test_streamed_upload_through_create_not_logged(client, rsps, caplog):
    debug_logging(caplog)
    rsps.post(V2 + "/images", status=201, json=image_info())
    rsps.put(ITEM + "/file", status=204)
    rsps.get(ITEM, json=image_info(status="active"))
    client.create("n", data=b"STREAMED-IMAGE-PAYLOAD")
    assert "STREAMED-IMAGE-PAYLOAD" not in caplog.text
    assert "<streamed body>" in caplog.text


def test_binary_download_not_logged(client, rsps, caplog):
    debug_logging(caplog)
    rsps.get(ITEM + "/file", body=b"DOWNLOADED-BYTES", content_type="application/octet-stream")
    client.transport.request("GET", ITEM + "/file")  # read whole, not streamed
    assert "DOWNLOADED-BYTES" not in caplog.text


def test_enable_debug_output_switch(capsys):
    http_log.enable_debug_output(True)
    http_log.logger.debug("switched on")
    assert http_log.logger.isEnabledFor(logging.DEBUG) and "switched on" in capsys.readouterr().err
    http_log.enable_debug_output(False)
    http_log.logger.debug("switched off")
    assert "switched off" not in capsys.readouterr().err


def test_redact_helpers():
    assert http_log.redact_headers({"Authorization": "Bearer x", "Accept": "a"})["Accept"] == "a"
    assert "Bearer" not in http_log.redact_headers({"Authorization": "Bearer x"})["Authorization"]
    assert http_log.redact_json({"token": {"id": "t", "expires": "e"}}) == {
        "token": {"id": "***", "expires": "e"}
    }
    assert http_log.redact_json([{"password": "p"}]) == [{"password": "***"}]
