"""What ``import pyrax_image`` and a first ``list()`` leave unloaded.

The data machinery (the image data service and the modules doing its work,
the transfer layer, object storage), dateutil and the configuration-file
parsers, and inspect (the listing methods' signatures are built when asked for)
cost import time a program that only lists images never uses: they
are imported on first use. Each check runs in a fresh interpreter and reads
``sys.modules`` (what is loaded, not how long it took). ``requests`` is
imported first and the heavy modules it loaded are then dropped from
``sys.modules``, so one there again was imported by pyrax_image: on Python
3.12+ urllib3 2's ``urllib3.http2`` imports ``importlib.metadata``, which
imports ``inspect``, and that is not ours (nor is ``typing`` importing it for
the ``isinstance`` check of a runtime protocol when requests encodes params:
the first-list check sends one request with requests first).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List, Set

ROOT = Path(__file__).resolve().parents[2]

DATA_MODULES = [
    "pyrax_image.image.copy",
    "pyrax_image.image.data_service",
    "pyrax_image.image.download",
    "pyrax_image.image.importing",
    "pyrax_image.image.object_transfer",
    "pyrax_image.image.destinations",
    "pyrax_image.image.storage_access",
    "pyrax_image.image.uploads",
    "pyrax_image.transfer.bodies",
    "pyrax_image.transfer.hashing",
    "pyrax_image.transfer.parallel",
    "pyrax_image.transfer.ranged",
    "pyrax_image.transfer.sources",
    "pyrax_image.object_storage.client",
    "pyrax_image.object_storage.listing",
    "pyrax_image.object_storage.resources",
    "pyrax_image.object_storage.upload",
]
OTHER_MODULES = ["pyrax_image.cli", "dateutil", "configparser", "yaml", "uuid", "inspect", "dataclasses"]
HEAVY = DATA_MODULES + OTHER_MODULES
# requests loaded, then what it loaded of the heavy modules forgotten.
AFTER_REQUESTS = """
import json, sys, requests
for name in %r:
    sys.modules.pop(name, None)
before = set(sys.modules)
""" % (OTHER_MODULES,)

# A one-page listing served on a free port, started before the modules are
# counted (then AFTER_REQUESTS); the child prints the modules pyrax_image's
# own work loaded.
FIRST_LIST = """
import http.server, json, sys, threading

PAGE = json.dumps({"images": [{"id": "1", "name": "one", "status": "active",
                               "created_at": "2026-01-01T00:00:00Z"}]}).encode()

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d" % server.server_port
import requests
requests.get(url, params={"limit": 1}).close()  # what sending with requests loads is not ours
"""
FIRST_LIST_AFTER = """
from pyrax_image import ImageClient, TokenIdentity

client = ImageClient(TokenIdentity("a-token", tenant_id="p"), management_url=url)
images = client.list()
assert [image.name for image in images] == ["one"], images
assert getattr(images[0], "os_distro", None) is None
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def loaded_by(code: str) -> Set[str]:
    """The modules a fresh interpreter running ``code`` reports as loaded."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=60
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def loaded_of(modules: Set[str], wanted: List[str]) -> List[str]:
    return [name for name in wanted if name in modules]


def test_importing_pyrax_image_loads_none_of_the_heavy_modules():
    modules = loaded_by(
        AFTER_REQUESTS + "import pyrax_image\nprint(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    assert "pyrax_image.image.client" in modules  # the check sees the package's modules
    assert loaded_of(modules, HEAVY) == []


def test_a_first_list_loads_none_of_the_data_modules():
    modules = loaded_by(FIRST_LIST + AFTER_REQUESTS + FIRST_LIST_AFTER)
    assert "pyrax_image.image.manager" in modules
    assert loaded_of(modules, HEAVY) == []


def test_the_data_service_is_built_on_first_use_and_then_kept():
    code = (
        "import json, sys\n"
        "from pyrax_image import ImageClient, TokenIdentity\n"
        "client = ImageClient(TokenIdentity('a-token', tenant_id='p'), management_url='http://127.0.0.1:9')\n"
        "before = 'pyrax_image.image.data_service' in sys.modules\n"
        "service = client.data_service\n"
        "assert service is client.data_service\n"
        "assert service.api.http is client\n"
        "print(json.dumps(sorted(sys.modules) if not before else []))\n"
    )
    modules = loaded_by(code)
    assert "pyrax_image.image.data_service" in modules
    assert "pyrax_image.transfer.hashing" in modules


def test_the_lazy_packages_still_export_their_names():
    code = (
        "import json\n"
        "from pyrax_image import object_storage, transfer\n"
        "names = [(m.__name__, n) for m in (object_storage, transfer) for n in m.__all__"
        " if getattr(m, n, None) is None]\n"
        "print(json.dumps(names))\n"
    )
    assert loaded_by(code) == set()
