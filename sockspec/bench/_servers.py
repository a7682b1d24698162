"""The servers a bench run measures: the implementation and the baselines.

Each :class:`ServerSpec` knows how to start one fresh server, pinned, and
hands back a :class:`Running` server with its port and process group.  A
baseline that cannot run here (socat missing, no C compiler, uvloop not
importable, chronyd missing) is not an error: :func:`echo_servers` and
:func:`sntp_servers` leave it out and return a note that says why.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

from sockspec.addresses import LOOPBACK
from sockspec.errors import CannotStart, IUTTimeout
from sockspec.implementation import Implementation, transport_of
from sockspec.process import kill_group, run, spawn, start
from sockspec.sntp_wire import request

from ._system import Pinning, pin_group, pinned

__all__ = [
    "ECHO_BASELINES",
    "SNTP_BASELINES",
    "BaselineUnavailable",
    "Running",
    "ServerSpec",
    "echo_servers",
    "sntp_servers",
]

ECHO_BASELINES = ("asyncio", "socat", "c-epoll", "uvloop", "selectors")
SNTP_BASELINES = ("chronyd",)
READY_TIMEOUT = 10.0
SOCAT_ADDRESS = "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,backlog=1024,nodelay"


class BaselineUnavailable(Exception):
    """A baseline cannot run on this machine; the message says why."""


class Running(Protocol):
    """A started server: where it listens and how to end it."""

    port: int
    pgid: int

    def alive(self) -> bool: ...
    def stop(self) -> None: ...
    def stderr_text(self) -> str: ...


class _Spawned:
    """A server started on port 0, ready once it listens on a ``transport`` port (sockspec.process.spawn)."""

    def __init__(self, argv: Sequence[str], transport: str = "tcp") -> None:
        self._child = spawn(argv, ready_timeout=READY_TIMEOUT, transport=transport)
        self.port = self._child.port
        self.pgid = self._child.proc.pid

    def alive(self) -> bool:
        return self._child.alive()

    def stop(self) -> None:
        self._child.stop()

    def stderr_text(self) -> str:
        return self._child.stderr_text()


@dataclass(frozen=True)
class ServerSpec:
    """One kind of server in the comparison."""

    name: str
    role: str  # "implementation" or "baseline"
    command: tuple[str, ...]
    describe: str
    launch: Callable[[], Running] = field(compare=False, repr=False)

    def start(self, pinning: Pinning) -> Running:
        """A fresh server on the server CPUs; ``IUTError`` (one-line message) if it does not come up."""
        with pinned(pinning.server):
            server = self.launch()
        pin_group(server.pgid, pinning.server)
        return server


def _spawned(argv: tuple[str, ...], transport: str = "tcp") -> Callable[[], Running]:
    return lambda: _Spawned(argv, transport)


def _python_baseline(kind: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "sockspec.bench._pyecho", kind)


def _compile_epoll(workdir: Path) -> Path:
    compiler = next((c for c in (os.environ.get("CC"), "cc", "gcc", "clang") if c and shutil.which(c)), None)
    if compiler is None:
        raise BaselineUnavailable("no C compiler (cc, gcc or clang) on PATH")
    try:
        source = resources.files("sockspec.bench").joinpath("epoll_echo.c").read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineUnavailable(f"epoll_echo.c is not installed with the kit: {exc}") from exc
    src, binary = workdir / "epoll_echo.c", workdir / "epoll_echo"
    src.write_text(source, encoding="utf-8")
    try:
        done = run([compiler, "-O2", "-o", str(binary), str(src)], timeout=60)
    except (CannotStart, IUTTimeout) as exc:
        raise BaselineUnavailable(f"{compiler} failed: {exc}") from exc
    if done.returncode != 0:
        first = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[0]
        raise BaselineUnavailable(f"{compiler} could not compile epoll_echo.c: {first}")
    return binary


def _echo_baseline(name: str, workdir: Path) -> ServerSpec:
    if name in ("asyncio", "selectors"):
        argv = _python_baseline(name)
        what = "asyncio.Protocol, stock" if name == "asyncio" else "selectors.DefaultSelector loop"
    elif name == "uvloop":
        if importlib.util.find_spec("uvloop") is None:
            raise BaselineUnavailable("uvloop is not importable (pip install uvloop)")
        argv, what = _python_baseline(name), "asyncio.Protocol on uvloop"
    elif name == "socat":
        socat = shutil.which("socat")
        if socat is None:
            raise BaselineUnavailable("socat is not installed")
        # -d -d logs "listening on AF=2 127.0.0.1:PORT"; 2>&1 puts it on the first stdout line.
        argv = ("sh", "-c", f'exec "$0" -d -d {SOCAT_ADDRESS} PIPE 2>&1', socat)
        what = f"socat -d -d {SOCAT_ADDRESS} PIPE"
    elif name == "c-epoll":
        argv, what = (str(_compile_epoll(workdir)),), "C epoll loop (sockspec/bench/epoll_echo.c, cc -O2)"
    else:  # the option parser allows only known names
        raise BaselineUnavailable(f"unknown baseline {name!r}")
    return ServerSpec(name, "baseline", argv, what, _spawned(argv))


def implementation_spec(impl: Implementation, recipe: str, extra: Sequence[str]) -> ServerSpec:
    argv = (*impl.programs, recipe, "--port", "0", *extra)
    name = f"{impl.name}-iut" if impl.name in (*ECHO_BASELINES, *SNTP_BASELINES) else impl.name
    return ServerSpec(name, "implementation", argv, f"{impl.name} {recipe}", _spawned(argv, transport_of(recipe)))


def echo_servers(
    impl: Implementation, baselines: Sequence[str], extra: Sequence[str], workdir: Path
) -> tuple[list[ServerSpec], list[str]]:
    """The implementation's echo server and the echo baselines that can run here, and notes on the rest."""
    specs, notes = [implementation_spec(impl, "echo-server", extra)], []
    for name in baselines:
        if name in ECHO_BASELINES:
            try:
                specs.append(_echo_baseline(name, workdir))
            except BaselineUnavailable as exc:
                notes.append(f"echo baseline {name} skipped: {exc}")
    return specs, notes


# --- chronyd ---------------------------------------------------------------


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.1)
        try:
            sock.sendto(request(4, 0), (LOOPBACK, port))
            return len(sock.recvfrom(512)[0]) >= 48
        except OSError:
            return False


class _Chronyd:
    """chronyd serving 127.0.0.1 from a private config: no clock control, no command port."""

    def __init__(self, chronyd: str, workdir: Path) -> None:
        self.port = _free_udp_port()
        conf = workdir / f"chrony-{self.port}.conf"
        conf.write_text(
            f"port {self.port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 10\n"
            f"cmdport 0\nbindcmdaddress /\npidfile {workdir / f'chronyd-{self.port}.pid'}\n",
            encoding="utf-8",
        )
        argv = [chronyd, "-d", "-x", "-f", str(conf)]
        if os.geteuid() == 0:
            argv += ["-u", "root"]  # otherwise it switches to a user that cannot read the private dir
        self._log = open(workdir / f"chronyd-{self.port}.log", "w+b")  # noqa: SIM115 - closed in stop()
        try:
            self._proc = start(argv, stdout=subprocess.DEVNULL, stderr=self._log)
        except CannotStart:
            self._log.close()
            raise
        self.pgid = self._proc.pid
        deadline = time.monotonic() + READY_TIMEOUT
        try:
            while not _answers(self.port):
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    text = self.stderr_text().strip().splitlines()
                    raise IUTTimeout(f"chronyd did not answer on 127.0.0.1:{self.port}: {text[-1] if text else ''}")
        except BaseException:  # also Ctrl-C while waiting: never leave chronyd behind
            self.stop()
            raise

    def alive(self) -> bool:
        return self._proc.poll() is None

    def stop(self) -> None:
        kill_group(self._proc, grace=2)
        self._log.close()

    def stderr_text(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._log.seek(0)
            return self._log.read()[-4000:].decode(errors="replace")
        return ""


def sntp_servers(
    impl: Implementation, baselines: Sequence[str], extra: Sequence[str], workdir: Path
) -> tuple[list[ServerSpec], list[str]]:
    """The implementation's SNTP server and chronyd when installed, and notes on what was skipped."""
    specs, notes = [implementation_spec(impl, "sntp-server", extra)], []
    if "chronyd" in baselines:
        chronyd = shutil.which("chronyd") or next(
            (p for p in ("/usr/sbin/chronyd", "/sbin/chronyd") if os.path.exists(p)), None
        )
        if chronyd is None:
            notes.append("SNTP baseline chronyd skipped: chronyd is not installed (apt-get install chrony)")
        else:
            specs.append(
                ServerSpec(
                    "chronyd",
                    "baseline",
                    (chronyd, "-d", "-x", "-f", "chrony.conf"),
                    "chronyd -d -x, local stratum 10, no command port",
                    lambda: _Chronyd(chronyd, workdir),
                )
            )
    return specs, notes
