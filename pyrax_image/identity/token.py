"""TokenIdentity: a token you already have, for clouds without Keystone."""

from __future__ import annotations

from typing import Optional

from pyrax_image.checks import check_token, optional_text
from pyrax_image.identity.base import BaseIdentity


class TokenIdentity(BaseIdentity):
    """Authenticates every request with a fixed token.

    Use it with an explicit endpoint::

        client = ImageClient(TokenIdentity("gAAAA..."), management_url="http://host:9292")
    """

    def __init__(self, token: str, tenant_id: Optional[str] = None, tenant_name: Optional[str] = None):
        self.secrets.add(token)
        self.token = check_token(token)
        self.tenant_id = optional_text("tenant_id", tenant_id)
        self.tenant_name = optional_text("tenant_name", tenant_name)

    def unauthenticate(self) -> None:
        """A fixed token cannot be obtained again, so it is kept."""
