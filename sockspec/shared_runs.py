"""Runs that several cases judge: each runs once, and every reader gets its transcripts.

Starting a program costs about 0.1 s, and often several requirements judge
the same run (a MUST about a failure and the SHOULD about its exit code).
Running it once keeps a suite fast; attaching the first run's transcripts
again keeps each case's report complete on its own.  Runs that are known in
advance can be started in the background on a few threads
(:meth:`Shared.start_all`) while other cases run: most of their time is
spent waiting, some of them for a client's whole ``--timeout``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sockspec.checks import attach, snapshot
from sockspec.errors import IUTCrashed, IUTTimeout

__all__ = ["Keep", "Shared"]

T = TypeVar("T")
#: Where a run made on a thread puts a transcript: ``keep(title, text)``.
Keep = Callable[[str, str], None]


@dataclass
class _Outcome:
    value: Any = None
    error: BaseException | None = None
    transcripts: list[dict[str, str]] = field(default_factory=list)


class Shared:
    """Scenarios run once per ``Shared``; later readers get the transcripts again.

    A scenario's result, or an error of the ``keeps`` classes it raised (by
    default a hang or a crash of the program: ``IUTTimeout``, ``IUTCrashed``),
    is kept, so every requirement that judges the run sees the same evidence.
    """

    def __init__(self, keeps: tuple[type[BaseException], ...] = (IUTTimeout, IUTCrashed)) -> None:
        self.keeps = keeps
        self._done: dict[Hashable, _Outcome] = {}
        self._started: dict[Hashable, Future[_Outcome]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def __contains__(self, key: Hashable) -> bool:
        return key in self._done or key in self._started

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``'s result (or the error it raised) for ``key``, made only the first time ``key`` is asked for.

        ``make`` runs in the reading case and attaches its transcripts to it
        (``sockspec.checks.attach``); they are kept for the readers after it.
        """
        started = self._started.pop(key, None)
        if started is not None:  # made on a thread: it attached nothing, so this reader gets its transcripts below
            self._done[key] = started.result()
        outcome = self._done.get(key)
        if outcome is None:
            before = len(snapshot()[1])
            outcome = _Outcome()
            try:
                outcome.value = make()
            except self.keeps as exc:
                outcome.error = exc
            outcome.transcripts = snapshot()[1][before:]
            self._done[key] = outcome
        else:  # the first run attached its transcripts itself
            for transcript in outcome.transcripts:
                attach(transcript["title"], transcript["text"])
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    def start_all(self, makes: Mapping[Hashable, Callable[[Keep], object]], *, workers: int) -> None:
        """Start the runs of ``makes`` not made or started yet, in order, on ``workers`` threads; return at once.

        :meth:`get` waits for a started run.  A run on a thread belongs to no
        case, so it gives its transcripts to the ``keep`` it is called with
        instead of attaching them; every reader gets them.  An error outside
        ``keeps`` is raised by the :meth:`get` that reads the run.
        """
        if self._pool is None:
            self._pool = ThreadPoolExecutor(workers, thread_name_prefix="sockspec-shared")
        for key, make in makes.items():
            if key not in self:
                self._started[key] = self._pool.submit(self._attempt, make)

    def close(self) -> None:
        """Start nothing more and wait for the runs under way (each ends by its own deadline, also on Ctrl-C)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _attempt(self, make: Callable[[Keep], object]) -> _Outcome:
        outcome = _Outcome()
        try:
            outcome.value = make(lambda title, text: outcome.transcripts.append({"title": title, "text": text}))
        except self.keeps as exc:
            outcome.error = exc
        return outcome
