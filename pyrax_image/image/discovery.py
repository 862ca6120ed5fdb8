"""The Image API versions a cloud offers (``GET /versions``, ``GET /``) and
the 404s of optional APIs mapped to :class:`~pyrax_image.exceptions.ApiVersionNotSupported`.

Glance lists a version only when the deployment enables what it brought:
2.14-2.16 and 2.18 (the image cache) with ``image_cache_dir``, 2.8-2.13
(stores; also 2.12, an image's tasks) with ``enabled_backends``. Nothing is
asked ahead of a call: the call is made, and only a 404 of the route is
checked against the list (one ``GET /versions``), so a cloud that answers
the route is never refused because of what it lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple, TypeVar

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_flag
from pyrax_image.client import BaseClient
from pyrax_image.manager import BaseManager
from pyrax_image.resource import BaseResource

T = TypeVar("T")

#: The optional APIs of Glance 33 and the version that brought each.
IMAGE_TASKS_VERSION = "2.12"
CACHE_VERSION = "2.14"
STORES_VERSION = "2.10"
STORES_DETAIL_VERSION = "2.15"
LOCATIONS_VERSION = "2.17"


def version_key(version: str) -> Tuple[int, ...]:
    """``"v2.18"`` or ``"2.18"`` as ``(2, 18)`` (``()`` if it is not a version)."""
    digits = version[1:] if version.startswith("v") else version
    try:
        return tuple(int(part) for part in digits.split("."))
    except ValueError:
        return ()


class ApiVersion(BaseResource):
    """One entry of the versions list: ``id`` (``v2.18``), ``status``
    (``CURRENT``, ``SUPPORTED``, ``DEPRECATED``) and ``links``."""

    get_details = False
    listed_complete = True

    @property
    def version(self) -> str:
        """The version without its ``v``: ``"2.18"``."""
        ident = str(self._info.get("id") or "")
        return ident[1:] if ident.startswith("v") else ident

    @property
    def url(self) -> Optional[str]:
        """The ``self`` link: where this version is served."""
        for link in self._info.get("links") or []:
            if isinstance(link, dict) and link.get("rel") == "self" and isinstance(link.get("href"), str):
                return str(link["href"])
        return None


@dataclass(frozen=True)
class ApiSupport:
    """What a cloud's versions list says: every version it lists (newest
    first), the ``CURRENT`` one, and whether the optional APIs are there."""

    versions: Tuple[str, ...]
    current: Optional[str]

    def supports(self, version: str) -> bool:
        """True when the cloud lists ``version`` (``"2.14"`` or ``"v2.14"``)."""
        return version_key(version) in {version_key(listed) for listed in self.versions}

    @property
    def image_tasks(self) -> bool:
        """2.12 listed (Glance lists it only with several stores, yet serves
        an image's tasks anyway: ``list_image_tasks`` never trusts this)."""
        return self.supports(IMAGE_TASKS_VERSION)

    @property
    def cache(self) -> bool:
        """2.14 listed: the image cache API (``image_cache_dir`` is set)."""
        return self.supports(CACHE_VERSION)

    @property
    def stores(self) -> bool:
        """2.10 listed: several stores, deleting an image from one of them."""
        return self.supports(STORES_VERSION)

    @property
    def locations(self) -> bool:
        """2.17 listed: the locations API."""
        return self.supports(LOCATIONS_VERSION)


class VersionsManager(BaseManager[ApiVersion]):
    """The versions document at the service root (no version in the path;
    ``images.versions``)."""

    resource_class = ApiVersion

    def __init__(self, api: Any):
        super().__init__(api, plural_response_key="versions")

    def list(self, root: bool = False) -> List[ApiVersion]:  # type: ignore[override]
        """``GET /versions`` (200), or with ``root`` ``GET /`` (300 Multiple Choices)."""
        check_flag("root", root)
        response, body = self.api.method_get(self.api.service_url("/" if root else "/versions"))
        return [self._make_listed(item) for item in self._unwrap(body, plural=True, response=response)]

    def support(self) -> ApiSupport:
        """The versions listed, as an :class:`ApiSupport`."""
        listed = sorted(self.list(), key=lambda entry: version_key(entry.version), reverse=True)
        current = [entry.version for entry in listed if entry.to_dict().get("status") == "CURRENT"]
        return ApiSupport(tuple(entry.version for entry in listed), current[0] if current else None)


def needing(api: BaseClient[Any], version: str, what: str, call: Callable[[], T]) -> T:
    """``call()``; a 404 becomes :class:`~pyrax_image.exceptions.ApiVersionNotSupported`
    when the cloud does not list ``version`` (``what`` names the API)."""
    try:
        return call()
    except exc.NotFound as error:
        support = VersionsManager(api).support()
        if support.supports(version):
            raise
        raise unsupported(error, version, what, support.versions) from None


def unsupported(
    error: exc.ClientException, version: str, what: str, offered: Tuple[str, ...]
) -> exc.ApiVersionNotSupported:
    """The error of a call to an API (``what``, from ``version``) the cloud lacks."""
    listed = ("it offers %s to %s" % (offered[-1], offered[0])) if offered else "it lists no version"
    missing = exc.ApiVersionNotSupported(
        code=error.code,
        message="This cloud does not offer %s (Image API %s; %s)" % (what, version, listed),
        details=error.message,
        request_id=error.request_id,
        method=error.method,
        url=error.url,
    )
    missing.version = version
    missing.offered = offered
    return missing
