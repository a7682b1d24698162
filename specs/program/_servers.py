"""Server recipes under test: started, watched and always stopped.

A server spec starts the IUT's recipe, talks to it with the specs' own
peers (``specs.program._peers``) and stops it at teardown, killing it and
its process group if it does not stop when asked.  On a failure, the
server's command and output go with the case (:func:`evidence`).  A server
is ready once the kernel shows it listening (``sockspec.process.Spawned``),
whatever it printed and whenever it printed it.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sockspec import expect_that, not_applicable
from sockspec.addresses import LOOPBACK
from sockspec.checks import attach
from sockspec.errors import IUTCrashed, IUTError, IUTTimeout
from sockspec.process import Child, Spawned
from sockspec.programs import Programs
from specs.program._checks import expect_no_traceback

#: How long a server recipe may take to print its first lines, or to exit when asked.
SERVER_WAIT = 3.0


class Started(Child):
    """A server recipe that printed its first ``lines`` lines, stopped within ``SERVER_WAIT``.

    Those lines are documented facts its own specs judge (socket-modes'
    ``('127.0.0.1', N)``, reuse-server's option states), so the specs parse
    ``first_lines`` themselves.  A server may print them before it calls
    ``listen()``: the start also waits, up to ``ready_timeout``, until the
    kernel shows a TCP socket of it listening (``listening`` is what it
    found: [] if none, None where ``/proc`` cannot tell), and a spec that
    needs the socket judges that with :meth:`expect_listening`.
    """

    def __init__(self, argv: Sequence[str], *, lines: int, ready_timeout: float) -> None:
        super().__init__(argv, ready_timeout=ready_timeout, ready_lines=lines)
        self.ready_timeout = ready_timeout
        self.listening = self.await_listening("tcp", ready_timeout)

    def expect_listening(self, port: int) -> None:
        """FAIL unless the server listens on ``port`` (where ``/proc`` cannot tell, the connection will)."""
        __tracebackhide__ = True
        if self.listening is None:
            return
        # An empty list means the start already waited the whole ready_timeout.
        found = self.listening and self.await_listening("tcp", self.ready_timeout, port)
        if found is not None:
            expect_that(
                f"a TCP socket of the server listening on port {port}",
                bool(found),
                expected=f"listening within {self.ready_timeout:g} s",
                actual=f"did not listen within {self.ready_timeout:g} s; it listens on "
                f"{[s.port for s in self.listening or []] or 'no TCP port'}",
            )

    def stop_with(self, signum: int, timeout: float = SERVER_WAIT) -> int:
        return super().stop_with(signum, timeout)


ServerStarter = Callable[..., Started]


def attach_server(title: str, server: Started) -> None:
    attach(title, server.describe())


def expect_stops_cleanly(recipe: str, server: Child, signum: int) -> None:
    """Send ``signum``: the server ends with status 0 and no traceback (docs/programs.md, exit codes)."""
    __tracebackhide__ = True
    name = signal.Signals(signum).name
    code = server.stop_with(signum, SERVER_WAIT)
    attach(f"{recipe}, then {name}", server.describe())
    expect_that(f"exit status of {recipe} after {name}", code == 0, expected="0", actual=code)
    expect_no_traceback(f"{recipe} after {name}", server.stderr_text().encode())


def require_proc_stat(pid: int) -> None:
    if not Path(f"/proc/{pid}/stat").exists():
        not_applicable("CPU time is read from /proc/PID/stat, which this platform lacks")


class ServerUnderTest:
    """One server recipe of the IUT, started on first use and again if it died; stopped at teardown."""

    def __init__(self, programs: Programs, recipe: str, *args: str) -> None:
        self.programs = programs
        self.recipe = recipe
        self.args = args
        self._proc: Spawned | None = None
        self._failed: IUTError | None = None

    def get(self) -> Spawned:
        """The running server (``IUTCrashed``/``IUTTimeout`` if it will not start: a FAIL).

        A server that would not start is not started again for the module's
        later cases: each fails at once with the same message.
        """
        if self._failed is not None:
            again = IUTTimeout if isinstance(self._failed, IUTTimeout) else IUTCrashed
            raise again(f"{self._failed} (when started for an earlier case)", stderr=self._failed.stderr)
        if self._proc is None or not self._proc.alive():
            self.stop()
            try:
                self._proc = self.programs.spawn(self.recipe, *self.args)
            except IUTError as exc:
                self._failed = exc
                raise
        return self._proc

    def address(self) -> tuple[str, int]:
        """Where the specs' peers reach the server (started if it is not running)."""
        return (LOOPBACK, self.get().port)

    def alive(self) -> bool:
        """Whether the server started last is still running (without starting one)."""
        return self._proc is not None and self._proc.alive()

    def describe(self) -> str:
        proc = self._proc
        if proc is None:
            return f"{self.recipe} was not started"
        status = proc.proc.poll()
        return (
            f"command: {' '.join(proc.argv)}\nstatus: {'running' if status is None else f'exited {status}'}\n"
            f"--- stdout ---\n{proc.stdout.decode('utf-8', 'replace')[-2000:]}\n"
            f"--- stderr ---\n{proc.stderr_text()[-2000:]}"
        )

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.stop()
            self._proc = None


class SntpServersUnderTest:
    """The IUT's ``sntp-server --port 0``, one per clock offset, shared by a module."""

    def __init__(self, programs: Programs) -> None:
        self.programs = programs
        self._servers: dict[float, ServerUnderTest] = {}

    def get(self, offset: float = 0) -> ServerUnderTest:
        if offset not in self._servers:
            args = ("--port", "0") + ((f"--offset={float(offset)!r}",) if offset else ())
            self._servers[offset] = ServerUnderTest(self.programs, "sntp-server", *args)
        return self._servers[offset]

    def stop(self) -> None:
        for server in self._servers.values():
            server.stop()


@contextmanager
def evidence(title: str, describe: Callable[[], str]) -> Iterator[None]:
    """On a failure inside the block, attach ``describe()`` (e.g. a server's output) to the case."""
    try:
        yield
    except BaseException:
        attach(title, describe())
        raise
