"""What every recipe program shares: its registry entry, its output, its failures.

A recipe reports a failure by raising :class:`Failure`; ``_cli.main`` is the one
place that turns it into a message line and an exit code, so no recipe prints
a traceback or picks an exit status on its own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sockspec_reference._exitcodes import ExitCode

T = TypeVar("T")


@dataclass(frozen=True)
class Recipe:
    """One subcommand: how to declare its arguments and how to run it.

    ``summary`` is the line in the recipe list; ``details`` (the recipe
    module's docstring) is its ``--help`` description.
    """

    name: str
    summary: str
    details: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], ExitCode]
    exit_codes: tuple[ExitCode, ...]


class Failure(Exception):
    """A recipe could not do its job; ``message`` is the one line the user sees.

    ``to_stdout`` exists for the tutorial's lookup recipes, whose transcript
    prints ``HOST: reason`` on standard output.
    """

    def __init__(self, message: str, code: ExitCode, *, to_stdout: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.to_stdout = to_stdout


def say(line: str) -> None:
    """Print one output line at once: stdout is often a pipe read line by line."""
    print(line, flush=True)


def warn(line: str) -> None:
    """Print one diagnostic line on stderr at once."""
    print(line, file=sys.stderr, flush=True)


def ask(args: argparse.Namespace, dest: str, prompt: str, convert: Callable[[str], T]) -> T:
    """Return ``args.<dest>``, prompting for it only if it is missing and stdin is a terminal.

    The tutorial reads its inputs with ``input()``; a program driven by a pipe
    or a test harness must not block on a prompt, so there a missing argument is
    a usage error (exit 2) instead.
    """
    value = getattr(args, dest)
    if value is not None:
        return value
    parser: argparse.ArgumentParser = args.parser
    if not sys.stdin.isatty():
        parser.error(f"missing {dest} (stdin is not a terminal, so it cannot be asked for)")
    try:
        answer = input(prompt).strip()
    except EOFError:
        parser.error(f"missing {dest}")
    try:
        return convert(answer)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        parser.error(f"invalid {dest} {answer!r}: {exc}")
