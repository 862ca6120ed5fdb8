"""TokenIdentity: a token you already have, for clouds without Keystone."""

from __future__ import annotations

from typing import Optional

from pyrax_image import exceptions as exc
from pyrax_image.identity.base import BaseIdentity


class TokenIdentity(BaseIdentity):
    """Authenticates every request with a fixed token.

    Use it with an explicit endpoint::

        client = ImageClient(TokenIdentity("gAAAA..."), management_url="http://host:9292")
    """

    def __init__(self, token: str, tenant_id: Optional[str] = None, tenant_name: Optional[str] = None):
        if not token:
            raise exc.InvalidArgument("TokenIdentity needs a non-empty token")
        self.token = token
        self.tenant_id = tenant_id
        self.tenant_name = tenant_name

    def unauthenticate(self) -> None:
        """A fixed token cannot be obtained again, so it is kept."""
