"""The image client as its managers see it: ``BaseClient``'s HTTP verbs and
a data service. Declared here so that ``image/manager.py`` and
``image/tasks.py`` need not import ``ImageClient``, which builds them;
``ImageClient`` is an ``ImageClientBase`` and its ``ImageDataService`` a
``ManagerDataCalls``."""

from __future__ import annotations

from typing import Any, Callable, Protocol

from pyrax_image.client import BaseClient
from pyrax_image.image.resources import Image


class ManagerDataCalls(Protocol):
    """The calls the image managers make on the data service."""

    def create_image(
        self,
        create: Callable[[], Image],
        data: Any = None,
        container: Any = None,
        obj: Any = None,
        keep_on_failure: bool = False,
        **upload_args: Any,
    ) -> Image: ...

    def discard(self, image: Any) -> bool: ...

    def check_container(self, cont: Any) -> None: ...


class ImageClientBase(BaseClient[Image]):
    """A client of images whose managers reach its data service."""

    @property
    def data_service(self) -> ManagerDataCalls:
        """The data service (``ImageClient``'s is an ``ImageDataService``)."""
        raise NotImplementedError
