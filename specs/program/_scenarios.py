"""Client runs: the IUT's client recipes against the kit's servers, each run once and read by many cases.

Strategy: a client under test meets a server the kit trusts, the kit's SNTP
or echo server, which the kit starts itself whatever ``--impl-cmd`` says.  A
kit relay sits between them (:mod:`sockspec.servers.tcp_proxy`,
:mod:`sockspec.servers.udp_relay`): it records every byte for the report
and, for TCP, shapes how the reply arrives (one byte per segment, paused,
cut short).

Starting a program costs about 0.1 s, so a client run is a *scenario* made
from a vector's ``input``, run once and read by every requirement that
judges it (a MUST about the failure and the SHOULD about its exit code read
the same run).  The first program case of the session starts the scenarios
of every selected client case, of all modules, in the background on a few
threads (``sockspec.shared_runs.Shared``), longest ``--timeout`` first: a
run that waits out a client's timeout then overlaps the server specs instead
of holding up its module.  A client that hangs is killed
``DEADLINE_SLACK`` after its own ``--timeout``.
"""

from __future__ import annotations

import calendar
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from sockspec.addresses import LOOPBACK
from sockspec.checks import attach
from sockspec.process import Completed
from sockspec.process import run as run_program
from sockspec.programs import Programs
from sockspec.requirements import Vector
from sockspec.servers.delivery import Delivery
from sockspec.servers.echo import EchoServer
from sockspec.servers.sntp import SntpServers, SntpSetup
from sockspec.servers.tcp_proxy import TcpProxy
from sockspec.servers.udp_relay import DatagramRelay
from sockspec.shared_runs import Keep, Shared
from specs.program._peers import ECHO_TIMEOUT, never_accepting, unlistened_port

#: The client's --timeout when a vector gives none: long enough for a loaded machine.
CLIENT_TIMEOUT = 2.0
#: How much longer than its --timeout the kit lets a client run before killing it: the
#: interpreter's start and exit on a machine whose cores are busy.  Above every
#: window the data allows past a --timeout (docs/architecture.md, "Deadlines").
DEADLINE_SLACK = 2.0

R = TypeVar("R", TcpProxy, DatagramRelay)


def run_once(
    shared: Shared, programs: Programs, recipe: str, *args: str, within: Any = None, timeout: float | None = None
) -> Completed:
    """``programs.run(recipe, *args)`` at most once per session for the same command."""
    key = (recipe, args, within is not None)
    return shared.get(key, lambda: programs.run(recipe, *args, within=within, timeout=timeout))


@contextmanager
def recorded(relay: R, title: str, keep: Keep = attach) -> Iterator[R]:
    """Run ``relay`` for the block; stop it and ``keep`` its wire transcript (by default, attach it to the case).

    The transcript is kept even if the block fails: the bytes are the evidence.
    """
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()
        keep(title, relay.transcript())


def utc_seconds(text: str) -> float:
    """Unix time of a data file's ``YYYY-MM-DDTHH:MM:SSZ``."""
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


@dataclass(frozen=True)
class ClientRun:
    """A finished client run and what the kit saw of it."""

    done: Completed
    started: float  # wall clock, seconds since the epoch
    ended: float
    port: int = 0  # the port the client was given (a kit relay or proxy), 0 if none
    offset: float = 0.0  # the kit server's clock offset
    sent: bytes = b""  # what the client sent (TCP), as the proxy recorded it
    requests: tuple[bytes, ...] = ()  # datagrams the client sent (UDP), as the relay recorded them

    @property
    def elapsed(self) -> float:
        return self.done.duration


def recipe_of(case: Vector) -> str:
    """The client recipe a case judges: ``s10.ntp_time.timeout`` is about ``ntp-time``."""
    return case.requirement.split(".")[1].replace("_", "-")


class Scenarios:
    """Client runs made from vectors' ``input``, each run once (``ClientRuns`` starts them early).

    A run's transcripts (the command and its output, the wire) go with
    every case that reads the run, and so does whatever it raised (a hang,
    a crash, UNSUPPORTED).
    """

    def __init__(self, programs: Programs, runs: Shared) -> None:
        self.programs = programs
        self._runs = runs

    def get(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any = None) -> ClientRun:
        return self._runs.get(self.key(recipe, scenario), lambda: self.make(recipe, scenario, sandbox, attach))

    def make(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any, keep: Keep) -> ClientRun:
        raise NotImplementedError

    @staticmethod
    def key(recipe: str, scenario: Mapping[str, Any]) -> str:
        return json.dumps([recipe, scenario], sort_keys=True, ensure_ascii=False)

    def program(
        self, recipe: str, args: list[str], *, deadline: float, sandbox: Any, keep: Keep
    ) -> tuple[Completed, float, float]:
        """Run the IUT's ``recipe``; its output, and the wall clock before and after."""
        argv = self.programs.argv(recipe, *args)
        if sandbox is not None:
            argv = sandbox.wrap(argv)
        started = time.time()
        done = run_program(argv, timeout=deadline)
        ended = time.time()
        keep(f"{recipe} (exit {done.returncode})", done.describe())
        return done, started, ended


class SntpClients(Scenarios):
    """The IUT's SNTP client recipes against the kit's SNTP server, through the kit's UDP relay."""

    def __init__(self, programs: Programs, runs: Shared, kit_sntp: SntpServers) -> None:
        super().__init__(programs, runs)
        self.kit_sntp = kit_sntp
        self._clock_offsets: dict[str, float] = {}
        self._lock = threading.Lock()

    def run(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any = None) -> ClientRun:
        return self.get(recipe, scenario, sandbox)

    def _offset(self, scenario: Mapping[str, Any]) -> float:
        clock = scenario.get("server_clock")
        if clock is None:
            return float(scenario.get("offset", 0))
        with self._lock:  # fixed once, so one kit server serves both recipes
            if clock not in self._clock_offsets:
                self._clock_offsets[clock] = round(utc_seconds(clock) - time.time(), 3)
            return self._clock_offsets[clock]

    def make(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any, keep: Keep) -> ClientRun:
        timeout = float(scenario.get("timeout", CLIENT_TIMEOUT))
        options = ["--timeout", f"{timeout:g}"]
        deadline = timeout + DEADLINE_SLACK
        host = scenario.get("host")
        if host is not None:
            if sandbox is None:
                raise RuntimeError("a scenario with a 'host' needs the resolver sandbox")  # a spec bug
            args = ["--server", host, "--port", "123", *options]
            return ClientRun(*self.program(recipe, args, deadline=deadline, sandbox=sandbox, keep=keep))
        setup = SntpSetup(
            offset=self._offset(scenario), fault=scenario.get("fault", "none"), delay=scenario.get("delay", 1.0)
        )
        server = self.kit_sntp.get(setup)
        title = f"datagrams via the kit's relay ({setup.describe()})"
        with recorded(DatagramRelay(server.address), title, keep) as relay:
            args = ["--server", LOOPBACK, "--port", str(relay.port), *options]
            done, started, ended = self.program(recipe, args, deadline=deadline, sandbox=None, keep=keep)
        return ClientRun(done, started, ended, port=relay.port, offset=setup.offset, requests=tuple(relay.requests()))


class EchoClients(Scenarios):
    """The IUT's echo-client against the kit's echo server behind the kit's TCP proxy, or no server."""

    def __init__(self, programs: Programs, runs: Shared, kit_echo: EchoServer) -> None:
        super().__init__(programs, runs)
        self.kit_echo = kit_echo

    def run(self, scenario: Mapping[str, Any], sandbox: Any = None) -> ClientRun:
        return self.get("echo-client", scenario, sandbox)

    def make(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any, keep: Keep) -> ClientRun:
        timeout = float(scenario.get("timeout", CLIENT_TIMEOUT))
        args = ["--message", scenario["message"], "--encoding", scenario["encoding"], "--timeout", f"{timeout:g}"]
        deadline = timeout + DEADLINE_SLACK

        def run(port: int, *extra: str) -> tuple[Completed, float, float]:
            return self.program(
                recipe, ["--port", str(port), *args, *extra], deadline=deadline, sandbox=sandbox, keep=keep
            )

        server = scenario.get("server", "echo")
        if server == "none":
            if sandbox is None:
                raise RuntimeError("a scenario with a 'host' needs the resolver sandbox")  # a spec bug
            return ClientRun(*run(7, "--host", scenario["host"]))
        if server in ("silent", "refused"):
            with never_accepting() if server == "silent" else unlistened_port() as port:
                return ClientRun(*run(port), port=port)
        proxy = TcpProxy(self.kit_echo.address, Delivery(**scenario.get("delivery", {})), timeout=ECHO_TIMEOUT)
        with recorded(proxy, "bytes on the wire, via the kit's proxy to the kit's echo server", keep):
            done, started, ended = run(proxy.port)
        return ClientRun(done, started, ended, port=proxy.port, sent=proxy.sent())


class ClientRuns:
    """Every client scenario of the session, started in the background by the first program case.

    Which scenarios: the ``input`` of every selected case that uses the
    ``sntp_clients`` or ``echo_clients`` fixture, except those that need the
    resolver sandbox (they run when asked).  Longest ``--timeout`` first, so
    the runs that wait out a timeout start at once.
    """

    workers = 8

    def __init__(self, programs: Programs, kit_sntp: SntpServers, kit_echo: EchoServer) -> None:
        self._runs = Shared(keeps=(Exception, pytest.skip.Exception))
        self.sntp = SntpClients(programs, self._runs, kit_sntp)
        self.echo = EchoClients(programs, self._runs, kit_echo)
        self._started = False

    def start(self, items: list[pytest.Item]) -> None:
        """Start the scenarios of ``items`` (the session's selected cases), once."""
        if self._started:
            return
        self._started = True
        makes: dict[str, tuple[float, Callable[[Keep], ClientRun]]] = {}
        for item in items:
            fixtures = getattr(item, "fixturenames", ())
            clients = self.sntp if "sntp_clients" in fixtures else self.echo if "echo_clients" in fixtures else None
            callspec = getattr(item, "callspec", None)
            case = callspec.params.get("case") if callspec is not None else None
            if clients is None or not isinstance(case, Vector):
                continue
            scenario = case.get("input")
            if isinstance(scenario, Mapping) and "host" not in scenario:
                recipe = recipe_of(case)
                timeout = float(scenario.get("timeout", CLIENT_TIMEOUT))
                makes[clients.key(recipe, scenario)] = (timeout, self._maker(clients, recipe, scenario))
        by_timeout = sorted(makes.items(), key=lambda entry: -entry[1][0])
        self._runs.start_all({key: make for key, (_, make) in by_timeout}, workers=self.workers)

    @staticmethod
    def _maker(clients: Scenarios, recipe: str, scenario: Mapping[str, Any]) -> Callable[[Keep], ClientRun]:
        return lambda keep: clients.make(recipe, scenario, None, keep)

    def close(self) -> None:
        self._runs.close()
