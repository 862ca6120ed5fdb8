"""Credentials from files and the environment: pyrax INI, OS_* variables, clouds.yaml."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.identity import KeystoneIdentity, RaxIdentity
from pyrax_image.identity.config import (
    InvalidConfigurationFile,
    InvalidCredentialFile,
    YAMLNotInstalled,
    options_from_clouds_yaml,
    read_pyrax_config,
)


def write(path: Path, text: str) -> str:
    path.write_text(textwrap.dedent(text))
    return str(path)


@pytest.fixture(autouse=True)
def no_os_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("OS_"):
            monkeypatch.delenv(name)


def test_keystone_credential_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "creds",
        """\
        [keystone]
        username = alice
        password = 100%secret
        tenant_id = 78cc6541
        user_domain_name = Users
        """,
    )
    identity = KeystoneIdentity(credential_file=path, auth_endpoint="http://k/v3")
    assert identity.username == "alice"
    assert identity.password == "100%secret"  # no interpolation
    assert identity.tenant_id == "78cc6541"
    assert identity._v3_body()["auth"]["identity"]["password"]["user"]["domain"] == {"name": "Users"}


def test_rackspace_credential_file_api_key_or_password(tmp_path: Path) -> None:
    with_key = write(tmp_path / "a", "[rackspace_cloud]\nusername = joe\napi_key = 0123abcd\n")
    identity = RaxIdentity()
    identity.set_credential_file(with_key, region="ORD")
    assert (identity.username, identity.api_key, identity.password, identity.region) == (
        "joe",
        "0123abcd",
        None,
        "ORD",
    )
    assert list(identity._v2_body_for(identity._styles()[0])["auth"]) == ["RAX-KSKEY:apiKeyCredentials"]
    with_password = write(tmp_path / "b", "[rackspace_cloud]\nusername = joe\npassword = pw\n")
    identity.set_credential_file(with_password)
    assert identity._styles() == ("password",)


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("username = alice\npassword = TopSecret1\n", "[section] header"),
        ("[keystone]\nusername alice TopSecret1\n", "line(s): 2"),
        ("[rackspace_cloud]\nusername = a\napi_key = TopSecret1\n", "no [keystone] section (it has: rackspace_cloud)"),
        ("[keystone]\npassword = TopSecret1\n", "no username"),
        ("[keystone]\nusername = alice\n", "no password or api_key"),
    ],
)
def test_bad_credential_files_are_named_without_their_contents(tmp_path: Path, content: str, fragment: str) -> None:
    path = write(tmp_path / "creds", content)
    with pytest.raises(InvalidCredentialFile) as caught:
        KeystoneIdentity().set_credential_file(path)
    assert fragment in str(caught.value)
    assert "TopSecret1" not in str(caught.value)
    assert isinstance(caught.value, exc.InvalidArgument)


def test_missing_credential_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidCredentialFile, match="does not exist"):
        KeystoneIdentity(credential_file=str(tmp_path / "nope"))


def test_pyrax_config_environments(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyrax.cfg",
        """\
        [private]
        identity_type = keystone
        region = RegionOne
        http_debug = True
        auth_endpoint = http://192.168.0.1:5000/v3/
        username = ignored
        custom_user_agent =

        [public]
        identity_type = rackspace
        region = ORD
        """,
    )
    environments, default, creds_found = read_pyrax_config(path)
    assert default == "private"  # no [default]/[settings]: the first section
    assert environments["private"] == {
        "identity_type": "keystone",
        "region": "RegionOne",
        "debug": "True",
        "auth_endpoint": "http://192.168.0.1:5000/v3/",
    }
    assert environments["public"]["region"] == "ORD"
    assert creds_found
    settings_style = write(tmp_path / "old.cfg", "[x]\nregion = A\n[settings]\nregion = B\n")
    environments, default, _ = read_pyrax_config(settings_style)
    assert default == "default" and environments["default"] == {"region": "B"}


def test_os_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"  # verify_ssl must name an existing CA bundle
    ca.write_text("")
    for name, value in {
        "OS_AUTH_URL": "http://keystone:5000/v3",
        "OS_USERNAME": "alice",
        "OS_PASSWORD": "alicepass",
        "OS_PROJECT_NAME": "alpha",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_ID": "default",
        "OS_REGION_NAME": "RegionTwo",
        "OS_INTERFACE": "internal",
        "OS_CACERT": str(ca),
    }.items():
        monkeypatch.setenv(name, value)
    identity = KeystoneIdentity.from_env()
    assert identity.auth_endpoint == "http://keystone:5000/v3"
    assert (identity.username, identity.password, identity.tenant_name) == ("alice", "alicepass", "alpha")
    assert identity.region == "RegionTwo" and identity.interface == "internal"
    assert identity.verify_ssl == str(ca)
    assert identity._v3_body()["auth"]["scope"] == {"project": {"name": "alpha", "domain": {"id": "default"}}}
    monkeypatch.setenv("OS_INSECURE", "true")
    assert KeystoneIdentity.from_env().verify_ssl is False
    monkeypatch.delenv("OS_AUTH_URL")
    with pytest.raises(exc.InvalidArgument, match="OS_AUTH_URL"):
        KeystoneIdentity.from_env()


def test_os_environment_application_credential() -> None:
    identity = KeystoneIdentity.from_env(
        {
            "OS_AUTH_URL": "http://k/v3",
            "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_APPLICATION_CREDENTIAL_ID": "ac-1",
            "OS_APPLICATION_CREDENTIAL_SECRET": "s",
        }
    )
    assert identity._v3_body()["auth"]["identity"]["methods"] == ["application_credential"]


CLOUDS = """\
clouds:
  local:
    auth:
      auth_url: http://127.0.0.1:5000
      username: alice
      project_id: 78cc6541
      user_domain_name: Default
    region_name: RegionTwo
    interface: internal
    identity_api_version: 3
  other:
    auth:
      auth_url: http://other:5000/v3
      application_credential_id: ac-9
      application_credential_secret: from-clouds
    regions: [East, West]
    verify: false
"""


def test_clouds_yaml_with_secure_yaml(tmp_path: Path) -> None:
    clouds = write(tmp_path / "clouds.yaml", CLOUDS)
    write(tmp_path / "secure.yaml", "clouds:\n  local:\n    auth:\n      password: alicepass\n")
    identity = KeystoneIdentity.from_cloud("local", clouds)
    assert identity.auth_endpoint == "http://127.0.0.1:5000"
    assert (identity.username, identity.password, identity.tenant_id) == ("alice", "alicepass", "78cc6541")
    assert identity.region == "RegionTwo" and identity.interface == "internal"
    assert identity._resolve() == ("v3", "http://127.0.0.1:5000/v3")  # no discovery needed
    other = options_from_clouds_yaml("other", clouds)
    assert other["region"] == "East" and other["verify_ssl"] is False
    assert other["application_credential_secret"] == "from-clouds"


def test_clouds_yaml_cloud_choice_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clouds = write(tmp_path / "clouds.yaml", CLOUDS)
    monkeypatch.setenv("OS_CLOUD", "other")
    assert options_from_clouds_yaml(path=clouds)["auth_endpoint"] == "http://other:5000/v3"
    with pytest.raises(InvalidConfigurationFile, match="no cloud named 'missing' .it has: local, other"):
        options_from_clouds_yaml("missing", clouds)
    broken = write(tmp_path / "broken.yaml", "clouds:\n  x: [unclosed\n    password: Hidden99\n")
    with pytest.raises(InvalidConfigurationFile) as caught:
        options_from_clouds_yaml("x", broken)
    assert "Hidden99" not in str(caught.value) and "line" in str(caught.value)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", clouds)
    monkeypatch.delenv("OS_CLOUD")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidConfigurationFile, match="no cloud named None"):
        options_from_clouds_yaml()  # two clouds, none chosen


def test_clouds_yaml_without_pyyaml_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clouds = write(tmp_path / "clouds.yaml", CLOUDS)
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes ``import yaml`` fail
    with pytest.raises(YAMLNotInstalled, match=r"pip install 'pyrax_image\[yaml\]'") as caught:
        KeystoneIdentity.from_cloud("local", clouds)
    assert isinstance(caught.value, ImportError)


def test_pyrax_image_imports_without_pyyaml() -> None:
    import subprocess

    code = "import sys; sys.modules['yaml'] = None; import pyrax_image; print('ok')"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "ok"
