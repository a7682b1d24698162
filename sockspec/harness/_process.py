"""A child process spoken to in lines, where every wait has a deadline.

Strategy: the kit must never hang on an implementation, so

- stdin and stdout are non-blocking and multiplexed with ``selectors``: a
  request the child does not read and an answer that never comes are bounded
  by the same deadline;
- stderr is drained by a thread into a bounded tail, so a chatty child never
  stalls on a full pipe and a crash report can still show its last words;
- the child leads its own session, so killing its process group also ends
  whatever it started;
- the exit status is read with ``waitid(WNOWAIT)`` *before* the group is
  killed, so the group id cannot have been reused by then.

``exchange`` either returns one line or raises an ``IUTError`` with the process
already killed and reaped; ``kill`` is idempotent.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from typing import IO

from sockspec.errors import IUTCrashed, IUTError, IUTProtocolError, IUTTimeout, KitUsageError
from sockspec.harness._codec import clipped_repr
from sockspec.harness._protocol import MAX_LINE

__all__ = ["STDERR_TAIL", "LineProcess"]

#: Bytes of the child's stderr kept for error reports (the last ones).
STDERR_TAIL = 8 * 1024

_READ_CHUNK = 256 * 1024
_REAP_GRACE = 1.0


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group that ``proc`` leads, then reap ``proc``."""
    if proc.returncode is None:  # not reaped, so the group id is still ours
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class _StderrTail:
    """Drain a pipe in a daemon thread, keeping only its last ``limit`` bytes."""

    def __init__(self, pipe: IO[bytes], limit: int = STDERR_TAIL) -> None:
        self._pipe = pipe
        self._limit = limit
        self._data = bytearray()
        self._dropped = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, name="harness-stderr", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        with self._pipe:
            fd = self._pipe.fileno()
            while chunk := os.read(fd, _READ_CHUNK):
                with self._lock:
                    self._data += chunk
                    if len(self._data) > self._limit:
                        del self._data[: len(self._data) - self._limit]
                        self._dropped = True

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def text(self) -> str:
        with self._lock:
            text = self._data.decode("utf-8", errors="replace")
            return f"[...]{text}" if self._dropped else text


class LineProcess:
    """One run of a command whose stdin and stdout carry lines."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        max_line: int = MAX_LINE,
    ) -> None:
        try:
            self._proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=None if env is None else {**os.environ, **env},
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as exc:
            raise KitUsageError(f"cannot start the harness {list(argv)!r}: {exc}") from exc
        assert self._proc.stdin and self._proc.stdout and self._proc.stderr
        self._stdin, self._stdout = self._proc.stdin, self._proc.stdout
        os.set_blocking(self._stdin.fileno(), False)
        os.set_blocking(self._stdout.fileno(), False)
        self._stderr = _StderrTail(self._proc.stderr)
        # Also on garbage collection and at interpreter exit: no child outlives the kit.
        self._reaper = weakref.finalize(self, _kill_group, self._proc)
        self._buffer = bytearray()
        self._max_line = max_line

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
        try:
            return self._exchange(line, time.monotonic() + timeout, timeout, what)
        except BaseException:  # our own errors, and Ctrl-C mid-exchange: the stream is unusable
            self.kill()
            raise

    def _exchange(self, line: bytes, deadline: float, timeout: float, what: str) -> bytes:
        pending = memoryview(line)
        stdin_fd, stdout_fd = self._stdin.fileno(), self._stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(stdout_fd, selectors.EVENT_READ)
            selector.register(stdin_fd, selectors.EVENT_WRITE)
            scanned = 0
            while (end := self._buffer.find(b"\n", scanned)) < 0:
                scanned = len(self._buffer)
                if scanned > self._max_line:
                    too_long = f"more than {self._max_line} bytes and no newline"
                    raise self._fault(IUTProtocolError, f"answered {what} with {too_long}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._fault(IUTTimeout, f"did not answer {what} within {timeout:g} s")
                for key, _ in selector.select(remaining):
                    if key.fd == stdin_fd:
                        pending = pending[self._write(pending, what) :]
                        if not pending:
                            selector.unregister(stdin_fd)
                    elif not self._read():
                        raise self._died(what)
        answer = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        if len(answer) > self._max_line:
            too_long = f"a line of {len(answer)} bytes (limit {self._max_line})"
            raise self._fault(IUTProtocolError, f"answered {what} with {too_long}")
        return answer

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
        return kind(f"harness {message}", stderr=self.stderr_tail())

    def _died(self, what: str) -> IUTCrashed:
        exited = self._wait_exit(_REAP_GRACE)
        self.kill()
        code = self._proc.returncode
        if not exited:
            how = "closed its stdout (it was then killed)"
        elif code is not None and code < 0:
            how = f"was killed by {_signal_name(-code)}"
        else:
            how = f"exited with code {code}"
        unread = f"; unfinished output {clipped_repr(bytes(self._buffer))}" if self._buffer else ""
        return IUTCrashed(f"harness {how} during {what}{unread}", stderr=self.stderr_tail())

    def _wait_exit(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for the child to exit, without reaping it."""
        deadline = time.monotonic() + timeout
        while self._proc.returncode is None:
            try:
                if os.waitid(os.P_PID, self._proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                    return True
            except ChildProcessError:  # reaped already
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def finish(self, grace: float) -> None:
        """End politely: close stdin, give the child ``grace`` seconds to exit, then kill."""
        with contextlib.suppress(OSError):
            self._stdin.close()
        self._wait_exit(grace)
        self.kill()

    def kill(self) -> None:
        """Kill the child's whole process group and reap the child; safe to repeat."""
        self._reaper()
        for pipe in (self._stdin, self._stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        self._stderr.join(_REAP_GRACE)
