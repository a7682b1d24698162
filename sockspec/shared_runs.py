"""Runs that several cases judge: each runs once, and every reader gets its transcripts.

Starting a program costs about 0.1 s, and often several requirements judge
the same run (a MUST about a failure and the SHOULD about its exit code).
Running it once keeps a suite fast; attaching the first run's transcripts
again keeps each case's report complete on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sockspec.checks import attach, snapshot
from sockspec.errors import IUTCrashed, IUTTimeout

__all__ = ["Shared"]

T = TypeVar("T")


class Shared:
    """Scenarios run once per ``Shared`` (the specs keep one per session); later readers get the transcripts again.

    A scenario's result, or the ``IUTError`` it raised (a hang, a crash), is
    kept, so every requirement that judges the run sees the same evidence.
    """

    def __init__(self) -> None:
        self._done: dict[Hashable, tuple[Any, BaseException | None, list[dict[str, str]]]] = {}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``'s result (or the error it raised) for ``key``, made only the first time ``key`` is asked for."""
        first = key not in self._done
        if first:
            before = len(snapshot()[1])
            try:
                outcome: tuple[Any, BaseException | None] = (make(), None)
            except (IUTTimeout, IUTCrashed) as exc:
                outcome = (None, exc)
            self._done[key] = (*outcome, snapshot()[1][before:])
        value, error, transcripts = self._done[key]
        if not first:  # the first run attached its transcripts itself
            for transcript in transcripts:
                attach(transcript["title"], transcript["text"])
        if error is not None:
            raise error
        return value
