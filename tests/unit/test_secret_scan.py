"""The secret scanner (tests/secret_scan.py) itself: it fails a test whose
exceptions or log lines show a declared secret, and passes a clean one."""

from __future__ import annotations

import pytest

from pyrax_image import exceptions as exc
from tests.secret_scan import assert_no_secret

LEAKY_TEST = '''
import logging
import pytest
from pyrax_image import exceptions as exc

@pytest.mark.secrets("leaked-value-1")
def test_exception_leak():
    exc.NotFound(404, "no image for leaked-value-1")

@pytest.mark.secrets("leaked-value-2")
def test_log_leak():
    logging.getLogger("pyrax_image.http").debug("token leaked-value-2")

def test_late_secret(known_secrets):
    known_secrets.append("leaked-value-3")
    exc.ConnectionFailed("reset while sending leaked-value-3")

@pytest.mark.secrets("never-shown")
def test_clean():
    exc.NotFound(404, "no image ***")
'''


def test_the_scanner_fails_leaks_and_passes_clean_tests(pytester: pytest.Pytester):
    pytester.makepyfile(test_leaky=LEAKY_TEST)
    result = pytester.runpytest_inprocess("-p", "tests.secret_scan", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=3)
    result.stdout.fnmatch_lines(["*secret 'leaked-value-1' leaked*", "*secret 'leaked-value-2' leaked*"])


def test_assert_no_secret_follows_the_cause_chain():
    try:
        try:
            raise ValueError("header value 'tok-secret\\n'")
        except ValueError as error:
            raise exc.ConnectionFailed("clean text") from error
    except exc.ConnectionFailed as outer:
        with pytest.raises(AssertionError, match="tok-secret"):
            assert_no_secret(outer, ["tok-secret\n"])
    assert_no_secret([exc.NotFound(404, "clean"), "clean text"], ["tok-secret"])
