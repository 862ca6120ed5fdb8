"""Error mapping (docs/images.md "Errors"): status classes, request ids and
every error-body format Glance, Keystone and proxies send."""

from __future__ import annotations

import pytest

from pyrax_image import exceptions as exc
from tests.unit.helpers import IMAGE_ID, ITEM, make_client

WEBOB_404 = {
    "message": "The resource could not be found.<br /><br />\n\n\nNo image found with ID x\n\n\n",
    "code": "404 Not Found",
    "title": "Not Found",
}
GLANCE_HTML = (
    "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n"
    "  The resource could not be found.<br /><br />\nNo image found with ID x\n\n\n </body>\n</html>"
)


def fail(client, rsps, status, **kwargs):
    rsps.get(ITEM, status=status, **kwargs)
    with pytest.raises(exc.ClientException) as info:
        client.get(IMAGE_ID)
    return info.value


# -- status -> class ------------------------------------------------------------------
@pytest.mark.parametrize(
    "status, cls",
    [
        (400, exc.BadRequest),
        (401, exc.Unauthorized),
        (403, exc.Forbidden),
        (404, exc.NotFound),
        (405, exc.MethodNotAllowed),
        (409, exc.Conflict),
        (413, exc.OverLimit),
        (415, exc.UnsupportedMediaType),
        (416, exc.RangeNotSatisfiable),
        (429, exc.TooManyRequests),
        (500, exc.InternalServerError),
        (501, exc.HTTPNotImplemented),
        (502, exc.BadGateway),
        (503, exc.ServiceUnavailable),
        (504, exc.GatewayTimeout),
        (507, exc.InternalServerError),
        (418, exc.ClientException),
    ],
)
def test_status_maps_to_class(client, rsps, status, cls):
    error = fail(client, rsps, status, json={"message": "boom", "code": status})
    assert type(error) is cls
    assert (error.code, error.http_status, error.message) == (status, status, "boom")
    assert isinstance(error, exc.PyraxImageException)


def test_5xx_share_a_base_and_everything_one_root():
    for cls in (exc.BadGateway, exc.ServiceUnavailable, exc.GatewayTimeout):
        assert issubclass(cls, exc.InternalServerError)
    for name in exc.__all__:
        obj = getattr(exc, name)
        if isinstance(obj, type):
            assert issubclass(obj, exc.PyraxImageException), name


def test_429_carries_retry_after(client, rsps, delays):
    error = fail(client, rsps, 429, headers={"Retry-After": "600"}, json={"message": "slow down"})
    assert isinstance(error, exc.TooManyRequests) and error.retry_after == 600.0
    assert delays == []  # too long to wait for: raised at once


def test_retry_after_as_http_date(client, rsps):
    error = fail(client, rsps, 413, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert error.retry_after == 0.0


# -- request ids -------------------------------------------------------------------------
def test_request_id_from_openstack_header(client, rsps):
    # pyrax only read x-compute-request-id, which Glance never sends.
    error = fail(client, rsps, 404, json=WEBOB_404, headers={"X-Openstack-Request-Id": "req-os"})
    assert error.request_id == "req-os"


def test_request_id_prefers_openstack_header(client, rsps):
    headers = {"x-openstack-request-id": "req-os", "x-compute-request-id": "req-compute"}
    assert fail(client, rsps, 404, json=WEBOB_404, headers=headers).request_id == "req-os"


def test_request_id_falls_back_to_compute_header(client, rsps):
    error = fail(client, rsps, 404, json=WEBOB_404, headers={"x-compute-request-id": "req-compute"})
    assert error.request_id == "req-compute"


def test_no_request_id(client, rsps):
    assert fail(client, rsps, 401, body="").request_id is None


# -- body formats -----------------------------------------------------------------------------
def test_flat_webob_json_loses_its_html_noise(client, rsps):
    error = fail(client, rsps, 404, json=WEBOB_404)
    assert error.message == "The resource could not be found. No image found with ID x"
    assert "<br" not in str(error)


def test_nested_fault(client, rsps):
    body = {"itemNotFound": {"message": "Image not found.", "code": 404}}
    assert fail(client, rsps, 404, json=body).message == "Image not found."


def test_keystone_style_error(client, rsps):
    body = {"error": {"message": "The request you have made requires authentication.", "code": 401,
                      "title": "Unauthorized"}}
    error = fail(client, rsps, 401, json=body)
    assert isinstance(error, exc.Unauthorized)
    assert error.message == "The request you have made requires authentication."


def test_html_body(client, rsps):
    error = fail(client, rsps, 404, body=GLANCE_HTML, content_type="text/html")
    assert error.message == "The resource could not be found. No image found with ID x"


def test_plain_text_body(client, rsps):
    error = fail(client, rsps, 409, body="Image status transition from active to active is not allowed\n",
                 content_type="text/plain")
    assert isinstance(error, exc.Conflict)
    assert error.message == "Image status transition from active to active is not allowed"


def test_empty_body_uses_the_reason(client, rsps):
    error = fail(client, rsps, 404, body="")
    assert error.message == "Not Found"


def test_json_without_message_keeps_details(client, rsps):
    error = fail(client, rsps, 400, json={"badRequest": "odd"})
    assert error.message == "Bad Request"
    assert error.details == {"badRequest": "odd"}


# -- what the exception says -----------------------------------------------------------------------
def test_str_carries_method_url_request_id_never_token(rsps, delays):
    client = make_client(delays, identity=None)
    client.identity.token = "s3cr3t-T0KEN"
    rsps.delete(ITEM, status=409, json={"message": "in use"}, headers={"x-openstack-request-id": "req-9"})
    with pytest.raises(exc.Conflict) as info:
        client.delete(IMAGE_ID)
    text = str(info.value)
    assert text == "in use (HTTP 409) DELETE %s (Request-ID: req-9)" % ITEM
    assert (info.value.method, info.value.url) == ("DELETE", ITEM)
    assert "s3cr3t-T0KEN" not in text + repr(info.value) + repr(info.value.details)


def test_str_hides_temp_url_signature():
    error = exc.NotFound(404, "gone", method="GET", url="https://s.test/v1/a/c/o?temp_url_sig=abc123&x=1")
    assert "abc123" not in str(error)


def test_pyrax_constructor_signature():
    error = exc.BadRequest(400, "bad", {"field": "x"}, "req-1")
    assert (error.code, error.message, error.details, error.request_id) == (400, "bad", {"field": "x"}, "req-1")
    assert str(error) == "bad (HTTP 400) (Request-ID: req-1)"
    assert exc.NotFound().code == 404 and exc.NotFound().message == "Not found"


def test_from_response_without_method_uses_the_request(client, rsps):
    rsps.get(ITEM, status=404, json=WEBOB_404)
    response = client.session.get(ITEM)
    error = exc.from_response(response)
    assert (error.method, error.url) == ("GET", ITEM)


def test_malformed_json_success_body(client, rsps):
    rsps.get(ITEM, body="{not json", content_type="application/json")
    with pytest.raises(exc.ClientException, match="malformed JSON"):
        client.get(IMAGE_ID)


def test_local_errors_are_value_errors():
    assert issubclass(exc.InvalidImageMemberStatus, ValueError)
    assert issubclass(exc.ReadOnlyAttribute, exc.InvalidArgument)
    assert issubclass(exc.UnsharableImage, exc.Forbidden)


def test_proxy_html_page_keeps_its_heading(client, rsps):
    page = ("<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body>"
            "<center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25</center></body></html>")
    error = fail(client, rsps, 502, body=page, content_type="text/html")
    assert error.message == "502 Bad Gateway"


def test_apache_page_keeps_its_explanation(client, rsps):
    page = ("<!DOCTYPE HTML><html><head><title>503 Service Unavailable</title></head><body>"
            "<h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p>"
            "<hr><address>Apache/2.4 Server at glance Port 80</address></body></html>")
    error = fail(client, rsps, 503, body=page, content_type="text/html")
    assert error.message == "The server is temporarily unable to service your request."
