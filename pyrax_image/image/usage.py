"""The project's image quotas and what it uses of them (``GET /info/usage``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

import requests

from pyrax_image.replies import expect_object, invalid, json_document


@dataclass(frozen=True)
class QuotaUsage:
    """One quota: the ``limit`` (-1: none) and the project's ``usage``."""

    limit: int
    usage: int

    @property
    def remaining(self) -> Optional[int]:
        """What is left under the limit (None when there is no limit)."""
        return None if self.limit < 0 else max(self.limit - self.usage, 0)


@dataclass(frozen=True)
class ImageUsage:
    """The project's image quotas by Glance's names: ``image_size_total``
    (MiB), ``image_stage_total`` (MiB), ``image_count_total``,
    ``image_count_uploading``; each None when the cloud does not enforce it
    (no Keystone limits: Glance then reports none). ``quotas`` has every
    quota reported, these and any newer one."""

    quotas: Dict[str, QuotaUsage]

    @property
    def image_size_total(self) -> Optional[QuotaUsage]:
        """MiB of image data the project stores."""
        return self.quotas.get("image_size_total")

    @property
    def image_stage_total(self) -> Optional[QuotaUsage]:
        """MiB of data the project has staged for import."""
        return self.quotas.get("image_stage_total")

    @property
    def image_count_total(self) -> Optional[QuotaUsage]:
        """Images the project owns."""
        return self.quotas.get("image_count_total")

    @property
    def image_count_uploading(self) -> Optional[QuotaUsage]:
        """Images of the project being uploaded or imported."""
        return self.quotas.get("image_count_uploading")


def parse_usage(response: requests.Response, body: Any) -> ImageUsage:
    """The :class:`ImageUsage` of a ``GET /info/usage`` reply."""
    what = "The quota usage"
    body = expect_object(body if body is not None else json_document(response, what), what, response)
    usage = expect_object(body.get("usage"), what, response)
    quotas = {}
    for name, entry in usage.items():
        entry = expect_object(entry, "%s of %s" % (what, name), response)
        limit, used = entry.get("limit"), entry.get("usage")
        if (
            not isinstance(limit, int)
            or not isinstance(used, int)
            or isinstance(limit, bool)
            or isinstance(used, bool)
        ):
            raise invalid(response, "%s: %s is not a limit and a usage" % (what, name))
        quotas[str(name)] = QuotaUsage(limit=limit, usage=used)
    return ImageUsage(quotas)
