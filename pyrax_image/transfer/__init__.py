"""The transfer layer: moving bytes, neutral to the service they go to.

- :mod:`~pyrax_image.transfer.sources`: one reader over bytes, paths, file
  objects and iterators; the "where does this file start" probe.
- :mod:`~pyrax_image.transfer.bodies`: request bodies that hash and rewind,
  and the protocols the HTTP layer relies on.
- :mod:`~pyrax_image.transfer.hashing`: digests computed on the way, verified.
- :mod:`~pyrax_image.transfer.ranged`: ranged reads that resume, range
  fetches written at an offset, read-ahead.
- :mod:`~pyrax_image.transfer.files`: a path written whole or not at all.

``image`` and ``object_storage`` both build on it; it imports neither.
The names below are imported on first use, so that ``import pyrax_image``
(and a first ``list()``) does not load the data machinery; the defaults are
in :mod:`~pyrax_image.transfer.options`, which is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrax_image.lazy import lazy_exports

if TYPE_CHECKING:
    from pyrax_image.transfer.bodies import (
        PartBody,
        RewindableBody,
        UploadBody,
        UploadStream,
        raise_source_error,
    )
    from pyrax_image.transfer.hashing import HashSet, new_hashers, verify_digests
    from pyrax_image.transfer.options import (
        DEFAULT_CHUNK_SIZE,
        DEFAULT_HASH_ALGO,
        DEFAULT_MAX_RESUMES,
        Progress,
    )
    from pyrax_image.transfer.ranged import Opener, RangedReader, ReadAhead
    from pyrax_image.transfer.sources import SourceReader, remaining_size, start_position

_SUBMODULE = {
    "DEFAULT_CHUNK_SIZE": "options",
    "DEFAULT_HASH_ALGO": "options",
    "DEFAULT_MAX_RESUMES": "options",
    "Progress": "options",
    "HashSet": "hashing",
    "new_hashers": "hashing",
    "verify_digests": "hashing",
    "PartBody": "bodies",
    "RewindableBody": "bodies",
    "UploadBody": "bodies",
    "UploadStream": "bodies",
    "raise_source_error": "bodies",
    "Opener": "ranged",
    "RangedReader": "ranged",
    "ReadAhead": "ranged",
    "SourceReader": "sources",
    "remaining_size": "sources",
    "start_position": "sources",
}


__getattr__ = lazy_exports(__name__, _SUBMODULE)


__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_HASH_ALGO",
    "DEFAULT_MAX_RESUMES",
    "HashSet",
    "Opener",
    "PartBody",
    "Progress",
    "RangedReader",
    "ReadAhead",
    "RewindableBody",
    "SourceReader",
    "UploadBody",
    "UploadStream",
    "new_hashers",
    "raise_source_error",
    "remaining_size",
    "start_position",
    "verify_digests",
]
