"""Data-path faults between the SDK and the real Glance and Swift, through
the fault proxy: connections that break more often than a chunk, a server
trickling a byte at a time, and an upload the server never stores."""

from __future__ import annotations

import time

from pyrax_image import exceptions as exc
from pyrax_image.http_retry import RetryPolicy
from pyrax_image.transfer.options import MinimumProgress
from tests.faultproxy import reset_response, respond, trickle
from tests.integration.fault_fixtures import DATA, MIB, names_now, raised
from tests.integration.helpers import ALPHA, noauth_client

CUT = 300_000  # bytes of each reply before the proxy breaks the connection


def test_download_cut_more_often_than_a_chunk_still_completes(glance, via, fault_image):
    glance.add(reset_response(CUT), method="GET", path=r"/file$", times=7)
    download = via.download(fault_image, chunk_size=MIB, max_resumes=10)
    assert b"".join(download) == DATA
    assert download.resumes == 7 and download.verified_with is not None
    ranges = [entry.headers.get("range") for entry in glance.requests("GET", r"/file$")]
    assert ranges == [None] + ["bytes=%d-" % (CUT * n) for n in range(1, 8)]


def test_download_resumes_wait_as_the_clients_retry_policy_says(glance, fault_image):
    """Resumes after breaks with no byte between wait the policy's backoff
    (jittered: half to all of it), on the transport's clock."""
    client = noauth_client(glance.url, ALPHA, retry_policy=RetryPolicy(backoff=1.0, max_backoff=3.0))
    waits: list = []
    client.transport.sleep = waits.append
    glance.add(reset_response(CUT), method="GET", path=r"/file$")
    glance.add(reset_response(0), method="GET", path=r"/file$", times=2)
    download = client.download(fault_image, chunk_size=MIB)
    assert b"".join(download) == DATA and download.resumes == 3
    assert waits[0] == 0.0 and 1.0 <= waits[1] <= 2.0 and 1.5 <= waits[2] <= 3.0 and len(waits) == 3
    ranges = [entry.headers.get("range") for entry in glance.requests("GET", r"/file$")]
    assert ranges == [None] + ["bytes=%d-" % CUT] * 3


def test_swift_read_cut_more_often_than_a_chunk_still_completes(swift, token_via, container, ks_alpha):
    ks_alpha.object_storage.store_object(container, "cut", DATA)
    storage = token_via().object_storage
    swift.add(reset_response(CUT), method="GET", path=r"/cut$", times=4)
    assert b"".join(storage.fetch_object(container, "cut", chunk_size=MIB)) == DATA
    assert swift.count("GET", r"/cut$") == 5


def test_a_trickling_download_ends_with_request_timeout(glance, via, fault_image, tmp_path):
    glance.add(trickle(0.3, after=1000, limit=60), method="GET", path=r"/file$", times=None)
    via.min_progress = MinimumProgress(min_bytes=4096, seconds=2)
    dest = tmp_path / "image.raw"
    started = time.monotonic()
    raised(exc.RequestTimeout, lambda: via.download(fault_image, dest))
    assert time.monotonic() - started < 55  # ended by the rule, not by the proxy's own limit
    assert list(tmp_path.iterdir()) == []  # no partial file presented as whole
    assert glance.count("GET", r"/file$") == 1  # a too-slow body is not resumed


def test_upload_the_server_never_stores_raises(glance, via, alpha, unique, cleanup):
    image = alpha.create(unique, img_format="raw")
    cleanup.append(image)
    glance.add(respond(204), method="PUT", path=r"/file$")
    error = raised(exc.ImageStatusError, lambda: via.upload(image.id, DATA))
    assert "queued" in str(error)
    assert alpha.get(image.id).status == "queued"


def test_create_whose_data_is_never_stored_leaves_no_image(glance, via, alpha, unique):
    glance.add(respond(204), method="PUT", path=r"/file$")
    raised(exc.ImageStatusError, lambda: via.create(unique, img_format="raw", data=DATA))
    assert names_now(alpha, unique) == []
