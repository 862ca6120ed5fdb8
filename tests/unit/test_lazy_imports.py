"""What ``import pyrax_image`` and a first ``list()`` leave unloaded.

The data machinery (the image data service and the modules doing its work,
the transfer layer, object storage), the other API areas ``ImageClient``
mixes in (metadata definitions, versions, locations, stores, usage, the
cache), sync, inspection, Cloud Files and the CLI, dateutil and the
configuration-file parsers, inspect (the listing methods' signatures are built
when asked for) and html (HTML error bodies) cost import time a program that
only lists images never uses: they are imported on first use, and each area
works on its first call. Each check runs in a fresh interpreter and reads
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
# The API areas beyond images and tasks, each loaded by its first call
# (AREA_CALLS); the metadefs and operations managers are built on first use.
METADEF_MODULES = [
    "pyrax_image.metadefs.checks",
    "pyrax_image.metadefs.contents",
    "pyrax_image.metadefs.documents",
    "pyrax_image.metadefs.managers",
    "pyrax_image.metadefs.resources",
]
AREA_MODULES = METADEF_MODULES + [
    "pyrax_image.image.cache",
    "pyrax_image.image.discovery",
    "pyrax_image.image.locations",
    "pyrax_image.image.stores",
    "pyrax_image.image.usage",
    "pyrax_image.sync",
    "pyrax_image.sync_report",
    "pyrax_image.inspector",
    "pyrax_image.cloud_files",
]
OTHER_MODULES = [
    "pyrax_image.cli",
    "dateutil",
    "configparser",
    "yaml",
    "uuid",
    "inspect",
    "dataclasses",
    "html",
    "html.entities",
]
HEAVY = DATA_MODULES + AREA_MODULES + OTHER_MODULES
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
        "import pyrax_image\n"
        "from pyrax_image import metadefs, object_storage, transfer\n"
        "names = [(m.__name__, n) for m in (metadefs, object_storage, transfer, pyrax_image) for n in m.__all__"
        " if getattr(m, n, None) is None]\n"
        "print(json.dumps(names))\n"
    )
    assert loaded_by(code) == set()


# One call of each lazily loaded area through a real client (the unit tests'
# ``responses``), in a fresh interpreter: what the area needs is absent before
# its call and loaded by it, and the call answers as it does when loaded eagerly.
AREA_CALLS = """
import json, sys
import responses
from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc

V2 = "http://glance.test:9292/v2"
IMAGE = "11111111-2222-3333-4444-555555555555"
client = ImageClient(TokenIdentity("tok", tenant_id="proj"), management_url="http://glance.test:9292")
results = {}


def first_call(area, modules, call):
    absent = [name for name in modules if name not in sys.modules]
    answer = call()
    results[area] = {"absent": absent, "loaded": [n for n in modules if n in sys.modules], "answer": answer}


def html_error():
    try:
        client.get(IMAGE)
    except exc.NotFound as error:
        return error.message


with responses.RequestsMock() as rsps:
    rsps.get(V2 + "/metadefs/namespaces", json={"namespaces": [{"namespace": "OS::Compute::Quota"}]})
    rsps.get("http://glance.test:9292/versions", json={"versions": [{"id": "v2.17", "status": "CURRENT"}]})
    rsps.get(V2 + "/images/" + IMAGE + "/locations", json=[{"url": "file:///d/x", "metadata": {"store": "fast"}}])
    rsps.get(V2 + "/info/stores/detail", json={"stores": [{"id": "fast", "default": "true", "type": "file"}]})
    rsps.get(V2 + "/info/usage", json={"usage": {"image_count_total": {"limit": 10, "usage": 3}}})
    rsps.get(V2 + "/cache", json={"cached_images": [], "queued_images": [IMAGE]})
    rsps.get(V2 + "/images/" + IMAGE, body="<html><h1>Not Found</h1><p>No image &amp; no data</p></html>",
             status=404, content_type="text/html")
    first_call(
        "metadefs",
        %r,
        lambda: [ns.namespace for ns in client.list_metadef_namespaces()],
    )
    first_call("versions", ["pyrax_image.image.discovery"], lambda: [v.version for v in client.list_versions()])
    first_call(
        "locations", ["pyrax_image.image.locations"], lambda: [l.store for l in client.list_image_locations(IMAGE)]
    )
    first_call("stores", ["pyrax_image.image.stores"], lambda: [s.is_default for s in client.get_stores_detail()])
    first_call("usage", ["pyrax_image.image.usage"], lambda: client.get_usage().image_count_total.remaining)
    first_call("cache", ["pyrax_image.image.cache"], lambda: [i.id for i in client.list_cached_images().queued])
    first_call("html error body", ["html", "html.entities"], html_error)
print(json.dumps(results))
""" % ([name for name in METADEF_MODULES if name != "pyrax_image.metadefs.documents"],)


def test_each_lazy_area_works_on_its_first_call():
    out = subprocess.run(
        [sys.executable, "-c", AREA_CALLS], capture_output=True, text=True, cwd=str(ROOT), timeout=60
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout.strip().splitlines()[-1])
    image = "11111111-2222-3333-4444-555555555555"
    answers = {
        "metadefs": ["OS::Compute::Quota"],
        "versions": ["2.17"],
        "locations": ["fast"],
        "stores": [True],
        "usage": 7,
        "cache": [image],
        "html error body": "No image & no data",
    }
    assert {area: result["answer"] for area, result in results.items()} == answers
    for area, result in results.items():
        assert result["absent"] == result["loaded"] and result["loaded"], area
