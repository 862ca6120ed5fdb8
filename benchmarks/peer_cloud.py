"""The Keystone project, user and images ``benchmarks peers`` measures on.

Everything lives in a project of its own (``pyrax-bench-peers``) on the
Keystone-authenticated RegionOne Glance, so no other test ever sees it: the
2,000 listing images carry the tag ``LISTING_TAG`` and the property
``bench_listing`` (= ``LISTING_MARK``), are created once and reused between
runs (``--delete-listing`` removes them). The user's password is reset each
run, so none is stored anywhere.
"""

from __future__ import annotations

import concurrent.futures
import secrets
import time
import uuid
from typing import Any, Dict, List

import requests

NAME = "pyrax-bench-peers"
LISTING_TAG = "pyrax-bench-listing"
LISTING_MARK = "v1"
LISTING_SIZE = 2000
ROLES = ("member", "reader")


def find_name(index: int = 1234) -> str:
    return "bench-listing-%04d" % index


class Keystone:
    """Admin calls on the local Keystone (its admin account is in cloud.json)."""

    def __init__(self, cloud: Dict[str, Any]):
        self.url, self.domain = cloud["keystone_v3_url"], cloud["domain"]
        admin = cloud["admin"]
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = self.login(admin["username"], admin["password"], "admin")

    def login(self, user: str, password: str, project: str) -> str:
        domain = {"name": self.domain}
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": user, "domain": domain, "password": password}},
                },
                "scope": {"project": {"name": project, "domain": domain}},
            }
        }
        response = requests.post(self.url + "/auth/tokens", json=body, timeout=30)
        response.raise_for_status()
        return response.headers["X-Subject-Token"]

    def _one(self, kind: str, name: str, body: Dict[str, Any]) -> str:
        found = self.session.get("%s/%ss" % (self.url, kind), params={"name": name}, timeout=30)
        found.raise_for_status()
        if found.json()["%ss" % kind]:
            return found.json()["%ss" % kind][0]["id"]
        made = self.session.post("%s/%ss" % (self.url, kind), json={kind: body}, timeout=30)
        made.raise_for_status()
        return made.json()[kind]["id"]

    def bench_login(self) -> Dict[str, str]:
        """Ensure the bench project and user, give the user a fresh password and
        return its project-scoped token and ids."""
        domain_id = self._one("domain", self.domain, {"name": self.domain})
        project = self._one("project", NAME, {"name": NAME, "domain_id": domain_id})
        password = secrets.token_urlsafe(24)
        user = self._one("user", NAME, {"name": NAME, "domain_id": domain_id, "password": password})
        self.session.patch(
            "%s/users/%s" % (self.url, user), json={"user": {"password": password}}
        ).raise_for_status()
        for role in ROLES:
            role_id = self._one("role", role, {"name": role})
            self.session.put(
                "%s/projects/%s/users/%s/roles/%s" % (self.url, project, user, role_id)
            ).raise_for_status()
        time.sleep(1.1)  # Keystone revokes by the second: a token from the same second would be refused
        token = self.login(NAME, password, NAME)
        return {
            "token": token,
            "project": project,
            "user": user,
            "user_name": NAME,
            "project_name": NAME,
            "password": password,
        }


class Images:
    """Raw Glance calls that prepare and clean up the benchmark's images."""

    def __init__(self, glance: str, token: str):
        self.glance = glance
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": token, "Accept": "application/json"})

    def _retrying(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """A set-up or clean-up call, repeated on a 5xx so one hiccup does not
        end a long run (these calls are not measured)."""
        for attempt in range(12):
            response = self.session.request(method, url, timeout=120, **kwargs)
            if response.status_code < 500:
                return response
            time.sleep(0.3 * (attempt + 1))
        response.raise_for_status()
        return response

    def listing(self) -> List[Dict[str, Any]]:
        url, params, images = self.glance + "/v2/images", {"tag": LISTING_TAG, "limit": 1000}, []
        while url:
            response = self._retrying("GET", url, params=params)
            response.raise_for_status()
            body = response.json()
            images += [image for image in body["images"] if image.get("bench_listing") == LISTING_MARK]
            url, params = (self.glance + body["next"]) if "next" in body else "", {}
        return images

    def create(self, name: str, **extra: Any) -> Dict[str, Any]:
        body = dict(extra, name=name, disk_format="raw", container_format="bare")
        response = self._retrying("POST", self.glance + "/v2/images", json=body)
        response.raise_for_status()
        return response.json()

    def delete(self, image_id: str) -> None:
        self._retrying("DELETE", "%s/v2/images/%s" % (self.glance, image_id))

    def ensure_listing(self, log: Any) -> int:
        """Create whichever of the 2,000 listing images are missing (once)."""
        have = {image["name"] for image in self.listing()}
        missing = [find_name(i) for i in range(LISTING_SIZE) if find_name(i) not in have]
        if missing:
            log("creating %d listing images (once; reused by later runs)" % len(missing))
            extra = {"tags": [LISTING_TAG], "bench_listing": LISTING_MARK, "os_distro": "bench"}
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda name: self.create(name, **extra), missing))
        return len(have) + len(missing)

    def delete_listing(self) -> int:
        images = self.listing()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda image: self.delete(image["id"]), images))
        return len(images)

    def subject(self) -> Dict[str, Any]:
        """A fresh image for get/update/tag scenarios, with a few properties."""
        return self.create(
            "bench-subject-" + uuid.uuid4().hex[:8],
            os_distro="bench",
            bench_value="v0",
            tags=["bench-subject"],
        )
