"""Helpers of the integration tests on the header-trusting Glance (:9292).

:func:`noauth_client` acts as any project (``ALPHA``, ``BETA``, ``ADMIN`` or
a fresh one); :func:`delete_quietly` deletes an image that may be gone;
:func:`python_blocks` and :func:`run_blocks` run the examples of a docs page.

:class:`Scratch` gives a test a project no other test uses (so listings and
filters see only what the test created) and deletes every image it tracked
at the end.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import requests

from pyrax_image import ImageClient, TokenIdentity
from pyrax_image import exceptions as exc

# Projects of the header-trusting ("noauth") Glance: any ids will do.
ALPHA = "a1fa0000000000000000000000000001"
BETA = "be7a0000000000000000000000000002"
ADMIN = "ad310000000000000000000000000003"

DOCS = Path(__file__).resolve().parents[2] / "docs"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def noauth_client(url: str, project: str, roles: str = "reader,member", **kwargs: Any) -> ImageClient:
    """A client of the header-trusting Glance acting as ``project``."""
    client = ImageClient(TokenIdentity("noauth", tenant_id=project), management_url=url, **kwargs)
    client.session.headers.update(
        {
            "X-Identity-Status": "Confirmed",
            "X-Project-Id": project,
            "X-User-Id": "user-of-" + project,
            "X-Roles": roles,
        }
    )
    return client


def delete_quietly(client: ImageClient, image: Any) -> None:
    """Delete an image; absent is fine."""
    try:
        client.delete(image)
    except exc.NotFound:
        pass


def new_project() -> str:
    """A project id of the noauth Glance that no one else uses."""
    return "f0" + uuid.uuid4().hex[:30]


class Scratch:
    """A fresh project (``project``, ``client``) and the images to delete."""

    def __init__(self, glance_url: str, roles: str = "reader,member"):
        self.glance_url = glance_url
        self.project = new_project()
        self.client = noauth_client(glance_url, self.project, roles=roles)
        self._tracked: List[Tuple[ImageClient, Any]] = []

    def other(self) -> ImageClient:
        """A client of yet another fresh project (a partner or a stranger)."""
        return noauth_client(self.glance_url, new_project())

    def create(self, name: str, client: Optional[ImageClient] = None, **kwargs: Any) -> Any:
        """``client.create`` (default: this project's client), tracked for deletion."""
        client = client or self.client
        kwargs.setdefault("img_format", "raw")
        image = client.create(name, **kwargs)
        self.track(image, client)
        return image

    def track(self, image: Any, client: Optional[ImageClient] = None) -> Any:
        """Delete ``image`` (with ``client``, default this project's) at the end."""
        self._tracked.append((client or self.client, image))
        return image

    def close(self) -> None:
        """Delete every tracked image."""
        for client, image in reversed(self._tracked):
            delete_quietly(client, image)
        self._tracked = []


def scratch_project(glance_url: str, roles: str = "reader,member") -> Iterator[Scratch]:
    """Body of a ``scratch`` fixture: a fresh project, its images deleted after."""
    box = Scratch(glance_url, roles=roles)
    try:
        yield box
    finally:
        box.close()


class Recorder:
    """Records every response a client receives (a ``requests`` response hook):
    ``calls`` as ``(method, url, status)``, and ``pages``, the bodies of image
    listings. Use as a context manager."""

    def __init__(self, client: ImageClient):
        self.calls: List[Tuple[str, str, int]] = []
        self.pages: List[Dict[str, Any]] = []
        self._hooks = client.session.hooks["response"]

    def __enter__(self) -> Recorder:
        self._hooks.append(self._record)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._hooks.remove(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        method = response.request.method or ""
        self.calls.append((method, response.url, response.status_code))
        if method == "GET" and "json" in response.headers.get("Content-Type", ""):
            body = response.json()
            if isinstance(body, dict) and "images" in body:
                self.pages.append(body)

    def page_names(self) -> List[List[str]]:
        """The image names of each recorded listing page."""
        return [[image["name"] for image in page["images"]] for page in self.pages]


def python_blocks(page: str) -> List[str]:
    """The ``python`` code blocks of ``docs/<page>``, in order."""
    return PYTHON_BLOCK.findall((DOCS / page).read_text())


def run_blocks(page: str, blocks: List[str], namespace: Dict[str, Any]) -> None:
    """Run the code blocks of ``docs/<page>`` one after the other in ``namespace``;
    a failing block fails the test with its number and its code."""
    for number, block in enumerate(blocks, 1):
        try:
            exec(compile(block, "docs/%s block %d" % (page, number), "exec"), namespace)
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError("docs/%s block %d failed: %r\n%s" % (page, number, error, block)) from error
