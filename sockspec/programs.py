"""The program surface: run the IUT's recipe programs as ``<prefix> <recipe> [args]``.

Every run is attached to the current case as a transcript (command, exit
status, both streams), so a failing program case shows what happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sockspec.checks import attach
from sockspec.implementation import transport_of
from sockspec.outcomes import unsupported
from sockspec.process import Completed, Spawned, run, spawn

__all__ = ["Programs", "Wrapper"]


class Wrapper(Protocol):
    """Something that runs a command elsewhere, e.g. the resolver sandbox."""

    def wrap(self, argv: Sequence[str]) -> list[str]: ...


class Programs:
    """Runs one implementation's recipe programs with the kit's deadlines."""

    def __init__(self, prefix: Sequence[str], *, timeout: float, lacks: frozenset[str] = frozenset()) -> None:
        self.prefix = tuple(prefix)
        self.timeout = timeout
        self.lacks = lacks

    def argv(self, recipe: str, *args: str) -> list[str]:
        """The command line for ``recipe``; UNSUPPORTED if the IUT declared it lacks it."""
        if f"program:{recipe}" in self.lacks:
            unsupported(f"program:{recipe}")
        return [*self.prefix, recipe, *args]

    def run(
        self,
        recipe: str,
        *args: str,
        timeout: float | None = None,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        within: Wrapper | None = None,
    ) -> Completed:
        """Run ``recipe`` to completion, inside ``within`` (e.g. the resolver sandbox) if given."""
        argv = self.argv(recipe, *args)
        if within is not None:
            argv = within.wrap(argv)
        done = run(argv, timeout=timeout or self.timeout, stdin=stdin, env=env)
        attach(f"{recipe} (exit {done.returncode})", done.describe())
        return done

    def spawn(self, recipe: str, *args: str, env: Mapping[str, str] | None = None) -> Spawned:
        """Start a server recipe and wait until it listens on its transport's port (docs/programs.md)."""
        return spawn(self.argv(recipe, *args), ready_timeout=self.timeout, transport=transport_of(recipe), env=env)
