"""Every exception pickles (issue 16 item 4): multiprocessing and task-queue
users send them between processes, so each class round-trips with its
status, request id, message and fields, and none carries a live resource,
client or identity (whose token would travel in the bytes)."""

from __future__ import annotations

import inspect
import multiprocessing
import pickle
from typing import Any, Dict

import pytest

from pyrax_image import TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.image.resources import Image, ImageTask
from tests.unit.helpers import BASE, IMAGE_ID, ITEM, make_client

TOKEN = "tok-3c9b1e8f-never-in-a-pickle"
CLASSES = sorted(
    (
        value
        for value in vars(exc).values()
        if inspect.isclass(value) and issubclass(value, exc.PyraxImageException)
    ),
    key=lambda cls: cls.__name__,
)


def sample(cls: type) -> exc.PyraxImageException:
    """An instance of ``cls`` with every field it has set to a telling value."""
    if issubclass(cls, exc.UnsafeRedirect):
        return cls(302, "Redirect refused", request_id="req-1", location="https://other.example/x")
    if issubclass(cls, exc.ClientException):
        return cls(409, "It clashed", {"why": "because"}, "req-1", "PUT", "https://glance/v2/images/x", 2.5)
    if cls is exc.AuthenticationFailed:
        return cls("The login was refused", 401, "req-1")
    if cls is exc.ChecksumMismatch:
        return cls("sha512", "aa", "bb", IMAGE_ID)
    if cls is exc.ImageStatusError:
        return cls("Image is killed", {"id": IMAGE_ID, "status": "killed"})
    if cls is exc.TaskFailed:
        return cls("Import failed", {"id": "t1", "status": "failure"})
    return cls("Something about %s" % cls.__name__)


def fields(error: BaseException) -> Dict[str, Any]:
    return dict(vars(error), args=error.args, str=str(error), type=type(error))


def test_the_sample_covers_every_exception_class() -> None:
    assert len(CLASSES) > 45 and exc.ImageMemberForbidden in CLASSES and exc.NoCredentials in CLASSES


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_exception_class_round_trips_through_pickle(cls: type) -> None:
    error = sample(cls)
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        copy = pickle.loads(pickle.dumps(error, protocol))
        assert fields(copy) == fields(error)
        assert isinstance(copy, exc.PyraxImageException)


def test_the_issue_reproduction_checksum_mismatch() -> None:
    copy = pickle.loads(pickle.dumps(exc.ChecksumMismatch("sha512", "a", "b", "img")))
    assert (copy.algorithm, copy.expected, copy.actual, copy.image_id) == ("sha512", "a", "b", "img")
    assert str(copy) == "sha512 mismatch for image img: expected a, got b"


def test_http_errors_keep_status_request_id_and_message() -> None:
    copy = pickle.loads(
        pickle.dumps(exc.NotFound(404, "No image x", request_id="req-9", method="GET", url="u"))
    )
    assert (copy.code, copy.http_status, copy.request_id, copy.message) == (404, 404, "req-9", "No image x")
    assert str(copy) == "No image x (HTTP 404) GET u (Request-ID: req-9)"


def _token_client() -> Any:
    return make_client([], identity=TokenIdentity(TOKEN, tenant_id="p1"))


def test_status_and_task_errors_carry_ids_not_the_resources(rsps: Any) -> None:
    client = _token_client()
    rsps.get(ITEM, json={"id": IMAGE_ID, "status": "killed", "name": "n"})
    with pytest.raises(exc.ImageStatusError) as status_error:
        client.wait_for_status(IMAGE_ID)
    rsps.get(BASE + "/v2/tasks/t1", json={"id": "t1", "status": "failure", "message": "bad"})
    with pytest.raises(exc.TaskFailed) as task_error:
        client.wait_for_task(ImageTask(client._tasks_manager, {"id": "t1"}))
    for error in (status_error.value, task_error.value):
        data = pickle.dumps(error)
        assert TOKEN.encode() not in data and b"ImageClient" not in data and b"Identity" not in data
        assert not any(isinstance(value, (Image, ImageTask)) for value in vars(error).values())
    assert (status_error.value.image_id, status_error.value.status) == (IMAGE_ID, "killed")
    assert (task_error.value.task_id, task_error.value.status, task_error.value.message) == (
        "t1",
        "failure",
        "bad",
    )


def _raise_mismatch(number: int) -> int:
    raise exc.ChecksumMismatch("sha512", "a" * 8, "b" * 8, "img-%d" % number)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_pool_worker_raising_checksum_mismatch_returns_the_error(method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip("no %s on this platform" % method)
    with multiprocessing.get_context(method).Pool(2) as pool:
        result = pool.map_async(_raise_mismatch, [1])
        with pytest.raises(exc.ChecksumMismatch) as caught:
            result.get(timeout=60)
    assert caught.value.image_id == "img-1" and caught.value.expected == "a" * 8


def test_errors_raised_through_the_http_layer_pickle(rsps: Any) -> None:
    client = _token_client()
    rsps.get(
        ITEM, status=404, json={"message": "no such image"}, headers={"X-Openstack-Request-Id": "req-abc"}
    )
    with pytest.raises(exc.NotFound) as caught:
        client.get(IMAGE_ID)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.code, copy.request_id, copy.message, copy.url) == (
        404,
        "req-abc",
        "no such image",
        caught.value.url,
    )
    assert TOKEN.encode() not in pickle.dumps(caught.value)
