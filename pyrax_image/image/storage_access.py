"""The object storage an image client reaches, and the checks made through it.

:class:`StorageAccess` owns the ``ObjectStorageClient`` of one image client
(built on first use from its identity, region and HTTP session, or assigned),
the explicit object-storage URL, and whether containers are checked before a
task is created.
"""

from __future__ import annotations

from typing import Any, Optional

from pyrax_image import exceptions as exc
from pyrax_image.client import BaseClient
from pyrax_image.object_storage import ObjectReader, ObjectStorageClient, StorageObject, paths
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE


class StorageAccess:
    """Object storage of the identity and region of ``image_client``."""

    def __init__(self, image_client: BaseClient[Any]):
        self.image_client = image_client
        self.check_containers = True
        self._storage: Optional[ObjectStorageClient] = None
        self._url: Optional[str] = None

    @property
    def client(self) -> ObjectStorageClient:
        """The ``ObjectStorageClient`` (public or internal like the image
        endpoint), sharing the image client's HTTP session."""
        if self._storage is None:
            images = self.image_client
            self._storage = ObjectStorageClient(
                images.identity,
                region_name=images.region_name,
                endpoint_type=images.endpoint_type,
                management_url=self._url,
                transport=images.transport,
            )
        return self._storage

    @client.setter
    def client(self, storage: ObjectStorageClient) -> None:
        self._storage = storage

    @property
    def url(self) -> Optional[str]:
        """The explicit object-storage endpoint; None takes the catalog's."""
        return self._url

    @url.setter
    def url(self, url: Optional[str]) -> None:
        self._url = url
        self._storage = None

    def reachable(self, purpose: str) -> ObjectStorageClient:
        """The client with its endpoint resolved; a missing endpoint raises
        NoEndpointFor* saying what needed it and how to give one."""
        storage = self.client
        try:
            storage.management_url  # noqa: B018 - resolves the endpoint
        except (exc.NoEndpointForService, exc.NoEndpointForRegion) as error:
            raise type(error)(
                "Cannot %s: this client has no object storage (%s). Set client.object_storage_url "
                "or use an identity whose catalog has an object-store endpoint." % (purpose, error)
            ) from error
        return storage

    def check_container(self, cont: Any) -> None:
        """Make sure the container exists (NoSuchContainer). Without an
        object-storage endpoint this raises NoEndpointFor* rather than skipping
        the check; ``check_containers = False`` skips it on purpose."""
        name = paths.container_name(cont)
        if not self.check_containers:
            return
        hint = "check that container %r exists (or set client.check_containers = False)" % name
        self.reachable(hint).get_container(cont)


def storage_object(storage: ObjectStorageClient, container: Any, obj: Any) -> StorageObject:
    """The ``StorageObject`` for ``obj`` (a name or a StorageObject); HEADs it.

    Raises ``NoSuchContainer`` or ``NoSuchObject``.
    """
    if obj is None:
        raise exc.InvalidArgument("An object (name or StorageObject) is required")
    if isinstance(obj, StorageObject) and container is None:
        container = obj.container
    if container is None:
        raise exc.InvalidArgument("A container is required with an object name")
    paths.object_path(container, obj)  # both names checked before any request
    storage.get_container(container)
    return storage.get_object(container, obj)


def object_source(
    storage: ObjectStorageClient, container: Any, obj: Any, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> ObjectReader:
    """A seekable reader of the object's data, as an upload source."""
    return storage_object(storage, container, obj).open(chunk_size=chunk_size)
