"""The credentials of an identity that logs in: kept exactly as given, checked,
and remembered as secrets; its TLS settings and identity URL.

:class:`CredentialIdentity` is the half of
:class:`~pyrax_image.identity.auth.AuthIdentity` that holds what the caller
gave; the other half logs in with it.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Union, overload

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_cert, check_flag, check_path, check_url, check_verify, optional_text
from pyrax_image.http import Transport
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.secrets import SECRET_FIELDS


class Credential:
    """A credential as an attribute of the identity: read as given (the
    project's, ``reported``, as given and then as the server reported it
    at login), set through ``_set_creds`` (checked, remembered as a secret
    when it is one)."""

    def __init__(self, doc: str, reported: bool = False):
        self.__doc__ = doc
        self.reported = reported
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, identity: None, owner: Any = None) -> Credential: ...

    @overload
    def __get__(self, identity: CredentialIdentity, owner: Any = None) -> Optional[str]: ...

    def __get__(self, identity: Optional[CredentialIdentity], owner: Any = None) -> Any:
        if identity is None:
            return self
        return (identity._project if self.reported else identity._creds).get(self.name)

    def __set__(self, identity: CredentialIdentity, value: Optional[str]) -> None:
        identity._set_creds(**{self.name: value})


class CredentialIdentity(BaseIdentity):
    """Credentials, project, identity URL and TLS settings of an identity."""

    default_auth_endpoint: Optional[str] = None
    _creds: Dict[str, Any]
    _project: Dict[str, Optional[str]]  # tenant_id and tenant_name: as given, then as reported
    _auth_endpoint: Optional[str]
    _transport: Transport
    _verify_ssl: Union[bool, str]
    _cert: Union[str, Tuple[str, str], None]

    # -- credentials (kept exactly as given) -----------------------------------------
    def _set_creds(self, **values: Any) -> None:
        unknown = set(values) - set(self._credential_names())
        if unknown:
            raise exc.InvalidArgument(
                "%s does not take %s" % (type(self).__name__, ", ".join(sorted(unknown)))
            )
        for name, value in values.items():
            if name in SECRET_FIELDS:
                self.secrets.add(value)
            optional_text(name, value)
        self._creds.update(values)
        self._project.update((key, values[key]) for key in ("tenant_id", "tenant_name") if key in values)

    @classmethod
    def _credential_names(cls) -> Tuple[str, ...]:
        return ("username", "password", "api_key", "token", "tenant_id", "tenant_name")

    def _cred(self, name: str) -> Any:
        return self._creds.get(name)

    username = Credential("The user name, as given.")
    password = Credential("The password, as given.")
    api_key = Credential("The API key (Rackspace), as given.")
    tenant_id = Credential("The project (tenant) id: as given, then as the server reported it.", True)
    tenant_name = Credential("The project (tenant) name: as given, then as the server reported it.", True)

    @property  # type: ignore[override]
    def verify_ssl(self) -> Union[bool, str]:
        """TLS verification of identity traffic: True, False or a CA bundle path."""
        return self._verify_ssl

    @verify_ssl.setter
    def verify_ssl(self, value: Union[bool, str]) -> None:
        self._verify_ssl = check_verify(value)
        self._transport.session.verify = self._verify_ssl

    @property
    def cert(self) -> Union[str, Tuple[str, str], None]:
        """The TLS client certificate (a PEM path or ``(cert, key)``), also given
        to every client built from the catalog."""
        return self._cert

    @cert.setter
    def cert(self, value: Union[str, Tuple[str, str], None]) -> None:
        self._cert = check_cert(value)
        self._transport.session.cert = self._cert

    @property
    def auth_endpoint(self) -> Optional[str]:
        """The identity service URL given, or the class default."""
        return self._auth_endpoint or self.default_auth_endpoint

    @auth_endpoint.setter
    def auth_endpoint(self, value: Optional[str]) -> None:
        self._set_auth_endpoint(value)

    def _set_auth_endpoint(self, value: Any) -> None:
        """Check and remember the identity URL; its userinfo becomes a secret."""
        self.secrets.add_url(value if isinstance(value, str) else None)
        self._auth_endpoint = None if value is None else check_url("auth_endpoint", value)

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
        optional_text("region", region)
        check_flag("authenticate", authenticate)
        self.unauthenticate()
        domains = {k: v for k, v in self._creds.items() if k.endswith(("_domain_name", "_domain_id"))}
        self._creds = {}
        self._set_creds(
            username=username, password=password, tenant_id=tenant_id, **{**domains, **credentials}
        )
        if "tenant_name" not in credentials:
            self._project["tenant_name"] = None
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

        check_path("credential_file", credential_file)
        optional_text("region", region)
        check_flag("authenticate", authenticate)
        values = read_credential_file(credential_file, self._credential_section())
        endpoint = values.pop("auth_endpoint", None)
        if endpoint:
            self._set_auth_endpoint(endpoint)
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
