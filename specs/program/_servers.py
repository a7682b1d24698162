"""Server recipes under test: started, watched and always stopped.

A server spec starts the IUT's recipe, talks to it with the specs' own
peers (``specs.program._peers``) and stops it at teardown, killing it and
its process group if it does not stop when asked.  On a failure, the
server's command and output go with the case (:func:`evidence`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sockspec import not_applicable
from sockspec.addresses import LOOPBACK
from sockspec.checks import attach
from sockspec.process import Child, Spawned
from sockspec.programs import Programs

#: How long a server recipe may take to print its first lines, or to exit when asked.
SERVER_WAIT = 3.0


class Started(Child):
    """A server recipe that announced itself with its first ``lines`` lines, stopped within ``SERVER_WAIT``.

    ``Programs.spawn`` wants ``HOST:PORT`` on the first line; the tutorial's
    servers print ``('127.0.0.1', N)`` (socket-modes) or option states before
    the port (reuse-server), so these specs parse ``first_lines`` themselves.
    """

    def __init__(self, argv: Sequence[str], *, lines: int, ready_timeout: float) -> None:
        super().__init__(argv, ready_timeout=ready_timeout, ready_lines=lines)

    def stop_with(self, signum: int, timeout: float = SERVER_WAIT) -> int:
        return super().stop_with(signum, timeout)


ServerStarter = Callable[..., Started]


def attach_server(title: str, server: Started) -> None:
    attach(title, server.describe())


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

    def get(self) -> Spawned:
        """The running server (``IUTCrashed``/``IUTTimeout`` if it will not start: a FAIL)."""
        if self._proc is None or not self._proc.alive():
            self.stop()
            self._proc = self.programs.spawn(self.recipe, *self.args)
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
