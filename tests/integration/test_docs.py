"""The examples of docs/images.md, run in order against the Keystone-backed Glance."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

import pytest
import requests

from pyrax_image import exceptions as exc

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def keystone_login(cloud: Dict[str, Any], user: str) -> tuple[str, str]:
    """A project-scoped token for one of the cloud's users, by raw Keystone v3."""
    account = cloud["users"][user]
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": user, "domain": {"name": "Default"}, "password": account["password"]}
                },
            },
            "scope": {"project": {"id": account["project_id"]}},
        }
    }
    response = requests.post(cloud["keystone_url"] + "/v3/auth/tokens", json=body, timeout=30)
    response.raise_for_status()
    return response.headers["X-Subject-Token"], account["project_id"]


def test_images_guide_examples_run(cloud: Dict[str, Any]) -> None:
    token, project = keystone_login(cloud, "alice")
    partner_token, partner_project = keystone_login(cloud, "bob")
    namespace: Dict[str, Any] = {
        "TOKEN": token,
        "PROJECT_ID": project,
        "PARTNER_TOKEN": partner_token,
        "PARTNER_PROJECT_ID": partner_project,
        "GLANCE_URL": cloud["regions"]["RegionOne"]["image"],
    }
    blocks = BLOCK.findall((DOCS / "images.md").read_text())
    assert len(blocks) >= 10
    try:
        for number, block in enumerate(blocks, 1):
            try:
                exec(compile(block, "docs/images.md block %d" % number, "exec"), namespace)
            except Exception as error:  # pragma: no cover - the message is the point
                raise AssertionError(
                    "docs/images.md block %d failed: %r\n%s" % (number, error, block)
                ) from error
        # The last block deleted the image: the guide cleans up after itself.
        with pytest.raises(exc.NotFound):
            namespace["images"].get(namespace["image"].id)
    finally:
        # A failed block must not leave "docs-example" behind for the next run's find().
        image = namespace.get("image")
        if image is not None:
            try:
                namespace["images"].delete(image)
            except exc.NotFound:
                pass
