"""Where credentials and settings come from: files and the environment.

- pyrax's credential file (INI: ``[keystone]`` or ``[rackspace_cloud]``),
- pyrax's ``~/.pyrax.cfg`` (one section per environment),
- OpenStack's ``OS_*`` environment variables,
- OpenStack's ``clouds.yaml`` (and ``secure.yaml``), read with PyYAML, an
  optional extra (``pip install pyrax_image[yaml]``) imported only here.

Error messages name files, sections and line numbers, never their contents.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_path, optional_text
from pyrax_image.exceptions import InvalidConfigurationFile, InvalidCredentialFile, YAMLNotInstalled
from pyrax_image.secrets import SECRET_FIELDS
from pyrax_image.utils import to_bool

if TYPE_CHECKING:
    import configparser

# The keyword credentials Keystone v3 adds to pyrax's constructor arguments.
KEYSTONE_V3_CREDENTIALS = (
    "user_id",
    "user_domain_name",
    "user_domain_id",
    "project_domain_name",
    "project_domain_id",
    "application_credential_id",
    "application_credential_name",
    "application_credential_secret",
)
# What a credential file section may hold.
CREDENTIAL_KEYS = (
    "username",
    "password",
    "api_key",
    "tenant_id",
    "tenant_name",
    "auth_endpoint",
) + KEYSTONE_V3_CREDENTIALS


def _parse_ini(path: str, error_class: type) -> configparser.RawConfigParser:
    import configparser  # here: only a credential or configuration file needs it

    parser = configparser.RawConfigParser()
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        raise error_class("The file '%s' does not exist" % path) from None
    except configparser.MissingSectionHeaderError:
        raise error_class("'%s' is not in INI format: it must start with a [section] header" % path) from None
    except configparser.ParsingError as error:
        lines = ", ".join(str(number) for number, _ in error.errors)
        raise error_class("'%s' has malformed line(s): %s" % (path, lines)) from None
    except configparser.Error as error:
        raise error_class("'%s' could not be parsed (%s)" % (path, type(error).__name__)) from None
    return parser


def read_credential_file(path: str, section: str) -> Dict[str, str]:
    """The credentials in ``section`` of a pyrax credential file.

    ``[keystone]`` needs ``username`` and ``password`` (``tenant_id``,
    ``tenant_name`` and the v3 domain keys are optional); ``[rackspace_cloud]``
    needs ``username`` and ``api_key`` or ``password``.
    """
    parser = _parse_ini(path, InvalidCredentialFile)
    if not parser.has_section(section):
        raise InvalidCredentialFile(
            "'%s' has no [%s] section (it has: %s)" % (path, section, ", ".join(parser.sections()) or "none")
        )
    values = {
        key: parser.get(section, key) for key in CREDENTIAL_KEYS if parser.get(section, key, fallback="")
    }
    if "username" not in values and "user_id" not in values:
        raise InvalidCredentialFile("[%s] of '%s' has no username" % (section, path))
    if not any(key in values for key in SECRET_FIELDS):
        raise InvalidCredentialFile("[%s] of '%s' has no password or api_key" % (section, path))
    return values


def read_pyrax_config(path: str) -> Tuple[Dict[str, Dict[str, Any]], Optional[str], bool]:
    """``(environments, default environment, credentials were found)`` of a pyrax.cfg.

    A ``[default]`` or ``[settings]`` section is the default environment,
    else the first section. Credentials in it are ignored (pyrax warned too).
    """
    parser = _parse_ini(path, InvalidConfigurationFile)
    environments: Dict[str, Dict[str, Any]] = {}
    default: Optional[str] = None
    creds_found = False
    for section in parser.sections():
        name = "default" if section == "settings" else section
        values: Dict[str, Any] = {}
        for key, raw in parser.items(section):
            if key in ("username", "password", "api_key"):
                creds_found = creds_found or bool(raw)
                continue
            if raw == "":
                continue
            values["debug" if key == "http_debug" else key] = raw
        environments[name] = values
        if name == "default" or default is None:
            default = name
    return environments, default, creds_found


# -- OpenStack conventions -----------------------------------------------------------------
_ENV_TO_OPTION = {
    "OS_AUTH_URL": "auth_endpoint",
    "OS_USERNAME": "username",
    "OS_USER_ID": "user_id",
    "OS_PASSWORD": "password",
    "OS_PROJECT_NAME": "tenant_name",
    "OS_TENANT_NAME": "tenant_name",
    "OS_PROJECT_ID": "tenant_id",
    "OS_TENANT_ID": "tenant_id",
    "OS_USER_DOMAIN_NAME": "user_domain_name",
    "OS_USER_DOMAIN_ID": "user_domain_id",
    "OS_PROJECT_DOMAIN_NAME": "project_domain_name",
    "OS_PROJECT_DOMAIN_ID": "project_domain_id",
    "OS_TOKEN": "token",
    "OS_APPLICATION_CREDENTIAL_ID": "application_credential_id",
    "OS_APPLICATION_CREDENTIAL_NAME": "application_credential_name",
    "OS_APPLICATION_CREDENTIAL_SECRET": "application_credential_secret",
    "OS_REGION_NAME": "region",
    "OS_IDENTITY_API_VERSION": "auth_version",
    "OS_INTERFACE": "interface",
}


def options_from_env(environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """KeystoneIdentity keyword arguments (plus ``interface``) from ``OS_*`` variables."""
    env = os.environ if environ is None else environ
    if not isinstance(env, Mapping):
        raise exc.InvalidArgument("environ must be a mapping of variables, not %s" % type(env).__name__)
    options: Dict[str, Any] = {}
    for variable, option in _ENV_TO_OPTION.items():
        if env.get(variable) and option not in options:
            options[option] = env[variable]
    if env.get("OS_CACERT"):
        options["verify_ssl"] = env["OS_CACERT"]
    if env.get("OS_CERT"):
        options["cert"] = (env["OS_CERT"], env["OS_KEY"]) if env.get("OS_KEY") else env["OS_CERT"]
    if to_bool(env.get("OS_INSECURE", "")):
        options["verify_ssl"] = False
    if "auth_endpoint" not in options:
        raise exc.InvalidArgument("OS_AUTH_URL is not set")
    return options


_AUTH_TO_OPTION = {
    "auth_url": "auth_endpoint",
    "username": "username",
    "user_id": "user_id",
    "password": "password",
    "project_name": "tenant_name",
    "tenant_name": "tenant_name",
    "project_id": "tenant_id",
    "tenant_id": "tenant_id",
    "user_domain_name": "user_domain_name",
    "user_domain_id": "user_domain_id",
    "project_domain_name": "project_domain_name",
    "project_domain_id": "project_domain_id",
    "token": "token",
    "application_credential_id": "application_credential_id",
    "application_credential_name": "application_credential_name",
    "application_credential_secret": "application_credential_secret",
}


def clouds_yaml_paths() -> List[str]:
    """Where clouds.yaml is looked for, in order (as openstacksdk does)."""
    paths = [os.environ["OS_CLIENT_CONFIG_FILE"]] if os.environ.get("OS_CLIENT_CONFIG_FILE") else []
    paths += [
        os.path.join(os.getcwd(), "clouds.yaml"),
        os.path.expanduser("~/.config/openstack/clouds.yaml"),
        "/etc/openstack/clouds.yaml",
    ]
    return paths


def _load_yaml(path: str) -> Dict[str, Any]:
    try:
        import yaml
    except ImportError:
        raise YAMLNotInstalled(
            "Reading clouds.yaml needs PyYAML, an optional extra: pip install 'pyrax_image[yaml]'"
        ) from None
    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = " at line %d" % (mark.line + 1) if mark is not None else ""
        raise InvalidConfigurationFile("'%s' is not valid YAML%s" % (path, where)) from None
    if not isinstance(document, dict):
        raise InvalidConfigurationFile("'%s' must hold a mapping with a 'clouds' key" % path)
    return document


def _merge(base: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def options_from_clouds_yaml(cloud: Optional[str] = None, path: Optional[str] = None) -> Dict[str, Any]:
    """KeystoneIdentity keyword arguments (plus ``interface``) for one cloud of clouds.yaml.

    ``cloud`` defaults to ``OS_CLOUD``, or the only cloud of the file; a
    ``secure.yaml`` beside the file is merged in (as openstacksdk does).
    """
    if path is not None:
        check_path("clouds_file", path)
    if cloud is not None:
        optional_text("cloud", cloud)
    candidates = [path] if path else clouds_yaml_paths()
    found = next((p for p in candidates if p and os.path.isfile(p)), None)
    if found is None:
        raise InvalidConfigurationFile("No clouds.yaml found (looked in: %s)" % ", ".join(candidates))
    clouds = _load_yaml(found).get("clouds") or {}
    secure = os.path.join(os.path.dirname(found), "secure.yaml")
    if os.path.isfile(secure):
        clouds = _merge(clouds, _load_yaml(secure).get("clouds") or {})
    name = cloud or os.environ.get("OS_CLOUD")
    if name is None and len(clouds) == 1:
        name = next(iter(clouds))
    if name is None or name not in clouds:
        raise InvalidConfigurationFile(
            "'%s' has no cloud named %r (it has: %s)" % (found, name, ", ".join(sorted(clouds)) or "none")
        )
    entry = clouds[name] or {}
    options: Dict[str, Any] = {}
    for key, value in (entry.get("auth") or {}).items():
        if key in _AUTH_TO_OPTION and value:
            options[_AUTH_TO_OPTION[key]] = str(value)
    regions = entry.get("regions") or []
    region = entry.get("region_name") or (regions[0] if regions else None)
    if isinstance(region, dict):
        region = region.get("name")
    if region:
        options["region"] = region
    if entry.get("identity_api_version"):
        options["auth_version"] = str(entry["identity_api_version"])
    if entry.get("interface"):
        options["interface"] = entry["interface"]
    if entry.get("cacert"):
        options["verify_ssl"] = entry["cacert"]
    if entry.get("cert"):
        options["cert"] = (str(entry["cert"]), str(entry["key"])) if entry.get("key") else str(entry["cert"])
    if entry.get("verify") is False or entry.get("insecure") is True:
        options["verify_ssl"] = False
    if "auth_endpoint" not in options:
        raise InvalidConfigurationFile("Cloud %r of '%s' has no auth.auth_url" % (name, found))
    return options
