"""Defaults and callback types every transfer shares (uploads, downloads, Swift)."""

from __future__ import annotations

from typing import Callable, Optional

DEFAULT_CHUNK_SIZE = 1024 * 1024
# ``progress(bytes_done, total_or_None)``, called after each chunk; an
# exception it raises aborts the transfer.
Progress = Callable[[int, Optional[int]], None]
