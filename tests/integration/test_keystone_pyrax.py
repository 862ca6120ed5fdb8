"""Scripts written for pyrax, run with ``import pyrax_image as pyrax`` on the real cloud."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc

ROOT = Path(__file__).resolve().parents[2]

PYRAX_SCRIPT = """\
import json
import sys

import pyrax_image as pyrax

pyrax.set_setting("identity_type", "keystone")
pyrax.set_setting("auth_endpoint", sys.argv[1])
pyrax.set_setting("region", "RegionOne")
pyrax.set_credentials("alice", password="alicepass", tenant_id=sys.argv[2])
images = pyrax.images.list_all(name=sys.argv[3])
print(json.dumps({
    "ids": [image.id for image in images],
    "tenant": pyrax.identity.tenant_id,
    "url": pyrax.images.management_url,
    "regions": list(pyrax.regions),
}))
"""


def test_the_pyrax_script_runs_unchanged(
    cloud: Dict[str, Any], alice_images: ImageClient, keystone_cleanup: list, unique: str, tmp_path: Path
) -> None:
    image = alice_images.create(unique, img_format="raw", img_container_format="bare")
    keystone_cleanup.append(("RegionOne", image.id))
    script = tmp_path / "pyrax_script.py"
    script.write_text(PYRAX_SCRIPT)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUD_", "OS_"))}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    alpha = cloud["users"]["alice"]["project_id"]
    result = subprocess.run(
        [sys.executable, str(script), cloud["keystone_v3_url"], alpha, unique],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output == {
        "ids": [image.id],
        "tenant": alpha,
        "url": cloud["regions"]["RegionOne"]["image"],
        "regions": output["regions"],
    }
    assert {"RegionOne", "RegionTwo"} <= set(output["regions"])


def test_module_api_in_process(pyrax_module: Any, cloud: Dict[str, Any]) -> None:
    pyrax = pyrax_module
    pyrax.set_setting("identity_type", "keystone")
    pyrax.set_setting("auth_endpoint", cloud["keystone_url"])  # unversioned: discovery
    pyrax.set_credentials("bob", password="bobpass", tenant_id=cloud["users"]["bob"]["project_id"])
    assert isinstance(pyrax.images.list(limit=1), list)
    assert pyrax.identity.tenant_name == "beta"
    two = pyrax.connect_to_images(region="RegionTwo")
    assert two.management_url == cloud["regions"]["RegionTwo"]["image"]
    assert isinstance(two.list(limit=1), list)
    internal = pyrax.connect_to_images(region="RegionOne", public=False)
    assert internal.management_url == cloud["regions"]["RegionOne"]["image_internal"]
    assert pyrax.identity.RegionTwo.image.client.management_url == two.management_url
    assert pyrax.identity.image["RegionOne"].public_url == cloud["regions"]["RegionOne"]["image"]
    with pytest.raises(exc.NoEndpointForRegion):
        pyrax.connect_to_images(region="RegionNine")


def test_module_api_wrong_password(pyrax_module: Any, cloud: Dict[str, Any]) -> None:
    pyrax = pyrax_module
    pyrax.set_setting("identity_type", "keystone")
    pyrax.set_setting("auth_endpoint", cloud["keystone_v3_url"])
    with pytest.raises(exc.AuthenticationFailed, match="requires authentication"):
        pyrax.set_credentials("alice", password="wrong-password")
    assert pyrax.images is None


def test_credential_file_and_cloud_variables(
    pyrax_module: Any, cloud: Dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyrax = pyrax_module
    monkeypatch.setenv("CLOUD_ID_TYPE", "keystone")
    monkeypatch.setenv("CLOUD_AUTH_ENDPOINT", cloud["keystone_v3_url"])
    monkeypatch.setenv("CLOUD_REGION", "RegionTwo")
    creds = tmp_path / "credentials"
    creds.write_text("[keystone]\nusername = alice\npassword = alicepass\ntenant_name = alpha\n")
    pyrax.set_credential_file(str(creds))
    assert pyrax.identity.tenant_id == cloud["users"]["alice"]["project_id"]
    assert pyrax.images.management_url == cloud["regions"]["RegionTwo"]["image"]
    assert isinstance(pyrax.images.list(limit=1), list)


def test_pyrax_cfg_environment(pyrax_module: Any, cloud: Dict[str, Any], tmp_path: Path) -> None:
    pyrax = pyrax_module
    (tmp_path / ".pyrax.cfg").write_text(
        textwrap.dedent(
            """\
            [local]
            identity_type = keystone
            auth_endpoint = %s
            region = RegionTwo
            """
            % cloud["keystone_v3_url"]
        )
    )
    pyrax.connect.reset()  # read the new ~/.pyrax.cfg
    pyrax.set_credentials("alice", password="alicepass")  # default project of alice: alpha
    assert pyrax.identity.tenant_id == cloud["users"]["alice"]["project_id"]
    assert pyrax.images.management_url == cloud["regions"]["RegionTwo"]["image"]


def test_os_variables_and_clouds_yaml(
    pyrax_module: Any, cloud: Dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyrax = pyrax_module
    bob = cloud["users"]["bob"]
    for name, value in {
        "OS_AUTH_URL": cloud["keystone_v3_url"],
        "OS_USERNAME": "bob",
        "OS_PASSWORD": bob["password"],
        "OS_PROJECT_NAME": bob["project_name"],
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_REGION_NAME": "RegionOne",
    }.items():
        monkeypatch.setenv(name, value)
    pyrax.set_credentials_from_env()
    assert pyrax.identity.tenant_id == bob["project_id"]
    assert isinstance(pyrax.images.list(limit=1), list)
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        textwrap.dedent(
            """\
            clouds:
              local:
                auth:
                  auth_url: %s
                  username: alice
                  password: alicepass
                  project_name: alpha
                  user_domain_name: Default
                  project_domain_name: Default
                region_name: RegionTwo
                interface: internal
                identity_api_version: 3
            """
            % cloud["keystone_url"]
        )
    )
    pyrax.set_cloud("local", str(clouds))
    assert pyrax.identity.tenant_id == cloud["users"]["alice"]["project_id"]
    assert pyrax.images.management_url == cloud["regions"]["RegionTwo"]["image_internal"]
    assert isinstance(pyrax.images.list(limit=1), list)
