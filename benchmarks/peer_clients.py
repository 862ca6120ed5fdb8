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


def new_name() -> str:
    """A fresh image name for the create scenario."""
    import uuid

    return "bench-wan-" + uuid.uuid4().hex[:8]


class Raw:
    """A hand-written ``requests.Session``: the floor every SDK is measured against."""

    def __init__(self, cfg: Dict[str, Any]):
        import requests

        self.cfg, self.glance = cfg, cfg["glance"]
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": cfg["token"], "Accept": "application/json"})
        self.item = "%s/v2/images/%s" % (self.glance, cfg["image_id"])
        self.created: List[str] = []

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

    def create_upload_readback(self) -> Any:
        """Record, data, read back: the plain three requests, verifying nothing."""
        body = {"name": new_name(), "disk_format": "raw", "container_format": "bare"}
        image = self._json(self.session.post(self.glance + "/v2/images", json=body))
        self.created.append(image["id"])
        url = "%s/v2/images/%s/file" % (self.glance, image["id"])
        with open(self.cfg["small_file"], "rb") as source:
            headers = {"Content-Type": "application/octet-stream"}
            self.session.put(url, data=source, headers=headers).raise_for_status()
        with self.session.get(url, stream=True) as response, open(self.cfg["readback"], "wb") as out:
            response.raise_for_status()
            for chunk in response.iter_content(1024 * 1024):
                out.write(chunk)
        return image

    def delete(self, image_id: str) -> None:
        self.session.delete("%s/v2/images/%s" % (self.glance, image_id))


class PyraxImage:
    """This project's ``ImageClient`` with a Keystone token."""

    def __init__(self, cfg: Dict[str, Any]):
        from pyrax_image import ImageClient, TokenIdentity

        self.cfg = cfg
        identity = TokenIdentity(cfg["token"], tenant_id=cfg["project"])
        self.client = ImageClient(identity, management_url=cfg["glance"])
        self.created: List[str] = []

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

    def create_upload_readback(self) -> Any:
        """Create with data (verified against the cloud's multihash), then a verified download."""
        image = self.client.create(new_name(), img_format="raw", data=self.cfg["small_file"])
        self.created.append(image.id)
        self.client.download(image, self.cfg["readback"])
        return image

    def delete(self, image_id: str) -> None:
        self.client.delete(image_id)


class GlanceClient:
    """python-glanceclient v2 with a token and an endpoint."""

    def __init__(self, cfg: Dict[str, Any]):
        from glanceclient import Client

        self.cfg = cfg
        self.client = Client("2", endpoint=cfg["glance"], token=cfg["token"])
        self.created: List[str] = []

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

    def create_upload_readback(self) -> Any:
        """create, upload, then data() (which verifies the multihash) written to a file."""
        image = self.client.images.create(name=new_name(), disk_format="raw", container_format="bare")
        self.created.append(image["id"])
        with open(self.cfg["small_file"], "rb") as source:
            self.client.images.upload(image["id"], source)
        with open(self.cfg["readback"], "wb") as out:
            for chunk in self.client.images.data(image["id"]):
                out.write(chunk)
        return image

    def delete(self, image_id: str) -> None:
        self.client.images.delete(image_id)


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
        self.created: List[str] = []

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

    def create_upload_readback(self) -> Any:
        """create_image with the file (it verifies nothing on upload), then a verified download."""
        image = self.conn.image.create_image(
            new_name(),
            filename=self.cfg["small_file"],
            disk_format="raw",
            container_format="bare",
            allow_duplicates=True,
        )
        self.created.append(image.id)
        self.conn.image.download_image(image, output=self.cfg["readback"])
        return image

    def delete(self, image_id: str) -> None:
        self.conn.image.delete_image(image_id)


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

# From a fresh process: log in to Keystone with a password, then list (the
# endpoint from the catalog). Names given: KEYSTONE (v3 URL), USER, PASSWORD,
# PROJECT (name), DOMAIN (name), REGION.
LOGIN_LIST = {
    "raw": "import requests\n"
    "d = {'name': DOMAIN}\n"
    "body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': "
    "{'name': USER, 'domain': d, 'password': PASSWORD}}}, 'scope': {'project': {'name': PROJECT, 'domain': d}}}}\n"
    "s = requests.Session(); r = s.post(KEYSTONE + '/auth/tokens', json=body); r.raise_for_status()\n"
    "s.headers['X-Auth-Token'] = r.headers['X-Subject-Token']\n"
    "url = [e['url'] for c in r.json()['token']['catalog'] if c['type'] == 'image' for e in c['endpoints']"
    " if e['interface'] == 'public' and e['region_id'] == REGION][0]\n"
    "r = s.get(url + '/v2/images'); r.raise_for_status(); n = len(r.json()['images'])",
    "pyrax_image": "from pyrax_image import ImageClient, KeystoneIdentity\n"
    "identity = KeystoneIdentity(USER, PASSWORD, tenant_name=PROJECT, auth_endpoint=KEYSTONE,"
    " user_domain_name=DOMAIN, project_domain_name=DOMAIN)\n"
    "n = len(ImageClient(identity, region_name=REGION).list())",
    "glanceclient": "from glanceclient import Client\n"
    "from keystoneauth1 import session\n"
    "from keystoneauth1.identity import v3\n"
    "auth = v3.Password(auth_url=KEYSTONE, username=USER, password=PASSWORD, project_name=PROJECT,"
    " user_domain_name=DOMAIN, project_domain_name=DOMAIN)\n"
    "c = Client('2', session=session.Session(auth=auth), region_name=REGION)\n"
    "n = len(list(c.images.list(limit=25)))",
    "openstacksdk": "import itertools, openstack\n"
    "c = openstack.connect(auth_url=KEYSTONE, username=USER, password=PASSWORD, project_name=PROJECT,"
    " user_domain_name=DOMAIN, project_domain_name=DOMAIN, region_name=REGION)\n"
    "n = len(list(itertools.islice(c.image.images(), 25)))",
}
