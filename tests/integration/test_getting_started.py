"""The newcomer's path of docs/getting-started.md, in CI: a fresh clone of the
repository, a fresh virtualenv, the doc's shell session on a pseudo-terminal
(progress bars included), then its Python REPL session (doctest)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from tests.integration.cli_fixtures import clean_environ
from tests.integration.doc_console import check_console, console_steps, run_and_check, run_console

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "getting-started.md"
README = ROOT / "README.md"
PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory, cloud: Dict[str, Any]) -> Iterator[Path]:
    """A clone of this repository with the doc's install steps done (its .venv)."""
    where = tmp_path_factory.mktemp("newcomer") / "pyrax_image"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
    steps = console_steps(DOC.read_text())
    install = [step for step in steps if "venv" in step[0] or step[0].startswith("pip install")]
    assert len(install) == 2, install
    check_console(DOC, run_console(install, clean_environ(), str(where)))
    assert (where / ".venv" / "bin" / "pyrax-image").exists()
    yield where


def session_env(checkout: Path) -> Dict[str, str]:
    env = clean_environ()
    env["PATH"] = "%s%s%s" % (checkout / ".venv" / "bin", os.pathsep, env["PATH"])
    env["VIRTUAL_ENV"] = str(checkout / ".venv")
    return env


def test_readme_points_to_getting_started() -> None:
    assert "docs/getting-started.md" in README.read_text()


def test_command_line_session_on_a_terminal(checkout: Path) -> None:
    steps = [
        step
        for step in console_steps(DOC.read_text())
        if "venv" not in step[0] and not step[0].startswith("pip install")
    ]
    assert any("member accept" in command for command, _ in steps)
    results = run_and_check(DOC, steps, session_env(checkout), str(checkout), tty=True)
    uploaded = next(got for command, _, got, _ in results if "pyrax-image create" in command)
    assert re.search(r"^upload: 100%\|.+\| 8\.00M/8\.00M \[.+/s\]$", uploaded, re.MULTILINE), uploaded


def test_python_repl_session(checkout: Path, cloud: Dict[str, Any]) -> None:
    env = session_env(checkout)
    alice, bob = cloud["users"]["alice"], cloud["users"]["bob"]
    env.update(
        OS_AUTH_URL=cloud["keystone_v3_url"],
        OS_USERNAME="alice",
        OS_PASSWORD=alice["password"],
        OS_PROJECT_NAME=alice["project_name"],
        OS_USER_DOMAIN_NAME="Default",
        OS_PROJECT_DOMAIN_NAME="Default",
        OS_REGION_NAME="RegionOne",
        BOB_PROJECT_ID=bob["project_id"],
        BOB_PASSWORD=bob["password"],
    )
    session = "\n".join(PYCON.findall(DOC.read_text()))
    assert session.count(">>> ") >= 20
    (checkout / "repl-session.txt").write_text(session)
    runner = (
        "import doctest, sys; "
        "failed, tried = doctest.testfile('repl-session.txt', module_relative=False, "
        "optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE); sys.exit(1 if failed or not tried else 0)"
    )
    done = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "-c", runner],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
