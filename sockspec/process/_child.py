"""Long-running children (servers under test): started, awaited until ready, read while they run."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from typing import Self

from sockspec.errors import IUTCrashed, IUTTimeout

from ._group import Env, kill_group, start
from ._pipes import PipeReader

__all__ = ["Child", "Spawned", "spawn"]

_ADDRESS = re.compile(rb"(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\]):(\d{1,5})\b")


class Child:
    """A long-running child (a server under test), ready once it printed its first ``ready_lines`` lines.

    Those lines announce the server in whatever form its spec documents (an
    address tuple, option states before the port), so the caller parses
    ``first_lines`` itself; ``Spawned`` is the form the kit parses, ``HOST:PORT``
    on the first line.  Both output streams are collected on threads for the
    whole life of the child, so specs can wait for later lines (``wait_for``)
    and read stderr.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        ready_timeout: float,
        ready_lines: int = 1,
        env: Env | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self.proc = start(argv, env=env)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.out = PipeReader(self.proc.stdout)
        self.err = PipeReader(self.proc.stderr)
        try:
            self.first_lines = self._await_lines(ready_lines, ready_timeout)
        except BaseException:
            self.stop()
            raise

    def _await_lines(self, count: int, timeout: float) -> list[str]:
        """The first ``count`` stdout lines, decoded and right-stripped; IUTCrashed or IUTTimeout if they never come."""
        match = self.out.wait_for(re.compile(rb"\A(?:[^\n]*\n){%d}" % count), timeout)
        if match is not None:
            return [line.rstrip() for line in match.group(0).decode("utf-8", "replace").splitlines()]
        command = " ".join(self.argv)
        what = "its address" if count == 1 else f"its first {count} lines"
        printed = f" (stdout: {self.stdout!r})" if self.stdout else ""
        if self.out.closed:
            self.proc.wait(1)
            raise IUTCrashed(
                f"{command!r} exited with status {self.proc.returncode} before printing {what}{printed}",
                stderr=self.stderr_text(),
            )
        raise IUTTimeout(f"{command!r} did not print {what} within {timeout:g} s{printed}", stderr=self.stderr_text())

    def wait_for(self, pattern: bytes, timeout: float, start: int = 0) -> re.Match[bytes] | None:
        """Wait until stdout matches the regex ``pattern``; None if it never does in time."""
        return self.out.wait_for(re.compile(pattern, re.MULTILINE), timeout, start)

    @property
    def stdout(self) -> bytes:
        """Everything the child printed so far."""
        return self.out.snapshot()

    def stderr_text(self) -> str:
        """The tail of what the child wrote to stderr so far."""
        return self.err.text(last=4000)

    def describe(self) -> str:
        """Command, exit status (None while it runs) and both streams so far, for a failure message."""
        return (
            f"command: {' '.join(self.argv)}\nexit status: {self.proc.poll()}\n"
            f"--- stdout ---\n{self.stdout.decode('utf-8', 'replace')[-4000:]}--- stderr ---\n{self.stderr_text()}"
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the child alone (not its group)."""
        self.proc.send_signal(signum)

    def wait(self, timeout: float) -> int:
        """Wait for the child to exit; ``IUTTimeout`` if it does not."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise IUTTimeout(f"{' '.join(self.argv)!r} still running {timeout:g} s after being asked to stop") from None

    def stop_with(self, signum: int, timeout: float) -> int:
        """Send ``signum`` and return the exit status once all output is in (``IUTTimeout`` if it runs on).

        A spec that judges how a server ends (Ctrl-C is SIGINT) reads what it
        printed last, so this also waits for the output threads to finish.
        """
        self.signal(signum)
        code = self.wait(timeout)
        self.out.join(1.0)
        self.err.join(1.0)
        return code

    def stop(self) -> None:
        """Kill the child's whole process group and reap it (idempotent)."""
        kill_group(self.proc)
        self.out.join(1.0)
        self.err.join(1.0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Spawned(Child):
    """A long-running child whose first stdout line names its address as ``HOST:PORT``.

    The kit reads ``port`` from that line, which is how port 0 works with
    programs in any language.
    """

    def __init__(self, argv: Sequence[str], *, ready_timeout: float, env: Env | None = None) -> None:
        super().__init__(argv, ready_timeout=ready_timeout, env=env)
        self.banner = self.stdout.split(b"\n", 1)[0]
        match = _ADDRESS.search(self.banner)
        if match is None:
            self.stop()
            raise IUTCrashed(
                f"{' '.join(argv)!r} printed {self.banner!r} as its first line; "
                "expected a line containing HOST:PORT (e.g. 'listening on 127.0.0.1:40123')"
            )
        self.port = int(match.group(1))


def spawn(argv: Sequence[str], *, ready_timeout: float, env: Env | None = None) -> Spawned:
    """Start a server program and wait until it prints its address."""
    return Spawned(argv, ready_timeout=ready_timeout, env=env)
