"""A path written whole or not at all.

:func:`replacing` opens a new temporary file beside the path (``.name.<random>.part``,
so the rename stays on one file system) and renames it over the path only when
the ``with`` block completes; if the block raises, the temporary file is removed
and the path is left as it was. Image downloads (one stream or parallel ranges)
and Cloud Files' ``download_object`` write through it.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import BinaryIO, Iterator


@contextmanager
def replacing(path: str, read_back: bool = False) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` when the block ends normally
    (``read_back``: open for reading too, e.g. for positional writes and reads)."""
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, ".%s.%s.part" % (os.path.basename(path), uuid.uuid4().hex[:12]))
    try:
        with open(temp, "x+b" if read_back else "xb") as handle:
            yield handle
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
