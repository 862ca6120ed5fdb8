"""AuthIdentity: what Keystone and Rackspace identities share.

Holds the credentials exactly as given (re-authentication always uses them,
never names learned from a response), the token and its ``expires`` (a
timezone-aware UTC datetime), and the parsed service catalog. Tokens are
renewed before a request when they expire within ``renewal_margin`` seconds
(at most half their life), judged on their lifetime as issued
(``issued_at`` to ``expires_at``, both the server's clock) counted from when
they arrived, so a skewed local clock cannot force a login per call; and
after a 401 once. Logins are single-flight when threads share the identity,
a failure shared by every thread that waited for it
(:mod:`~pyrax_image.identity.single_flight`). Every credential and token is remembered in :attr:`secrets` and
scrubbed from the identity's reprs, errors and transport logs.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from pyrax_image import exceptions as exc
from pyrax_image import forks, http_log
from pyrax_image.checks import (
    check_cert,
    check_flag,
    check_seconds,
    check_service,
    check_verify,
    optional_text,
)
from pyrax_image.http import DEFAULT_TIMEOUT, Transport
from pyrax_image.identity.catalog import AttrDict, Endpoint, Service, ServiceCatalog
from pyrax_image.identity.credentials import CredentialIdentity
from pyrax_image.identity.service_types import normalize_service_type
from pyrax_image.identity.single_flight import SingleFlight
from pyrax_image.replies import parse_timestamp
from pyrax_image.secrets import without_userinfo

if TYPE_CHECKING:  # a runtime import would be a cycle: pyrax_image.client imports identity
    from pyrax_image.client import BaseClient

DEFAULT_RENEWAL_MARGIN = 60.0


def parse_expiry(value: Any, response: Any = None) -> Optional[datetime]:
    """A token's expiry as a timezone-aware UTC datetime (naive means UTC);
    InvalidResponse if it is not a date."""
    expires = parse_timestamp(value, "The token's expiry", response)
    return expires.astimezone(timezone.utc) if expires is not None else None


def parse_issued(value: Any) -> Optional[datetime]:
    """When a token was issued (``issued_at``), or None if absent or not a date:
    only renewal uses it, and without it the expiry alone is used."""
    try:
        return parse_timestamp(value, "The token's issued_at")
    except exc.InvalidResponse:
        return None


def token_lifetime(expires: Optional[datetime], issued: Optional[datetime]) -> Optional[float]:
    """Seconds a token lives from its arrival: ``expires - issued`` (one clock,
    the server's); without ``issued``, what the local clock says is left. None
    for no expiry, or a token expired on arrival by the local clock (the clock
    is wrong: it is then renewed after a 401 only)."""
    if expires is None:
        return None
    if issued is not None and issued < expires:
        return (expires - issued).total_seconds()
    left = (expires - datetime.now(timezone.utc)).total_seconds()
    return left if left > 0 else None


class AuthIdentity(CredentialIdentity):
    """An identity that logs in to an identity service (pyrax's BaseIdentity).

    Constructed as pyrax's was; keyword additions follow ``verify_ssl``.
    """

    _default_region: Optional[str] = None
    _clock = staticmethod(time.monotonic)  # the renewal clock (a test ages a token by replacing it)

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
        self._logins_flight = SingleFlight()
        self._local = threading.local()
        forks.renew_in_child(self)
        self._issued_at: Optional[datetime] = None  # set by _login when the server says
        self._lifetime: Optional[float] = None
        self._received_at = 0.0
        self._logins = 0  # completed logins, so concurrent first uses share one
        self._catalog: Optional[ServiceCatalog] = None
        self._project = {}
        self.token = None
        self.expires: Optional[datetime] = None
        self.user: Dict[str, Any] = {}
        self.region = optional_text("region", region)
        self.interface = "public"
        self.timeout = None if timeout is None else check_seconds("timeout", timeout, positive=True)
        self.renewal_margin = check_seconds("renewal_margin", renewal_margin)
        self.user_agent = optional_text("user_agent", user_agent)
        self.http_log_debug = http_log_debug
        self.auth_endpoint = auth_endpoint
        self._transport = Transport(
            verify=check_verify(verify_ssl),
            cert=check_cert(cert),
            timeout=self.timeout if self.timeout is not None else DEFAULT_TIMEOUT,
            user_agent=user_agent,
            retries=2,
            secrets=self.secrets,  # scrubs Keystone's replies from logs and errors
        )
        self._verify_ssl = verify_ssl
        self._cert = self._transport.session.cert
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

    def close(self) -> None:
        """Close the connections to the identity service (a later login opens new ones)."""
        self._transport.close()

    def _after_fork(self) -> None:
        """In a forked child: fresh locks (a parent thread may have held one at the fork)."""
        self._logins_flight = SingleFlight()
        self._local = threading.local()

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
        check_flag("connect", connect)
        given = (
            ("username", username),
            ("password", password),
            ("api_key", api_key),
            ("tenant_id", tenant_id),
        )
        updates = {name: value for name, value in given if value is not None}
        if updates:
            self._set_creds(**updates)
        # A thread that saw no token and calls authenticate() (as clients do on
        # first use) joins a login another thread completed in between.
        seen = getattr(self._local, "unauthenticated_at", None)
        self._local.unauthenticated_at = None
        logins_before = self._logins if seen is None else min(seen, self._logins)

        def needed() -> bool:  # not if another thread logged in with these credentials meanwhile
            return bool(updates) or self._logins == logins_before or self.token is None

        self._logins_flight.run(needed, self._log_in, own=bool(updates))

    @property
    def authenticated(self) -> bool:
        """True while the identity holds a token."""
        if self.token is None:
            self._local.unauthenticated_at = self._logins
            return False
        return True

    def _ensure_authenticated(self) -> None:
        """Log in unless a token and catalog are held (single-flight)."""
        if self.token is not None and self._catalog is not None:
            return
        self._logins_flight.run(lambda: self.token is None or self._catalog is None, self._log_in)

    def _log_in(self) -> None:
        """Log in now (the single flight's login) and keep the token, its life and the catalog."""
        self._issued_at = None
        try:
            token, expires, catalog = self._login()
        except exc.PyraxImageException as error:
            raise self.secrets.scrub_error(error) from None
        lifetime = token_lifetime(expires, self._issued_at)
        with self._logins_flight.lock:
            self.token = token
            self.expires = expires
            self._catalog = catalog
            self._lifetime = lifetime
            self._received_at = self._clock()
            self._logins += 1

    def _login(self) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        """Send the credentials; return ``(token, expires, catalog)``."""
        raise NotImplementedError

    def _renewable(self) -> bool:
        """True when the credentials can obtain a token with a later expiry."""
        return bool(self._cred("password") or self._cred("api_key"))

    def _can_reauthenticate(self) -> bool:
        return self._renewable() or bool(self._cred("token"))

    def _expiring(self) -> bool:
        """True when the token is within ``renewal_margin`` (at most half its
        life) of its end, counted on the monotonic clock from its arrival."""
        lifetime = self._lifetime
        if lifetime is None or not self._renewable():
            return False
        margin = min(self.renewal_margin, lifetime / 2)
        return self._clock() >= self._received_at + lifetime - margin

    def unauthenticate(self) -> None:
        """Forget the token and catalog; the credentials are kept."""
        with self._logins_flight.lock:
            self.token = None
            self.expires = None
            self._catalog = None
            self._lifetime = None

    def auth_headers(self) -> Dict[str, str]:
        """The token header, logging in first or renewing a token about to expire."""
        token = self.token
        if token is None or self._expiring():
            self._logins_flight.run(lambda: self.token is None or self._expiring(), self._log_in)
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
        if used is not None and self.token is not None and self.token != used:
            return True
        if not self._can_reauthenticate():
            return False

        def needed() -> bool:  # not if another thread already replaced the refused token
            return used is None or self.token is None or self.token == used

        self._logins_flight.run(needed, self._log_in)
        self._local.token = None
        return True

    def get_token(self, force: bool = False) -> Optional[str]:
        """The token, logging in first if there is none (or if ``force``)."""
        if check_flag("force", force):
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
    def services(self) -> AttrDict[Service]:
        """Services by type (``identity.services.image.regions``)."""
        return self._catalog.services if self._catalog is not None else AttrDict()

    @property
    def regions(self) -> List[str]:
        """The regions named in the catalog."""
        return self._catalog.regions if self._catalog is not None else []

    def get_default_region(self) -> Optional[str]:
        """The region to use when none is given: ``region``, else the account's."""
        return self.region or self._default_region

    def _catalog_endpoint(
        self, service_type: str, region: Optional[str], public: bool, service_name: Optional[str]
    ) -> str:
        """The endpoint from the catalog of the token (logging in first if needed)."""
        self._ensure_authenticated()
        return self.service_catalog.url_for(
            service_type,
            region or self.region,
            public=public,
            service_name=service_name,
            preferred_region=self._default_region,
        )

    def get_client(
        self, service: str, region: Optional[str] = None, public: bool = True, cached: bool = True
    ) -> BaseClient[Any]:
        """A client of ``service`` in ``region`` (``get_client("image", "DFW")``)."""
        check_service(service, region, public)
        check_flag("cached", cached)
        if self._catalog is None:
            raise exc.NotAuthenticated("You must authenticate before trying to create clients.")
        endpoint: Endpoint = self.service_catalog.endpoint_for(
            service, region or self.region, preferred_region=self._default_region
        )
        return endpoint.get_client(public=public, cached=cached)

    def __getattr__(self, name: str) -> Any:
        """pyrax's context access: ``identity.object_store["DFW"]``, ``identity.DFW.image``."""
        if name.startswith("_"):
            raise AttributeError(name)
        catalog = self.__dict__.get("_catalog")
        if catalog is None:
            raise exc.NotAuthenticatedAttribute(
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
        text = "<%s username=%s tenant_id=%s auth_endpoint=%s authenticated=%s>" % (
            type(self).__name__,
            self.username,
            self.tenant_id,
            without_userinfo(self.auth_endpoint),
            self.authenticated,
        )
        return self.secrets.scrub(text)

    # -- helpers for subclasses ---------------------------------------------------------------
    def _post(self, url: str, body: Dict[str, Any]) -> Any:
        """POST credentials; 4xx -> AuthenticationFailed with the server's message
        (secrets scrubbed)."""
        try:
            return self._transport.request("POST", url, json=body, retry=False)
        except exc.ClientException as error:
            if error.code is not None and 400 <= error.code < 500:
                raise exc.AuthenticationFailed(
                    self.secrets.scrub(
                        "Authentication failed at %s (HTTP %s): %s"
                        % (without_userinfo(url), error.code, error.message)
                    ),
                    http_status=error.code,
                    request_id=error.request_id,
                ) from None
            raise

    def _get(self, url: str) -> Any:
        return self._transport.request("GET", url)
