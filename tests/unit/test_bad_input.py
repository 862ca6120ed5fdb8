"""Careless input, table-driven, over every public method of ImageClient,
the identities and the object-storage clients: each bad call raises
``InvalidArgument`` (Python's ``TypeError`` for an unknown keyword) before
any request, under a mock that records every request and answers none.

The methods are found by introspection: a new public method without a row
in ROWS fails :func:`test_every_public_method_has_rows`.
"""

from __future__ import annotations

import inspect
import io
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from pyrax_image import ImageClient, KeystoneIdentity, RaxIdentity, TokenIdentity
from pyrax_image import exceptions as exc
from pyrax_image.cloud_files import CloudFilesClient
from pyrax_image.object_storage import ObjectStorageClient
from tests.unit.helpers import BASE, IMAGE_ID, PROJECT, SWIFT

TOKEN = "tok-bad-input"
KEYSTONE = "http://keystone.test:5000/v3"
HUGE = "x" * 70_000


class Case:
    """One bad call: ``args``/``kwargs`` and the exception it must raise."""

    def __init__(self, args: Tuple[Any, ...], kwargs: Dict[str, Any], error: type):
        self.args, self.kwargs, self.error = args, kwargs, error

    def __repr__(self) -> str:
        shown = [_short(a) for a in self.args] + ["%s=%s" % (k, _short(v)) for k, v in self.kwargs.items()]
        return "(%s)" % ", ".join(shown)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:30] + "...%d" % len(text)


def bad(*args: Any, **kwargs: Any) -> Case:
    """A call that must raise InvalidArgument."""
    return Case(args, kwargs, exc.InvalidArgument)


def unknown_keyword(*args: Any, **kwargs: Any) -> Case:
    """A call with a keyword the method does not take: TypeError."""
    return Case(args, dict(kwargs, no_such_keyword=1), TypeError)


class Unhashable:
    __hash__ = None  # type: ignore[assignment]


class NoName:
    """An object with neither an id nor a name."""


WRONG_IDS = [None, 1.5, True, [IMAGE_ID], {"id": IMAGE_ID}, NoName(), "", b"id", HUGE]
WRONG_TEXT = [5, 1.5, b"bytes", ["a"], {"a": 1}, Unhashable(), NoName()]
WRONG_COUNTS = [-1, 1.5, "many", True, [1], {}]
WRONG_FLAGS = ["yes", "false", 1.5, [True], None]
WRONG_SECONDS = ["soon", -1, float("nan"), float("-inf"), [1], True]
WRONG_CALLBACKS = ["print", 5, {"a": 1}]


def each(name: str, values: List[Any], *args: Any, **fixed: Any) -> List[Case]:
    """``bad(*args, name=value, **fixed)`` for every value."""
    return [bad(*args, **dict(fixed, **{name: value})) for value in values]


def each_arg(values: List[Any], before: Tuple[Any, ...] = (), after: Tuple[Any, ...] = ()) -> List[Case]:
    """``bad(*before, value, *after)`` for every value."""
    return [bad(*before, value, *after) for value in values]


FILTERS: List[Case] = (
    each("name", WRONG_TEXT)
    + each("visibility", ["everyone", 5, ["public"]])
    + each("member_status", ["maybe", 5])
    + each("owner", WRONG_TEXT)
    + each("tag", [5, [5], {"a": 1}, [""], Unhashable()])
    + each("status", ["actve", "ACTIVE", 5, ["active"], Unhashable(), {"a": 1}])
    + each("size_min", WRONG_COUNTS)
    + each("size_max", WRONG_COUNTS)
    + each("sort_key", ["colour", 5, ["name", "colour"], [], "name;drop"])
    + each("sort_dir", ["up", 5])
    + each("sort", ["name:up", "colour:asc", "name:asc,,size", 5, ["name:asc"]])
    + each("os_distro", [{"a": 1}, NoName(), Unhashable(), [{"a": 1}], b"bytes"])
    + each("created_at", [{"gte": "2026"}, object()])
    + [bad(sort="name:asc", sort_key="name")]
)
PAGING = each("limit", WRONG_COUNTS + [0]) + each("marker", WRONG_TEXT[1:4] + [""])


def image_data_rows() -> List[Case]:
    """Wrong data for upload and stage (fresh iterators for each method)."""
    return [
        bad(IMAGE_ID, [3, 3]),
        bad(IMAGE_ID, ["text"]),
        bad(IMAGE_ID, iter([5, b"ok"])),
        bad(IMAGE_ID, (chunk for chunk in ["text"])),
        bad(IMAGE_ID, 5),
        bad(IMAGE_ID, 1.5),
        bad(IMAGE_ID, {"a": 1}),
        bad(IMAGE_ID, NoName()),
        bad(IMAGE_ID, None),
        bad(IMAGE_ID, b"abc", size=10),
        bad(IMAGE_ID, b"abc", size=1),
        bad(IMAGE_ID, io.BytesIO(b"abc"), size=10),
        bad(IMAGE_ID, "/no/such/file/anywhere.img"),
        bad(IMAGE_ID, b"abc", size="ten"),
        bad(IMAGE_ID, b"abc", size=-1),
        bad(IMAGE_ID, b"abc", progress="no"),
        bad(IMAGE_ID, b"abc", chunk_size=0),
        bad(IMAGE_ID, b"abc", chunk_size="big"),
        bad(IMAGE_ID, b"abc", chunk_size=1.5),
    ] + each_arg(WRONG_IDS, after=(b"abc",))


ROWS: Dict[str, Dict[str, List[Case]]] = {}
ROWS["ImageClient"] = {
    "__init__": [
        bad("a-token-string"),
        bad(None),
        bad(5),
        bad(TokenIdentity(TOKEN), management_url=5),
        bad(TokenIdentity(TOKEN), management_url="not a url"),
        bad(TokenIdentity(TOKEN), management_url=BASE, timeout="soon"),
        bad(TokenIdentity(TOKEN), management_url=BASE, timeout=-1),
        bad(TokenIdentity(TOKEN), management_url=BASE, retries="3"),
        bad(TokenIdentity(TOKEN), management_url=BASE, verify_ssl="false"),
        bad(TokenIdentity(TOKEN), management_url=BASE, region_name=5),
        bad(TokenIdentity(TOKEN), management_url=BASE, max_reply_bytes="32M"),
        bad(TokenIdentity(TOKEN), management_url=BASE, max_reply_bytes=0),
        bad(TokenIdentity(TOKEN), management_url=BASE, pool_size=0),
        bad(TokenIdentity(TOKEN), management_url=BASE, pool_size=4.5),
        bad(TokenIdentity(TOKEN), management_url=BASE, retry_policy=3),
        Case((TokenIdentity(TOKEN),), {"management_url": BASE, "colour": 1}, TypeError),
    ],
    "list": FILTERS + PAGING + [unknown_keyword(return_everything=[])] * 0,
    "list_all": FILTERS,
    "iter_all": FILTERS + each("page_size", WRONG_COUNTS + [0]) + each("max_pages", WRONG_COUNTS + [0]),
    "find": [bad(), bad(name={"a": 1}), bad(status="actve"), bad(name=Unhashable()), bad(tags="abc")],
    "findall": [bad(), bad(name={"a": 1}), bad(status="actve"), bad(name=Unhashable()), bad(tags="abc")],
    "get": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "delete": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "deactivate": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "reactivate": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "update": each_arg(WRONG_IDS, after=({"name": "n"},))
    + [
        bad(IMAGE_ID, "name=n"),
        bad(IMAGE_ID, [("name", "n")]),
        bad(IMAGE_ID, {5: "n"}),
        bad(IMAGE_ID, {"": "n"}),
        bad(IMAGE_ID, {"name": 5}),
        bad(IMAGE_ID, {"name": HUGE}),
        bad(IMAGE_ID, {"tags": "abc"}),
        bad(IMAGE_ID, {"tags": [5]}),
        bad(IMAGE_ID, {"status": "active"}),
        bad(IMAGE_ID, {"os_distro": NoName()}),
        bad(IMAGE_ID, {"min_disk": "big"}),
        bad(IMAGE_ID, {"visibility": "everyone"}),
        bad(IMAGE_ID, {"protected": "yes"}),
        unknown_keyword(IMAGE_ID, {"name": "n"}),
    ],
    "change_image_name": each_arg(WRONG_IDS, after=("n",))
    + each_arg(WRONG_TEXT + [HUGE, ""], before=(IMAGE_ID,)),
    "create": each_arg(WRONG_TEXT + [None, "", HUGE])
    + [
        bad("n", data=[3, 3]),
        bad("n", data=5),
        bad("n", data={"a": 1}),
        bad("n", data=b"abc", size=10),
        bad("n", data=b"abc", chunk_size=0),
        bad("n", data=b"abc", chunk_size="big"),
        bad("n", data=b"abc", progress="no"),
        bad("n", data=b"abc", verify="yes"),
        bad("n", data=b"abc", hash_algo=5),
        bad("n", data=b"abc", store=5),
        bad("n", data=b"abc", store=""),
        bad("n", store="a\r\nb"),
        bad("n", data="/no/such/file/anywhere.img"),
        bad("n", img_format=5),
        bad("n", img_format=""),
        bad("n", img_container_format=["bare"]),
        bad("n", metadata="os_distro=x"),
        bad("n", metadata={5: "x"}),
        bad("n", metadata={"os_distro": NoName()}),
        bad("n", metadata={"tags": "abc"}),
        bad("n", metadata={"visibility": "everyone"}),
        bad("n", metadata={"min_ram": "lots"}),
        bad("n", data=b"abc", container="c"),
        bad("n", container="c"),
        bad("n", container="a/b", obj="o"),
        bad("n", container="c", obj=""),
        Case(("n",), {"colour": "red"}, TypeError),
        Case(("n",), {"data": b"abc", "chunksize": 10}, TypeError),
    ],
    "upload": image_data_rows()
    + [
        bad(IMAGE_ID, b"abc", verify="yes"),
        bad(IMAGE_ID, b"abc", hash_algo=5),
        bad(IMAGE_ID, b"abc", store=5),
        bad(IMAGE_ID, b"abc", store=["cheap"]),
        bad(IMAGE_ID, b"abc", store=""),
        unknown_keyword(IMAGE_ID, b"a"),
    ],
    "stage": image_data_rows() + [unknown_keyword(IMAGE_ID, b"a")],
    "download": each_arg(WRONG_IDS)
    + [
        bad(IMAGE_ID, dest=5),
        bad(IMAGE_ID, dest=b"/tmp/x"),
        bad(IMAGE_ID, dest="/"),
        bad(IMAGE_ID, dest=io.StringIO()),
        bad(IMAGE_ID, chunk_size=0),
        bad(IMAGE_ID, chunk_size="big"),
        bad(IMAGE_ID, progress="no"),
        bad(IMAGE_ID, verify="yes"),
        bad(IMAGE_ID, max_resumes=-1),
        bad(IMAGE_ID, max_resumes="5"),
        bad(IMAGE_ID, prefer="cheap"),
        bad(IMAGE_ID, prefer=[]),
        bad(IMAGE_ID, prefer=["a,b"]),
        bad(IMAGE_ID, prefer=[None]),
        unknown_keyword(IMAGE_ID),
    ],
    "import_image": each_arg(WRONG_IDS, after=("glance-direct",))
    + [
        bad(IMAGE_ID, "bogus-method"),
        bad(IMAGE_ID, 5),
        bad(IMAGE_ID, "web-download"),
        bad(IMAGE_ID, "web-download", uri=5),
        bad(IMAGE_ID, "web-download", uri="not a url"),
        bad(IMAGE_ID, "copy-image", stores=""),
        bad(IMAGE_ID, "copy-image", stores=[5]),
        bad(IMAGE_ID, "copy-image", all_stores="yes"),
        bad(IMAGE_ID, "glance-direct", all_stores_must_succeed="no"),
        bad(IMAGE_ID, "glance-download", remote_region=5),
        unknown_keyword(IMAGE_ID, "glance-direct"),
    ],
    "wait_for_status": each_arg(WRONG_IDS)
    + [
        bad(IMAGE_ID, "actve"),
        bad(IMAGE_ID, ["active", "actve"]),
        bad(IMAGE_ID, []),
        bad(IMAGE_ID, 5),
        bad(IMAGE_ID, Unhashable()),
        bad(IMAGE_ID, {"active": 1}),
    ]
    + each("timeout", WRONG_SECONDS, IMAGE_ID)
    + each("interval", WRONG_SECONDS + [0], IMAGE_ID)
    + each("callback", WRONG_CALLBACKS, IMAGE_ID)
    + [unknown_keyword(IMAGE_ID)],
    "wait_for_import_end": each_arg(WRONG_IDS)
    + each("timeout", WRONG_SECONDS, IMAGE_ID)
    + each("interval", WRONG_SECONDS + [0], IMAGE_ID)
    + [unknown_keyword(IMAGE_ID)],
    "wait_for_task": each_arg(WRONG_IDS)
    + each("timeout", WRONG_SECONDS, "task-id")
    + each("interval", WRONG_SECONDS + [0], "task-id")
    + each("callback", WRONG_CALLBACKS, "task-id")
    + [unknown_keyword("task-id")],
    "list_image_members": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "get_image_member": each_arg(WRONG_IDS, after=("p",))
    + each_arg(WRONG_IDS, before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "p")],
    "add_image_member": each_arg(WRONG_IDS, after=("p",))
    + each_arg(WRONG_IDS, before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "p")],
    "delete_image_member": each_arg(WRONG_IDS, after=("p",))
    + each_arg(WRONG_IDS, before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "p")],
    "update_image_member": each_arg(WRONG_IDS, after=("accepted",))
    + each_arg(["maybe", "ACCEPTED", 5, None, ["accepted"], Unhashable()], before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "accepted")],
    "add_image_tag": each_arg(WRONG_IDS, after=("t",))
    + each_arg(WRONG_TEXT + [None, "", "x" * 256], before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "t")],
    "delete_image_tag": each_arg(WRONG_IDS, after=("t",))
    + each_arg(WRONG_TEXT + [None, ""], before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "t")],
    "list_tasks": each("type", [5, "", ["import"]])
    + each("status", ["done", "SUCCESS", 5])
    + each("sort_key", [5, "", ["created_at"]])
    + each("sort_dir", ["up", 5])
    + each("page_size", WRONG_COUNTS + [0])
    + [unknown_keyword()],
    "get_task": each_arg(WRONG_IDS) + [unknown_keyword("task-id")],
    "export_task": each_arg(WRONG_IDS, after=("c",))
    + each_arg([None, 5, "", "a/b", ["c"]], before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "c")],
    "import_task": each_arg([None, 5, "", ["o"]], after=("c",))
    + each_arg([None, 5, "", "a/b"], before=("o",))
    + [bad("o", "c", img_format=5), bad("o", "c", img_name=5), unknown_keyword("o", "c")],
    "import_from_container": each_arg([None, 5, "", ["o"]], after=("c",))
    + each_arg([None, 5, "", "a/b"], before=("o",))
    + [
        bad("o", "c", method="bogus"),
        bad("o", "c", img_format=5),
        bad("o", "c", img_name=5),
        bad("o", "c", metadata="x"),
        bad("o", "c", temp_url_seconds=0),
        bad("o", "c", temp_url_seconds="long"),
        bad("o", "c", wait="yes"),
        bad("o", "c", timeout="soon"),
        bad("o", "c", interval=0),
        bad("o", "c", keep_on_failure="no"),
        unknown_keyword("o", "c"),
    ],
    "export_to_container": each_arg(WRONG_IDS, after=("c",))
    + each_arg([None, 5, "", "a/b"], before=(IMAGE_ID,))
    + [
        bad(IMAGE_ID, "c", obj_name=5),
        bad(IMAGE_ID, "c", obj_name=""),
        bad(IMAGE_ID, "c", chunk_size=0),
        bad(IMAGE_ID, "c", progress="no"),
        bad(IMAGE_ID, "c", segment_threshold=0),
        bad(IMAGE_ID, "c", segment_threshold="big"),
        unknown_keyword(IMAGE_ID, "c"),
    ],
    "copy_image": [bad(IMAGE_ID, 5), bad(IMAGE_ID, "not a client"), unknown_keyword(IMAGE_ID, None)],
    "get_import_info": [unknown_keyword()],
    "list_versions": each("root", WRONG_FLAGS) + [unknown_keyword()],
    "get_api_support": [unknown_keyword()],
    "service_url": each_arg([None, 5, b"/versions", "versions", "/x\r\ny"]),
    "list_image_tasks": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "list_image_locations": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "add_image_location": each_arg(WRONG_IDS, after=("http://h/d",))
    + each_arg([None, 5, "", "http://h/\r\nx", "x" * 3000], before=(IMAGE_ID,))
    + [
        bad(IMAGE_ID, "http://h/d", "sha512"),
        bad(IMAGE_ID, "http://h/d", {"os_hash_algo": "sha512"}),
        bad(IMAGE_ID, "http://h/d", {"os_hash_algo": "md7", "os_hash_value": "00"}),
        bad(IMAGE_ID, "http://h/d", {"os_hash_algo": "sha256", "os_hash_value": "0" * 63}),
        bad(IMAGE_ID, "http://h/d", {"os_hash_algo": "sha256", "os_hash_value": "g" * 64}),
        bad(IMAGE_ID, "http://h/d", {"os_hash_algo": "sha256", "os_hash_value": "0" * 64, "extra": "1"}),
        unknown_keyword(IMAGE_ID, "http://h/d"),
    ],
    "get_stores_detail": [unknown_keyword()],
    "delete_image_from_store": each_arg(WRONG_IDS, after=("fast",))
    + each_arg(WRONG_IDS, before=(IMAGE_ID,))
    + [unknown_keyword(IMAGE_ID, "fast")],
    "get_usage": [unknown_keyword()],
    "list_cached_images": [unknown_keyword()],
    "cache_image": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "delete_cached_image": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "clear_image_cache": each_arg(["all", "", "CACHE", 5, ["cache"]]) + [unknown_keyword()],
    "clean_image_cache": [unknown_keyword()],
    "prune_image_cache": [unknown_keyword()],
    "list_image_cache_nodes": each_arg(WRONG_IDS) + [unknown_keyword(IMAGE_ID)],
    "get_stores_info": [unknown_keyword()],
    "get_images_schema": [unknown_keyword()],
    "get_image_schema": [unknown_keyword()],
    "get_image_members_schema": [unknown_keyword()],
    "get_image_member_schema": [unknown_keyword()],
    "get_image_tasks_schema": [unknown_keyword()],
    "get_image_task_schema": [unknown_keyword()],
    "authenticate": [unknown_keyword()],
    "unauthenticate": [unknown_keyword()],
    "get_timings": [unknown_keyword()],
    "reset_timings": [unknown_keyword()],
    "url_for": each_arg([None, 5, b"/images", ["x"]]),
    "resolve_link": each_arg([None, 5, b"/v2/images", ["x"]]),
    "request": [
        bad(None, "GET"),
        bad(5, "GET"),
        bad("/images", None),
        bad("/images", 5),
        bad("/images", "BREW"),
        bad("/images", "GET", timeout="soon"),
        bad("/images", "GET", params="x=1"),
        bad("/images", "GET", headers="X: y"),
        bad("/images", "GET", headers={"X": 5}),
        bad("/images", "GET", headers={"X": "a\r\nInjected: yes"}),
        unknown_keyword("/images", "GET"),
    ],
}
for verb in ("get", "head", "delete", "post", "put", "patch"):
    ROWS["ImageClient"]["method_" + verb] = [
        bad(None),
        bad(5),
        bad("/images", timeout="soon"),
        bad("/images", headers={"X": "a\nb"}),
        unknown_keyword("/images"),
    ]


def _identity_rows(kind: type) -> Dict[str, List[Case]]:
    secret = "api_key" if kind is RaxIdentity else "password"
    good = {"username": "u", secret: "s", "auth_endpoint": KEYSTONE}
    return {
        "__init__": [
            bad(**dict(good, auth_endpoint=5)),
            bad(**dict(good, auth_endpoint="keystone.test:5000")),
            bad(**dict(good, username=5)),
            bad(**dict(good, username=["u"])),
            bad(**dict(good, **{secret: 5})),
            bad(**dict(good, **{secret: "s\nx"})),
            bad(**dict(good, tenant_id=5)),
            bad(**dict(good, region=5)),
            bad(**dict(good, timeout="soon")),
            bad(**dict(good, timeout=-1)),
            bad(**dict(good, verify_ssl="false")),
            bad(**dict(good, verify_ssl="/no/such/ca.pem")),
            bad(**dict(good, cert="/no/such/cert.pem")),
            bad(**dict(good, renewal_margin="soon")),
            bad(**dict(good, colour="red")),  # refused by name (InvalidArgument)
        ],
        "authenticate": [
            bad(username=5),
            bad(username="u", **{"password" if kind is not RaxIdentity else "api_key": 5}),
            bad(tenant_id=[1]),
            bad(connect="yes"),
            unknown_keyword(),
        ],
        "auth_with_token": [
            bad(5),
            bad(None),
            bad(""),
            bad("t\r\n"),
            bad("t", tenant_id=5),
            bad("t", tenant_name=[1]),
            unknown_keyword("t"),
        ],
        "set_credentials": [
            bad(5),
            bad("u", 5),
            bad("u", "p", region=5),
            bad("u", "p", tenant_id=[1]),
            bad("u", "p", authenticate="yes"),
        ],
        "set_credential_file": [
            bad(5),
            bad(None),
            bad("/no/such/credentials.ini"),
            unknown_keyword("/no/such"),
        ],
        "get_client": [
            bad(5),
            bad(""),
            bad("image", region=5),
            bad("image", public="no"),
            bad("image", cached="yes"),
            unknown_keyword("image"),
        ],
        "get_endpoint": [
            bad(5),
            bad(None),
            bad(""),
            bad("image", region=5),
            bad("image", public="no"),
            bad("image", service_name=5),
            unknown_keyword("image"),
        ],
        "get_token": [bad(force="yes"), unknown_keyword()],
        "get_default_region": [unknown_keyword()],
        "auth_headers": [unknown_keyword()],
        "reauthenticate": [unknown_keyword()],
        "unauthenticate": [unknown_keyword()],
        "from_cloud": [
            bad(5),
            bad("x", clouds_file=5),
            bad("x", clouds_file="/no/such/clouds.yaml"),
            bad("x", verify_ssl="false"),
        ],
        "from_env": [
            bad("OS_USERNAME=u"),
            bad({"OS_AUTH_URL": 5}),
            bad({}),
            bad({"OS_AUTH_URL": KEYSTONE}, colour=1),
        ],
    }


ROWS["KeystoneIdentity"] = _identity_rows(KeystoneIdentity)
ROWS["RaxIdentity"] = _identity_rows(RaxIdentity)
ROWS["TokenIdentity"] = {
    "__init__": [
        bad(5),
        bad(None),
        bad(""),
        bad("t\x00x"),
        bad("t", tenant_id=5),
        bad("t", tenant_name=[1]),
        Case(("t",), {"colour": 1}, TypeError),
    ],
    "authenticate": [unknown_keyword()],
    "auth_headers": [unknown_keyword()],
    "reauthenticate": [unknown_keyword()],
    "unauthenticate": [unknown_keyword()],
    "get_endpoint": [bad(5), bad(None), bad("image", region=5), unknown_keyword("image")],
}

CONTAINERS = [None, 5, "", "a/b", "x" * 257, ["c"], b"c", NoName()]
OBJECTS = [None, 5, "", "x" * 1025, ["o"], b"o", "a\x00b"]
STORE = (
    [
        bad("c", "o", [3, 3]),
        bad("c", "o", 5),
        bad("c", "o", {"a": 1}),
        bad("c", "o", b"abc", size=10),
        bad("c", "o", b"abc", chunk_size=0),
        bad("c", "o", b"abc", progress="no"),
        bad("c", "o", b"abc", headers="X: y"),
        bad("c", "o", b"abc", headers={"X": 5}),
        bad("c", "o", b"abc", content_type=5),
        bad("c", "o", "/no/such/file"),
    ]
    + each_arg(CONTAINERS, after=("o", b"abc"))
    + each_arg(OBJECTS, before=("c",), after=(b"abc",))
)
ROWS["ObjectStorageClient"] = {
    "__init__": [
        bad("a-token-string"),
        bad(TokenIdentity(TOKEN), management_url=5),
        bad(TokenIdentity(TOKEN), management_url=SWIFT, segment_threshold=0),
        bad(TokenIdentity(TOKEN), management_url=SWIFT, segment_size="big"),
        bad(TokenIdentity(TOKEN), management_url=SWIFT, chunk_size=0),
        Case((TokenIdentity(TOKEN),), {"management_url": SWIFT, "colour": 1}, TypeError),
    ],
    "list": each("limit", WRONG_COUNTS) + each("marker", WRONG_TEXT[:4]) + [unknown_keyword()],
    "get": each_arg(CONTAINERS),
    "delete": each_arg(CONTAINERS),
    "get_container": each_arg(CONTAINERS) + [unknown_keyword("c")],
    "create_container": each_arg(CONTAINERS) + [unknown_keyword("c")],
    "delete_container": each_arg(CONTAINERS) + [bad("c", del_objects="yes"), unknown_keyword("c")],
    "list_container_objects": each_arg(CONTAINERS)
    + each("limit", WRONG_COUNTS, "c")
    + each("prefix", [5, ["p"]], "c")
    + each("marker", [5, ["m"]], "c")
    + [unknown_keyword("c")],
    "get_object": each_arg(CONTAINERS, after=("o",))
    + each_arg(OBJECTS, before=("c",))
    + [unknown_keyword("c", "o")],
    "object_uri": each_arg(CONTAINERS, after=("o",)) + each_arg(OBJECTS, before=("c",)),
    "delete_object": each_arg(CONTAINERS, after=("o",))
    + each_arg(OBJECTS, before=("c",))
    + [bad("c", "o", delete_segments="no"), unknown_keyword("c", "o")],
    "fetch_object": each_arg(CONTAINERS, after=("o",))
    + each_arg(OBJECTS, before=("c",))
    + [
        bad("c", "o", chunk_size=0),
        bad("c", "o", chunk_size="big"),
        bad("c", "o", size=-1),
        bad("c", "o", size="all"),
        bad("c", "o", include_meta="yes"),
    ],
    "copy_object": each_arg(CONTAINERS, after=("o", "c2", "o2"))
    + each_arg(OBJECTS, before=("c",), after=("c2", "o2"))
    + each_arg(CONTAINERS, before=("c", "o"), after=("o2",))
    + each_arg(OBJECTS, before=("c", "o", "c2"))
    + [unknown_keyword("c", "o", "c2", "o2")],
    "store_object": STORE
    + [bad("c", "o", b"abc", segment_threshold=0), bad("c", "o", b"abc", segment_size=-5)],
    "upload_file": [
        bad("c", 5),
        bad("c", "/no/such/file"),
        bad("c", io.BytesIO(b"abc")),
        bad("a/b", io.BytesIO(b"abc"), obj_name="o"),
        bad("c", io.BytesIO(b"abc"), obj_name=5),
    ],
    "get_temp_url": each_arg(
        CONTAINERS,
        after=("o", 60),
    )
    + each_arg(OBJECTS, before=("c",), after=(60,))
    + [
        bad("c", "o", "soon", key="k"),
        bad("c", "o", 0, key="k"),
        bad("c", "o", -5, key="k"),
        bad("c", "o", float("nan"), key="k"),
        bad("c", "o", 60, method="BREW", key="k"),
        bad("c", "o", 60, method=5, key="k"),
        bad("c", "o", 60, key=5),
        bad("c", "o", 60, key="k", digest="md5"),
        bad("c", "o", 60, key="k", cached="no"),
    ],
    "get_temp_url_key": [bad(cached="no"), unknown_keyword()],
    "set_temp_url_key": [bad(5), bad(""), bad("k\r\nX: y"), bad(["k"]), unknown_keyword("k")],
    "find": [bad(), bad(name={"a": 1})],
    "findall": [bad(), bad(name={"a": 1})],
    "authenticate": [unknown_keyword()],
    "unauthenticate": [unknown_keyword()],
    "get_timings": [unknown_keyword()],
    "reset_timings": [unknown_keyword()],
    "url_for": each_arg([None, 5, b"/c"]),
    "service_url": each_arg([None, 5, "info"]),
    "resolve_link": each_arg([None, 5, b"/c"]),
    "request": [bad(None, "GET"), bad("/c", "BREW"), bad("/c", 5), unknown_keyword("/c", "GET")],
}
for verb in ("get", "head", "delete", "post", "put", "patch"):
    ROWS["ObjectStorageClient"]["method_" + verb] = [bad(None), bad(5), unknown_keyword("/c")]

ROWS["CloudFilesClient"] = dict(ROWS["ObjectStorageClient"])
ROWS["CloudFilesClient"].update(
    {
        "list": each("limit", WRONG_COUNTS)
        + each("marker", [5, ["m"]])
        + each("end_marker", [5, ["m"]])
        + each("prefix", [5, ["p"]])
        + [unknown_keyword()],
        "list_containers": each("limit", WRONG_COUNTS) + each("marker", [5]) + [unknown_keyword()],
        "list_container_names": each("limit", WRONG_COUNTS) + each("marker", [5]) + [unknown_keyword()],
        "list_containers_info": each("limit", WRONG_COUNTS) + each("marker", [5]) + [unknown_keyword()],
        "create": each_arg(CONTAINERS)
        + [bad("c", metadata="x"), bad("c", metadata={5: "x"}), bad("c", prefix=5), unknown_keyword("c")],
        "create_container": each_arg(CONTAINERS)
        + [bad("c", metadata="x"), bad("c", metadata={"k": NoName()}), unknown_keyword("c")],
        "delete": each_arg(CONTAINERS) + [bad("c", del_objects="yes"), unknown_keyword("c")],
        "list_container_objects": each_arg(CONTAINERS)
        + each("limit", WRONG_COUNTS, "c")
        + each("prefix", [5, ["p"]], "c")
        + each("delimiter", [5, "", ["/"]], "c")
        + each("end_marker", [5], "c")
        + [unknown_keyword("c")],
        "get_container_objects": each_arg(CONTAINERS)
        + each("limit", WRONG_COUNTS, "c")
        + [unknown_keyword("c")],
        "list_container_object_names": each_arg(CONTAINERS)
        + each("limit", WRONG_COUNTS, "c")
        + [unknown_keyword("c")],
        "get_container_object_names": each_arg(CONTAINERS)
        + each("limit", WRONG_COUNTS, "c")
        + [unknown_keyword("c")],
        "object_listing_iterator": each_arg(CONTAINERS)
        + each("prefix", [5, ["p"]], "c")
        + [unknown_keyword("c")],
        "fetch_object": ROWS["ObjectStorageClient"]["fetch_object"] + [unknown_keyword("c", "o")],
        "download_object": each_arg(CONTAINERS, after=("o", "/tmp"))
        + each_arg(OBJECTS, before=("c",), after=("/tmp",))
        + [
            bad("c", "o", 5),
            bad("c", "o", None),
            bad("c", "o", "/tmp", structure="no"),
            unknown_keyword("c", "o", "/tmp"),
        ],
        "store_object": [
            case for case in STORE if case.args != ("c", "o", "/no/such/file")
        ]  # text is data here
        + [
            bad("c", "o", b"abc", ttl=0),
            bad("c", "o", b"abc", ttl="day"),
            bad("c", "o", b"abc", etag=5),
            bad("c", "o", b"abc", metadata="x"),
            bad("c", "o", b"abc", content_encoding=5),
            Case(("c", "o", b"abc"), {"colour": 1}, TypeError),
        ],
        "upload_file": ROWS["ObjectStorageClient"]["upload_file"]
        + [
            bad("c", io.BytesIO(b"abc"), obj_name="o", content_length="big"),
            bad("c", io.BytesIO(b"abc"), obj_name="o", ttl=0),
            Case(("c", io.BytesIO(b"a")), {"obj_name": "o", "colour": 1}, TypeError),
        ],
        "get_temp_url": ROWS["ObjectStorageClient"]["get_temp_url"]
        + [unknown_keyword("c", "o", 60, key="k")],
    }
)

# Metadata definitions: NS names a namespace, WRONG_NAMES are no name of a definition.
NS = "OS::Test::Namespace"
WRONG_NAMES = WRONG_TEXT + [None, "", "x" * 256, "a/b", "line\nbreak"]


def _in_namespace(method_args: tuple, wrong: List[Any] = WRONG_NAMES) -> List[Case]:
    """Wrong namespaces, then wrong item names, for a method taking (namespace, item, *rest)."""
    return each_arg(wrong, after=method_args) + each_arg(wrong, before=(NS,), after=method_args[1:])


ROWS["ImageClient"].update(
    {
        "list_metadef_namespaces": each("limit", WRONG_COUNTS + [0])
        + each("marker", [5, "", "a/b", ["m"]])
        + each("resource_types", [5, [], [5], "", [""], {"a": 1}])
        + each("visibility", ["shared", "everyone", 5])
        + each("sort_key", ["colour", 5, ["name"]])
        + each("sort_dir", ["up", 5])
        + [unknown_keyword()],
        "list_all_metadef_namespaces": each("resource_types", [5, [], [5]])
        + each("visibility", ["shared", 5])
        + each("sort_key", ["colour", 5])
        + each("sort_dir", ["up", 5])
        + [unknown_keyword()],
        "get_metadef_namespace": each_arg(WRONG_NAMES)
        + each("resource_type", [5, ["OS::Glance::Image"]], NS)
        + [unknown_keyword(NS)],
        "create_metadef_namespace": each_arg(WRONG_NAMES)
        + each("visibility", ["shared", "all", 5], NS)
        + each("protected", WRONG_FLAGS[:-1], NS)
        + each("display_name", [5, ["d"]], NS)
        + each("description", [5, {"a": 1}], NS)
        + each("properties", [[], "p", {1: {}}], NS)
        + each("objects", [{}, "o", [5]], NS)
        + each("tags", [{}, "t", ["t"]], NS)
        + each("resource_type_associations", [{}, "r", ["r"]], NS)
        + [Case((NS,), {"colour": 1}, exc.InvalidArgument)],
        "update_metadef_namespace": each_arg(WRONG_NAMES)
        + each("visibility", ["shared", 5], NS)
        + each("protected", WRONG_FLAGS[:-1], NS)
        + each("namespace", WRONG_NAMES[:-1], NS)
        + [bad(NS, colour="blue"), bad(NS, owner="someone")],
        "delete_metadef_namespace": each_arg(WRONG_NAMES) + [unknown_keyword(NS)],
        "import_metadef_namespace": [
            bad(5),
            bad(None),
            bad([]),
            bad("/no/such/metadefs/file.json"),
            bad(io.BytesIO(b"not json")),
            bad(io.BytesIO(b"[1, 2]")),
            bad(io.BytesIO(b'{"display_name": "no namespace"}')),
            bad({"namespace": NS, "colour": "blue"}),
            bad({"namespace": NS, "visibility": "shared"}),
            bad({"namespace": NS, "properties": []}),
            bad({"namespace": NS, "objects": {}}),
            bad({"namespace": "a/b"}),
            bad({"namespace": 5}),
            bad(io.BytesIO(b" " * (16 * 1024 * 1024 + 1))),
            unknown_keyword({"namespace": NS}),
        ],
        "export_metadef_namespace": each_arg(WRONG_NAMES)
        + each("path", [5, ["p"], {"a": 1}], NS)
        + [unknown_keyword(NS)],
        "list_metadef_resource_types": [unknown_keyword()],
        "list_metadef_resource_type_associations": each_arg(WRONG_NAMES) + [unknown_keyword(NS)],
        "create_metadef_resource_type_association": _in_namespace(("OS::Glance::Image",))
        + each("prefix", [5, ["p"], ""], NS, "OS::Glance::Image")
        + each("properties_target", [5, ""], NS, "OS::Glance::Image")
        + [unknown_keyword(NS, "OS::Glance::Image")],
        "delete_metadef_resource_type_association": _in_namespace(("OS::Glance::Image",))
        + [unknown_keyword(NS, "OS::Glance::Image")],
        "list_metadef_objects": each_arg(WRONG_NAMES)
        + [unknown_keyword(NS), Case((NS,), {"sort_key": "name"}, TypeError)],
        "get_metadef_object": _in_namespace(("o",)) + [unknown_keyword(NS, "o")],
        "create_metadef_object": _in_namespace(("o",))
        + each("description", [5, ["d"]], NS, "o")
        + each("properties", [[], "p", {1: {}}], NS, "o")
        + each("required", ["p", [5], {"p": 1}], NS, "o")
        + [unknown_keyword(NS, "o")],
        "update_metadef_object": _in_namespace(("o",))
        + each("required", ["p", [5]], NS, "o")
        + each("properties", [[], "p"], NS, "o")
        + each("name", WRONG_NAMES, NS, "o")
        + [bad(NS, "o", colour="blue")],
        "delete_metadef_object": _in_namespace(("o",)) + [unknown_keyword(NS, "o")],
        "delete_all_metadef_objects": each_arg(WRONG_NAMES) + [unknown_keyword(NS)],
        "list_metadef_properties": each_arg(WRONG_NAMES) + [unknown_keyword(NS)],
        "get_metadef_property": _in_namespace(("p",))
        + each("resource_type", [5, ["r"]], NS, "p")
        + [unknown_keyword(NS, "p")],
        "create_metadef_property": _in_namespace(("p", "Title", "string"))
        + each_arg(WRONG_TEXT + [None, ""], before=(NS, "p"), after=("string",))
        + each_arg(["str", "text", 5, None], before=(NS, "p", "Title"))
        + [bad(NS, "p", "Title", "string", colour="blue")],
        "update_metadef_property": _in_namespace(("p",))
        + each("type", ["str", 5], NS, "p")
        + each("title", [5, ""], NS, "p")
        + each("name", WRONG_NAMES, NS, "p")
        + [bad(NS, "p", colour="blue")],
        "delete_metadef_property": _in_namespace(("p",)) + [unknown_keyword(NS, "p")],
        "delete_all_metadef_properties": each_arg(WRONG_NAMES) + [unknown_keyword(NS)],
        "list_metadef_tags": each_arg(WRONG_NAMES)
        + each("limit", WRONG_COUNTS + [0], NS)
        + each("marker", [5, "", "a/b"], NS)
        + each("sort_key", ["colour", 5], NS)
        + each("sort_dir", ["up", 5], NS)
        + [unknown_keyword(NS)],
        "get_metadef_tag": _in_namespace(("t",)) + [unknown_keyword(NS, "t")],
        "create_metadef_tag": _in_namespace(("t",)) + [unknown_keyword(NS, "t")],
        "create_metadef_tags": each_arg(WRONG_NAMES, after=(["t"],))
        + each_arg([[], "t", None, 5, [5], [""], ["a/b"]], before=(NS,))
        + each("append", WRONG_FLAGS, NS, ["t"])
        + [unknown_keyword(NS, ["t"])],
        "update_metadef_tag": _in_namespace(("t", "new"))
        + each_arg(WRONG_NAMES, before=(NS, "t"))
        + [unknown_keyword(NS, "t", "new")],
        "delete_metadef_tag": _in_namespace(("t",)) + [unknown_keyword(NS, "t")],
        "delete_all_metadef_tags": each_arg(WRONG_NAMES) + [unknown_keyword(NS)],
    }
)
for _name in ("namespace", "resource_type", "object", "property", "tag"):
    ROWS["ImageClient"]["get_metadef_%s_schema" % _name] = [unknown_keyword()]
    ROWS["ImageClient"]["get_metadef_%s_schema" % ("properties" if _name == "property" else _name + "s")] = [
        unknown_keyword()
    ]

for _kind in ROWS:  # every client and identity can close its connections
    ROWS[_kind]["close"] = [unknown_keyword()]

CLASSES: Dict[str, type] = {
    "ImageClient": ImageClient,
    "KeystoneIdentity": KeystoneIdentity,
    "RaxIdentity": RaxIdentity,
    "TokenIdentity": TokenIdentity,
    "ObjectStorageClient": ObjectStorageClient,
    "CloudFilesClient": CloudFilesClient,
}


def public_methods(cls: type) -> List[str]:
    """Every public callable of ``cls`` (methods, static and class methods)."""
    names = []
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attribute = inspect.getattr_static(cls, name)
        # Listing methods are filter-declaring callables (image/filters.py), not functions.
        method_like = callable(attribute) and not isinstance(attribute, type)
        if isinstance(attribute, (staticmethod, classmethod)) or method_like:
            names.append(name)
    return sorted(names)


def target(kind: str) -> Any:
    """A fresh, unauthenticated-where-possible instance of ``kind``."""
    if kind == "ImageClient":
        client = ImageClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=BASE)
        client.object_storage_url = SWIFT
        client.transport.sleep = lambda seconds: None
        return client
    if kind in ("ObjectStorageClient", "CloudFilesClient"):
        client = CLASSES[kind](TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=SWIFT)
        client.transport.sleep = lambda seconds: None
        return client
    if kind == "TokenIdentity":
        return TokenIdentity(TOKEN, tenant_id=PROJECT)
    secret = "api_key" if kind == "RaxIdentity" else "password"
    identity = CLASSES[kind](username="u", auth_endpoint=KEYSTONE, **{secret: "s"})
    return identity


def all_cases() -> Iterator[Any]:
    for kind, rows in ROWS.items():
        for method, cases in rows.items():
            for number, case in enumerate(cases):
                yield pytest.param(kind, method, case, id="%s.%s-%d%r" % (kind, method, number, case))


def test_every_public_method_has_rows():
    for kind, cls in CLASSES.items():
        missing = [name for name in public_methods(cls) if not ROWS[kind].get(name)]
        assert missing == [], "%s methods without bad-input rows: %s" % (kind, missing)
        assert ROWS[kind].get("__init__"), kind


def test_the_table_is_large():
    assert sum(len(cases) for rows in ROWS.values() for cases in rows.values()) > 900


@pytest.mark.parametrize("kind, method, case", list(all_cases()))
def test_bad_input_is_refused_before_any_request(kind, method, case, tmp_path, rsps):
    if method == "__init__":
        call: Callable[..., Any] = CLASSES[kind]
    else:
        call = getattr(target(kind), method)
    with pytest.raises(case.error) as caught:
        result = call(*case.args, **case.kwargs)
        if inspect.isgenerator(result) or isinstance(result, Iterator):
            next(iter(result))  # an iterator must refuse when made, not here
            pytest.fail("%s returned an iterator instead of refusing" % method)
    assert len(rsps.calls) == 0, "a request was sent: %s" % rsps.calls[0].request.url
    error = caught.value
    assert str(error)
    assert TOKEN not in str(error)
    if case.error is TypeError:
        assert (
            "no_such_keyword" in str(error)
            or "unexpected keyword" in str(error)
            or "colour" in str(error)
            or "chunksize" in str(error)
        )
