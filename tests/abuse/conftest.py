"""The reference servers as processes under abuse: started fresh, watched through /proc, always stopped.

Every test here starts its own server (``python -m sockspec_reference <recipe>``) in
a process group of its own, reads its output on a thread (so a chatty
server never blocks on a full pipe) and kills the whole group at teardown,
whatever happened.  Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from sockspec.process import kill_group

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
#: How long a server may take to print the line that names its port.
READY_TIMEOUT = 10.0


def proc_status(pid: int) -> dict[str, int]:
    """The ``kB`` fields of /proc/PID/status (VmRSS, VmHWM, ...), in KiB."""
    fields = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[name] = int(value.split()[0])
    return fields


class ServerProcess:
    """One reference server recipe, its output collected for the test to read."""

    def __init__(self, recipe: str, *args: str, ready: str) -> None:
        self.argv = [sys.executable, "-m", "sockspec_reference", recipe, *args]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._out = bytearray()
        self._err = bytearray()
        self._changed = threading.Condition()
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        match = self.wait_for(ready, READY_TIMEOUT)
        if match is None:
            self.stop()
            raise AssertionError(f"{' '.join(self.argv)} printed no {ready!r} line: {self.describe()}")
        self.port = int(match.group("port"))

    def _pump(self, stream: IO[bytes] | None, into: bytearray) -> None:
        assert stream is not None
        fd = stream.fileno()
        while chunk := os.read(fd, 65536):
            with self._changed:
                into += chunk
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def stdout(self) -> str:
        with self._changed:
            return self._out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        with self._changed:
            return self._err.decode("utf-8", "replace")

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match[str] | None:
        """The first match of ``pattern`` (multiline) in stdout after character ``start``; None on timeout."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                match = regex.search(self._out.decode("utf-8", "replace"), start)
                left = deadline - time.monotonic()
                if match is not None or left <= 0 or self.proc.poll() is not None:
                    return match
                self._changed.wait(min(left, 0.1))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def memory(self) -> dict[str, int]:
        return proc_status(self.pid)

    def describe(self) -> str:
        return (
            f"{' '.join(self.argv)}: status {self.proc.poll()}\n"
            f"--- stdout ---\n{self.stdout[-2000:]}\n--- stderr ---\n{self.stderr[-4000:]}"
        )

    def terminate(self, timeout: float = 5.0) -> int:
        """SIGTERM the server alone and return its exit status (a clean stop is 0)."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """Kill the whole process group and reap it (idempotent)."""
        kill_group(self.proc, grace=2)
        for thread in self._threads:
            thread.join(2)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


ServerStarter = Callable[..., ServerProcess]

#: The line each server prints once it serves, with the port in a group named ``port``.
READY = {
    "echo-server": r"^Echo server listening on 127\.0\.0\.1:(?P<port>\d+)$",
    "sntp-server": r"^SNTP server listening on 127\.0\.0\.1:(?P<port>\d+)$",
    "reuse-server": r"^Listening on port: (?P<port>\d+)$",
}


@pytest.fixture
def start_server() -> Iterator[ServerStarter]:
    """``start_server(recipe, *args)``: a fresh reference server; every one is stopped at teardown."""
    started: list[ServerProcess] = []

    def start(recipe: str, *args: str) -> ServerProcess:
        server = ServerProcess(recipe, *args, ready=READY[recipe])
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def open_files() -> Iterator[Callable[[int], None]]:
    """``open_files(n)``: raise the soft RLIMIT_NOFILE to at least ``n``; servers started later inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)

    def ensure(wanted: int) -> None:
        if soft >= wanted:
            return
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.fail(f"this test needs {wanted} open files; the hard RLIMIT_NOFILE is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    try:
        yield ensure
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
