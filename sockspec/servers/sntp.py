"""The kit's SNTP server: the reference ``sntp-server``, with a clock offset and a fault, always stopped.

Strategy: an SNTP client under test is judged against a server the kit
trusts, so the kit runs the reference program (``{python} -m sockspec_reference
sntp-server``), whatever ``--impl-cmd`` says (docs/architecture.md: the kit
may start reference programs as its own servers).  Its ``--fault`` modes each break
exactly one rule that a client must check (RFC 4330 §5); :data:`FAULTS` is the
table of them.  A server is a child process in its own process group, killed
and reaped by :meth:`KitSntpServer.stop`, and by the process layer's registry
at exit if a fixture never got to it.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sockspec.addresses import LOOPBACK
from sockspec.errors import IUTError, KitUsageError
from sockspec.process import Spawned, spawn

__all__ = ["FAULTS", "KitSntpServer", "SntpServers", "SntpSetup", "reference_argv", "reference_env"]

#: Every ``--fault`` of the reference sntp-server, and what the reply then breaks.
FAULTS: Mapping[str, str] = {
    "none": "a valid reply",
    "kiss-RATE": "Kiss-o'-Death (stratum 0), kiss code RATE",
    "kiss-DENY": "Kiss-o'-Death (stratum 0), kiss code DENY",
    "kiss-RSTR": "Kiss-o'-Death (stratum 0), kiss code RSTR",
    "kiss-non-ascii": "Kiss-o'-Death (stratum 0) whose kiss code is not ASCII: bytes fe ff 00 01",
    "wrong-originate": "originate is not the request's transmit timestamp (one second off)",
    "zero-transmit": "transmit timestamp is zero",
    "short": "the reply is 40 bytes, shorter than an SNTP header",
    "wrong-mode": "mode 3 (client) instead of 4 (server)",
    "unsynchronised": "leap indicator 3: the server's clock is not synchronised",
    "silent": "no reply at all",
    "delay": "a valid reply, sent after --delay seconds",
}

_KIT_ROOT = Path(__file__).resolve().parents[2]


def reference_argv(recipe: str, *args: str) -> list[str]:
    """The command that runs a reference recipe as a kit server, with this interpreter."""
    return [sys.executable, "-m", "sockspec_reference", recipe, *args]


def reference_env() -> dict[str, str]:
    """The environment for a reference program: ours, with the kit's checkout importable."""
    env = dict(os.environ)
    if (_KIT_ROOT / "sockspec_reference" / "__init__.py").is_file():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_KIT_ROOT), env.get("PYTHONPATH", "")]))
    return env


@dataclass(frozen=True)
class SntpSetup:
    """How a kit SNTP server behaves: its clock offset in seconds, its fault, the delay of ``delay``."""

    offset: float = 0.0
    fault: str = "none"
    delay: float = 1.0

    def __post_init__(self) -> None:
        if self.fault not in FAULTS:
            raise KitUsageError(f"unknown SNTP server fault {self.fault!r}; known: {sorted(FAULTS)}")
        if not math.isfinite(self.offset):
            raise KitUsageError(f"SNTP server offset must be a finite number of seconds, got {self.offset!r}")
        if not (math.isfinite(self.delay) and self.delay >= 0):
            raise KitUsageError(f"SNTP server delay must be a non-negative number of seconds, got {self.delay!r}")

    def args(self) -> list[str]:
        """The sntp-server options for this setup (none for the defaults)."""
        out: list[str] = []
        if self.offset:
            out.append(f"--offset={float(self.offset)!r}")  # "=": a negative value is no option
        if self.fault != "none":
            out += ["--fault", self.fault]
        if self.fault == "delay":
            out.append(f"--delay={float(self.delay)!r}")
        return out

    def describe(self) -> str:
        text = f"kit SNTP server, clock offset {self.offset:+g} s, {FAULTS[self.fault]}"
        return text + (f" ({self.delay:g} s)" if self.fault == "delay" else "")


class KitSntpServer:
    """One running kit SNTP server on 127.0.0.1 port 0."""

    def __init__(self, setup: SntpSetup, *, ready_timeout: float = 5.0) -> None:
        self.setup = setup
        argv = reference_argv("sntp-server", "--port", "0", *setup.args())
        try:
            self._proc: Spawned = spawn(argv, ready_timeout=ready_timeout, transport="udp", env=reference_env())
        except IUTError as exc:  # the kit's own server: not the implementation's fault
            raise KitUsageError(f"the kit's SNTP server did not start ({setup.describe()}): {exc}") from exc

    @property
    def port(self) -> int:
        return self._proc.port

    @property
    def address(self) -> tuple[str, int]:
        return LOOPBACK, self._proc.port

    def alive(self) -> bool:
        return self._proc.alive()

    def stop(self) -> None:
        """Kill and reap the server (idempotent)."""
        self._proc.stop()

    def __enter__(self) -> KitSntpServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SntpServers:
    """Kit SNTP servers shared by a run: one per setup, started on first use, all stopped by :meth:`stop_all`."""

    def __init__(self, *, ready_timeout: float = 5.0) -> None:
        self.ready_timeout = ready_timeout
        self._servers: dict[SntpSetup, KitSntpServer] = {}
        self._starting: dict[SntpSetup, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, setup: SntpSetup) -> KitSntpServer:
        """The running server for ``setup``; a dead one is replaced.  Threads may ask at once."""
        with self._lock:
            starting = self._starting.setdefault(setup, threading.Lock())
        with starting:
            server = self._servers.get(setup)
            if server is None or not server.alive():
                if server is not None:
                    server.stop()
                server = KitSntpServer(setup, ready_timeout=self.ready_timeout)
                with self._lock:
                    self._servers[setup] = server
            return server

    def stop_all(self) -> None:
        with self._lock:
            servers = list(self._servers.values())
            self._servers.clear()
        for server in servers:
            server.stop()
