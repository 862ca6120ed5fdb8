"""pyrax's settings: ``get_setting``/``set_setting`` and configuration environments.

A setting's value is, in order: what ``set_setting`` gave, the ``CLOUD_*``
environment variable (pyrax's names), the ``~/.pyrax.cfg`` section of the
current environment, the default. ``reset()`` returns everything to the
start (tests use it between cases).
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Callable, Dict, List, Optional

from pyrax_image.exceptions import EnvironmentNotFound, InvalidSetting
from pyrax_image.http import DEFAULT_USER_AGENT
from pyrax_image.identity.types import identity_class
from pyrax_image.utils import to_bool

# setting -> environment variable (pyrax's names, plus the v3 additions)
ENV_VARS: Dict[str, Optional[str]] = {
    "identity_type": "CLOUD_ID_TYPE",
    "auth_endpoint": "CLOUD_AUTH_ENDPOINT",
    "keyring_username": "CLOUD_KEYRING_USER",
    "region": "CLOUD_REGION",
    "tenant_id": "CLOUD_TENANT_ID",
    "tenant_name": "CLOUD_TENANT_NAME",
    "encoding": "CLOUD_ENCODING",
    "custom_user_agent": "CLOUD_USER_AGENT",
    "user_agent": None,
    "debug": "CLOUD_DEBUG",
    "verify_ssl": "CLOUD_VERIFY_SSL",
    "cert": "CLOUD_CERT",
    "use_servicenet": "USE_SERVICENET",
    "timeout": "CLOUD_TIMEOUT",
    "auth_version": "CLOUD_AUTH_VERSION",
    "user_domain_name": "CLOUD_USER_DOMAIN_NAME",
    "user_domain_id": "CLOUD_USER_DOMAIN_ID",
    "project_domain_name": "CLOUD_PROJECT_DOMAIN_NAME",
    "project_domain_id": "CLOUD_PROJECT_DOMAIN_ID",
}
ALIASES = {"http_debug": "debug"}
DEFAULTS: Dict[str, Any] = {"encoding": "utf-8", "debug": False, "verify_ssl": True, "use_servicenet": False}
_BOOLEANS = ("debug", "use_servicenet")


def _convert(key: str, value: Any) -> Any:
    """Strings from files and the environment to the setting's type."""
    if value is None:
        return None
    if key in _BOOLEANS:
        return to_bool(value)
    if key == "verify_ssl" and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return to_bool(value)
        return value  # a CA bundle path
    if key == "cert" and isinstance(value, str):
        # "client.pem" (certificate and key) or "client.crt, client.key"
        parts = [part.strip() for part in value.split(",")]
        if len(parts) == 2 and all(parts):
            return (parts[0], parts[1])
        return value.strip() or None
    if key == "timeout" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise InvalidSetting("timeout must be a number of seconds, not %r" % value) from None
    return value


class Settings:
    """The settings of every configuration environment (pyrax's ``Settings``)."""

    def __init__(self, config_file: Optional[str] = None):
        self.reset(config_file)
        self.on_change: List[Callable[[str, Any], None]] = []

    def reset(self, config_file: Optional[str] = None) -> None:
        """Forget every setting; ``config_file`` (default ``~/.pyrax.cfg``) is read on next use."""
        self._explicit: Dict[str, Dict[str, Any]] = {"default": {}}
        self._file: Dict[str, Dict[str, Any]] = {"default": {}}
        self._environment = "default"
        self._config_file = config_file
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        path = self._config_file or os.path.join(os.path.expanduser("~"), ".pyrax.cfg")
        if os.path.exists(path):
            self.read_config(path)

    def read_config(self, config_file: str) -> None:
        """Read a pyrax config file: one section per environment."""
        from pyrax_image.identity.config import read_pyrax_config

        self._loaded = True
        environments, default, creds_found = read_pyrax_config(config_file)
        for name, values in environments.items():
            self._file[name] = {key: _convert(ALIASES.get(key, key), v) for key, v in values.items()}
            self._explicit.setdefault(name, {})
        if default and default != "default":
            self._file["default"] = self._file[default]
        if creds_found:
            warnings.warn(
                "Login credentials were found in %s; they are ignored. Put them in a credential "
                "file (set_credential_file) instead." % config_file,
                stacklevel=2,
            )

    def _key(self, key: str) -> str:
        key = ALIASES.get(key, key)
        if key not in ENV_VARS and key != "identity_class":
            raise InvalidSetting(
                "'%s' is not a setting; the settings are: %s" % (key, ", ".join(sorted(ENV_VARS)))
            )
        return key

    def _env(self, env: Optional[str]) -> str:
        self._load()
        name = env or self._environment
        if name not in self._file:
            raise EnvironmentNotFound(
                "There is no environment named '%s' (there are: %s)" % (name, ", ".join(self._file))
            )
        return name

    def get(self, key: str, env: Optional[str] = None) -> Any:
        """The value of a setting in the current (or the named) environment."""
        key = self._key(key)
        name = self._env(env)
        if key == "identity_class":
            id_type = self.get("identity_type", env)
            return identity_class(id_type) if id_type else None
        if key in self._explicit[name]:
            return self._explicit[name][key]
        variable = ENV_VARS.get(key)
        if variable and os.environ.get(variable) not in (None, ""):
            return _convert(key, os.environ[variable])
        if key in self._file[name]:
            return self._file[name][key]
        if key == "user_agent":
            custom = self.get("custom_user_agent", env)
            return "%s %s" % (custom, DEFAULT_USER_AGENT) if custom else DEFAULT_USER_AGENT
        return DEFAULTS.get(key)

    def set(self, key: str, val: Any, env: Optional[str] = None) -> None:
        """Change a setting in the current (or the named) environment."""
        key = self._key(key)
        if key == "identity_class":
            raise InvalidSetting("Set identity_type ('keystone', 'rackspace' or 'module.Class') instead")
        name = self._env(env)
        value = _convert(key, val)
        if key == "identity_type" and value:
            identity_class(value)  # fail now on an unknown type
        self._explicit[name][key] = value
        if name == self._environment:
            for callback in self.on_change:
                callback(key, value)

    @property
    def environment(self) -> str:
        """The name of the current environment."""
        self._load()
        return self._environment

    @environment.setter
    def environment(self, name: str) -> None:
        self._environment = self._env(name)

    @property
    def environments(self) -> List[str]:
        """The names of every environment."""
        self._load()
        return list(self._file)


settings = Settings()


def get_setting(key: str, env: Optional[str] = None) -> Any:
    """The value of a setting (``identity_type``, ``auth_endpoint``, ``region``...)."""
    return settings.get(key, env=env)


def set_setting(key: str, val: Any, env: Optional[str] = None) -> None:
    """Change a setting: ``set_setting("identity_type", "keystone")``."""
    settings.set(key, val, env=env)


def get_environment() -> str:
    """The name of the current configuration environment."""
    return settings.environment


def list_environments() -> List[str]:
    """Every configuration environment of ``~/.pyrax.cfg`` (and ``default``)."""
    return settings.environments


def get_encoding() -> str:
    """The encoding setting (utf-8 unless configured)."""
    return str(settings.get("encoding") or "utf-8")
