"""Running a program to completion: bounded in time and in output."""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sockspec.errors import IUTTimeout

from ._group import Env, kill_group, start
from ._pipes import OUTPUT_CAP

__all__ = ["Completed", "run"]


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
    env: Env | None = None,
) -> Completed:
    """Run ``argv`` to completion within ``timeout`` seconds.

    ``stdin`` is written to the program (else it reads nothing), ``env``
    changes the kit's environment for it.  A program that outlives the
    deadline is killed and raises ``IUTTimeout`` with what it printed so far;
    the caller decides whether that is a FAIL or the expected outcome.
    """
    began = time.monotonic()
    proc = start(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, env=env)
    try:
        out, err, timed_out = _drain(proc, began + timeout, stdin)
        if not timed_out:
            try:
                proc.wait(max(0.0, began + timeout - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
        if timed_out:
            shown = out.decode("utf-8", "replace")[-2000:]
            raise IUTTimeout(
                f"{' '.join(argv)!r} did not finish within {timeout:g} s; stdout so far: {shown!r}",
                stderr=err.decode("utf-8", "replace")[-4000:],
            )
        return Completed(tuple(argv), proc.returncode, out, err, time.monotonic() - began)
    finally:
        kill_group(proc)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
