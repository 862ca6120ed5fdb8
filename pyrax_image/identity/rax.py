"""RaxIdentity: Rackspace Cloud Identity (v2.0 with API keys).

Logs in with ``RAX-KSKEY:apiKeyCredentials`` (username + API key) or with
``passwordCredentials``; the default URL is Rackspace's, and the account's
default region (``RAX-AUTH:defaultRegion``) is used when none is given.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional, Tuple

from pyrax_image import exceptions as exc
from pyrax_image.identity.catalog import ServiceCatalog
from pyrax_image.identity.keystone import KeystoneIdentity

AUTH_ENDPOINT = "https://identity.api.rackspacecloud.com/v2.0/"


class RaxIdentity(KeystoneIdentity):
    """Logs in to the Rackspace Cloud: ``RaxIdentity("user", api_key="0123abcd")``.

    An ``api_key`` is sent as ``RAX-KSKEY:apiKeyCredentials``; a ``password``
    as ``passwordCredentials``. As in pyrax, a secret given only as
    ``api_key`` that the server refuses is tried once more as a password, and
    the style that worked is kept for re-authentication.
    """

    default_auth_endpoint = AUTH_ENDPOINT
    _default_region = None

    def __init__(self, *args: Any, **kwargs: Any):
        self._creds_style: Optional[str] = None
        kwargs.setdefault("auth_version", "2.0")
        super().__init__(*args, **kwargs)

    def _credential_section(self) -> str:
        return "rackspace_cloud"

    def _set_creds(self, **values: Any) -> None:
        super()._set_creds(**values)
        if "api_key" in values or "password" in values:
            self._creds_style = None

    def _styles(self) -> Tuple[str, ...]:
        if self._creds_style:
            return (self._creds_style,)
        if self._cred("password"):
            return ("password",)
        if self._cred("api_key"):
            return ("apikey", "password")
        return ("token",)

    def _v2_body_for(self, style: str) -> Dict[str, Any]:
        if style == "token":
            return self._v2_body()
        if not self._cred("username"):
            raise exc.InvalidArgument("A username is needed to log in to Rackspace")
        secret = self._cred("password") or self._cred("api_key")
        if style == "apikey":
            auth: Dict[str, Any] = {
                "RAX-KSKEY:apiKeyCredentials": {"username": self._cred("username"), "apiKey": secret}
            }
        else:
            auth = {"passwordCredentials": {"username": self._cred("username"), "password": secret}}
        return {"auth": self._v2_scope(auth)}

    def _login_v2(self, base: str) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        styles = self._styles()
        for number, style in enumerate(styles):
            try:
                response = self._post(base + "/tokens", self._v2_body_for(style))
            except exc.AuthenticationFailed as error:
                if number + 1 < len(styles) and getattr(error, "http_status", None) == 401:
                    continue
                raise
            if style != "token":
                self._creds_style = style
            return self._parse_v2(response)
        raise exc.AuthenticationFailed("No credentials to log in to Rackspace with")  # pragma: no cover
