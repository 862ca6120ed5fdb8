"""``pyrax-image completion bash|zsh``: a shell completion script, generated
from the parser itself (commands, their options, and the values of options
with fixed choices), so it never lags behind the command line.

bash: ``source <(pyrax-image completion bash)`` (or save it in
``~/.local/share/bash-completion/completions/pyrax-image``). zsh: the same
function through zsh's ``bashcompinit``. See docs/cli.md.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any, Dict, Iterator, List, Tuple

SHELLS = ("bash", "zsh")

BASH_FUNCTION = """\
_pyrax_image() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local path="" word next i words=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        next="${path:+$path }$word"
        case "$next" in
%(paths)s) path="$next" ;;
        esac
    done
    case "$path|$prev" in
%(values)s
    esac
    case "$path" in
%(words)s
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _pyrax_image pyrax-image
"""
ZSH_PROLOGUE = """\
#compdef pyrax-image
# zsh runs the bash completion function through bashcompinit.
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
"""


def walk(parser: argparse.ArgumentParser, path: str = "") -> Iterator[Tuple[str, argparse.ArgumentParser]]:
    """(command path, its parser) for the parser and every subcommand, depth first."""
    yield path, parser
    for action in parser._actions:  # argparse offers no public list of a parser's arguments
        if isinstance(action.choices, dict):  # the subcommands
            for name, sub in action.choices.items():
                yield from walk(sub, ("%s %s" % (path, name)).strip())


def describe(parser: argparse.ArgumentParser) -> Tuple[List[str], Dict[str, List[str]]]:
    """What may follow a command (its subcommands, options and fixed
    positional values) and the values of each option with fixed choices."""
    words: List[str] = []
    values: Dict[str, List[str]] = {}
    for action in parser._actions:
        if isinstance(action.choices, dict):
            words += list(action.choices)
        elif action.option_strings:
            words += action.option_strings
            if action.choices is not None:
                for option in action.option_strings:
                    values[option] = [str(choice) for choice in action.choices]
        elif action.choices is not None:
            words += [str(choice) for choice in action.choices]
    return words, values


def bash_function(parser: argparse.ArgumentParser) -> str:
    paths, words = [], []
    values: Dict[Tuple[str, str], List[str]] = {}
    for path, sub in walk(parser):
        options, choices = describe(sub)
        if path:
            paths.append(shlex.quote(path))
        values.update({(path, option): allowed for option, allowed in choices.items()})
        words.append("        %s) words=%s ;;" % (shlex.quote(path) or '""', shlex.quote(" ".join(options))))
    # An option with the same values wherever it is (-f) gets one case for every path.
    everywhere = {
        option
        for _, option in values
        if len({tuple(allowed) for (_, other), allowed in values.items() if other == option}) == 1
    }
    cases = ["*%s" % shlex.quote("|" + option) for option in sorted(everywhere)]
    cases += [shlex.quote("%s|%s" % key) for key in values if key[1] not in everywhere]
    allowed = [values[next(key for key in values if key[1] == option)] for option in sorted(everywhere)]
    allowed += [values[key] for key in values if key[1] not in everywhere]
    value_cases = [
        '        %s) COMPREPLY=($(compgen -W %s -- "$cur")); return ;;'
        % (case, shlex.quote(" ".join(choices)))
        for case, choices in zip(cases, allowed)
    ]
    return BASH_FUNCTION % {
        "paths": "            " + "|".join(paths),
        "values": "\n".join(value_cases) if value_cases else "        *) ;;",
        "words": "\n".join(words),
    }


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (bash or zsh)."""
    return (ZSH_PROLOGUE if shell == "zsh" else "") + bash_function(parser)


def cmd_completion(ctx: Any) -> int:
    from pyrax_image.cli.parser import build_parser

    ctx.out.stdout.write(script(ctx.options.shell, build_parser()))
    return 0


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add ``completion`` to the ``commands`` subparsers."""
    p = commands.add_parser(
        "completion",
        help="print a shell completion script: source <(pyrax-image completion bash)",
        description="Print a completion script for bash or zsh (commands, options, and the "
        "values of options with fixed choices). bash: source <(pyrax-image completion bash); "
        "zsh: source <(pyrax-image completion zsh). See docs/cli.md.",
    )
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash or zsh")
    p.set_defaults(func=cmd_completion)
