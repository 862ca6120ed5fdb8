"""The transfer layer: moving bytes, neutral to the service they go to.

- :mod:`~pyrax_image.transfer.sources`: one reader over bytes, paths, file
  objects and iterators; the "where does this file start" probe.
- :mod:`~pyrax_image.transfer.bodies`: request bodies that hash and rewind,
  and the protocols the HTTP layer relies on.
- :mod:`~pyrax_image.transfer.hashing`: digests computed on the way, verified.
- :mod:`~pyrax_image.transfer.ranged`: ranged reads that resume, range
  fetches written at an offset, read-ahead.

``image`` and ``object_storage`` both build on it; it imports neither.
"""

from pyrax_image.transfer.bodies import PartBody, RewindableBody, UploadBody, UploadStream, raise_source_error
from pyrax_image.transfer.hashing import DEFAULT_HASH_ALGO, HashSet, new_hashers, verify_digests
from pyrax_image.transfer.options import DEFAULT_CHUNK_SIZE, Progress
from pyrax_image.transfer.ranged import (
    DEFAULT_MAX_RESUMES,
    Opener,
    RangedReader,
    ReadAhead,
    WriteAt,
    fetch_range,
)
from pyrax_image.transfer.sources import SourceReader, remaining_size, start_position

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
    "WriteAt",
    "fetch_range",
    "new_hashers",
    "raise_source_error",
    "remaining_size",
    "start_position",
    "verify_digests",
]
