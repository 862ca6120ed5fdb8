"""What commands print: readable tables and records, or JSON with ``--json``."""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from pyrax_image.display import human_size

# (header, function of a resource's body giving the cell)
Column = Tuple[str, Callable[[Dict[str, Any]], Any]]

IMAGE_COLUMNS: Sequence[Column] = (
    ("ID", lambda info: info.get("id")),
    ("NAME", lambda info: info.get("name")),
    ("STATUS", lambda info: info.get("status")),
    ("SIZE", lambda info: human_size(info.get("size"))),
    ("VISIBILITY", lambda info: info.get("visibility")),
)
MEMBER_COLUMNS: Sequence[Column] = (
    ("MEMBER", lambda info: info.get("member_id")),
    ("STATUS", lambda info: info.get("status")),
    ("CREATED", lambda info: info.get("created_at")),
    ("UPDATED", lambda info: info.get("updated_at")),
)
TASK_COLUMNS: Sequence[Column] = (
    ("ID", lambda info: info.get("id")),
    ("TYPE", lambda info: info.get("type")),
    ("STATUS", lambda info: info.get("status")),
    ("CREATED", lambda info: info.get("created_at")),
)
HIDDEN_KEYS = ("schema", "file", "self")  # API links; a resource class may hide more (_non_display)


def _body(item: Any) -> Dict[str, Any]:
    return item.to_dict() if hasattr(item, "to_dict") else dict(item)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return json.dumps(value, sort_keys=True)


class Output:
    """Writes results on stdout: human-readable, or JSON when ``json_mode``."""

    def __init__(self, json_mode: bool = False, stdout: Optional[TextIO] = None):
        self.json_mode = json_mode
        self.stdout = stdout or sys.stdout

    def _json(self, value: Any) -> None:
        self.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")

    def table(self, items: Iterable[Any], columns: Sequence[Column]) -> None:
        """A table of resources (a JSON list of their bodies with ``--json``)."""
        bodies = [_body(item) for item in items]
        if self.json_mode:
            return self._json(bodies)
        rows: List[List[str]] = [[header for header, _ in columns]]
        rows += [[_cell(get(body)) for _, get in columns] for body in bodies]
        widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n"
            )

    def record(self, item: Any) -> None:
        """One resource: ``key  value`` lines (its JSON body with ``--json``)."""
        body = _body(item)
        if self.json_mode:
            return self._json(body)
        hidden = set(HIDDEN_KEYS) | set(getattr(item, "_non_display", ()))
        keys = sorted(key for key in body if key not in hidden)
        width = max((len(key) for key in keys), default=0)
        for key in keys:
            self.stdout.write("%s  %s\n" % (key.ljust(width), _cell(body[key])))

    def message(self, text: str, data: Dict[str, Any]) -> None:
        """A sentence for people, ``data`` as JSON for programs."""
        if self.json_mode:
            return self._json(data)
        self.stdout.write(text + "\n")

    def document(self, value: Any) -> None:
        """A JSON document (a schema), pretty-printed in both modes."""
        self._json(value)
