"""What a fleet sync did (or, with ``dry_run``, would do), image by image and
target by target: the report :func:`~pyrax_image.sync.sync_images` returns."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Dict, List, Optional

# What happened to one source image in one target (or to one extra image).
COPIED = "copied"
UPDATED = "updated"
SKIPPED = "skipped"
DELETED = "deleted"
FAILED = "failed"
ACTIONS = (COPIED, UPDATED, SKIPPED, DELETED, FAILED)


@dataclass(eq=False)
class SyncResult:
    """One line of the report: ``action`` on the ``target`` counterpart of
    source image ``source_id``; ``detail`` says why (the changes, the error)."""

    action: str
    target: str
    source_id: Optional[str]
    name: Optional[str]
    target_id: Optional[str] = None
    detail: str = ""
    method: Optional[str] = None
    size: Optional[int] = None

    def __repr__(self) -> str:
        return "<SyncResult %s %s -> %s %s>" % (self.action, self.source_id, self.target, self.target_id)

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain values."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


class SyncReport:
    """Every :class:`SyncResult` of a sync, in order; ``dry_run`` when
    nothing was changed (the actions are then the plan)."""

    def __init__(self, source: str, targets: List[str], dry_run: bool):
        self.source = source
        self.targets = targets
        self.dry_run = dry_run
        self.results: List[SyncResult] = []

    def __repr__(self) -> str:
        counts = ", ".join("%s=%d" % item for item in self.counts().items() if item[1])
        return "<SyncReport %s -> %s%s: %s>" % (
            self.source,
            ", ".join(self.targets),
            " (dry run)" if self.dry_run else "",
            counts or "nothing",
        )

    def add(self, result: SyncResult) -> SyncResult:
        self.results.append(result)
        return result

    def of(self, action: str) -> List[SyncResult]:
        """The results whose action is ``action``."""
        return [result for result in self.results if result.action == action]

    def counts(self) -> Dict[str, int]:
        """How many results of each action."""
        return {action: len(self.of(action)) for action in ACTIONS}

    @property
    def failed(self) -> List[SyncResult]:
        return self.of(FAILED)

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain values (the CLI's ``--json``)."""
        return {
            "source": self.source,
            "targets": list(self.targets),
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "results": [result.to_dict() for result in self.results],
        }
