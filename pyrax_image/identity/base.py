"""The seam between clients and identities.

A client asks its identity for three things only: the headers that
authenticate a request (:meth:`BaseIdentity.auth_headers`), the endpoint of a
service (:meth:`BaseIdentity.get_endpoint`) and, after a 401, a fresh token
(:meth:`BaseIdentity.reauthenticate`). Every identity implements them.

Every identity also knows its secrets (:attr:`BaseIdentity.secrets`): each
token it ever held and, for identities that log in, the credentials. They
are scrubbed from its reprs, its errors and its transport's logs.
"""

from __future__ import annotations

from typing import Dict, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_service
from pyrax_image.secrets import SecretValues


class BaseIdentity:
    """What every identity offers; subclasses authenticate for real."""

    tenant_id: Optional[str] = None
    tenant_name: Optional[str] = None
    region: Optional[str] = None
    timeout: Optional[float] = None
    verify_ssl: object = True

    @property
    def secrets(self) -> SecretValues:
        """The secret values this identity knows (tokens, credentials), for scrubbing."""
        found: Optional[SecretValues] = self.__dict__.get("_secrets")
        if found is None:
            found = self.__dict__.setdefault("_secrets", SecretValues())
        return found

    @property
    def token(self) -> Optional[str]:
        """The current token (every token ever set is remembered as a secret)."""
        return self.__dict__.get("_token")

    @token.setter
    def token(self, value: Optional[str]) -> None:
        self.secrets.add(value)
        self.__dict__["_token"] = value

    @property
    def authenticated(self) -> bool:
        """True while the identity holds a token."""
        return self.token is not None

    def authenticate(self) -> None:
        """Obtain a token; identities without credentials have nothing to do."""

    def unauthenticate(self) -> None:
        """Forget the token."""
        self.token = None

    def close(self) -> None:
        """Close the identity's connections to its identity service, if it has any."""

    def reauthenticate(self) -> bool:
        """Replace a rejected token; False when the identity cannot."""
        return False

    def auth_headers(self) -> Dict[str, str]:
        """Headers that authenticate one request (renewing the token if due)."""
        if self.token is None:
            self.authenticate()
        if self.token is None:
            raise exc.NotAuthenticated("The identity has no token; call authenticate() first.")
        return {"X-Auth-Token": self.token}

    def get_endpoint(
        self,
        service_type: str,
        region: Optional[str] = None,
        public: bool = True,
        service_name: Optional[str] = None,
    ) -> str:
        """The public or internal URL of a service in ``region`` (or the
        default one), from the catalog.

        Raises NoEndpointForService / NoEndpointForRegion (naming the regions
        the service is in).
        """
        check_service(service_type, region, public, service_name)
        return self._catalog_endpoint(service_type, region, public, service_name)

    def _catalog_endpoint(
        self, service_type: str, region: Optional[str], public: bool, service_name: Optional[str]
    ) -> str:
        """:meth:`get_endpoint` once its arguments are checked; an identity
        with a service catalog looks it up."""
        raise exc.NoEndpointForService(
            "%s has no service catalog: pass management_url to the client" % type(self).__name__
        )

    def __repr__(self) -> str:
        text = "<%s tenant_id=%s authenticated=%s>" % (
            type(self).__name__,
            self.tenant_id,
            self.authenticated,
        )
        return self.secrets.scrub(text)
