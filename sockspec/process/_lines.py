"""A child spoken to in lines, where every wait has a deadline.

The kit must never hang on a child, so

- stdin and stdout are non-blocking and multiplexed with ``selectors``: a
  request the child does not read and an answer that never comes are bounded
  by the same deadline;
- stderr is drained by a thread into a bounded tail, so a chatty child never
  stalls on a full pipe and a crash report can still show its last words;
- on a fault the exit status is read before the group is killed (see
  ``_group``), and the child is killed at once: a stream that broke its
  protocol cannot be trusted with another line.

Every call either succeeds or raises an ``IUTError`` (``IUTTimeout``,
``IUTCrashed``, ``IUTProtocolError``) with the child already killed and
reaped; callers whose child is the kit's own convert that at their boundary.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Sequence

from sockspec.errors import IUTCrashed, IUTError, IUTProtocolError, IUTTimeout

from ._group import Env, exited, kill_group, start
from ._pipes import PipeReader

__all__ = ["STDERR_TAIL", "LineProcess"]

#: Bytes of the child's stderr kept for error reports (the last ones).
STDERR_TAIL = 8 * 1024

_READ_CHUNK = 256 * 1024
#: How long a child that closed its stdout gets to exit before it is called killed, and
#: the stderr reader to reach the end of its pipe (the traceback a report shows): only a
#: child that lingers waits it out, so it allows for a machine busy with other work.
_EXIT_WAIT = 3.0


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class LineProcess:
    """One run of a command whose stdin and stdout carry newline-terminated lines.

    ``name`` starts every error message (``harness did not answer ...``);
    ``max_line`` bounds one line in bytes, newline excluded.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str,
        max_line: int,
        env: Env | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self._name = name
        self._max_line = max_line
        self._proc = start(argv, stdin=subprocess.PIPE, env=env, cwd=cwd)
        assert self._proc.stdin and self._proc.stdout and self._proc.stderr
        self._stdin, self._stdout = self._proc.stdin, self._proc.stdout
        os.set_blocking(self._stdin.fileno(), False)
        os.set_blocking(self._stdout.fileno(), False)
        self._stderr = PipeReader(self._proc.stderr, limit=STDERR_TAIL, tail=True)
        self._buffer = bytearray()

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        """The exit status once reaped (negative: killed by that signal)."""
        return self._proc.returncode

    def stderr_tail(self) -> str:
        return self._stderr.text()

    def exchange(self, line: bytes, timeout: float, what: str) -> bytes:
        """Write ``line``, then read and return the next line (without its newline).

        ``what`` names the request in error messages, e.g. ``call htonl(1)``.
        """
        return self._guarded(line, timeout, what, answer=True, verb="answer")

    def send(self, line: bytes, timeout: float, what: str) -> None:
        """Write ``line`` and expect no answer yet."""
        self._guarded(line, timeout, what, answer=False, verb="read")

    def receive(self, timeout: float, what: str) -> bytes:
        """Read the next line (without its newline) within ``timeout`` seconds."""
        return self._guarded(b"", timeout, what, answer=True, verb="send")

    def _guarded(self, line: bytes, timeout: float, what: str, *, answer: bool, verb: str) -> bytes:
        """Write ``line``, then read a line if ``answer``; ``verb`` says what a late child did not do."""
        late = f"did not {verb} {what} within {timeout:g} s"
        try:
            return self._transfer(line, time.monotonic() + timeout, what, answer, late)
        except BaseException:  # our own errors, and Ctrl-C mid-exchange: the stream is unusable
            self.kill()
            raise

    def _transfer(self, line: bytes, deadline: float, what: str, answer: bool, late: str) -> bytes:
        pending = memoryview(line)
        stdin_fd, stdout_fd = self._stdin.fileno(), self._stdout.fileno()
        with selectors.DefaultSelector() as selector:
            if answer:
                selector.register(stdout_fd, selectors.EVENT_READ)
            if pending:
                selector.register(stdin_fd, selectors.EVENT_WRITE)
            scanned = end = 0
            while True:
                if answer:
                    if (end := self._buffer.find(b"\n", scanned)) >= 0:
                        break
                    scanned = len(self._buffer)
                    if scanned > self._max_line:
                        too_long = f"more than {self._max_line} bytes and no newline"
                        raise self._fault(IUTProtocolError, f"answered {what} with {too_long}")
                elif not pending:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._fault(IUTTimeout, late)
                for key, _ in selector.select(remaining):
                    if key.fd == stdin_fd:
                        pending = pending[self._write(pending, what) :]
                        if not pending:
                            selector.unregister(stdin_fd)
                    elif not self._read():
                        raise self._died(what)
        if not answer:
            return b""
        got = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        if len(got) > self._max_line:
            too_long = f"a line of {len(got)} bytes (limit {self._max_line})"
            raise self._fault(IUTProtocolError, f"answered {what} with {too_long}")
        return got

    def _write(self, data: memoryview, what: str) -> int:
        try:
            return os.write(self._stdin.fileno(), data)
        except BlockingIOError:
            return 0
        except (BrokenPipeError, ConnectionResetError):
            raise self._died(what) from None

    def _read(self) -> bool:
        """Append what stdout has to the buffer; ``False`` at end of file."""
        try:
            chunk = os.read(self._stdout.fileno(), _READ_CHUNK)
        except BlockingIOError:
            return True
        self._buffer += chunk
        return bool(chunk)

    def _fault(self, kind: type[IUTError], message: str) -> IUTError:
        self.kill()
        return kind(f"{self._name} {message}", stderr=self.stderr_tail())

    def _died(self, what: str) -> IUTCrashed:
        gone = exited(self._proc, _EXIT_WAIT)
        self.kill()
        code = self._proc.returncode
        if not gone:
            how = "closed its stdout (it was then killed)"
        elif code is not None and code < 0:
            how = f"was killed by {_signal_name(-code)}"
        else:
            how = f"exited with code {code}"
        buffer = self._buffer
        unread = f"; unfinished output of {len(buffer)} bytes, from {bytes(buffer[:200])!r}" if buffer else ""
        return IUTCrashed(f"{self._name} {how} during {what}{unread}", stderr=self.stderr_tail())

    def finish(self, grace: float) -> None:
        """End politely: close stdin, give the child ``grace`` seconds to exit, then kill."""
        with contextlib.suppress(OSError):
            self._stdin.close()
        exited(self._proc, grace)
        self.kill()

    def ended(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` for the child to exit by itself, stdin still open, then kill and reap it.

        Returns its exit status, or ``None`` if it was still running: a child
        told to stop must do so without first being shown the end of its input.
        """
        gone = exited(self._proc, timeout)
        self.kill()
        return self._proc.returncode if gone else None

    def kill(self, grace: float = 0) -> None:
        """Kill the child's whole process group and reap the child; safe to repeat."""
        kill_group(self._proc, grace)
        for pipe in (self._stdin, self._stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        self._stderr.join(_EXIT_WAIT)
