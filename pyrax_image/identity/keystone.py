"""KeystoneIdentity: OpenStack Identity v3 and v2.0.

v3 logs in with a password (user and project by name or id, with domains),
a token, or an application credential; v2.0 with a password or a token. The
version comes from the auth URL (``.../v3``, ``.../v2.0``) or, when the URL
is the unversioned root, from the server's version discovery document.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from pyrax_image import exceptions as exc
from pyrax_image import json_limits
from pyrax_image.identity.auth import AuthIdentity, parse_expiry, parse_issued
from pyrax_image.identity.catalog import ServiceCatalog
from pyrax_image.identity.config import KEYSTONE_V3_CREDENTIALS, options_from_clouds_yaml, options_from_env
from pyrax_image.replies import expect_object, invalid, json_document, kind_of, optional_text

_VERSIONED = re.compile(r"/v(\d+)(?:\.(\d+))?$")
_TOKEN_PATH = re.compile(r"(/auth)?/tokens/?$")
DEFAULT_DOMAIN_ID = "default"


def _normalize_version(version: Optional[str]) -> Optional[str]:
    if not version:
        return None
    text = str(version).lower().lstrip("v")
    if text.startswith("3"):
        return "v3"
    if text.startswith("2"):
        return "v2.0"
    raise exc.InvalidArgument("auth_version must be '3' or '2.0', not %r" % version)


class KeystoneIdentity(AuthIdentity):
    """Logs in to OpenStack Keystone.

    ``KeystoneIdentity("alice", "secret", tenant_name="alpha",
    auth_endpoint="https://keystone.example.com:5000/v3")``; v3 keywords:
    ``user_id``, ``user_domain_name``/``user_domain_id``,
    ``project_domain_name``/``project_domain_id``,
    ``application_credential_id``/``_name``/``_secret``; ``auth_version``
    forces "3" or "2.0". Names without a domain are in the ``default`` domain.
    """

    _default_region: Optional[str] = "RegionOne"

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
        user_id: Optional[str] = None,
        user_domain_name: Optional[str] = None,
        user_domain_id: Optional[str] = None,
        project_domain_name: Optional[str] = None,
        project_domain_id: Optional[str] = None,
        application_credential_id: Optional[str] = None,
        application_credential_name: Optional[str] = None,
        application_credential_secret: Optional[str] = None,
        auth_version: Optional[str] = None,
        **options: Any,
    ):
        self._auth_version = _normalize_version(auth_version)
        self.identity_version: Optional[str] = None
        self._auth_base: Optional[str] = None
        extra = {
            "user_id": user_id,
            "user_domain_name": user_domain_name,
            "user_domain_id": user_domain_id,
            "project_domain_name": project_domain_name,
            "project_domain_id": project_domain_id,
            "application_credential_id": application_credential_id,
            "application_credential_name": application_credential_name,
            "application_credential_secret": application_credential_secret,
        }
        super().__init__(
            username,
            password,
            tenant_id,
            tenant_name,
            auth_endpoint,
            api_key,
            token,
            credential_file,
            region,
            timeout,
            verify_ssl,
            **options,
            **{k: v for k, v in extra.items() if v is not None},  # type: ignore[arg-type]
        )

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> KeystoneIdentity:
        """An identity from the ``OS_*`` environment variables (OS_AUTH_URL, OS_USERNAME...)."""
        return cls._from_options({**options_from_env(environ), **overrides})

    @classmethod
    def from_cloud(
        cls, cloud: Optional[str] = None, clouds_file: Optional[str] = None, **overrides: Any
    ) -> KeystoneIdentity:
        """An identity for one cloud of ``clouds.yaml`` (needs PyYAML)."""
        return cls._from_options({**options_from_clouds_yaml(cloud, clouds_file), **overrides})

    @classmethod
    def _from_options(cls, options: Dict[str, Any]) -> KeystoneIdentity:
        interface = options.pop("interface", None)
        identity = cls(**options)
        if interface:
            identity.interface = str(interface).lower().replace("url", "")
        return identity

    @classmethod
    def _credential_names(cls) -> Tuple[str, ...]:
        return AuthIdentity._credential_names() + KEYSTONE_V3_CREDENTIALS

    def _set_auth_endpoint(self, value: Any) -> None:
        """As for any identity; the API version is found again at the new URL."""
        super()._set_auth_endpoint(value)
        self._auth_base = None
        self.identity_version = None

    def _renewable(self) -> bool:
        return super()._renewable() or bool(self._cred("application_credential_secret"))

    # -- which API version ------------------------------------------------------------
    def _resolve(self) -> Tuple[str, str]:
        """``(version, versioned base URL)`` of the identity service."""
        if self._auth_base and self.identity_version:
            return self.identity_version, self._auth_base
        url = self.auth_endpoint
        if not url:
            raise exc.InvalidArgument(
                "No auth endpoint: pass auth_endpoint= or set_setting('auth_endpoint', URL)"
            )
        url = _TOKEN_PATH.sub("", url.rstrip("/")).rstrip("/")
        match = _VERSIONED.search(url)
        if match:
            version = "v3" if match.group(1) == "3" else "v2.0"
            base = url
            if self._auth_version and self._auth_version != version:
                raise exc.InvalidArgument(
                    "auth_version %s contradicts the auth endpoint %s" % (self._auth_version, url)
                )
        elif self._auth_version:
            version = self._auth_version
            base = "%s/%s" % (url, version)
        else:
            version, base = self._discover(url)
        self.identity_version, self._auth_base = version, base.rstrip("/")
        return version, self._auth_base

    def _discover(self, root: str) -> Tuple[str, str]:
        """Ask the unversioned root which versions it serves; prefer v3."""
        response = self._get(root)
        try:
            document = json_limits.response_json(response)
        except ValueError as error:
            if str(error) == json_limits.TOO_DEEP:
                raise invalid(response, "The version discovery document is %s" % error) from None
            document = {}
        what = "The version discovery document"
        versions: Any = (
            document.get("versions", document.get("version", [])) if isinstance(document, dict) else []
        )
        if isinstance(versions, dict):
            versions = versions.get("values", [versions])
        if not isinstance(versions, list):
            raise invalid(response, "%s lists versions as %s" % (what, kind_of(versions)))
        found: Dict[str, str] = {}
        for entry in versions:
            version = (
                optional_text(expect_object(entry, what, response), "id", what, response) or ""
            ).lower()
            links = [
                optional_text(link, "href", what, response)
                for link in entry.get("links") or []
                if isinstance(link, dict) and link.get("rel") == "self"
            ]
            key = "v3" if version.startswith("v3") else "v2.0" if version.startswith("v2") else None
            if key and key not in found:
                found[key] = links[0] if links and links[0] else "%s/%s" % (root, key)
        for key in ("v3", "v2.0"):
            if key in found:
                return key, found[key]
        raise exc.AuthenticationFailed("%s offers no Identity API version this SDK speaks (v3, v2.0)" % root)

    # -- login --------------------------------------------------------------------------
    def _login(self) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        version, base = self._resolve()
        if version == "v3":
            return self._login_v3(base)
        return self._login_v2(base)

    def _domain(self, kind: str) -> Dict[str, str]:
        if self._cred(kind + "_domain_id"):
            return {"id": self._cred(kind + "_domain_id")}
        if self._cred(kind + "_domain_name"):
            return {"name": self._cred(kind + "_domain_name")}
        if kind == "project":
            return self._domain("user")
        return {"id": DEFAULT_DOMAIN_ID}

    def _v3_user(self) -> Dict[str, Any]:
        if self._cred("user_id"):
            return {"id": self._cred("user_id")}
        if self._cred("username"):
            return {"name": self._cred("username"), "domain": self._domain("user")}
        raise exc.InvalidArgument("A username or user_id is needed to log in")

    def _v3_body(self) -> Dict[str, Any]:
        secret = self._cred("password") or self._cred("api_key")
        app_secret = self._cred("application_credential_secret")
        if app_secret and (
            self._cred("application_credential_id") or self._cred("application_credential_name")
        ):
            credential: Dict[str, Any] = {"secret": app_secret}
            if self._cred("application_credential_id"):
                credential["id"] = self._cred("application_credential_id")
            else:
                credential["name"] = self._cred("application_credential_name")
                credential["user"] = self._v3_user()
            method = {"methods": ["application_credential"], "application_credential": credential}
            return {"auth": {"identity": method}}
        if secret:
            method = {"methods": ["password"], "password": {"user": dict(self._v3_user(), password=secret)}}
        elif self._cred("token"):
            method = {"methods": ["token"], "token": {"id": self._cred("token")}}
        else:
            raise exc.InvalidArgument(
                "No credentials: give a password, a token or an application credential id and secret"
            )
        auth: Dict[str, Any] = {"identity": method}
        if self._cred("tenant_id"):
            auth["scope"] = {"project": {"id": self._cred("tenant_id")}}
        elif self._cred("tenant_name"):
            auth["scope"] = {
                "project": {"name": self._cred("tenant_name"), "domain": self._domain("project")}
            }
        return {"auth": auth}

    def _login_v3(self, base: str) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        response = self._post(base + "/auth/tokens", self._v3_body())
        token = response.headers.get("X-Subject-Token")
        self.secrets.add(token)
        what = "Keystone's token"
        document = expect_object(json_document(response, what), what, response)
        body = expect_object(document.get("token"), what, response)
        if not token:
            raise exc.AuthenticationFailed("The identity service answered without X-Subject-Token")
        project = _member_object(body, "project", what, response)
        user = _member_object(body, "user", what, response)
        expires, catalog = self._accept_token(
            body, "expires_at", ServiceCatalog.from_v3, body.get("catalog"), project, what, response
        )
        self.user = {
            "id": user.get("id"),
            "name": user.get("name"),
            "domain": user.get("domain"),
            "roles": body.get("roles", []),
        }
        return token, expires, catalog

    def _v2_body(self) -> Dict[str, Any]:
        secret = self._cred("password") or self._cred("api_key")
        if secret:
            if not self._cred("username"):
                raise exc.InvalidArgument("A username is needed to log in")
            auth: Dict[str, Any] = {
                "passwordCredentials": {"username": self._cred("username"), "password": secret}
            }
        elif self._cred("token"):
            auth = {"token": {"id": self._cred("token")}}
        else:
            raise exc.InvalidArgument("No credentials: give a password or a token")
        return {"auth": self._v2_scope(auth)}

    def _v2_scope(self, auth: Dict[str, Any]) -> Dict[str, Any]:
        if self._cred("tenant_id"):
            auth["tenantId"] = self._cred("tenant_id")
        elif self._cred("tenant_name"):
            auth["tenantName"] = self._cred("tenant_name")
        return auth

    def _login_v2(self, base: str) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        response = self._post(base + "/tokens", self._v2_body())
        return self._parse_v2(response)

    def _parse_v2(self, response: Any) -> Tuple[str, Optional[datetime], ServiceCatalog]:
        what = "The identity service's access"
        document = expect_object(json_document(response, what), what, response)
        access = _member_object(document, "access", what, response)
        token = _member_object(access, "token", what, response)
        token_id = optional_text(token, "id", what, response)
        self.secrets.add(token_id)
        if not token_id:
            raise exc.AuthenticationFailed("The identity service answered without a token")
        tenant = _member_object(token, "tenant", what, response)
        user = _member_object(access, "user", what, response)
        default_region = optional_text(user, "RAX-AUTH:defaultRegion", what, response)
        expires, catalog = self._accept_token(
            token, "expires", ServiceCatalog.from_v2, access.get("serviceCatalog"), tenant, what, response
        )
        self.user = {"id": user.get("id"), "name": user.get("name"), "roles": user.get("roles", [])}
        if default_region:
            self.user["default_region"] = default_region
            self._default_region = default_region
        return token_id, expires, catalog

    def _accept_token(
        self,
        token: Dict[str, Any],
        expires_key: str,
        parse_catalog: Callable[[Any, Any, Any], ServiceCatalog],
        catalog: Any,
        project: Dict[str, Any],
        what: str,
        response: Any,
    ) -> Tuple[Optional[datetime], ServiceCatalog]:
        """A token's expiry and parsed catalog, either API version's; keeps when
        it was issued and the id and name of the project (tenant) it is scoped to."""
        expires = parse_expiry(token.get(expires_key), response)
        self._issued_at = parse_issued(token.get("issued_at"))
        parsed = parse_catalog(catalog, self, response)
        for key, member in (("tenant_id", "id"), ("tenant_name", "name")):
            self._project[key] = optional_text(project, member, what, response) or self._project.get(key)
        return expires, parsed


def _member_object(body: Dict[str, Any], key: str, what: str, response: Any) -> Dict[str, Any]:
    """``body[key]``: an object, or {} when absent or null."""
    value = body.get(key)
    return {} if value is None else expect_object(value, "%s ('%s')" % (what, key), response)
