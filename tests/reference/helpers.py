"""Running the reference programs as processes, always reaped, never hanging."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 5.0
_ENDPOINT = re.compile(r"(\d+\.\d+\.\d+\.\d+):(\d+)")


def command(recipe: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "sockspec_reference", recipe, *args]


def run(recipe: str, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
    """Run a recipe to completion; stdout and stderr as bytes."""
    return subprocess.run(
        command(recipe, *args), cwd=ROOT, capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout
    )


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    first_line: str

    @property
    def port(self) -> int:
        match = _ENDPOINT.search(self.first_line) or re.search(r"(\d+)\)?$", self.first_line)
        assert match, self.first_line
        return int(match.groups()[-1])

    def readline(self, timeout: float = TIMEOUT) -> str:
        """The next stdout line, or an AssertionError after ``timeout`` seconds."""
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            assert sel.select(timeout), f"no output line within {timeout} s"
        return self.proc.stdout.readline().decode()

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` and return the exit status."""
        self.proc.send_signal(signum)
        return self.proc.wait(TIMEOUT)


@contextmanager
def server(recipe: str, *args: str, lines: int = 1) -> Iterator[Server]:
    """Start a server recipe, wait for its ``lines``-th line, kill and reap it at the end.

    The server leads its own process group, and the whole group is killed, so
    worker processes it forked (``echo-server --workers``) never outlive a test.
    """
    # bufsize=0: no user-space buffer, so select() on stdout tells the truth.
    proc = subprocess.Popen(
        command(recipe, *args),
        cwd=ROOT,
        bufsize=0,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        started = Server(proc, "")
        for _ in range(lines):
            started.first_line = started.readline().rstrip("\n")
        yield started
    finally:
        with suppress(ProcessLookupError, PermissionError):  # the group is gone already
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(TIMEOUT)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
