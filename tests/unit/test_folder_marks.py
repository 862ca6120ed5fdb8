"""The ``integration`` mark comes from the folder (tests/conftest.py), not from each module."""

from __future__ import annotations

from pathlib import Path

import pytest

SUITE_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
UNMARKED = "def test_unmarked():\n    pass\n"


def collected(pytester: pytest.Pytester, *args: str) -> list:
    """The node ids collected by a run of the suite's conftest over the pytester tree."""
    result = pytester.runpytest("--collect-only", "-q", *args)
    return sorted(line for line in result.outlines if "::" in line)


def test_an_unmarked_integration_file_is_marked_and_a_unit_file_is_not(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SUITE_CONFTEST.read_text())
    pytester.mkpydir("integration").joinpath("test_cloud.py").write_text(UNMARKED)
    pytester.mkpydir("unit").joinpath("test_offline.py").write_text(UNMARKED)
    assert collected(pytester, "-m", "integration") == ["integration/test_cloud.py::test_unmarked"]
    assert collected(pytester, "-m", "not integration") == ["unit/test_offline.py::test_unmarked"]
    assert len(collected(pytester)) == 2


def test_a_module_mark_is_kept_beside_the_folder_mark(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SUITE_CONFTEST.read_text())
    pytester.mkpydir("integration").joinpath("test_secret.py").write_text(
        "import pytest\n\npytestmark = pytest.mark.secrets('s3cret')\n\n" + UNMARKED
    )
    assert collected(pytester, "-m", "integration and secrets") == ["integration/test_secret.py::test_unmarked"]
