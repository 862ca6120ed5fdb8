"""Interoperable image import: stage data, then ask Glance to import it.

``glance-direct`` imports what was staged; ``web-download`` fetches a URL;
``copy-image`` copies an active image to more stores; ``glance-download``
copies an image from another region's Glance. Options left as None are not
sent, so the server's defaults apply (``all_stores_must_succeed`` is true).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice
from pyrax_image.client import BaseClient
from pyrax_image.image.uploads import send_image_data
from pyrax_image.transfer.bodies import UploadStream
from pyrax_image.utils import get_id, quote_segment

IMPORT_METHODS = ("glance-direct", "web-download", "copy-image", "glance-download")


def import_body(
    method: str,
    uri: Optional[str] = None,
    stores: Optional[Iterable[str]] = None,
    all_stores: Optional[bool] = None,
    all_stores_must_succeed: Optional[bool] = None,
    remote_region: Optional[str] = None,
    remote_image_id: Optional[str] = None,
    remote_service_interface: Optional[str] = None,
) -> Dict[str, Any]:
    """The JSON body of ``POST /v2/images/{id}/import``, checked locally."""
    check_choice("method", method, IMPORT_METHODS)
    body_method: Dict[str, Any] = {"name": method}
    if method == "web-download":
        if not isinstance(uri, str) or not uri.lower().startswith(("http://", "https://")):
            raise exc.InvalidArgument("web-download needs an http(s) uri, not %r" % (uri,))
        body_method["uri"] = uri
    elif uri is not None:
        raise exc.InvalidArgument("uri is only used by web-download, not %s" % method)
    remote = (remote_region, remote_image_id, remote_service_interface)
    if method == "glance-download":
        if not remote_region or not remote_image_id:
            raise exc.InvalidArgument("glance-download needs remote_region and remote_image_id")
        body_method["glance_region"] = remote_region
        body_method["glance_image_id"] = get_id(remote_image_id)
        if remote_service_interface:
            body_method["glance_service_interface"] = remote_service_interface
    elif any(value is not None for value in remote):
        raise exc.InvalidArgument("remote_* arguments are only used by glance-download")
    body: Dict[str, Any] = {"method": body_method}
    if stores is not None:
        if isinstance(stores, str):
            stores = [stores]
        store_list = list(stores)
        if not store_list or not all(isinstance(store, str) and store for store in store_list):
            raise exc.InvalidArgument("stores must be a non-empty list of store ids")
        body["stores"] = store_list
    for name, value in (("all_stores", all_stores), ("all_stores_must_succeed", all_stores_must_succeed)):
        if value is not None:
            if not isinstance(value, bool):
                raise exc.InvalidArgument("%s must be True, False or None, not %r" % (name, value))
            body[name] = value
    if stores is not None and all_stores:
        raise exc.InvalidArgument("Give stores or all_stores=True, not both")
    if method == "copy-image" and stores is None and not all_stores:
        raise exc.InvalidArgument("copy-image needs stores or all_stores=True")
    return body


def stage(http: BaseClient[Any], img: Any, stream: UploadStream) -> Dict[str, Any]:
    """Stream ``stream`` to ``PUT /images/{id}/stage``; return the digests and
    size of what was sent (to verify the image once imported)."""
    digests = send_image_data(http, img, "stage", stream)
    return {"digests": digests, "size": stream.bytes_sent}


def import_image(http: BaseClient[Any], img: Any, body: Dict[str, Any]) -> None:
    """``POST /images/{id}/import`` with a body from :func:`import_body`."""
    http.method_post("/images/%s/import" % quote_segment(get_id(img)), body=body)


def get_import_info(http: BaseClient[Any]) -> Dict[str, Any]:
    """``GET /info/import``: the import methods this cloud enables."""
    _, body = http.method_get("/info/import")
    return body or {}


def get_stores_info(http: BaseClient[Any]) -> List[Dict[str, Any]]:
    """``GET /info/stores``: the stores (``id``, ``description``, ``default``)."""
    _, body = http.method_get("/info/stores")
    return list((body or {}).get("stores") or [])
