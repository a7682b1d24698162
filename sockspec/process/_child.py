"""Long-running children (servers under test): started, awaited until ready, read while they run.

Ready means what the kernel says, not what the child printed: a server's
port is read from the sockets its process tree listens on
(``sockspec.procfs.listening_sockets``), so a server that prints before it
calls ``listen()``, or prints its address in its own words, is judged like
any other (docs/programs.md, "Servers announce their address").
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Sequence
from typing import Self

from sockspec.errors import IUTCrashed, IUTTimeout
from sockspec.procfs import Listening, listening_sockets

from ._group import Env, kill_group, start
from ._pipes import PipeReader

__all__ = ["Child", "Spawned", "spawn"]

#: How often a child's sockets are read while the kit waits for it to listen.
_POLL = 0.02
#: Numbers a first line may name a port with ("127.0.0.1:40123", "port: 40123").
_NUMBER = re.compile(rb"(?<![\d.])(\d{1,5})(?![\d.])")
_HOST_PORT = re.compile(rb"[\w\]]:(\d{1,5})(?!\d)")


def numbers_named(line: str) -> set[int]:
    """The numbers ``line`` names on their own (not part of a dotted address or a longer number): candidate ports."""
    return {int(n) for n in _NUMBER.findall(line.encode("utf-8", "replace"))}


class Child:
    """A long-running child (a server under test), ready once it printed its first ``ready_lines`` lines.

    Those lines announce the server in whatever form its spec documents (an
    address tuple, option states before the port), so the caller parses
    ``first_lines`` itself (``ready_lines=0`` waits for none: ``Spawned``
    waits for the kernel instead).  Both output streams are collected on threads for the
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
            self.first_lines = self._await_lines(ready_lines, ready_timeout) if ready_lines else []
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
            raise IUTCrashed(
                f"{command!r} exited with status {self._returncode()} before printing {what}{printed}",
                stderr=self._last_stderr(),
            )
        raise IUTTimeout(f"{command!r} did not print {what} within {timeout:g} s{printed}", stderr=self.stderr_text())

    def await_listening(self, transport: str, timeout: float, port: int | None = None) -> list[Listening] | None:
        """The child's ``transport`` sockets once it listens (on ``port``, if given); [] if it did not in time.

        None where ``/proc`` cannot tell (the caller then tries the port
        itself).  Waiting ends early if the child exits.
        """
        deadline = time.monotonic() + timeout
        while True:
            sockets = listening_sockets(self.proc.pid)
            if sockets is None:
                return None
            found = [s for s in sockets if s.transport == transport and s.port and port in (None, s.port)]
            if found or not self.alive() or time.monotonic() > deadline:
                return found
            time.sleep(_POLL)

    def first_line(self, timeout: float) -> str | None:
        """The first stdout line, decoded and right-stripped, once printed; None if it is not within ``timeout``."""
        match = self.out.wait_for(re.compile(rb"\A[^\n]*\n"), timeout)
        return match.group(0).decode("utf-8", "replace").rstrip() if match else None

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

    def _returncode(self) -> int | None:
        """The exit status of a child that is ending (None if it has not within a second)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(1)
        return self.proc.returncode

    def _last_stderr(self) -> str:
        """The tail of stderr once the reader has drained it: on a busy machine the reader
        may not yet have read the traceback of a child that has already exited."""
        self.err.join(1.0)
        return self.stderr_text()

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
    """A server started with ``--port 0``, ready once its process tree listens on a ``transport`` port.

    ``port`` is the port the kernel shows the tree listening on (TCP) or
    bound to (UDP).  The first line is only a hint: where the tree listens on
    several ports, the one that line names is taken.  Without ``/proc`` the
    first line is all there is, and its ``HOST:PORT`` (or a lone number) is
    the port.
    """

    def __init__(
        self, argv: Sequence[str], *, ready_timeout: float, transport: str = "tcp", env: Env | None = None
    ) -> None:
        super().__init__(argv, ready_timeout=ready_timeout, ready_lines=0, env=env)
        self.transport = transport
        try:
            self.listening = self._await_port(ready_timeout)
        except BaseException:
            self.stop()
            raise
        self.port = self.listening[0].port if self.listening else self._port_from_line(ready_timeout)

    @property
    def banner(self) -> bytes:
        """The first line so far (all of stdout if no newline came yet)."""
        return self.stdout.split(b"\n", 1)[0]

    def _hinted(self, ports: set[int]) -> set[int]:
        """Of ``ports``, those the first line names: as ``HOST:PORT`` if any is, else as any number of its own."""
        named = [{int(n) for n in pattern.findall(self.banner)} & ports for pattern in (_HOST_PORT, _NUMBER)]
        return next((hint for hint in named if hint), set())

    def _await_port(self, timeout: float) -> list[Listening]:
        """The sockets of the one port the tree listens on (the hinted one among several); [] without /proc."""
        command = " ".join(self.argv)
        deadline = time.monotonic() + timeout
        while True:
            found = self.await_listening(self.transport, max(0.0, deadline - time.monotonic()))
            if found is None:
                return []
            ports = {s.port for s in found}
            chosen = ports if len(ports) == 1 else self._hinted(ports)
            if len(chosen) == 1:
                return [s for s in found if s.port in chosen]
            if not self.alive():
                raise IUTCrashed(
                    f"{command!r} exited with status {self._returncode()} before it listened on a "
                    f"{self.transport.upper()} port",
                    stderr=self._last_stderr(),
                )
            if time.monotonic() > deadline:
                if not ports:
                    raise IUTTimeout(
                        f"{command!r} did not listen within {timeout:g} s (no {self.transport.upper()} socket of its "
                        "process tree waits for clients)",
                        stderr=self.stderr_text(),
                    )
                raise IUTTimeout(
                    f"{command!r} listens on {self.transport.upper()} ports {sorted(ports)} and its first line "
                    f"{self.banner!r} names none of them",
                    stderr=self.stderr_text(),
                )
            time.sleep(_POLL)

    def _port_from_line(self, timeout: float) -> int:
        """Where /proc cannot tell: the port the first line names."""
        line = self._await_lines(1, timeout)[0].encode()
        numbers = [int(n) for n in _NUMBER.findall(line) if 0 < int(n) < 65536]
        if not numbers:
            self.stop()
            raise IUTCrashed(
                f"{' '.join(self.argv)!r} printed {line!r} as its first line, and this platform has no /proc "
                "to find its port: print the port on the first line (e.g. 'listening on 127.0.0.1:40123')"
            )
        return numbers[-1]


def spawn(argv: Sequence[str], *, ready_timeout: float, transport: str = "tcp", env: Env | None = None) -> Spawned:
    """Start a server program and wait until it listens on a ``transport`` port."""
    return Spawned(argv, ready_timeout=ready_timeout, transport=transport, env=env)
