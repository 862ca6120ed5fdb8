"""BaseClient: the façade every service client builds on, as in pyrax.

It owns the identity, the endpoint and one :class:`~pyrax_image.http.Transport`
(hence one ``requests.Session``, reachable as ``client.session``) that all its
managers share. ``method_get``/``method_post``/... return ``(response, body)``.
"""

from __future__ import annotations

import re
import time
from typing import Any, Generic, List, Optional, Protocol, Tuple, TypeVar, Union
from urllib.parse import urlsplit

import requests

from pyrax_image import deadlines, http_log, json_limits
from pyrax_image import exceptions as exc
from pyrax_image.checks import MAX_URL_LENGTH, check_given_texts, check_seconds, check_text, check_url
from pyrax_image.http import DEFAULT_POOL_SIZE, DEFAULT_TIMEOUT, Transport
from pyrax_image.http_body import DEFAULT_MAX_REPLY_BYTES
from pyrax_image.http_retry import RetryPolicy
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.replies import invalid
from pyrax_image.secrets import SECRET_FIELDS, SecretValues
from pyrax_image.transfer.options import DEFAULT_MIN_PROGRESS, MinimumProgress

_VERSION_SUFFIX = re.compile(r"/v\d+(\.\d+)?$")
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


R = TypeVar("R")
C = TypeVar("C", bound="BaseClient[Any]")


class ResourceManager(Protocol[R]):
    """What pyrax's generic verbs of a client ask of its manager (a
    :class:`~pyrax_image.manager.BaseManager` of ``R`` is one)."""

    def list(self, limit: Optional[int] = None, marker: Optional[str] = None) -> List[R]: ...

    def get(self, item: Any) -> R: ...

    def delete(self, item: Any) -> None: ...

    def find(self, **kwargs: Any) -> R: ...

    def findall(self, **kwargs: Any) -> List[R]: ...


class BaseClient(Generic[R]):
    """A client of one service, reached through ``identity``; its generic
    verbs (``list``, ``get``, ``find``...) return ``R``.

    ``management_url`` overrides the catalog endpoint; it may be unversioned
    (``http://host:9292``) or versioned (``https://host/v2``). ``verify_ssl``
    is True, False or a CA bundle path; ``cert`` a client certificate (path or
    ``(cert, key)``); ``timeout`` applies to every read (default 60 s) and
    ``deadline`` to a whole call (default 300 s, see :class:`~pyrax_image.http.Transport`);
    ``max_reply_bytes`` caps every reply read whole (default 32 MiB, decoded);
    ``pool_size`` connections are kept for the threads sharing the client
    (default 32); ``retry_policy`` (a :class:`~pyrax_image.http_retry.RetryPolicy`)
    replaces the one ``retries`` builds. :meth:`close` (or ``with ImageClient(...) as images:``)
    releases its connections and its identity's.
    Secrets (the identity's, the endpoint's userinfo) are shared with the
    identity and scrubbed from every error, log line and repr.
    ``min_progress`` (a :class:`~pyrax_image.transfer.options.MinimumProgress`,
    None for no limit) ends a streamed download that arrives slower than it.
    """

    name = "Base"
    service_type: str = ""
    api_version = "v2"
    _manager: ResourceManager[R]

    def __init__(
        self,
        identity: BaseIdentity,
        region_name: Optional[str] = None,
        endpoint_type: Optional[str] = None,
        management_url: Optional[str] = None,
        service_name: Optional[str] = None,
        timings: bool = False,
        verify_ssl: Union[bool, str] = True,
        http_log_debug: bool = False,
        timeout: Optional[float] = None,
        *,
        cert: Union[str, Tuple[str, str], None] = None,
        user_agent: Optional[str] = None,
        retries: int = 3,
        session: Optional[requests.Session] = None,
        deadline: Optional[float] = None,
        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
        pool_size: int = DEFAULT_POOL_SIZE,
        retry_policy: Optional[RetryPolicy] = None,
    ):
        if not isinstance(identity, BaseIdentity):
            raise exc.InvalidArgument(
                "identity must be an identity (KeystoneIdentity, RaxIdentity, TokenIdentity...), "
                "not %s; for a bare token use TokenIdentity(token, tenant_id=...)" % type(identity).__name__
            )
        self.identity = identity
        self.secrets = _secrets_of(identity)
        self.secrets.add_url(management_url)
        self.region_name = region_name
        self.endpoint_type = endpoint_type
        self.service_name = service_name
        self.verify_ssl = verify_ssl
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        if management_url is not None:
            check_url("management_url", management_url)
        check_given_texts(region_name=region_name, endpoint_type=endpoint_type, service_name=service_name)
        self._management_url = management_url.rstrip("/") if management_url else None
        self._catalog_url: Optional[str] = None
        self.transport = Transport(
            session=session,
            verify=verify_ssl,
            cert=cert,
            timeout=self.timeout,
            user_agent=user_agent,
            retries=retries,
            timings=timings,
            secrets=self.secrets,
            deadline=deadline,
            max_reply_bytes=max_reply_bytes,
            pool_size=pool_size,
            retry_policy=retry_policy,
        )
        self.http_log_debug = http_log_debug
        self.min_progress: Optional[MinimumProgress] = DEFAULT_MIN_PROGRESS
        self._configure_manager()

    def _configure_manager(self) -> None:
        """Create the managers; each service client defines its own."""
        raise NotImplementedError

    # -- connections ---------------------------------------------------------------
    def close(self) -> None:
        """Close this client's connections and its identity's (Keystone's).

        Nothing else changes: a later call opens new connections.
        """
        self.transport.close()
        self.identity.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- session, endpoint, identity -------------------------------------------
    @property
    def http_log_debug(self) -> bool:
        """Log this client's requests curl-style on stderr, whatever the level
        of the ``pyrax_image.http`` logger (which, at DEBUG, logs every client)."""
        return self.transport.log_debug

    @http_log_debug.setter
    def http_log_debug(self, value: bool) -> None:
        self.transport.log_debug = bool(value)
        if value:
            http_log.enable_client_output()

    @property
    def session(self) -> requests.Session:
        """The one ``requests.Session`` all of this client's requests use."""
        return self.transport.session

    @property
    def management_url(self) -> str:
        """The service endpoint: the one given, or the catalog's."""
        if self._management_url:
            return self._management_url
        if self._catalog_url is None:
            if not self.identity.authenticated:
                self.identity.authenticate()
            public = (self.endpoint_type or "public").lower() in ("public", "publicurl")
            url = self.identity.get_endpoint(
                self.service_type, self.region_name, public=public, service_name=self.service_name
            )
            self._catalog_url = url.rstrip("/")
        return self._catalog_url

    @management_url.setter
    def management_url(self, url: Optional[str]) -> None:
        self.secrets.add_url(url)
        self._management_url = url.rstrip("/") if url else None

    @property
    def projectid(self) -> Optional[str]:
        """The project (tenant) id of the identity (logging in first if it is not known yet)."""
        if self.identity.tenant_id is None and not self.identity.authenticated:
            self.identity.authenticate()
        return self.identity.tenant_id

    def authenticate(self) -> None:
        """Authenticate the identity now rather than on the first request."""
        self.identity.authenticate()
        self._catalog_url = None

    def unauthenticate(self) -> None:
        """Forget the token and the endpoint found in the catalog."""
        self.identity.unauthenticate()
        self._catalog_url = None

    # -- URLs -------------------------------------------------------------------
    def _roots(self) -> Tuple[str, str]:
        """``(service_root, versioned_root)`` of the endpoint."""
        url = self.management_url
        match = _VERSION_SUFFIX.search(url)
        if match:
            root = url[: match.start()]
            if match.group(0)[1:].split(".")[0] == self.api_version.split(".")[0]:
                return root, url
            # An old catalog entry such as .../v1: same service, our API version.
            return root, "%s/%s" % (root, self.api_version)
        return url, "%s/%s" % (url, self.api_version)

    def service_url(self, path: str) -> str:
        """The absolute URL of ``path`` at the service root, outside any API
        version (``/versions``, ``/``)."""
        check_text("path", path, MAX_URL_LENGTH)
        if not path.startswith("/"):
            raise exc.InvalidArgument("path must start with '/', not %r" % path[:40])
        return self._roots()[0] + path

    def url_for(self, uri: str) -> str:
        """The absolute URL of ``uri`` (a path below the versioned endpoint)."""
        check_text("uri", uri, MAX_URL_LENGTH, empty=True)
        if urlsplit(uri).scheme:
            return uri
        return self._roots()[1] + ("" if uri.startswith("/") else "/") + uri

    def resolve_link(self, link: str) -> str:
        """The absolute URL of a link the server returned (e.g. ``next``).

        Glance's links are root-relative and include the version
        (``/v2/images?marker=...``); they are joined to the endpoint's service
        root so path prefixes survive, and are never re-quoted. An absolute
        link to another origin (say a proxy's internal host) keeps only its
        path and query: the token is never sent anywhere but the endpoint.
        """
        check_text("link", link, MAX_URL_LENGTH)
        service_root, versioned_root = self._roots()
        root = urlsplit(service_root)
        link_parts = urlsplit(link)
        if link_parts.scheme:
            if (link_parts.scheme, link_parts.netloc) == (root.scheme, root.netloc):
                return link
            link = link_parts.path + ("?" + link_parts.query if link_parts.query else "")
        if re.match(r"^/v\d+(\.\d+)?/", link):
            return service_root + link
        if link.startswith("/"):
            return "%s://%s%s" % (root.scheme, root.netloc, link)
        return "%s/%s" % (versioned_root, link)

    # -- requests ----------------------------------------------------------------
    def request(self, uri: str, method: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """Send a request to ``uri`` and return ``(response, parsed JSON or None)``.

        ``body`` is sent as JSON, ``data`` as is (bytes, a file or an iterator);
        ``headers``, ``params``, ``stream``, ``timeout`` and ``deadline`` pass
        through. A 200/201 reply to GET/POST/PATCH must be JSON, and any reply
        declared JSON must parse: otherwise :class:`~pyrax_image.exceptions.InvalidResponse`.
        ``parse=False`` returns ``(response, None)`` with the body read (under
        the deadline, retried if cut) but not parsed: the caller checks it.
        """
        if not isinstance(method, str) or method.upper() not in HTTP_METHODS:
            raise exc.InvalidArgument("method must be one of %s, not %r" % (", ".join(HTTP_METHODS), method))
        params = kwargs.get("params")
        if params is not None and not isinstance(params, (dict, list, tuple)):
            raise exc.InvalidArgument(
                "params must be a dict or a list of pairs, not %s" % type(params).__name__
            )
        parse = kwargs.pop("parse", True)
        body = kwargs.pop("body", None)
        if body is not None:
            kwargs["json"] = body
        seconds = kwargs.get("deadline")
        limit = (
            check_seconds("deadline", seconds, positive=True)
            if seconds is not None
            else self.transport.deadline
        )
        # The deadline covers the login this call may need (or wait for) too.
        with deadlines.call_deadline(time.monotonic() + limit):
            response = self.transport.request(
                method,
                self.url_for(uri),
                auth_headers=self.identity.auth_headers,
                on_unauthorized=self._on_unauthorized,
                **kwargs,
            )
        if kwargs.get("stream") or not parse:
            return response, None
        return response, _json_body(response, method.upper(), self.secrets)

    def _on_unauthorized(self) -> bool:
        renewed = self.identity.reauthenticate()
        if renewed:
            self._catalog_url = None
        return renewed

    def method_head(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """HEAD ``uri``."""
        return self.request(uri, "HEAD", **kwargs)

    def method_get(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """GET ``uri``."""
        return self.request(uri, "GET", **kwargs)

    def method_post(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """POST to ``uri``."""
        return self.request(uri, "POST", **kwargs)

    def method_put(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """PUT to ``uri``."""
        return self.request(uri, "PUT", **kwargs)

    def method_delete(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """DELETE ``uri``."""
        return self.request(uri, "DELETE", **kwargs)

    def method_patch(self, uri: str, **kwargs: Any) -> Tuple[requests.Response, Any]:
        """PATCH ``uri``."""
        return self.request(uri, "PATCH", **kwargs)

    # -- pyrax's generic verbs ------------------------------------------------------
    def list(self, limit: Optional[int] = None, marker: Optional[str] = None) -> List[R]:
        """One page of resources."""
        return self._manager.list(limit=limit, marker=marker)

    def get(self, item: Any) -> R:
        """The resource with this id."""
        return self._manager.get(item)

    def delete(self, item: Any) -> None:
        """Delete the resource."""
        self._manager.delete(item)

    def find(self, **kw: Any) -> R:
        """The one resource matching ``kw`` (NotFound / NoUniqueMatch otherwise)."""
        return self._manager.find(**kw)

    def findall(self, **kw: Any) -> List[R]:
        """Every resource matching ``kw``, over all pages."""
        return self._manager.findall(**kw)

    # -- timings ----------------------------------------------------------------
    @property
    def timings(self) -> bool:
        """Whether requests are recorded for :meth:`get_timings` (settable at any time)."""
        return self.transport.record_timings

    @timings.setter
    def timings(self, value: bool) -> None:
        self.transport.record_timings = bool(value)

    def get_timings(self) -> List[Tuple[str, float, float]]:
        """``(request, start, end)`` of each request since the last reset."""
        return list(self.transport.timings)

    def reset_timings(self) -> None:
        """Forget the recorded timings."""
        self.transport.timings = []

    def __repr__(self) -> str:
        url = self._management_url or self._catalog_url or "<from catalog>"
        return self.secrets.scrub("<%s %s region=%s>" % (type(self).__name__, url, self.region_name))


def _secrets_of(identity: BaseIdentity) -> SecretValues:
    """The identity's secret registry (shared), with its known secrets in it."""
    secrets = getattr(identity, "secrets", None)
    if not isinstance(secrets, SecretValues):
        secrets = SecretValues()
    for name in SECRET_FIELDS:
        secrets.add(getattr(identity, name, None))
    return secrets


_BODY_REQUIRED = frozenset((200, 201, 203))


def _json_body(response: requests.Response, method: str, secrets: SecretValues) -> Any:
    """The parsed JSON of a reply (None for an empty reply that may be empty)."""
    content_type = response.headers.get("Content-Type", "")
    required = method in ("GET", "POST", "PATCH") and response.status_code in _BODY_REQUIRED
    if not response.content:
        if required:
            raise _invalid(response, method, secrets, "an empty reply where a JSON document was expected")
        return None
    if "json" not in content_type.lower():
        if required:
            raise _invalid(
                response,
                method,
                secrets,
                "a reply of type %r where JSON was expected" % (content_type or "none"),
            )
        return None
    try:
        return json_limits.response_json(response)
    except ValueError as error:  # bad JSON, bad encoding (UnicodeDecodeError) or too deep
        what = json_limits.problem(error, "malformed JSON (or a bad text encoding)")
        raise _invalid(response, method, secrets, what) from None


def _invalid(
    response: requests.Response, method: str, secrets: SecretValues, what: str
) -> exc.InvalidResponse:
    """The shape-check error of ``replies``, scrubbed of the client's secrets."""
    error = invalid(response, "The server sent %s" % what)
    error.method = method
    return secrets.scrub_error(error)
