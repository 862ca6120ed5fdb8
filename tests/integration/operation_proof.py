"""Proof that each row of docs/api-coverage.md is exercised by the test it
names: while the session runs, every request the library's transport sends
(its single-send layer, ``Transport._send_single_request``) is recorded as the
``METHOD /path`` rows it matches, against the test whose call phase sent it.
At the end, a row whose named test ran and passed but never sent its
operation turns the run red. Rows whose test did not run (``-k``, a partial
run, the proxied pass's deselected tests) are not checked."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Callable, Dict, Iterable, Iterator, List, Pattern, Set, Tuple
from urllib.parse import urlsplit

import pytest

from pyrax_image.http import Transport
from tests.coverage_table import coverage_rows

Template = Tuple[str, Pattern[str]]

# What the session saw: the operations each test's call phase sent, the tests that passed.
sent: Dict[str, Set[str]] = defaultdict(set)
passed: Set[str] = set()
unproven: List[str] = []
_current: List[str] = []  # the test in its call phase (threads of that test record to it too)


def compile_templates(operations: Iterable[str]) -> List[Template]:
    """``METHOD /path/{name}`` rows as (operation, anchored path pattern)."""
    templates = []
    for operation in operations:
        _method, path = operation.split(" ", 1)
        segments = re.split(r"\{[^}]+\}", path.rstrip("/"))
        pattern = "[^/]+".join(re.escape(segment) for segment in segments)
        templates.append((operation, re.compile("^%s/?$" % pattern)))
    return templates


def operations_of(method: str, url: str, templates: List[Template]) -> Set[str]:
    """The rows a request matches (its query left out)."""
    path = urlsplit(url).path or "/"
    return {op for op, pattern in templates if op.split(" ", 1)[0] == method and pattern.match(path)}


def named_test(nodeid: str) -> str:
    """A node id without its parameters: the form the table names a test by."""
    return nodeid.split("[", 1)[0]


def missing(rows: Iterable[Tuple[str, str]], ran: Set[str], seen: Dict[str, Set[str]]) -> List[str]:
    """``operation <- test`` of each row whose test ran and never sent it."""
    return [
        "%s <- %s" % (operation, test)
        for operation, test in rows
        if test in ran and operation not in seen.get(test, set())
    ]


def _recording(send: Callable[..., Any], templates: List[Template]) -> Callable[..., Any]:
    def send_single_request(transport: Transport, call: Any, url: str, params: Any) -> Any:
        if _current:
            sent[_current[0]].update(operations_of(call.method.upper(), url, templates))
        return send(transport, call, url, params)

    return send_single_request


@pytest.fixture(scope="session", autouse=True)
def _record_operations() -> Iterator[None]:
    """Wrap the transport's single send for the session (all tests, any client)."""
    original = Transport._send_single_request
    templates = compile_templates(row[0] for row in coverage_rows())
    Transport._send_single_request = _recording(original, templates)  # type: ignore[method-assign]
    try:
        yield
    finally:
        Transport._send_single_request = original  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    _current[:] = [named_test(item.nodeid)]
    try:
        yield
    finally:
        _current.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        passed.add(named_test(report.nodeid))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Red when a row's test ran, passed, and did not send the row's operation."""
    ran = {test for test in passed if test.startswith("tests/integration/")}
    if not ran:
        return
    unproven[:] = missing([(row[0], row[3]) for row in coverage_rows()], ran, sent)
    if unproven and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if unproven:
        terminalreporter.write_sep("=", "docs/api-coverage.md rows their test did not send", red=True)
        for line in unproven:
            terminalreporter.write_line(line)
