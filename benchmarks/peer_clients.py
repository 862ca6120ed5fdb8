"""The four clients of ``benchmarks peers``, each doing every call scenario.

Every class takes the same configuration (Glance URL, Keystone token, project,
the subject image, the listing tag and the name to find) and has one method per
scenario; a method returns what it read, so the caller can check it. The peers
are imported only inside their class: this module runs both in our
interpreter (raw, pyrax_image) and in the peers' virtualenv.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, List

PROPERTY = "bench_value"  # the property the update scenarios set
TAG = "bench-peers-tag"  # the tag the tag scenario adds and deletes
PATCH_TYPE = "application/openstack-images-v2.1-json-patch"


class Raw:
    """A hand-written ``requests.Session``: the floor every SDK is measured against."""

    def __init__(self, cfg: Dict[str, Any]):
        import requests

        self.cfg, self.glance = cfg, cfg["glance"]
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": cfg["token"], "Accept": "application/json"})
        self.item = "%s/v2/images/%s" % (self.glance, cfg["image_id"])

    def _json(self, response: Any) -> Any:
        response.raise_for_status()
        return response.json()

    def get(self) -> Any:
        return self._json(self.session.get(self.item))

    def list20(self) -> List[Any]:
        params = {"limit": 20, "tag": self.cfg["listing_tag"]}
        return self._json(self.session.get(self.glance + "/v2/images", params=params))["images"]

    def fetch(self) -> Any:
        return self.get()

    def update_image(self, image: Any, value: str) -> Any:
        return self.update_id(value)  # the JSON patch needs nothing from the fetched image

    def update_id(self, value: str) -> Any:
        body = json.dumps([{"op": "add", "path": "/" + PROPERTY, "value": value}])
        return self._json(self.session.patch(self.item, data=body, headers={"Content-Type": PATCH_TYPE}))

    def tags(self) -> None:
        self.session.put(self.item + "/tags/" + TAG).raise_for_status()
        self.session.delete(self.item + "/tags/" + TAG).raise_for_status()

    def list_all(self) -> List[Any]:
        params: Any = {"limit": 1000, "tag": self.cfg["listing_tag"]}
        url, images = self.glance + "/v2/images", []
        while url:
            body = self._json(self.session.get(url, params=params))
            images.extend(body["images"])
            url, params = (self.glance + body["next"]) if "next" in body else "", None
        return images

    def find(self) -> Any:
        params = {"name": self.cfg["find_name"]}
        (found,) = self._json(self.session.get(self.glance + "/v2/images", params=params))["images"]
        return found


class PyraxImage:
    """This project's ``ImageClient`` with a Keystone token."""

    def __init__(self, cfg: Dict[str, Any]):
        from pyrax_image import ImageClient, TokenIdentity

        self.cfg = cfg
        identity = TokenIdentity(cfg["token"], tenant_id=cfg["project"])
        self.client = ImageClient(identity, management_url=cfg["glance"])

    def get(self) -> Any:
        return self.client.get(self.cfg["image_id"])

    def list20(self) -> List[Any]:
        return self.client.list(limit=20, tag=self.cfg["listing_tag"])

    def fetch(self) -> Any:
        return self.get()

    def update_image(self, image: Any, value: str) -> Any:
        return self.client.update(image, {PROPERTY: value})

    def update_id(self, value: str) -> Any:
        return self.client.update(self.cfg["image_id"], {PROPERTY: value})

    def tags(self) -> None:
        self.client.add_image_tag(self.cfg["image_id"], TAG)
        self.client.delete_image_tag(self.cfg["image_id"], TAG)

    def list_all(self) -> List[Any]:
        return self.client.list_all(tag=self.cfg["listing_tag"])

    def find(self) -> Any:
        return self.client.find(name=self.cfg["find_name"])


class GlanceClient:
    """python-glanceclient v2 with a token and an endpoint."""

    def __init__(self, cfg: Dict[str, Any]):
        from glanceclient import Client

        self.cfg = cfg
        self.client = Client("2", endpoint=cfg["glance"], token=cfg["token"])

    def get(self) -> Any:
        return self.client.images.get(self.cfg["image_id"])

    def list20(self) -> List[Any]:
        listing = self.client.images.list(limit=20, filters={"tag": [self.cfg["listing_tag"]]})
        return list(listing)

    def fetch(self) -> Any:
        return self.get()

    def update_image(self, image: Any, value: str) -> Any:
        return self.client.images.update(image["id"], **{PROPERTY: value})  # it takes an id only

    def update_id(self, value: str) -> Any:
        return self.client.images.update(self.cfg["image_id"], **{PROPERTY: value})

    def tags(self) -> None:
        self.client.image_tags.update(self.cfg["image_id"], TAG)
        self.client.image_tags.delete(self.cfg["image_id"], TAG)

    def list_all(self) -> List[Any]:
        return list(self.client.images.list(filters={"tag": [self.cfg["listing_tag"]]}))

    def find(self) -> Any:
        (found,) = self.client.images.list(filters={"name": self.cfg["find_name"]})
        return found


class OpenStackSDK:
    """openstacksdk's image proxy on a keystoneauth session holding the token."""

    def __init__(self, cfg: Dict[str, Any]):
        import openstack.connection
        from keystoneauth1 import session, token_endpoint

        self.cfg = cfg
        auth = token_endpoint.Token(cfg["glance"], cfg["token"])
        self.conn = openstack.connection.Connection(
            session=session.Session(auth=auth), image_endpoint_override=cfg["glance"]
        )

    def get(self) -> Any:
        return self.conn.image.get_image(self.cfg["image_id"])

    def list20(self) -> List[Any]:
        # Its generator pages on until the end: take the first page's 20.
        return list(itertools.islice(self.conn.image.images(limit=20, tag=self.cfg["listing_tag"]), 20))

    def fetch(self) -> Any:
        return self.get()

    def update_image(self, image: Any, value: str) -> Any:
        return self.conn.image.update_image(image, **{PROPERTY: value})

    def update_id(self, value: str) -> Any:
        return self.conn.image.update_image(self.cfg["image_id"], **{PROPERTY: value})

    def tags(self) -> None:
        self.conn.image.add_tag(self.cfg["image_id"], TAG)
        self.conn.image.remove_tag(self.cfg["image_id"], TAG)

    def list_all(self) -> List[Any]:
        return list(self.conn.image.images(tag=self.cfg["listing_tag"]))

    def find(self) -> Any:
        return self.conn.image.find_image(self.cfg["find_name"], ignore_missing=False)


CLIENTS = {"raw": Raw, "pyrax_image": PyraxImage, "glanceclient": GlanceClient, "openstacksdk": OpenStackSDK}

# What ``python -X importtime`` imports for each client, and the shortest
# program from a fresh process to its first listing (token and endpoint given).
IMPORTS = {
    "raw": "requests",
    "pyrax_image": "pyrax_image",
    "glanceclient": "glanceclient",
    "openstacksdk": "openstack",
}
FIRST_LIST = {
    "raw": "import requests, sys\n"
    "s = requests.Session(); s.headers['X-Auth-Token'] = TOKEN\n"
    "r = s.get(GLANCE + '/v2/images'); r.raise_for_status(); n = len(r.json()['images'])",
    "pyrax_image": "from pyrax_image import ImageClient, TokenIdentity\n"
    "n = len(ImageClient(TokenIdentity(TOKEN, tenant_id=PROJECT), management_url=GLANCE).list())",
    "glanceclient": "from glanceclient import Client\n"
    "n = len(list(Client('2', endpoint=GLANCE, token=TOKEN).images.list(limit=25)))",
    "openstacksdk": "import itertools, openstack.connection\n"
    "from keystoneauth1 import session, token_endpoint\n"
    "c = openstack.connection.Connection(session=session.Session(auth=token_endpoint.Token(GLANCE, TOKEN)),"
    " image_endpoint_override=GLANCE)\n"
    "n = len(list(itertools.islice(c.image.images(), 25)))",
}
