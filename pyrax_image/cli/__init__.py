"""``pyrax-image``: the command line, built on pyrax_image's public API.

``main(argv)`` returns the exit status: 0 success, 1 an error from the cloud
(or the library), 2 a usage error (nothing sent), 130 interrupted. Errors are
one line on stderr, ``error: <message> (HTTP 404, request req-...)``; with
``--debug`` the traceback precedes it. Modules: ``parser`` (options and
commands), ``credentials``, ``output``, ``progress``, ``lookup`` (IMAGE
arguments) and one module per group of commands (``images``, ``sharing``,
``tasks``).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any, Callable, Optional, Sequence

from pyrax_image import exceptions as exc
from pyrax_image.cli.output import Output
from pyrax_image.cli.parser import parse
from pyrax_image.image.client import ImageClient

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class Context:
    """What a command works with: its options, the client (connected on
    first use), the output, and stderr for notes and errors."""

    def __init__(self, options: Any):
        self.options = options
        self.out = Output.from_options(options)
        self._client: Optional[ImageClient] = None

    @property
    def client(self) -> ImageClient:
        """The ImageClient, connected on first use."""
        if self._client is None:
            from pyrax_image.cli.credentials import connect

            self._client = connect(self.options)
        return self._client

    def note(self, text: str) -> None:
        try:
            sys.stdout.flush()  # what was printed comes first
        except (OSError, ValueError):  # the reader left: the note still matters
            pass
        sys.stderr.write(text + "\n")

    def report(self, error: BaseException) -> None:
        if self.options.debug:
            traceback.print_exception(type(error), error, error.__traceback__)
        self.note(error_line(error))


def error_line(error: BaseException) -> str:
    """``error: <message> (HTTP 404, request req-...)`` on one line."""
    if isinstance(error, exc.ClientException):
        text = error.message
        if error.url or error.request_id:  # it came from a reply
            facts = ["HTTP %s" % error.code] if error.code else []
            facts += ["request %s" % error.request_id] if error.request_id else []
            text += " (%s)" % ", ".join(facts) if facts else ""
    else:
        text = str(error) or type(error).__name__
    return "error: " + " ".join(text.split())


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command; returns the exit status."""
    try:
        options = parse(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    ctx = Context(options)
    try:
        command: Callable[[Context], int] = options.func
        status = command(ctx)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")  # not after stdout: a full pipe may be why
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the reader left: stay quiet
        return EXIT_BROKEN_PIPE
    except exc.InvalidArgument as error:
        ctx.report(error)
        return EXIT_USAGE
    except (exc.PyraxImageException, OSError) as error:
        ctx.report(error)
        return EXIT_ERROR
