"""Run one spec run per broken provider, several at a time, and say which the specs reject.

A job is a pytest run of API spec modules against one provider.  It is
*killed* when the run fails and the first failing case, run again alone,
fails again; a failure that does not come back was the machine's load (other
work shares its cores), so the whole job runs once more before it is called
*survived*.  A job that outlives its deadline is run once more with twice
the time; if it hangs again it is killed by its hang.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

#: pytest's arguments for every run: --strict, so a broken SHOULD kills too; -x, to stop at the first FAIL.
#: A line of pytest's short summary naming a case that did not pass (the kit writes FAIL for FAILED).
_SUMMARY_LINE = re.compile(r"(?:KIT )?(?:FAILED|FAIL|ERROR) (\S+::\S+)")

PYTEST_ARGS = ("--strict", "-x", "-q", "-p", "no:html", "-p", "no:cacheprovider", "-rfE")


@dataclass(frozen=True)
class Job:
    """One provider to judge: its name, how pytest reaches it, which spec modules judge it."""

    name: str
    impl_args: tuple[str, ...]
    paths: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the specs made of one job."""

    job: Job
    killed: bool
    how: str  # the failing case, "hang", or "" for a survivor
    seconds: float
    note: str = ""
    #: The cases a survivor's run judged UNSUPPORTED: what the provider no longer offered, which is no FAIL.
    unsupported: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Run:
    code: int | None  # None: past the deadline
    failing: str  # the first FAILED/ERROR case, if pytest named one
    tail: str
    unsupported: tuple[str, ...] = ()


def _pytest(job: Job, targets: Sequence[str], deadline: float, python: str) -> _Run:
    with tempfile.TemporaryDirectory(prefix="variant-") as reports:
        argv = [python, "-m", "pytest", *targets, *job.impl_args, *PYTEST_ARGS, "--report-dir", reports]
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **job.env},
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=deadline)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return _Run(None, "", "")
        unsupported = tuple(
            case["nodeid"]
            for report in Path(reports).glob("*.json")
            for case in json.loads(report.read_text()).get("cases", [])
            if case.get("verdict") == "UNSUPPORTED"
        )
    text = output.decode(errors="replace")
    failing = next((found.group(1) for found in map(_SUMMARY_LINE.match, text.splitlines()) if found), "")
    return _Run(process.returncode, failing, text.strip().splitlines()[-1] if text.strip() else "", unsupported)


def judge(job: Job, deadline: float, python: str) -> Outcome:
    """Run ``job``, confirm a failure by running its case alone, and retry once what load may explain."""
    start = time.monotonic()
    note = ""
    for attempt in (1, 2):
        run = _pytest(job, job.paths, deadline * attempt, python)
        if run.code == 0:
            return Outcome(job, False, "", time.monotonic() - start, note, run.unsupported)
        if run.code is None:
            note = f"past the {deadline * attempt:g} s deadline"
        elif not run.failing:  # no case to blame (the run itself broke): it must break twice
            if attempt == 2:
                return Outcome(job, True, f"run error: {run.tail}", time.monotonic() - start)
            note = "a run error"
        elif _pytest(job, (run.failing,), deadline, python).code not in (0, None):
            return Outcome(job, True, run.failing, time.monotonic() - start, note)
        else:
            note = f"{run.failing} failed once but passed alone"
    hung = note.startswith("past")
    return Outcome(job, hung, "hang" if hung else "", time.monotonic() - start, note)


def run_all(
    jobs: Iterable[Job],
    *,
    workers: int,
    deadline: float,
    python: str = sys.executable,
    report: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Judge every job, ``workers`` at a time; ``report`` hears of each as it ends."""

    def one(job: Job) -> Outcome:
        outcome = judge(job, deadline, python)
        report(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, jobs))
