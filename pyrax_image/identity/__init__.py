"""Identities: who the client is and where the services are.

- :class:`TokenIdentity`: a token you already have (no identity service).
- :class:`KeystoneIdentity`: OpenStack Keystone v3 / v2.0.
- :class:`RaxIdentity`: Rackspace Cloud Identity (API keys).
"""

from pyrax_image.identity.auth import AuthIdentity
from pyrax_image.identity.base import BaseIdentity
from pyrax_image.identity.catalog import Endpoint, Service, ServiceCatalog
from pyrax_image.identity.keystone import KeystoneIdentity
from pyrax_image.identity.rax import RaxIdentity
from pyrax_image.identity.service_types import register_client_class
from pyrax_image.identity.token import TokenIdentity

__all__ = [
    "AuthIdentity",
    "BaseIdentity",
    "Endpoint",
    "KeystoneIdentity",
    "RaxIdentity",
    "Service",
    "ServiceCatalog",
    "TokenIdentity",
    "register_client_class",
]
