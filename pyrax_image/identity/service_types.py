"""Service types: pyrax's names for them, and the client class of each.

``normalize_service_type`` turns a catalog type or a pyrax name
(``object-store``, ``rax:object-store``, ``cloudfiles``, ``swift``) into one
key (``object_store``); :func:`register_client_class` says which class
``identity.get_client(service_type)`` and ``endpoint.client`` build.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, Type, Union

from pyrax_image import exceptions as exc

if TYPE_CHECKING:  # a runtime import would be a cycle: pyrax_image.client imports identity
    from pyrax_image.client import BaseClient

ClientClass = Type["BaseClient[Any]"]

# pyrax's friendly names for catalog service types.
SERVICE_ALIASES: Dict[str, str] = {
    "cloudservers": "compute",
    "nova": "compute",
    "cloudfiles": "object_store",
    "swift": "object_store",
    "cloud_loadbalancers": "load_balancer",
    "cloud_databases": "database",
    "trove": "database",
    "cloud_blockstorage": "volume",
    "cinder": "volume",
    "cloud_dns": "dns",
    "designate": "dns",
    "cloud_networks": "raxnetwork",
    "neutron": "network",
    "cloud_monitoring": "monitor",
    "images": "image",
    "glance": "image",
    "cloudimages": "image",
    "marconi": "queues",
}

# Client classes by normalised service type, as "module:Class" until first use.
_CLIENT_CLASSES: Dict[str, Union[str, ClientClass]] = {
    "image": "pyrax_image.image.client:ImageClient",
    "object_store": "pyrax_image.object_storage.client:ObjectStorageClient",
}


def normalize_service_type(name: str) -> str:
    """``object-store``/``rax:object-store``/``cloudfiles`` -> ``object_store``."""
    key = name.strip().lower().replace("-", "_")
    if ":" in key:
        key = key.split(":", 1)[1]
    return SERVICE_ALIASES.get(key, key)


def register_client_class(service_type: str, client_class: ClientClass) -> None:
    """Make ``identity.get_client(service_type, ...)`` build ``client_class``."""
    _CLIENT_CLASSES[normalize_service_type(service_type)] = client_class


def client_class_for(service_type: str) -> ClientClass:
    """The client class registered for a service type."""
    found = _CLIENT_CLASSES.get(normalize_service_type(service_type))
    if found is None:
        raise exc.ServiceNotAvailable("pyrax_image has no client for the '%s' service" % service_type)
    if isinstance(found, str):
        module_name, _, class_name = found.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            raise exc.ServiceNotAvailable(
                "The client for the '%s' service is not installed" % service_type
            ) from None
        _CLIENT_CLASSES[normalize_service_type(service_type)] = found
    return found
