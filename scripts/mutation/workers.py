"""A worker's own copy of the tree, and one pytest run in it.

Each worker mutates files in its own copy (``.mutation/wN/``), so workers run
side by side.  pytest runs from inside the copy with ``PYTHONPATH`` set to
it, so ``sockspec``, ``specs`` and the ``python -m sockspec_reference``
that the program specs start all resolve to the copy (checked at start-up
with a deliberately broken mutant).  Every process a run starts carries the
copy's path in ``MUTATION_COPY``, so what a killed run leaves behind can be
found and ended by its id.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PYTEST_ARGS = ("-x", "-q", "--strict", "-p", "no:html", "-p", "no:cacheprovider", "-p", "no:randomly")
#: a line of pytest's short summary naming a case that did not pass (the kit's verdicts: FAIL, KIT ERROR, ...).
_FAILED = re.compile(r"^[A-Z][A-Z -]* (specs/\S+)", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    """How one pytest run ended: passed, failed (and the first failing case), or timed out."""

    status: str  # "passed", "failed" or "timeout"
    seconds: float
    first_failure: str | None
    output: str


def make_copy(root: Path, copy: Path) -> None:
    """``copy`` holds the working tree's files (tracked and untracked, not ignored) and nothing else."""
    shutil.rmtree(copy, ignore_errors=True)
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "-z"], check=True, capture_output=True
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = root / name
        if source.is_file():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run_pytest(python: str, copy: Path, tests: list[str], deadline: float, extra: tuple[str, ...] = ()) -> Outcome:
    """Run ``tests`` in ``copy``; past ``deadline`` seconds the run is interrupted (teardown runs), then killed."""
    # PYTHONUNBUFFERED would flush every print of the mutated programs for them,
    # hiding a lost flush() that a user's environment would expose.
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    env = {**inherited, "PYTHONPATH": str(copy), "MUTATION_COPY": str(copy), "PYTHONHASHSEED": "0"}
    start = time.monotonic()
    proc = subprocess.Popen(
        [python, "-m", "pytest", *PYTEST_ARGS, *extra, *tests],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    try:
        output, _ = proc.communicate(timeout=deadline)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        reap(copy)
        return Outcome("timeout", time.monotonic() - start, None, output)
    seconds = time.monotonic() - start
    if proc.returncode == 0:
        return Outcome("passed", seconds, None, output)
    found = _FAILED.search(output)
    reap(copy)
    return Outcome("failed", seconds, found.group(1) if found else None, output)


def reap(copy: Path) -> None:
    """End every process that a run in ``copy`` started and left behind (found by ``MUTATION_COPY``)."""
    marker = f"MUTATION_COPY={copy}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)
