"""pyrax's module-level API: credentials, authentication and ``pyrax_image.images``.

::

    import pyrax_image as pyrax

    pyrax.set_setting("identity_type", "keystone")
    pyrax.set_setting("auth_endpoint", "https://keystone.example.com:5000/v3")
    pyrax.set_credentials("alice", password="secret", tenant_id="8a7c...")
    pyrax.images.list()

The state (``identity``, ``images``, ``default_region``) is module-wide, as in
pyrax; :func:`reset` clears it. Several accounts at once: use identities and
clients directly, or :func:`create_context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Type, TypeVar

from pyrax_image import exceptions as exc
from pyrax_image import http_log
from pyrax_image.client import BaseClient
from pyrax_image.exceptions import EnvironmentNotFound, InvalidSetting
from pyrax_image.identity.auth import AuthIdentity
from pyrax_image.identity.keystone import KeystoneIdentity
from pyrax_image.identity.rax import RaxIdentity
from pyrax_image.identity.types import identity_class
from pyrax_image.settings import settings

if TYPE_CHECKING:  # imported where used, on first connection
    from pyrax_image.cloud_files import CloudFilesClient
    from pyrax_image.image.client import ImageClient

C = TypeVar("C", bound=BaseClient[Any])

_KEYSTONE_SETTINGS = (
    "auth_version",
    "user_domain_name",
    "user_domain_id",
    "project_domain_name",
    "project_domain_id",
)


class _State:
    identity: Optional[AuthIdentity] = None
    images: Any = None
    cloudfiles: Any = None
    default_region: Optional[str] = None
    http_debug: bool = False


_state = _State()


def _identity_options(cls: type) -> Dict[str, Any]:
    options = {
        "auth_endpoint": settings.get("auth_endpoint"),
        "verify_ssl": settings.get("verify_ssl"),
        "cert": settings.get("cert"),
        "timeout": settings.get("timeout"),
        "user_agent": settings.get("user_agent"),
        "http_log_debug": get_http_debug(),
    }
    if issubclass(cls, KeystoneIdentity) and not issubclass(cls, RaxIdentity):
        options.update({key: settings.get(key) for key in _KEYSTONE_SETTINGS if settings.get(key)})
    return options


def _client_options() -> Dict[str, Any]:
    """The settings that are not about where or who (for OS_* and clouds.yaml identities)."""
    options = {"user_agent": settings.get("user_agent"), "http_log_debug": get_http_debug()}
    if settings.get("cert") is not None:
        options["cert"] = settings.get("cert")
    if settings.get("timeout") is not None:
        options["timeout"] = settings.get("timeout")
    return options


def _create_identity() -> AuthIdentity:
    """Make ``pyrax_image.identity`` an identity of the configured type (pyrax)."""
    id_type = settings.get("identity_type")
    if not id_type:
        raise InvalidSetting(
            "No identity_type: call set_setting('identity_type', 'keystone' or 'rackspace'), "
            "set CLOUD_ID_TYPE, or add it to ~/.pyrax.cfg"
        )
    cls = identity_class(id_type)
    if get_http_debug() and not _state.http_debug:
        _apply_http_debug(True)
    _state.identity = cls(**_identity_options(cls))
    return _state.identity


def _assure_identity() -> AuthIdentity:
    identity = _state.identity
    if identity is None:
        identity = _create_identity()
    return identity


def _require_identity() -> AuthIdentity:
    identity = _state.identity
    if identity is None or not identity.authenticated:
        raise exc.NotAuthenticated("Authenticate first (set_credentials, set_credential_file, ...)")
    return identity


def _safe_region(region: Optional[str] = None) -> Optional[str]:
    """The region asked for: given, else set_default_region's, else the setting.

    None lets the identity choose (the account's default region if the service
    is there, else its first endpoint).
    """
    return region or _state.default_region or settings.get("region")


def _on_setting_changed(key: str, value: Any) -> None:
    identity = _state.identity
    if key == "debug":
        _apply_http_debug(bool(value))
    if identity is None:
        return
    if key == "identity_type":
        if value and not isinstance(identity, identity_class(value)):
            clear_credentials()
    elif key == "region":
        identity.region = value
    elif key == "verify_ssl":
        identity.verify_ssl = value
    elif key == "cert":
        identity.cert = value
    elif key == "auth_endpoint":
        identity.auth_endpoint = value


settings.on_change.append(_on_setting_changed)


def set_environment(env: str) -> None:
    """Switch to another ``~/.pyrax.cfg`` environment, dropping the credentials."""
    if env not in settings.environments:
        raise EnvironmentNotFound("The environment '%s' has not been defined." % env)
    if env != settings.environment:
        settings.environment = env
        clear_credentials()


def set_default_region(region: Optional[str]) -> None:
    """The region ``connect_to_images`` uses when none is given."""
    _state.default_region = region


def set_credentials(
    username: str,
    api_key: Optional[str] = None,
    password: Optional[str] = None,
    region: Optional[str] = None,
    tenant_id: Optional[str] = None,
    authenticate: bool = True,
    **credentials: Any,
) -> None:
    """Set the credentials and (by default) authenticate and connect.

    Keystone takes ``password`` (an ``api_key`` is used as the password);
    Rackspace an ``api_key`` or a ``password``. Keyword additions: ``tenant_name``
    and the v3 ones of :class:`KeystoneIdentity` (``user_domain_name``...).
    """
    identity = _assure_identity()
    region = _safe_region(region)
    credentials.setdefault("tenant_name", settings.get("tenant_name"))
    if isinstance(identity, KeystoneIdentity) and not isinstance(identity, RaxIdentity):
        password, api_key = password or api_key, None
    identity.set_credentials(
        username,
        password=password,
        api_key=api_key,
        region=region,
        tenant_id=tenant_id or settings.get("tenant_id"),
        **credentials,
    )
    if authenticate:
        _auth_and_connect(region)


def set_credential_file(cred_file: str, region: Optional[str] = None, authenticate: bool = True) -> None:
    """Read a pyrax credential file (``[keystone]`` or ``[rackspace_cloud]``) and authenticate."""
    identity = _assure_identity()
    region = _safe_region(region)
    identity.set_credential_file(cred_file, region=region)
    if authenticate:
        _auth_and_connect(region)


def auth_with_token(
    token: str,
    tenant_id: Optional[str] = None,
    tenant_name: Optional[str] = None,
    region: Optional[str] = None,
) -> None:
    """Authenticate with a token you already have, then connect."""
    identity = _assure_identity()
    identity.set_credentials(
        None, token=token, tenant_id=tenant_id, tenant_name=tenant_name, region=_safe_region(region)
    )
    _auth_and_connect(region)


def set_credentials_from_env(region: Optional[str] = None, authenticate: bool = True) -> None:
    """Use the OpenStack ``OS_*`` environment variables (Keystone)."""
    _use_identity(KeystoneIdentity.from_env(**_client_options()), region, authenticate)


def set_cloud(
    cloud: Optional[str] = None,
    clouds_file: Optional[str] = None,
    region: Optional[str] = None,
    authenticate: bool = True,
) -> None:
    """Use one cloud of OpenStack's ``clouds.yaml`` (``OS_CLOUD`` by default; needs PyYAML)."""
    _use_identity(KeystoneIdentity.from_cloud(cloud, clouds_file, **_client_options()), region, authenticate)


def _use_identity(identity: AuthIdentity, region: Optional[str], authenticate: bool) -> None:
    clear_credentials()
    _state.identity = identity
    if region:
        identity.region = region
    if authenticate:
        _auth_and_connect(region)


def authenticate(connect: bool = True) -> None:
    """Authenticate the identity with the credentials already set, then connect."""
    _assure_identity()
    _auth_and_connect(connect=connect)


def _auth_and_connect(region: Optional[str] = None, connect: bool = True) -> None:
    identity = _assure_identity()
    _state.default_region = region or _state.default_region
    try:
        identity.authenticate()
    except exc.AuthenticationFailed:
        clear_credentials()
        # pyrax's samples read ``pyrax.identity.authenticated`` after a failed
        # login: leave a fresh identity of the same type, without the credentials.
        cls = type(identity)
        _state.identity = cls(**_identity_options(cls))
        raise
    if connect:
        connect_to_services(region)


def connect_to_services(region: Optional[str] = None) -> None:
    """Create ``pyrax_image.images`` and ``pyrax_image.cloudfiles`` (each None
    when the catalog has no such service there)."""
    public = getattr(_state.identity, "interface", "public") == "public" and not settings.get(
        "use_servicenet"
    )
    try:
        _state.images = connect_to_images(region, public=public)
    except (exc.NoEndpointForService, exc.NoEndpointForRegion):
        _state.images = None
    try:
        _state.cloudfiles = connect_to_cloudfiles(region, public=public)
    except (exc.NoEndpointForService, exc.NoEndpointForRegion):
        _state.cloudfiles = None


def connect_to_images(region: Optional[str] = None, public: bool = True) -> ImageClient:
    """An ImageClient for ``region`` on the public (or, ``public=False``, internal) URL.

    Raises NoEndpointForRegion / NoEndpointForService when the catalog has none.
    """
    from pyrax_image.image.client import ImageClient

    return _client_for(ImageClient, "image", region, public)


def connect_to_cloudfiles(region: Optional[str] = None, public: bool = True) -> CloudFilesClient:
    """A CloudFilesClient (pyrax's Cloud Files names) for ``region``'s object
    storage, on the public (or internal) URL, sharing ``pyrax_image.images``'
    HTTP session when there is one.

    Raises NoEndpointForRegion / NoEndpointForService when the catalog has none.
    """
    from pyrax_image.cloud_files import CloudFilesClient

    images = _state.images
    return _client_for(
        CloudFilesClient,
        "object-store",
        region,
        public,
        transport=images.transport if images is not None else None,
    )


def _client_for(cls: Type[C], service_type: str, region: Optional[str], public: bool, **extra: Any) -> C:
    """A ``cls`` for the catalog's ``service_type`` endpoint in ``region``, with the settings'."""
    identity = _require_identity()
    endpoint = identity.service_catalog.endpoint_for(
        service_type, _safe_region(region), preferred_region=identity.get_default_region()
    )
    return endpoint.new_client(
        cls,
        public,
        http_log_debug=get_http_debug(),
        timeout=settings.get("timeout"),
        user_agent=settings.get("user_agent"),
        **extra,
    )


def create_context(
    id_type: Optional[str] = None,
    username: Optional[str] = None,
    password: Optional[str] = None,
    tenant_id: Optional[str] = None,
    tenant_name: Optional[str] = None,
    api_key: Optional[str] = None,
    verify_ssl: Any = None,
) -> AuthIdentity:
    """A new, independent identity (pyrax's context object); not stored module-wide."""
    cls = identity_class(id_type or settings.get("identity_type") or "")
    options = _identity_options(cls)
    if verify_ssl is not None:
        options["verify_ssl"] = verify_ssl
    return cls(username, password, tenant_id, tenant_name, api_key=api_key, **options)


def clear_credentials() -> None:
    """Forget the identity and the clients (pyrax)."""
    _state.identity = None
    _state.images = None
    _state.cloudfiles = None


def set_http_debug(val: bool) -> None:
    """Log every request and response (secrets redacted) on stderr, or stop."""
    settings.set("debug", bool(val))


def _apply_http_debug(val: bool) -> None:
    _state.http_debug = val
    http_log.enable_debug_output(val)
    if _state.identity is not None:
        _state.identity.http_log_debug = val
    for client in (_state.images, _state.cloudfiles):
        if client is not None:
            client.http_log_debug = val


def get_http_debug() -> bool:
    """True while module-wide HTTP debug output is on (``debug`` setting)."""
    return bool(settings.get("debug"))


def reset(config_file: Optional[str] = None) -> None:
    """Back to the state after import: no identity, clients or settings (for tests)."""
    clear_credentials()
    _state.default_region = None
    if _state.http_debug:
        _apply_http_debug(False)
    settings.reset(config_file)


def module_attribute(name: str) -> Any:
    """The live value of ``pyrax_image.identity``/``images``/``cloudfiles``/``default_region``/``regions``/``services``."""
    if name == "identity":
        return _state.identity
    if name == "images":
        return _state.images
    if name == "cloudfiles":
        return _state.cloudfiles
    if name == "default_region":
        return _state.default_region
    if name == "regions":
        return tuple(_state.identity.regions) if _state.identity is not None else ()
    if name == "services":
        return tuple(_state.identity.services) if _state.identity is not None else ()
    raise AttributeError("module 'pyrax_image' has no attribute '%s'" % name)
