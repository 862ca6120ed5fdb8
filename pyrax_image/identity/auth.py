"""AuthIdentity: what Keystone and Rackspace identities share.

Holds the credentials exactly as given (re-authentication always uses them,
never names learned from a response), the token and its ``expires`` (a
timezone-aware UTC datetime), and the parsed service catalog. Tokens are
renewed before a request when they expire within ``renewal_margin`` seconds,
and after a 401 once, single-flight when threads share the identity.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Tuple, Union

from dateutil import parser as date_parser

from pyrax_image import exceptions as exc
from pyrax_image import http_log
from pyrax_image.http import DEFAULT_TIMEOUT, Transport
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.identity.catalog import AttrDict, Endpoint, ServiceCatalog, normalize_service_type

DEFAULT_RENEWAL_MARGIN = 60.0
SECRET_FIELDS = ("password", "api_key", "token", "application_credential_secret")


class _NotAuthenticatedAttribute(exc.NotAuthenticated, AttributeError):
    """Raised by ``identity.<service or region>`` before authentication."""


def parse_expiry(value: Optional[str]) -> Optional[datetime]:
    """An API timestamp as a timezone-aware UTC datetime (naive means UTC)."""
    if not value:
        return None
    parsed = date_parser.isoparse(value) if "T" in value else date_parser.parse(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


class AuthIdentity(BaseIdentity):
    """An identity that logs in to an identity service (pyrax's BaseIdentity).

    Constructed as pyrax's was; keyword additions follow ``verify_ssl``.
    """

    default_auth_endpoint: Optional[str] = None
    _default_region: Optional[str] = None

    def __init__(
        self,
        username: Optional[str] = None,
        password: Optional[str] = None,
        tenant_id: Optional[str] = None,
        tenant_name: Optional[str] = None,
        auth_endpoint: Optional[str] = None,
        api_key: Optional[str] = None,
        token: Optional[str] = None,
        credential_file: Optional[str] = None,
        region: Optional[str] = None,
        timeout: Optional[float] = None,
        verify_ssl: Union[bool, str] = True,
        *,
        renewal_margin: float = DEFAULT_RENEWAL_MARGIN,
        cert: Union[str, Tuple[str, str], None] = None,
        user_agent: Optional[str] = None,
        http_log_debug: bool = False,
        **credentials: Any,
    ):
        self._creds: Dict[str, Any] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._catalog: Optional[ServiceCatalog] = None
        self._tenant_id: Optional[str] = None
        self._tenant_name: Optional[str] = None
        self.token = None
        self.expires: Optional[datetime] = None
        self.user: Dict[str, Any] = {}
        self.region = region
        self.interface = "public"
        self.timeout = timeout
        self.renewal_margin = renewal_margin
        self.user_agent = user_agent
        self.http_log_debug = http_log_debug
        self._auth_endpoint = auth_endpoint
        self._transport = Transport(
            verify=verify_ssl,
            cert=cert,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            user_agent=user_agent,
            retries=2,
        )
        self._verify_ssl = verify_ssl
        if http_log_debug:
            http_log.enable_debug_output(True)
        self._set_creds(
            username=username,
            password=password,
            api_key=api_key,
            token=token,
            tenant_id=tenant_id,
            tenant_name=tenant_name,
            **credentials,
        )
        if credential_file:
            self.set_credential_file(credential_file)

    # -- credentials (kept exactly as given) -----------------------------------------
    def _set_creds(self, **values: Any) -> None:
        unknown = set(values) - set(self._credential_names())
        if unknown:
            raise exc.InvalidArgument(
                "%s does not take %s" % (type(self).__name__, ", ".join(sorted(unknown)))
            )
        self._creds.update(values)
        if "tenant_id" in values:
            self._tenant_id = values["tenant_id"]
        if "tenant_name" in values:
            self._tenant_name = values["tenant_name"]

    @classmethod
    def _credential_names(cls) -> Tuple[str, ...]:
        return ("username", "password", "api_key", "token", "tenant_id", "tenant_name")

    def _cred(self, name: str) -> Any:
        return self._creds.get(name)

    username = property(lambda self: self._cred("username"), lambda self, v: self._set_creds(username=v))
    password = property(lambda self: self._cred("password"), lambda self, v: self._set_creds(password=v))
    api_key = property(lambda self: self._cred("api_key"), lambda self, v: self._set_creds(api_key=v))

    @property
    def tenant_id(self) -> Optional[str]:
        """The project (tenant) id: as given, then as the server reported it."""
        return self._tenant_id

    @tenant_id.setter
    def tenant_id(self, value: Optional[str]) -> None:
        self._set_creds(tenant_id=value)

    @property
    def tenant_name(self) -> Optional[str]:
        """The project (tenant) name: as given, then as the server reported it."""
        return self._tenant_name

    @tenant_name.setter
    def tenant_name(self, value: Optional[str]) -> None:
        self._set_creds(tenant_name=value)

    @property  # type: ignore[override]
    def verify_ssl(self) -> Union[bool, str]:
        """TLS verification of identity traffic: True, False or a CA bundle path."""
        return self._verify_ssl

    @verify_ssl.setter
    def verify_ssl(self, value: Union[bool, str]) -> None:
        self._verify_ssl = value
        self._transport.session.verify = value

    @property
    def auth_endpoint(self) -> Optional[str]:
        """The identity service URL given, or the class default."""
        return self._auth_endpoint or self.default_auth_endpoint

    @auth_endpoint.setter
    def auth_endpoint(self, value: Optional[str]) -> None:
        self._auth_endpoint = value

    @property
    def auth_token(self) -> Optional[str]:
        """pyrax's alias of ``token``."""
        return self.token

    def set_credentials(
        self,
        username: Optional[str],
        password: Optional[str] = None,
        region: Optional[str] = None,
        tenant_id: Optional[str] = None,
        authenticate: bool = False,
        **credentials: Any,
    ) -> None:
        """Replace the credentials (pyrax); ``api_key=`` and v3 keywords also work.

        User and project domains already set are kept unless given again.
        """
        self.unauthenticate()
        domains = {k: v for k, v in self._creds.items() if k.endswith(("_domain_name", "_domain_id"))}
        self._creds = {}
        self._set_creds(
            username=username, password=password, tenant_id=tenant_id, **{**domains, **credentials}
        )
        if "tenant_name" not in credentials:
            self._tenant_name = None
        if region:
            self.region = region
        if authenticate:
            self.authenticate()

    def set_credential_file(
        self,
        credential_file: str,
        region: Optional[str] = None,
        tenant_id: Optional[str] = None,
        authenticate: bool = False,
    ) -> None:
        """Read credentials from a pyrax INI credential file (see docs/identity.md)."""
        from pyrax_image.identity.config import read_credential_file

        values = read_credential_file(credential_file, self._credential_section())
        endpoint = values.pop("auth_endpoint", None)
        if endpoint:
            self._auth_endpoint = endpoint
        username = values.pop("username", None)
        password = values.pop("password", None)
        tenant_id = tenant_id or values.pop("tenant_id", None)
        values.pop("tenant_id", None)
        self.set_credentials(username, password, region, tenant_id, False, **values)
        if authenticate:
            self.authenticate()

    def _credential_section(self) -> str:
        return "keystone"

    def auth_with_token(
        self, token: str, tenant_id: Optional[str] = None, tenant_name: Optional[str] = None
    ) -> None:
        """Authenticate with an existing token to get a scoped token and catalog."""
        self.set_credentials(None, token=token, tenant_id=tenant_id, tenant_name=tenant_name)
        self.authenticate()

    # -- token lifecycle ------------------------------------------------------------------
    def authenticate(
        self,
        username: Optional[str] = None,
        password: Optional[str] = None,
        api_key: Optional[str] = None,
        tenant_id: Optional[str] = None,
        connect: bool = False,
    ) -> None:
        """Log in with the stored credentials; arguments given replace stored ones.

        ``connect`` is accepted for pyrax compatibility and has no effect.
        """
        given = (
            ("username", username),
            ("password", password),
            ("api_key", api_key),
            ("tenant_id", tenant_id),
        )
        updates = {name: value for name, value in given if value is not None}
        if updates:
            self._set_creds(**updates)
        with self._lock:
            self._authenticate_locked()

    def _authenticate_locked(self) -> None:
        token, expires, catalog = self._login()
        self.token = token
        self.expires = expires
        self._catalog = catalog

    def _login(self) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        """Send the credentials; return ``(token, expires, catalog)``."""
        raise NotImplementedError

    def _renewable(self) -> bool:
        """True when the credentials can obtain a token with a later expiry."""
        return bool(self._cred("password") or self._cred("api_key"))

    def _can_reauthenticate(self) -> bool:
        return self._renewable() or bool(self._cred("token"))

    def _expiring(self) -> bool:
        if self.expires is None or not self._renewable():
            return False
        margin = timedelta(seconds=self.renewal_margin)
        return datetime.now(timezone.utc) + margin >= self.expires

    def unauthenticate(self) -> None:
        """Forget the token and catalog; the credentials are kept."""
        with self._lock:
            self.token = None
            self.expires = None
            self._catalog = None

    def auth_headers(self) -> Dict[str, str]:
        """The token header, logging in first or renewing a token about to expire."""
        token = self.token
        if token is None or self._expiring():
            with self._lock:
                if self.token is None or self._expiring():
                    self._authenticate_locked()
                token = self.token
        self._local.token = token
        return {"X-Auth-Token": str(token)}

    def reauthenticate(self) -> bool:
        """After a 401: log in again with the original credentials (single-flight).

        A thread whose token was already replaced by another thread just
        retries with the new one. False if there is nothing to log in with.
        Called directly (not after a request), it always logs in again.
        """
        used = getattr(self._local, "token", None)
        with self._lock:
            if used is not None and self.token is not None and self.token != used:
                return True
            if not self._can_reauthenticate():
                return False
            self._authenticate_locked()
            self._local.token = None
            return True

    def get_token(self, force: bool = False) -> Optional[str]:
        """The token, logging in first if there is none (or if ``force``)."""
        if force:
            self.authenticate()
            return self.token
        self.auth_headers()
        return self.token

    # -- catalog --------------------------------------------------------------------------
    @property
    def service_catalog(self) -> ServiceCatalog:
        """The parsed catalog of the current token."""
        if self._catalog is None:
            raise exc.NotAuthenticated("Authenticate before looking at the service catalog")
        return self._catalog

    @property
    def services(self) -> AttrDict:
        """Services by type (``identity.services.image.regions``)."""
        return self._catalog.services if self._catalog is not None else AttrDict()

    @property
    def regions(self) -> List[str]:
        """The regions named in the catalog."""
        return self._catalog.regions if self._catalog is not None else []

    def get_default_region(self) -> Optional[str]:
        """The region to use when none is given: ``region``, else the account's."""
        return self.region or self._default_region

    def get_endpoint(
        self,
        service_type: str,
        region: Optional[str] = None,
        public: bool = True,
        service_name: Optional[str] = None,
    ) -> str:
        """The public or internal URL of a service in ``region`` (or the default one).

        Raises NoEndpointForService / NoEndpointForRegion (naming the regions
        the service is in).
        """
        if self._catalog is None:
            self.authenticate()
        return self.service_catalog.url_for(
            service_type,
            region or self.region,
            public=public,
            service_name=service_name,
            preferred_region=self._default_region,
        )

    def get_client(
        self, service: str, region: Optional[str] = None, public: bool = True, cached: bool = True
    ) -> Any:
        """A client of ``service`` in ``region`` (``get_client("image", "DFW")``)."""
        if self._catalog is None:
            raise exc.NotAuthenticated("You must authenticate before trying to create clients.")
        endpoint: Endpoint = self.service_catalog.endpoint_for(
            service, region or self.region, preferred_region=self._default_region
        )
        return endpoint._get_client(public=public, cached=cached)

    def __getattr__(self, name: str) -> Any:
        """pyrax's context access: ``identity.object_store["DFW"]``, ``identity.DFW.image``."""
        if name.startswith("_"):
            raise AttributeError(name)
        catalog = self.__dict__.get("_catalog")
        if catalog is None:
            raise _NotAuthenticatedAttribute(
                "Authenticate before accessing '%s' (a service or region) on the identity" % name
            )
        service = catalog.services.get(normalize_service_type(name))
        if service is not None:
            return service.endpoints
        view = catalog.region_view(name)
        if view:
            return view
        raise AttributeError(
            "'%s' is neither a service (%s) nor a region (%s) of the catalog"
            % (name, ", ".join(sorted(catalog.services)), ", ".join(catalog.regions))
        )

    def __repr__(self) -> str:
        return "<%s username=%s tenant_id=%s auth_endpoint=%s authenticated=%s>" % (
            type(self).__name__,
            self.username,
            self.tenant_id,
            self.auth_endpoint,
            self.authenticated,
        )

    # -- helpers for subclasses ---------------------------------------------------------------
    def _post(self, url: str, body: Dict[str, Any]) -> Any:
        """POST credentials; 4xx -> AuthenticationFailed with the server's message."""
        try:
            return self._transport.request("POST", url, json=body, retry=False)
        except exc.ClientException as error:
            if error.code is not None and 400 <= error.code < 500:
                failure = exc.AuthenticationFailed(
                    "Authentication failed at %s (HTTP %s): %s" % (url, error.code, error.message)
                )
                failure.http_status = error.code  # type: ignore[attr-defined]
                failure.request_id = error.request_id  # type: ignore[attr-defined]
                raise failure from None
            raise

    def _get(self, url: str) -> Any:
        return self._transport.request("GET", url)
