"""Find (or start) the local cloud for a benchmark run."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict

import requests

ROOT = Path(__file__).resolve().parents[1]
STATE = Path(
    os.environ.get(
        "PYRAX_IMAGE_CLOUD_STATE",
        Path(os.environ.get("PYRAX_IMAGE_CLOUD_HOME", Path.home() / ".cache" / "pyrax_image_cloud"))
        / "state",
    )
)
PROJECT = "be9c0000000000000000000000000001"
NOAUTH_HEADERS = {
    "X-Identity-Status": "Confirmed",
    "X-Project-Id": PROJECT,
    "X-User-Id": "bench-user",
    "X-Roles": "reader,member",
}


def ensure_cloud() -> tuple[Dict[str, Any], bool]:
    """The cloud description, and whether this call started the cloud."""
    try:
        described = json.loads((STATE / "cloud.json").read_text())
        requests.get(described["glance_noauth_url"], timeout=2)
        return described, False
    except (OSError, ValueError, KeyError, requests.RequestException):
        subprocess.run(["bash", str(ROOT / "localcloud" / "start.sh")], check=True)
        return json.loads((STATE / "cloud.json").read_text()), True


def stop_cloud() -> None:
    """Stop the cloud started by :func:`ensure_cloud`."""
    subprocess.run(["bash", str(ROOT / "localcloud" / "stop.sh")], check=False)
