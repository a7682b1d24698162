"""Child processes of the kit: started in their own process group, always reaped.

Every implementation program the kit runs goes through here, so three
promises hold in one place: nothing waits forever (every wait has a
deadline), nothing outlives the run (each child leads its own process group,
which is killed on teardown, and a registry kills any survivor at exit or on
Ctrl-C), and nothing floods memory (captured output is capped).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Self

from sockspec.errors import IUTCrashed, IUTTimeout

__all__ = ["OUTPUT_CAP", "Child", "Completed", "Spawned", "kill_all", "kill_group", "run", "spawn"]

#: Most bytes kept from one stream of one child; the rest is read and dropped.
OUTPUT_CAP = 8 * 1024 * 1024

_live: dict[int, subprocess.Popen[bytes]] = {}


def kill_group(proc: subprocess.Popen[bytes], grace: float = 0.5) -> None:
    """SIGTERM the process group ``proc`` leads, give it ``grace`` seconds, SIGKILL what is left, reap ``proc``."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # also any grandchild left in the group
    proc.wait()
    _live.pop(proc.pid, None)


def kill_all() -> None:
    """Kill and reap every child still alive (teardown of last resort)."""
    for proc in list(_live.values()):
        kill_group(proc, grace=0.2)


atexit.register(kill_all)


def _popen(argv: Sequence[str], env: Mapping[str, str] | None, stdin: int) -> subprocess.Popen[bytes]:
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    except OSError as exc:
        raise IUTCrashed(f"cannot start {' '.join(argv)!r}: {exc.strerror or exc}") from exc
    _live[proc.pid] = proc
    return proc


@dataclass(frozen=True)
class Completed:
    """A finished program run: what the kit shows when a case fails."""

    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes
    duration: float

    @property
    def text(self) -> str:
        """stdout decoded as UTF-8 (the kit's transcripts are UTF-8)."""
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def lines(self) -> list[str]:
        """stdout lines without their line endings and trailing blanks."""
        return [line.rstrip() for line in self.text.splitlines()]

    def describe(self) -> str:
        """Command, exit status and both streams, for a failure message."""
        err = self.stderr.decode("utf-8", errors="replace")
        return (
            f"command: {' '.join(self.argv)}\nexit status: {self.returncode}\n"
            f"--- stdout ---\n{self.text[-4000:]}--- stderr ---\n{err[-4000:]}"
        )


def _drain(proc: subprocess.Popen[bytes], deadline: float, stdin_data: bytes | None) -> tuple[bytes, bytes, bool]:
    """Pump stdin/stdout/stderr until the child closes them or ``deadline`` passes."""
    out, err = bytearray(), bytearray()
    sel = selectors.DefaultSelector()
    assert proc.stdout is not None and proc.stderr is not None
    sel.register(proc.stdout, selectors.EVENT_READ, out)
    sel.register(proc.stderr, selectors.EVENT_READ, err)
    pending = memoryview(stdin_data or b"")
    if proc.stdin is not None:
        if pending:
            os.set_blocking(proc.stdin.fileno(), False)
            sel.register(proc.stdin, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
    try:
        while len(sel.get_map()) > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(out), bytes(err), True
            for key, _ in sel.select(left):
                if key.fileobj is proc.stdin:
                    try:
                        sent = os.write(key.fd, pending[:65536])
                    except BrokenPipeError:
                        sent = len(pending)
                    pending = pending[sent:]
                    if not pending:
                        sel.unregister(key.fileobj)
                        proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buf: bytearray = key.data
                if len(buf) < OUTPUT_CAP:
                    buf += chunk[: OUTPUT_CAP - len(buf)]
    finally:
        sel.close()
    return bytes(out), bytes(err), False


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> Completed:
    """Run ``argv`` to completion within ``timeout`` seconds.

    A program that outlives the deadline is killed and raises ``IUTTimeout``
    with what it printed so far; the caller decides whether that is a FAIL or
    the expected outcome.
    """
    start = time.monotonic()
    proc = _popen(argv, env, subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    try:
        out, err, timed_out = _drain(proc, start + timeout, stdin)
        if not timed_out:
            try:
                proc.wait(max(0.0, start + timeout - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
        if timed_out:
            shown = out.decode("utf-8", "replace")[-2000:]
            raise IUTTimeout(
                f"{' '.join(argv)!r} did not finish within {timeout:g} s; stdout so far: {shown!r}",
                stderr=err.decode("utf-8", "replace")[-4000:],
            )
        return Completed(tuple(argv), proc.returncode, out, err, time.monotonic() - start)
    finally:
        kill_group(proc)


_ADDRESS = re.compile(rb"(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\]):(\d{1,5})\b")


class _Collector:
    """Reads one pipe on a thread so a chatty child never blocks on a full pipe."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.data = bytearray()
        self.closed = False
        self.changed = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[bytes]) -> None:
        fd = stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            with self.changed:
                if not chunk:
                    self.closed = True
                    self.changed.notify_all()
                    return
                if len(self.data) < OUTPUT_CAP:
                    self.data += chunk[: OUTPUT_CAP - len(self.data)]
                self.changed.notify_all()

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float, start: int = 0) -> re.Match[bytes] | None:
        """The first match of ``pattern`` at or after ``start``; None on timeout or EOF."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                match = pattern.search(self.data, start)
                if match is not None:
                    return match
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    return None
                self.changed.wait(left)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


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
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self.proc = _popen(argv, env, subprocess.DEVNULL)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.out = _Collector(self.proc.stdout)
        self.err = _Collector(self.proc.stderr)
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
        with self.out.changed:
            return bytes(self.out.data)

    def stderr_text(self) -> str:
        """The tail of what the child wrote to stderr so far."""
        with self.err.changed:
            return bytes(self.err.data[-4000:]).decode("utf-8", "replace")

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
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Spawned(Child):
    """A long-running child whose first stdout line names its address as ``HOST:PORT``.

    The kit reads ``port`` from that line, which is how port 0 works with
    programs in any language.
    """

    def __init__(self, argv: Sequence[str], *, ready_timeout: float, env: Mapping[str, str] | None = None) -> None:
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


def spawn(argv: Sequence[str], *, ready_timeout: float, env: Mapping[str, str] | None = None) -> Spawned:
    """Start a server program and wait until it prints its address."""
    return Spawned(argv, ready_timeout=ready_timeout, env=env)
