"""Identities: who the client is and where the services are."""

from pyrax_image.identity.base import BaseIdentity
from pyrax_image.identity.token import TokenIdentity

__all__ = ["BaseIdentity", "TokenIdentity"]
