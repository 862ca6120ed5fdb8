"""Run one of pyrax's samples (a copy in this folder) with its prompts answered.

``python _run.py SAMPLE.py ANSWERS_JSON``: ANSWERS_JSON is a list of
``[words of the prompt, answer]``; a prompt (``raw_input`` / ``input``) gets
the answer of the first entry whose words it contains. An answer is a string,
``{"pick": NAME}`` (the number the sample printed as ``[N] NAME`` or
``[N] - NAME``), or ``{"accept": NAME}`` ("a" when the last item listed is
NAME, else "s"). Python 2's ``raw_input`` is provided; nothing else changes.
"""

from __future__ import annotations

import builtins
import io
import json
import re
import runpy
import sys
from typing import Any, List


class Tee(io.TextIOBase):
    """Writes to the real stdout and keeps a copy to read the listings from."""

    def __init__(self, out: Any):
        self.out = out
        self.seen = io.StringIO()

    def write(self, text: str) -> int:
        self.seen.write(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


def listed(seen: str) -> List[tuple]:
    """``(number, text)`` of each ``[N] text`` / ``[N] - text`` line printed so far."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^\s*\[(\d+)\] (?:- )?(.*)$", seen, re.M)]


def main() -> None:
    sample, answers = sys.argv[1], json.loads(sys.argv[2])
    tee = Tee(sys.stdout)
    sys.stdout = tee

    def answer(prompt: str = "") -> str:
        tee.write(prompt)
        spec = next(spec for words, spec in answers if words in prompt)
        items = listed(tee.seen.getvalue())
        if isinstance(spec, dict) and "pick" in spec:
            reply = [number for number, text in items if text == spec["pick"]][-1]
        elif isinstance(spec, dict) and "accept" in spec:
            reply = "a" if items and items[-1][1] == spec["accept"] else "s"
        else:
            reply = spec
        tee.write(reply + "\n")
        return reply

    builtins.raw_input = answer  # type: ignore[attr-defined]
    builtins.input = answer
    runpy.run_path(sample, run_name="__main__")


if __name__ == "__main__":
    main()
