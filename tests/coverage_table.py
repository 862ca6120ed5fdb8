"""The rows of docs/api-coverage.md, read by the unit test that checks the
table against the code and by the integration session that checks each row's
named test really sends its operation (tests/integration/operation_proof.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parents[1]
COVERAGE = ROOT / "docs" / "api-coverage.md"

CELL = re.compile(r"^`([^`]+)`$")
NONE = "—"
Row = Tuple[str, str, str, str]


def coverage_rows() -> List[Row]:
    """The rows of the one table of docs/api-coverage.md, cells unquoted:
    operation (``METHOD /path``), SDK call, CLI command, real-Glance test."""
    rows: List[Row] = []
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 4, line
        unquoted = []
        for cell in cells:
            match = CELL.match(cell)
            assert match or cell == NONE, "a cell is `code` or %s: %r" % (NONE, line)
            unquoted.append(match.group(1) if match else NONE)
        rows.append((unquoted[0], unquoted[1], unquoted[2], unquoted[3]))
    return rows
