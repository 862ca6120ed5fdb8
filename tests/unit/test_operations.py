"""Wire format of the rest of Glance v2 (docs/api-coverage.md): versions,
locations, stores, usage, the cache, an image's tasks and task filters; and
the 404s of an API the cloud lacks mapped to ApiVersionNotSupported."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import pytest
import responses

from pyrax_image import Image, ImageTask
from pyrax_image import exceptions as exc
from pyrax_image.image.usage import QuotaUsage
from tests.unit.helpers import (
    BASE,
    IMAGE_ID,
    ITEM,
    V2,
    VERSIONED,
    Exchange,
    active_info,
    assert_headers,
    assert_no_request,
    assert_sent_exactly,
    call,
    image_info,
    reading_callback,
    sent_json,
)


def versions_body(*versions: str, current: str = "") -> dict:
    entries = [
        {
            "id": "v" + v,
            "status": "CURRENT" if v == current else "SUPPORTED",
            "links": [{"rel": "self", "href": BASE + "/v2/"}],
        }
        for v in versions
    ]
    return {"versions": entries}


NO_CACHE = versions_body("2.15", "2.13", "2.12", "2.9", "2.17", "2.0", current="2.17")
WITH_CACHE = versions_body("2.18", "2.17", "2.14", "2.9", "2.0", current="2.18")
NOT_FOUND = {"message": "The resource could not be found.", "code": "404 Not Found", "title": "Not Found"}


# -- versions ------------------------------------------------------------------------------
def test_list_versions_asks_the_service_root(client, rsps):
    rsps.get(BASE + "/versions", json=NO_CACHE)
    versions = client.list_versions()
    assert [v.id for v in versions][:2] == ["v2.15", "v2.13"]
    assert versions[0].version == "2.15" and versions[0].url == BASE + "/v2/"
    assert call(rsps).url == BASE + "/versions"


def test_list_versions_at_the_root_takes_the_300(client, rsps):
    rsps.get(BASE + "/", json=WITH_CACHE, status=300)
    assert [v.version for v in client.list_versions(root=True)][0] == "2.18"


def test_versions_of_a_versioned_endpoint_leave_the_version_out(vclient, rsps):
    rsps.get("https://images.example.com/versions", json=WITH_CACHE)
    assert len(vclient.list_versions()) == 5
    assert VERSIONED.endswith("/v2")


def test_api_support_says_which_optional_apis_are_listed(client, rsps):
    rsps.get(BASE + "/versions", json=NO_CACHE)
    support = client.get_api_support()
    assert support.current == "2.17" and support.versions[0] == "2.17"
    assert (support.cache, support.locations, support.image_tasks) == (False, True, True)
    assert support.supports("v2.9") and not support.supports("2.14")


def test_versions_of_the_wrong_shape_are_invalid(client, rsps):
    rsps.get(BASE + "/versions", json={"versions": "v2.18"})
    with pytest.raises(exc.InvalidResponse):
        client.list_versions()


# -- cache ------------------------------------------------------------------------------------
CACHE_STATE = {
    "cached_images": [
        {
            "image_id": IMAGE_ID,
            "hits": 3,
            "size": 1024,
            "last_accessed": 1700000000.5,
            "last_modified": 1700000000.0,
            "checksum": "c",
        }
    ],
    "queued_images": ["22222222-2222-3333-4444-555555555555"],
}


def test_list_cached_images_gives_images_with_their_cache_entry(client, rsps):
    rsps.get(V2 + "/cache", json=CACHE_STATE)
    rsps.get(ITEM, json=image_info(name="cached-one", status="active"))
    state = client.list_cached_images()
    (cached,), (queued,) = state.cached, state.queued
    assert isinstance(cached, Image) and isinstance(queued, Image)
    assert cached.id == IMAGE_ID and queued.id.startswith("2222")
    entry = cached.cache_entry
    assert (entry.size, entry.hits, entry.checksum) == (1024, 3, "c")
    assert entry.last_accessed == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=timezone.utc)
    assert cached.name == "cached-one"  # an image like any other: details load on use
    assert cached.cache_entry is entry and len(rsps.calls) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"cached_images": {}, "queued_images": []},
        {"cached_images": [{"image_id": 7}], "queued_images": []},
        {"cached_images": [{"image_id": IMAGE_ID, "hits": "3"}], "queued_images": []},
        {"cached_images": [{"image_id": IMAGE_ID, "last_accessed": "yesterday"}], "queued_images": []},
        {"cached_images": [], "queued_images": [None]},
    ],
)
def test_a_cache_listing_of_the_wrong_shape_is_invalid(client, rsps, body):
    rsps.get(V2 + "/cache", json=body)
    with pytest.raises(exc.InvalidResponse):
        client.list_cached_images()


def test_cache_image_delete_and_nodes(client, rsps):
    rsps.put(V2 + "/cache/" + IMAGE_ID, status=202)
    rsps.delete(V2 + "/cache/" + IMAGE_ID, status=204)
    rsps.get(V2 + "/cache/nodes/" + IMAGE_ID, json=["http://127.0.0.1:9293"])
    client.cache_image(IMAGE_ID)
    client.delete_cached_image(Image(None, {"id": IMAGE_ID}))
    assert client.list_image_cache_nodes(IMAGE_ID) == ["http://127.0.0.1:9293"]
    assert [c.request.method for c in rsps.calls] == ["PUT", "DELETE", "GET"]


def test_a_bad_clear_target_is_refused_before_any_request(client, rsps):
    with pytest.raises(exc.InvalidArgument):
        client.clear_image_cache("everything")
    assert_no_request(rsps)


def test_clean_and_prune(client, rsps):
    rsps.post(V2 + "/cache/clean", status=200, body=b"", content_type="text/html")
    rsps.post(V2 + "/cache/prune", json={"total_files_pruned": 2, "total_bytes_pruned": 4096})
    client.clean_image_cache()
    pruned = client.prune_image_cache()
    assert (pruned.files, pruned.bytes) == (2, 4096)


def test_a_cloud_without_the_cache_raises_api_version_not_supported(client, rsps):
    rsps.get(V2 + "/cache", json={"message": "Caching via API is not supported at this site."}, status=404)
    rsps.get(BASE + "/versions", json=NO_CACHE)
    with pytest.raises(exc.ApiVersionNotSupported) as info:
        client.list_cached_images()
    error = info.value
    assert isinstance(error, exc.NotFound) and error.version == "2.14" and "2.17" in error.offered
    assert "image cache" in error.message and error.code == 404


def test_a_missing_image_on_a_cloud_with_the_cache_stays_not_found(client, rsps):
    rsps.put(V2 + "/cache/" + IMAGE_ID, json=NOT_FOUND, status=404)
    rsps.get(BASE + "/versions", json=WITH_CACHE)
    with pytest.raises(exc.NotFound) as info:
        client.cache_image(IMAGE_ID)
    assert not isinstance(info.value, exc.ApiVersionNotSupported)


def test_cache_calls_of_a_non_admin_are_forbidden(client, rsps):
    rsps.get(V2 + "/cache", body="You are not authorized to complete cache_list action.", status=403)
    with pytest.raises(exc.Forbidden):
        client.list_cached_images()


# -- stores, usage ---------------------------------------------------------------------------
STORES_DETAIL = {
    "stores": [
        {"id": "fast", "default": "true", "type": "file", "weight": 0, "properties": {"data_dir": "/d"}},
        {"id": "web", "read-only": "true", "type": "http", "weight": 0, "properties": {}},
    ]
}


def test_get_stores_detail(client, rsps):
    rsps.get(V2 + "/info/stores/detail", json=STORES_DETAIL)
    fast, web = client.get_stores_detail()
    assert (fast.id, fast.type, fast.is_default, fast.is_read_only) == ("fast", "file", True, False)
    assert (web.id, web.is_default, web.is_read_only) == ("web", False, True)
    assert fast.properties == {"data_dir": "/d"}


def test_deleting_the_last_copy_is_last_image_location(client, rsps):
    text = "Cannot delete image data from the only store containing it. Consider deleting the image instead."
    rsps.delete(V2 + "/stores/fast/" + IMAGE_ID, json={"message": text, "code": "403 Forbidden"}, status=403)
    with pytest.raises(exc.LastImageLocation) as info:
        client.delete_image_from_store(IMAGE_ID, "fast")
    assert isinstance(info.value, exc.Forbidden) and "delete the image instead" in info.value.message


def test_a_non_admin_delete_from_store_is_plain_forbidden(client, rsps):
    rsps.delete(
        V2 + "/stores/fast/" + IMAGE_ID,
        body="You are not authorized to complete delete_image_location action.",
        status=403,
    )
    with pytest.raises(exc.Forbidden) as info:
        client.delete_image_from_store(IMAGE_ID, "fast")
    assert not isinstance(info.value, exc.LastImageLocation)


def test_get_usage_is_typed(client, rsps):
    usage = {
        "usage": {
            "image_size_total": {"limit": 1024, "usage": 10},
            "image_count_total": {"limit": -1, "usage": 3},
        }
    }
    rsps.get(V2 + "/info/usage", json=usage)
    got = client.get_usage()
    assert got.image_size_total.limit == 1024 and got.image_size_total.remaining == 1014
    assert got.image_count_total.remaining is None and got.image_stage_total is None
    assert set(got.quotas) == {"image_size_total", "image_count_total"}


QUOTA_NAMES = ("image_size_total", "image_stage_total", "image_count_total", "image_count_uploading")


@pytest.mark.parametrize("name", QUOTA_NAMES)
def test_each_quota_attribute_reads_its_own_glance_name(client, rsps, name):
    rsps.get(V2 + "/info/usage", json={"usage": {name: {"limit": 7, "usage": 2}}})
    got = client.get_usage()
    assert {other: getattr(got, other) for other in QUOTA_NAMES} == {
        other: QuotaUsage(7, 2) if other == name else None for other in QUOTA_NAMES
    }


@pytest.mark.parametrize(
    "usage",
    [
        {"usage": []},
        {"usage": {"x": {"limit": "1", "usage": 0}}},
        {"usage": {"x": {"limit": True, "usage": 0}}},
    ],
)
def test_a_usage_of_the_wrong_shape_is_invalid(client, rsps, usage):
    rsps.get(V2 + "/info/usage", json=usage)
    with pytest.raises(exc.InvalidResponse):
        client.get_usage()


# -- locations -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "validation",
    [
        {"os_hash_algo": "sha512"},
        {"os_hash_algo": "nope", "os_hash_value": "ab"},
        {"os_hash_algo": "sha512", "os_hash_value": "zz"},
        ["sha512"],
    ],
)
def test_bad_validation_data_is_refused_before_any_request(client, rsps, validation):
    with pytest.raises(exc.InvalidArgument):
        client.add_image_location(IMAGE_ID, "http://host/disk", validation)
    assert_no_request(rsps)


def test_list_image_locations(client, rsps):
    rsps.get(ITEM + "/locations", json=[{"url": "file:///d/x", "metadata": {"store": "fast"}}])
    (location,) = client.list_image_locations(IMAGE_ID)
    assert (location.url, location.store) == ("file:///d/x", "fast")


def test_locations_of_an_older_cloud_raise_api_version_not_supported(client, rsps):
    rsps.get(ITEM + "/locations", json=NOT_FOUND, status=404)
    rsps.get(BASE + "/versions", json=versions_body("2.16", "2.0", current="2.16"))
    with pytest.raises(exc.ApiVersionNotSupported) as info:
        client.list_image_locations(IMAGE_ID)
    assert info.value.version == "2.17"


# -- an image's tasks, task filters -------------------------------------------------------
def test_list_image_tasks(client, rsps):
    rsps.get(ITEM + "/tasks", json={"tasks": [{"id": "t1", "type": "api_image_import", "status": "success"}]})
    (task,) = client.list_image_tasks(IMAGE_ID)
    assert isinstance(task, ImageTask) and (task.id, task.status) == ("t1", "success")


def test_image_tasks_never_ask_the_versions_list(client, rsps):
    """A cloud that serves the route is never refused (glanceclient trusts /versions)."""
    rsps.get(ITEM + "/tasks", json={"tasks": []})
    assert client.list_image_tasks(IMAGE_ID) == []
    assert [c.request.url for c in rsps.calls] == [ITEM + "/tasks"]


def test_image_tasks_of_a_missing_image_are_not_found(client, rsps):
    rsps.get(ITEM + "/tasks", json=NOT_FOUND, status=404)
    rsps.get(ITEM, json=NOT_FOUND, status=404)
    with pytest.raises(exc.NotFound) as info:
        client.list_image_tasks(IMAGE_ID)
    assert not isinstance(info.value, exc.ApiVersionNotSupported)


def test_image_tasks_of_a_cloud_without_the_route(client, rsps):
    rsps.get(ITEM + "/tasks", json=NOT_FOUND, status=404)
    rsps.get(ITEM, json=image_info())
    with pytest.raises(exc.ApiVersionNotSupported) as info:
        client.list_image_tasks(IMAGE_ID)
    assert info.value.version == "2.12"


@pytest.mark.parametrize(
    "kwargs", [{"status": "done"}, {"sort_dir": "up"}, {"page_size": 0}, {"page_size": "5"}, {"type": ""}]
)
def test_bad_task_filters_are_refused_before_any_request(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.list_tasks(**kwargs)
    assert_no_request(rsps)


def test_error_text_carries_no_body_secret(client, rsps):
    rsps.get(V2 + "/cache", json={"message": "not here"}, status=404)
    rsps.get(BASE + "/versions", json=NO_CACHE)
    with pytest.raises(exc.ApiVersionNotSupported) as info:
        client.list_cached_images()
    assert "tok" not in str(info.value) and "tok" not in json.dumps(info.value.details)


# -- listings: repeated sort keys, hidden images in find ------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort_key": []},
        {"sort_key": ["name", "colour"]},
        {"sort_key": ["name"], "sort_dir": ["asc", "desc"]},
        {"sort_key": "name", "sort_dir": ["up"]},
        {"sort_key": ["name"], "sort": "name:asc"},
    ],
)
def test_bad_repeated_sort_keys_are_refused_before_any_request(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.list(**kwargs)
    assert_no_request(rsps)


def test_findall_without_os_hidden_leaves_the_default(client, rsps):
    rsps.get(V2 + "/images", json={"images": []})
    assert client.findall(name="h") == []
    assert "os_hidden" not in call(rsps).url


# -- choosing the store of an upload, preferring stores on download ---------------------------
STORE_DATA = b"store-me" * 100


def test_upload_into_a_store_sends_x_image_meta_store(client, rsps):
    received: list = []
    rsps.add_callback(responses.PUT, ITEM + "/file", callback=reading_callback(received))
    rsps.get(ITEM, json=active_info(STORE_DATA, stores="cheap"))
    assert client.upload(IMAGE_ID, STORE_DATA, store="cheap").stores == "cheap"
    assert [c.request.method + " " + c.request.url for c in rsps.calls] == [
        "PUT " + ITEM + "/file",
        "GET " + ITEM,
    ]
    assert_headers(call(rsps, 0), "application/octet-stream")
    assert call(rsps, 0).headers["X-Image-Meta-Store"] == "cheap" and received == [STORE_DATA]


def test_an_upload_without_a_store_sends_no_store_header(client, rsps):
    rsps.add_callback(responses.PUT, ITEM + "/file", callback=reading_callback([]))
    rsps.get(ITEM, json=active_info(STORE_DATA))
    client.upload(IMAGE_ID, STORE_DATA)
    assert "X-Image-Meta-Store" not in call(rsps, 0).headers


def test_create_with_a_store_uploads_into_it(client, rsps):
    rsps.post(V2 + "/images", json=image_info(), status=201)
    rsps.add_callback(responses.PUT, ITEM + "/file", callback=reading_callback([]))
    rsps.get(ITEM, json=active_info(STORE_DATA, stores="cheap"))
    client.create("img", img_format="raw", data=STORE_DATA, store="cheap")
    assert call(rsps, 1).headers["X-Image-Meta-Store"] == "cheap"
    assert "store" not in sent_json(rsps, 0)


def test_download_prefer_is_sent_as_the_query(client, rsps):
    rsps.get(ITEM, json=active_info(STORE_DATA))
    rsps.get(ITEM + "/file", body=STORE_DATA, content_type="application/octet-stream")
    assert b"".join(client.download(IMAGE_ID, prefer=["cheap", "fast"])) == STORE_DATA
    assert call(rsps, 1).url == ITEM + "/file?prefer=cheap%2Cfast" and not call(rsps, 1).body


@pytest.mark.parametrize(
    "kwargs", [{"prefer": "cheap"}, {"prefer": []}, {"prefer": ["a,b"]}, {"prefer": [5]}]
)
def test_bad_prefer_is_refused_before_any_request(client, rsps, kwargs):
    with pytest.raises(exc.InvalidArgument):
        client.download(IMAGE_ID, **kwargs)
    assert_no_request(rsps)


@pytest.mark.parametrize("store", [5, "", "a\r\nb", ["cheap"]])
def test_a_bad_store_is_refused_before_any_request(client, rsps, store):
    with pytest.raises(exc.InvalidArgument):
        client.upload(IMAGE_ID, STORE_DATA, store=store)
    with pytest.raises(exc.InvalidArgument):
        client.create("img", img_format="raw", data=STORE_DATA, store=store)
    assert_no_request(rsps)


# -- the managers behind the calls, on the client -------------------------------------------
def test_the_managers_hang_off_the_client_built_once_on_base_manager(client):
    from pyrax_image.image.cache import CacheManager
    from pyrax_image.image.discovery import VersionsManager
    from pyrax_image.image.locations import LocationsManager
    from pyrax_image.image.stores import StoresManager
    from pyrax_image.manager import BaseManager

    expected = {
        "versions": VersionsManager,
        "image_locations": LocationsManager,
        "stores": StoresManager,
        "image_cache": CacheManager,
    }
    for name, kind in expected.items():
        manager = getattr(client, name)
        assert type(manager) is kind and isinstance(manager, BaseManager) and manager.api is client
        assert getattr(client, name) is manager  # built once
    assert client.image_cache.images is client._manager


def test_stores_list_reads_the_stores_info(client, rsps):
    rsps.get(V2 + "/info/stores", json={"stores": [{"id": "fast", "default": True}, {"id": "cheap"}]})
    fast, cheap = client.stores.list()
    assert (fast.id, fast.is_default, cheap.id, cheap.is_default) == ("fast", True, "cheap", False)
    assert call(rsps).method == "GET"


def test_image_cache_list_gives_the_cached_then_the_queued_images(client, rsps):
    rsps.get(V2 + "/cache", json=CACHE_STATE)
    images = client.image_cache.list()
    assert [image.id for image in images] == [IMAGE_ID, "22222222-2222-3333-4444-555555555555"]
    from pyrax_image.image.cache import CachedImage

    assert isinstance(images[0], CachedImage) and images[0].cache_entry.hits == 3
    assert not isinstance(images[1], CachedImage)


# -- every operation's request, exactly ---------------------------------------------------
CLEAR_TARGET = "x-image-cache-clear-target"
DIGEST = hashlib.sha512(b"data").hexdigest()
TASK_INFO = {"id": "t1", "type": "api_image_import", "status": "success"}
USAGE = {"usage": {"image_count_total": {"limit": 5, "usage": 1}}}
LOCATION = {"url": "http://host/disk", "validation_data": {"os_hash_algo": "sha512", "os_hash_value": DIGEST}}

# (name, call, the requests it must send with their replies)
SENDS = [
    ("list versions", lambda c: c.list_versions(), [Exchange("GET", BASE + "/versions", reply=NO_CACHE)]),
    (
        "list versions at the root",
        lambda c: c.list_versions(root=True),
        [Exchange("GET", BASE + "/", reply=WITH_CACHE, status=300)],
    ),
    (
        "list image tasks",
        lambda c: c.list_image_tasks(IMAGE_ID),
        [Exchange("GET", ITEM + "/tasks", reply={"tasks": [TASK_INFO]})],
    ),
    (
        "list tasks with filters",
        lambda c: c.list_tasks(
            type="import", status="success", sort_key="updated_at", sort_dir="asc", page_size=5
        ),
        [
            Exchange(
                "GET",
                V2 + "/tasks?type=import&status=success&sort_key=updated_at&sort_dir=asc&limit=5",
                reply={"tasks": []},
            )
        ],
    ),
    (
        "list with repeated sort keys",
        lambda c: c.list(sort_key=["status", "name"], sort_dir=["asc", "desc"]),
        [
            Exchange(
                "GET",
                V2 + "/images?sort_key=status&sort_key=name&sort_dir=asc&sort_dir=desc",
                reply={"images": []},
            )
        ],
    ),
    (
        "find a hidden image",
        lambda c: c.find(name="h", os_hidden=True),
        [
            Exchange(
                "GET",
                V2 + "/images?name=h&os_hidden=true&limit=1000",
                reply={"images": [image_info(name="h", os_hidden=True)]},
            )
        ],
    ),
    (
        "stores detail",
        lambda c: c.get_stores_detail(),
        [Exchange("GET", V2 + "/info/stores/detail", reply=STORES_DETAIL)],
    ),
    (
        "delete from a store",
        lambda c: c.delete_image_from_store(IMAGE_ID, "a/b"),
        [Exchange("DELETE", V2 + "/stores/a%2Fb/" + IMAGE_ID, status=204)],
    ),
    ("usage", lambda c: c.get_usage(), [Exchange("GET", V2 + "/info/usage", reply=USAGE)]),
    (
        "add a location",
        lambda c: c.add_image_location(IMAGE_ID, LOCATION["url"], LOCATION["validation_data"]),
        [Exchange("POST", ITEM + "/locations", LOCATION, status=202)],
    ),
    (
        "add a location without validation data",
        lambda c: c.add_image_location(IMAGE_ID, "http://host/disk"),
        [Exchange("POST", ITEM + "/locations", {"url": "http://host/disk"}, status=202)],
    ),
    (
        "list locations",
        lambda c: c.list_image_locations(IMAGE_ID),
        [Exchange("GET", ITEM + "/locations", reply=[{"url": "file:///d/x", "metadata": {"store": "fast"}}])],
    ),
    ("list the cache", lambda c: c.list_cached_images(), [Exchange("GET", V2 + "/cache", reply=CACHE_STATE)]),
    (
        "queue for the cache",
        lambda c: c.cache_image(IMAGE_ID),
        [Exchange("PUT", V2 + "/cache/" + IMAGE_ID, status=202)],
    ),
    (
        "delete from the cache",
        lambda c: c.delete_cached_image(IMAGE_ID),
        [Exchange("DELETE", V2 + "/cache/" + IMAGE_ID, status=204)],
    ),
    (
        "clear the cache and the queue",
        lambda c: c.clear_image_cache(),
        [Exchange("DELETE", V2 + "/cache", status=204, headers={CLEAR_TARGET: None})],
    ),
    (
        "clear the cache only",
        lambda c: c.clear_image_cache("cache"),
        [Exchange("DELETE", V2 + "/cache", status=204, headers={CLEAR_TARGET: "cache"})],
    ),
    (
        "clear the queue only",
        lambda c: c.clear_image_cache("queue"),
        [Exchange("DELETE", V2 + "/cache", status=204, headers={CLEAR_TARGET: "queue"})],
    ),
    ("clean the cache", lambda c: c.clean_image_cache(), [Exchange("POST", V2 + "/cache/clean", reply=b"")]),
    (
        "prune the cache",
        lambda c: c.prune_image_cache(),
        [Exchange("POST", V2 + "/cache/prune", reply={"total_files_pruned": 2, "total_bytes_pruned": 4096})],
    ),
    (
        "cache nodes",
        lambda c: c.list_image_cache_nodes(IMAGE_ID),
        [Exchange("GET", V2 + "/cache/nodes/" + IMAGE_ID, reply=["http://127.0.0.1:9293"])],
    ),
]


@pytest.mark.parametrize("name, run, exchanges", SENDS, ids=[row[0] for row in SENDS])
def test_each_operation_sends_exactly(client, rsps, name, run, exchanges):
    for exchange in exchanges:
        exchange.register(rsps)
    run(client)
    assert_sent_exactly(rsps, exchanges)
