"""Run the ``$ command`` lines of a doc's ```console blocks and compare outputs.

A block reads as a terminal: ``$ `` starts a command (a trailing ``\\`` goes
on to the next line, as do lines prompted ``> ``, a here-document's), the lines up to the next ``$ `` are its expected output,
where ``...`` matches anything (doctest's ELLIPSIS, whitespace normalised).
All commands of a file run in ONE bash session, so variables carry over; each
must exit 0 unless its expected output shows an ``error:``. Optionally the
session runs on a pseudo-terminal, as a person would see it: a progress bar
rewritten with ``\\r`` is compared as its last state.
"""

from __future__ import annotations

import doctest
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
MARK = "@@pyrax-doc-step"
_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def console_steps(markdown: str) -> List[Tuple[str, str]]:
    """``[(command, expected output), ...]`` of every ```console block, in order."""
    steps: List[Tuple[str, str]] = []
    for block in BLOCK.findall(markdown):
        command: Optional[List[str]] = None
        expected: List[str] = []
        for line in block.splitlines():
            if command is not None and (
                command[-1].endswith("\\") or (line.startswith("> ") and not expected)
            ):
                command.append(line[2:] if line.startswith("> ") else line)
            elif line.startswith("$ "):
                if command is not None:
                    steps.append(("\n".join(command), "\n".join(expected)))
                command, expected = [line[2:]], []
            elif command is not None:
                expected.append(line)
        if command is not None:
            steps.append(("\n".join(command), "\n".join(expected)))
    return steps


def _script(steps: List[Tuple[str, str]]) -> str:
    """One bash script running every step between markers, in one shell."""
    lines = []
    for number, (command, _) in enumerate(steps):
        lines.append("printf '\\n%s %d start\\n'" % (MARK, number))
        lines.append("(exit ${_doc_rc:-0}); { %s\n} 2>&1; _doc_rc=$?" % command)
        lines.append("printf '\\n%s %d rc %%d\\n' $_doc_rc" % (MARK, number))
    return "\n".join(lines) + "\n"


def _screen(raw: str) -> str:
    """What a terminal shows: CRLF folded, each line's last ``\\r`` rewrite kept."""
    text = raw.replace("\r\n", "\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def _run_on_pty(script: str, env: Dict[str, str], cwd: str, timeout: float) -> str:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100x30 terminal
    process = subprocess.Popen(
        ["bash", "-c", script], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True
    )
    os.close(slave)
    chunks: List[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                raise AssertionError("the console session printed nothing for %ss" % timeout)
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        process.wait(timeout=timeout)
    return b"".join(chunks).decode("utf-8", "replace")


def run_console(
    steps: List[Tuple[str, str]], env: Dict[str, str], cwd: str, tty: bool = False, timeout: float = 600
) -> List[Tuple[str, str, str, int]]:
    """Run the steps; ``[(command, expected, got, exit status), ...]``."""
    script = _script(steps)
    if tty:
        raw = _run_on_pty(script, env, cwd, timeout)
    else:
        done = subprocess.run(
            ["bash", "-c", script], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
        raw = done.stdout + done.stderr
    text = _screen(raw)
    results = []
    for number, (command, expected) in enumerate(steps):
        found = re.search(
            r"%s %d start\n(.*?)\n%s %d rc (\d+)\n" % (MARK, number, MARK, number), text, re.DOTALL
        )
        if found is None:
            raise AssertionError(
                "step %d (%s) did not finish; session output:\n%s" % (number, command, text[-3000:])
            )
        results.append((command, expected, found.group(1), int(found.group(2))))
    return results


def check_console(path: Path, results: List[Tuple[str, str, str, int]]) -> None:
    """Fail on the first step whose output or exit status differs from the doc."""
    for command, expected, got, status in results:
        if status != 0 and "error:" not in expected:
            raise AssertionError("%s: `%s` exited %d:\n%s" % (path.name, command, status, got))
        if not _CHECKER.check_output(expected.strip() + "\n", got.strip() + "\n", _FLAGS):
            raise AssertionError(
                "%s: `%s` printed:\n%s\n--- the doc shows:\n%s" % (path.name, command, got, expected)
            )


def run_and_check(
    path: Path,
    steps: List[Tuple[str, str]],
    env: Dict[str, str],
    cwd: str,
    tty: bool = False,
    cleanup: Optional[Callable[[List[Tuple[str, str, str, int]]], None]] = None,
) -> List[Tuple[str, str, str, int]]:
    """``run_console`` then ``check_console``; ``cleanup(results)`` even if the check fails."""
    results = run_console(steps, env, cwd, tty=tty)
    try:
        check_console(path, results)
    finally:
        if cleanup is not None:
            cleanup(results)
    return results
