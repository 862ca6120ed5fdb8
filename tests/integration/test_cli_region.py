"""The command line and a region the catalog lacks (issue 16 item 7): an
error with exit status 1 listing the regions there are, wherever the region
comes from (--region, OS_REGION_NAME, clouds.yaml, pyrax's settings), never
another region's images."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest

from tests.integration.cli_fixtures import clean_environ, os_env, pyrax_env, run_cli, write_clouds_yaml


def assert_refused(done: Any, region: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert done.stdout == b""  # no other region's listing
    line = done.stderr.strip()
    assert line.startswith("error: ") and "'%s'" % region in line, line
    assert "RegionOne" in line and "RegionTwo" in line, line  # the regions it does have
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("region", ["Mars", "RegionTow"])
def test_os_region_name_not_in_the_catalog(cloud: Dict[str, Any], tmp_path: Path, region: str) -> None:
    env = os_env(cloud, "alice", tmp_path)
    env["OS_REGION_NAME"] = region
    assert_refused(run_cli(["list", "--limit", "1"], env), region)


def test_region_flag_not_in_the_catalog(cloud: Dict[str, Any], tmp_path: Path) -> None:
    env = os_env(cloud, "alice", tmp_path)
    assert_refused(run_cli(["--region", "Mars", "list"], env), "Mars")
    env["OS_REGION_NAME"] = "Mars"  # the flag wins over the variable
    assert run_cli(["--region", "RegionTwo", "list", "--limit", "1"], env).returncode == 0


def test_clouds_yaml_region_not_in_the_catalog(cloud: Dict[str, Any], tmp_path: Path) -> None:
    write_clouds_yaml(tmp_path, cloud, "alice", "mars", "Mars")
    env = clean_environ()
    env["HOME"] = str(tmp_path)
    assert_refused(run_cli(["--os-cloud", "mars", "list"], env, cwd=tmp_path), "Mars")


def test_pyrax_settings_region_not_in_the_catalog(cloud: Dict[str, Any], tmp_path: Path) -> None:
    env = pyrax_env(cloud, tmp_path, tmp_path / ".rackspace_cloud_credentials", "Mars")
    assert_refused(run_cli(["list"], env), "Mars")
    (tmp_path / ".pyrax.cfg").write_text(
        "[settings]\nidentity_type = keystone\nauth_endpoint = %s\nregion = RegionTow\n"
        "user_domain_name = %s\nproject_domain_name = %s\n"
        % (cloud["keystone_v3_url"], cloud["domain"], cloud["domain"])
    )
    home_only = {k: v for k, v in env.items() if not k.startswith("CLOUD_")}
    assert_refused(run_cli(["list"], home_only), "RegionTow")
