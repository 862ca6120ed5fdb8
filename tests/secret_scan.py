"""Pytest plugin: no known secret in any pyrax_image exception or log line.

A test names its secrets with ``@pytest.mark.secrets("a-token", "hunter2")``
or adds them to the ``known_secrets`` fixture (a list) as it learns them.
For such a test, HTTP debug logging is on, and at teardown every
:class:`~pyrax_image.exceptions.PyraxImageException` created during the test
(its ``str``, ``repr``, fields and the chain of causes) and every record
logged under ``pyrax_image`` is checked: none may contain a secret.
:func:`assert_no_secret` makes the same check on any text or exception.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator, List

import pytest

from pyrax_image import exceptions as exc


def exception_texts(error: BaseException) -> List[str]:
    """Everything an exception shows: str, repr, fields, and its causes'."""
    texts: List[str] = []
    seen = set()
    current: Any = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current)] + [repr(arg) for arg in current.args]
        for name in ("message", "details", "url", "location", "request_id"):
            texts.append(repr(getattr(current, name, None)))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return texts


def assert_no_secret(where: Any, secrets: Iterable[str]) -> None:
    """Fail if any secret (or its stripped form) is in ``where``: a text,
    an exception or a list of them."""
    items = where if isinstance(where, list) else [where]
    texts: List[str] = []
    for item in items:
        texts += exception_texts(item) if isinstance(item, BaseException) else [str(item)]
    for secret in secrets:
        for form in {secret, secret.strip()}:
            for text in texts:
                assert form not in text, "secret %r leaked in: %s" % (form, text[:500])


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def known_secrets() -> List[str]:
    """Secrets the test adds as it learns them; checked at teardown."""
    return []


@pytest.fixture(autouse=True)
def _scan_for_secrets(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    marker = request.node.get_closest_marker("secrets")
    declared: List[str] = list(marker.args) if marker else []
    if "known_secrets" in request.fixturenames:
        added = request.getfixturevalue("known_secrets")
    elif not declared:
        yield
        return
    else:
        added = []
    created: List[BaseException] = []
    plain_init = exc.PyraxImageException.__init__

    def recording_init(self: BaseException, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        plain_init(self, *args, **kwargs)

    monkeypatch.setattr(exc.PyraxImageException, "__init__", recording_init)
    logger = logging.getLogger("pyrax_image")
    records = _Records()
    level = logger.level
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    secrets = declared + list(added)
    assert secrets, "the test declared no secret to scan for"
    assert_no_secret(created, secrets)
    assert_no_secret(records.lines, secrets)
