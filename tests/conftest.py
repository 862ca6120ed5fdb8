"""Fixture modules of the whole suite, and the marks a test gets from its folder.

pytest only reads ``pytest_plugins`` here. Every test under tests/integration/
is marked ``integration`` by folder (no module writes the mark itself), so
``pytest -m "not integration"`` selects exactly tests/unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

pytest_plugins = [
    "tests.integration.keystone_fixtures",
    "tests.integration.data_fixtures",
    "tests.integration.fault_fixtures",
    "tests.integration.metadef_fixtures",
    "tests.integration.operations_fixtures",
    "tests.integration.operation_proof",
    "tests.secret_scan",
    "pytester",
]

INTEGRATION = Path(__file__).resolve().parent / "integration"


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Mark ``integration`` every test collected under tests/integration/."""
    for item in items:
        if INTEGRATION in item.path.resolve().parents:
            item.add_marker(pytest.mark.integration)
