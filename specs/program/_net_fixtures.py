"""Fixtures and checks for the §10 time and §11 echo program specs.

Strategy: a client under test meets a server the kit trusts, the reference
SNTP or echo server, which the kit starts itself whatever ``--impl-cmd``
says.  A kit relay sits between them (:mod:`sockspec.servers.tcp_proxy`, :mod:`sockspec.servers.udp_relay`): it
records every byte for the report and, for TCP, shapes how the reply arrives
(one byte per segment, paused, cut short).  A server under test meets the
standard library's client sockets and ntplib.

Starting a program costs about 0.1 s, so a client run is a *scenario* made
from a vector's ``input``, run once and read by every requirement that
judges it (a MUST about the failure and the SHOULD about its exit code read
the same run), and the first case of a module starts all of the module's
scenarios at once on a few threads (:class:`Scenarios`).

Every socket here has a timeout and is closed; every server is stopped; a
client that hangs is killed one second after its own ``--timeout``.  Test
modules register these fixtures by assignment (``kit_sntp = net.kit_sntp``).
"""

from __future__ import annotations

import calendar
import json
import math
import random
import re
import socket as stdlib  # the specs' own peers and probes, never the thing under test
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pytest

from sockspec import expect_that
from sockspec.checks import attach
from sockspec.errors import IUTError, KitUsageError
from sockspec.process import Completed, Spawned, spawn
from sockspec.process import run as run_program
from sockspec.programs import Programs
from sockspec.requirements import Vector
from sockspec.servers.delivery import Delivery
from sockspec.servers.sntp import SntpServers, SntpSetup, reference_argv, reference_env
from sockspec.servers.tcp_proxy import TcpProxy
from sockspec.servers.udp_relay import DatagramRelay
from sockspec.servers.wire_record import hexdump
from sockspec.sntp_wire import request, unix_to_ntp
from specs.program.conftest import LOOPBACK, expect_exit_nonzero, unlistened_port

#: The client's --timeout when a vector gives none: long enough for a loaded machine.
CLIENT_TIMEOUT = 2.0
#: How much longer than its --timeout the kit lets a client run before killing it.
DEADLINE_SLACK = 1.0
#: Timeout of every socket the specs use as a peer or probe, in seconds.
PEER_TIMEOUT = 2.0

CTIME = (
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d \d{4}"
)
TRACEBACK = "Traceback (most recent call last)"

_KIT_SNTP = pytest.StashKey[SntpServers]()
_KIT_ECHO = pytest.StashKey["KitEcho"]()


# -- the kit's servers (shared by the whole run) --------------------------------


class KitEcho:
    """The kit's echo server, the reference echo-server; restarted if it died."""

    def __init__(self, ready_timeout: float) -> None:
        self.ready_timeout = ready_timeout
        self._proc: Spawned | None = None

    def start(self) -> Spawned:
        """The running server, started (again) if need be."""
        if self._proc is None or not self._proc.alive():
            self.stop()
            try:
                self._proc = spawn(
                    reference_argv("echo-server", "--port", "0"), ready_timeout=self.ready_timeout, env=reference_env()
                )
            except IUTError as exc:  # the kit's own server: not the implementation's fault
                raise KitUsageError(f"the kit's echo server did not start: {exc}") from exc
        return self._proc

    @property
    def address(self) -> tuple[str, int]:
        return LOOPBACK, self.start().port

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.stop()
            self._proc = None


@pytest.fixture(scope="session")
def kit_sntp(pytestconfig: pytest.Config, io_timeout: float) -> SntpServers:
    """The kit's SNTP servers, one per setup, shared by every module; stopped when the run ends."""
    servers = pytestconfig.stash.get(_KIT_SNTP, None)
    if servers is None:
        servers = SntpServers(ready_timeout=io_timeout)
        pytestconfig.stash[_KIT_SNTP] = servers
        pytestconfig.add_cleanup(servers.stop_all)
    return servers


@pytest.fixture(scope="session")
def kit_echo(pytestconfig: pytest.Config, io_timeout: float) -> KitEcho:
    """The kit's echo server, shared by every module; stopped when the run ends."""
    echo = pytestconfig.stash.get(_KIT_ECHO, None)
    if echo is None:
        echo = KitEcho(io_timeout)
        pytestconfig.stash[_KIT_ECHO] = echo
        pytestconfig.add_cleanup(echo.stop)
    return echo


# -- servers under test ---------------------------------------------------------


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


@pytest.fixture(scope="module")
def iut_echo_server(programs: Programs) -> Iterator[ServerUnderTest]:
    """The IUT's ``echo-server --port 0``, shared by a module."""
    server = ServerUnderTest(programs, "echo-server", "--port", "0")
    try:
        yield server
    finally:
        server.stop()


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


@pytest.fixture(scope="module")
def iut_sntp_servers(programs: Programs) -> Iterator[SntpServersUnderTest]:
    servers = SntpServersUnderTest(programs)
    try:
        yield servers
    finally:
        servers.stop()


@contextmanager
def evidence(title: str, describe: Callable[[], str]) -> Iterator[None]:
    """On a failure inside the block, attach ``describe()`` (e.g. a server's output) to the case."""
    try:
        yield
    except BaseException:
        attach(title, describe())
        raise


@contextmanager
def recorded(relay: TcpProxy | DatagramRelay, title: str) -> Iterator[Any]:
    """Run ``relay`` for the block; stop it and attach its wire transcript even if the block fails."""
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()
        attach(title, relay.transcript())


# -- payloads -----------------------------------------------------------------


def payload(spec: Mapping[str, Any]) -> bytes:
    """The bytes a vector names: ``hex``, ``size`` + ``seed`` (pseudo-random), or ``text`` + ``encoding``."""
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "size" in spec:
        return random.Random(spec.get("seed", spec["size"])).randbytes(spec["size"])
    return str(spec["text"]).encode(spec["encoding"])


def show_bytes(label: str, data: bytes, limit: int = 256) -> str:
    return f"{label}: {len(data)} bytes\n{hexdump(data, limit)}" if data else f"{label}: nothing"


def _bytes(n: int) -> str:
    return f"{n} byte" if n == 1 else f"{n} bytes"


def difference(sent: bytes, got: bytes) -> str:
    """Where ``got`` first departs from ``sent``, in words."""
    if got == sent:
        return f"all {_bytes(len(sent))} came back"
    if not got:
        return f"nothing came back of {_bytes(len(sent))} sent"
    common = 0
    for a, b in zip(sent, got, strict=False):
        if a != b:
            break
        common += 1
    if common == len(got) < len(sent):
        return f"{len(got)} of {_bytes(len(sent))} came back, all of them right; the rest is missing"
    if common == len(sent) < len(got):
        return f"all {_bytes(len(sent))} came back, followed by {_bytes(len(got) - len(sent))} more"
    return (
        f"{_bytes(len(got))} came back for {len(sent)} sent; first difference at offset {common}: "
        f"sent {sent[common : common + 8].hex(' ')}, got {got[common : common + 8].hex(' ')}"
    )


# -- checks on a finished client run ------------------------------------------


def output(done: Completed) -> str:
    return done.text + "\n" + done.stderr.decode("utf-8", "replace")


def expect_failure_exit(what: str, done: Completed) -> None:
    """A non-zero exit status, by exiting rather than by dying of a signal, and no traceback on either stream."""
    __tracebackhide__ = True
    expect_exit_nonzero(what, done)
    text = output(done)
    expect_that(
        f"output of {what}",
        TRACEBACK not in text,
        expected="an error message, not a Python traceback",
        actual=text[-800:],
    )


_PLACEHOLDER = re.compile(r"(\{\w+\})")


def line_pattern(template: str, values: Mapping[str, Any]) -> re.Pattern[str]:
    """A data-file line as a regex: ``{ctime}`` is any time.ctime() string, ``{name}`` its value, the rest literal."""

    def part(text: str) -> str:
        if not _PLACEHOLDER.fullmatch(text):
            return re.escape(text)
        return CTIME if text == "{ctime}" else re.escape(str(values[text[1:-1]]))

    return re.compile("".join(part(text) for text in _PLACEHOLDER.split(template)))


def expect_transcript(what: str, done: Completed, templates: list[str], values: Mapping[str, Any]) -> None:
    """stdout is exactly the data file's lines (trailing blanks aside), placeholders filled in."""
    __tracebackhide__ = True
    patterns = [line_pattern(template, values) for template in templates]
    lines = done.lines
    ok = len(lines) == len(patterns) and all(p.fullmatch(line) for p, line in zip(patterns, lines, strict=False))
    filled = [t.replace("{port}", str(values.get("port", "{port}"))) for t in templates]
    expect_that(
        f"stdout of {what}",
        ok,
        expected=f"{len(templates)} line(s) {filled}, {{ctime}} a time.ctime() string",
        actual=lines,
    )


def expect_no_line(what: str, done: Completed, pattern: re.Pattern[str], meaning: str) -> None:
    __tracebackhide__ = True
    found = [line for line in done.lines if pattern.search(line)]
    expect_that(f"stdout of {what}", not found, expected=f"no {meaning}", actual=found or done.lines)


def expect_message(what: str, done: Completed, pattern: str) -> None:
    """Some line of stdout or stderr matches the regex ``pattern``."""
    __tracebackhide__ = True
    text = output(done)
    lines = [line for line in text.splitlines() if line.strip()]
    expect_that(
        f"message of {what}",
        re.search(pattern, text) is not None,
        expected=f"a line on stdout or stderr matching {pattern!r}",
        actual=lines[-4:],
    )


def expect_duration(what: str, seconds: float, low: float, high: float) -> None:
    __tracebackhide__ = True
    expect_that(
        f"run time of {what}",
        low <= seconds <= high,
        expected=f"between {low:g} and {high:g} s",
        actual=round(seconds, 3),
    )


def accepted_times(started: float, ended: float, offset: float, early: int, late: int) -> list[str]:
    """Every ctime line a correct client may print for a server clock ``offset`` seconds ahead.

    The server's transmit time falls between ``started`` and ``ended`` on its
    clock, so a client that truncates prints one of those seconds; ``late``
    more allow for rounding, ``early`` fewer for nothing the kit knows of.
    """
    low = math.floor(started + offset) - early
    high = math.floor(ended + offset) + late
    return [time.ctime(t) for t in range(low, high + 1)]


# -- client scenarios -------------------------------------------------------------


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


@dataclass
class _Outcome:
    run: ClientRun | None = None
    error: BaseException | None = None
    transcripts: list[tuple[str, str]] = field(default_factory=list)


def module_cases(request: pytest.FixtureRequest) -> list[Vector]:
    """The vectors of the cases selected in the requesting module (after ``--req`` and ``-k``)."""
    cases = []
    for item in request.session.items:
        if getattr(item, "module", None) is not request.module:
            continue
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        if isinstance(case, Vector):
            cases.append(case)
    return cases


class Scenarios:
    """Client runs made from vectors' ``input``: each runs once, and a module's all at once.

    The first case to ask for a run starts every scenario of its module's
    selected cases on a few threads (program start-up dominates, and most of
    the time is spent waiting), except those that need the resolver sandbox,
    which run when asked.  A run's transcripts (the command and its output,
    the wire) are attached to every case that reads the run.
    """

    workers = 4

    def __init__(self, programs: Programs, cases: list[Vector]) -> None:
        self.programs = programs
        self.cases = cases
        self._outcomes: dict[str, _Outcome] = {}
        self._prefetched: set[str] = set()

    def get(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any = None) -> ClientRun:
        if recipe not in self._prefetched:
            self._prefetched.add(recipe)
            self._prefetch(recipe)
        key = self._key(recipe, scenario)
        if key not in self._outcomes:
            self._outcomes[key] = self._attempt(recipe, scenario, sandbox)
        outcome = self._outcomes[key]
        for title, text in outcome.transcripts:
            attach(title, text)
        if outcome.error is not None:
            raise outcome.error
        assert outcome.run is not None
        return outcome.run

    def make(
        self, recipe: str, scenario: Mapping[str, Any], sandbox: Any, transcripts: list[tuple[str, str]]
    ) -> ClientRun:
        raise NotImplementedError

    @staticmethod
    def _key(recipe: str, scenario: Mapping[str, Any]) -> str:
        return json.dumps([recipe, scenario], sort_keys=True, ensure_ascii=False)

    def _attempt(self, recipe: str, scenario: Mapping[str, Any], sandbox: Any) -> _Outcome:
        outcome = _Outcome()
        try:
            outcome.run = self.make(recipe, scenario, sandbox, outcome.transcripts)
        except (Exception, pytest.skip.Exception) as exc:  # a hang, a crash, UNSUPPORTED: every reader sees it
            outcome.error = exc
        return outcome

    def _prefetch(self, recipe: str) -> None:
        todo = {
            self._key(recipe, case["input"]): case["input"]
            for case in self.cases
            if isinstance(case.get("input"), Mapping) and "host" not in case["input"]
        }
        todo = {key: scenario for key, scenario in todo.items() if key not in self._outcomes}
        if len(todo) < 2:
            return
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="sockspec-scenario")
        try:
            futures = {key: pool.submit(self._attempt, recipe, scenario, None) for key, scenario in todo.items()}
            for key, future in futures.items():
                self._outcomes[key] = future.result()
        finally:  # on Ctrl-C, start nothing more; what runs ends by its deadline
            pool.shutdown(wait=True, cancel_futures=True)

    def program(
        self, recipe: str, args: list[str], *, deadline: float, sandbox: Any, transcripts: list[tuple[str, str]]
    ) -> tuple[Completed, float, float]:
        """Run the IUT's ``recipe``; its output, and the wall clock before and after."""
        argv = self.programs.argv(recipe, *args)
        if sandbox is not None:
            argv = sandbox.wrap(argv)
        started = time.time()
        done = run_program(argv, timeout=deadline)
        ended = time.time()
        transcripts.append((f"{recipe} (exit {done.returncode})", done.describe()))
        return done, started, ended


@contextmanager
def recording(relay: TcpProxy | DatagramRelay, title: str, into: list[tuple[str, str]]) -> Iterator[Any]:
    """Run ``relay`` for the block, then keep its wire transcript in ``into``, also if the block fails."""
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()
        into.append((title, relay.transcript()))


def utc_seconds(text: str) -> float:
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


class SntpClients(Scenarios):
    """The IUT's SNTP client recipes against the kit's SNTP server, through the kit's UDP relay."""

    def __init__(self, programs: Programs, cases: list[Vector], kit_sntp: SntpServers) -> None:
        super().__init__(programs, cases)
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

    def make(
        self, recipe: str, scenario: Mapping[str, Any], sandbox: Any, transcripts: list[tuple[str, str]]
    ) -> ClientRun:
        timeout = float(scenario.get("timeout", CLIENT_TIMEOUT))
        options = ["--timeout", f"{timeout:g}"]
        deadline = timeout + DEADLINE_SLACK
        host = scenario.get("host")
        if host is not None:
            if sandbox is None:
                raise RuntimeError("a scenario with a 'host' needs the resolver sandbox")  # a spec bug
            done, started, ended = self.program(
                recipe,
                ["--server", host, "--port", "123", *options],
                deadline=deadline,
                sandbox=sandbox,
                transcripts=transcripts,
            )
            return ClientRun(done, started, ended)
        setup = SntpSetup(
            offset=self._offset(scenario), fault=scenario.get("fault", "none"), delay=scenario.get("delay", 1.0)
        )
        server = self.kit_sntp.get(setup)
        title = f"datagrams via the kit's relay ({setup.describe()})"
        with recording(DatagramRelay(server.address), title, transcripts) as relay:
            done, started, ended = self.program(
                recipe,
                ["--server", LOOPBACK, "--port", str(relay.port), *options],
                deadline=deadline,
                sandbox=None,
                transcripts=transcripts,
            )
        return ClientRun(done, started, ended, port=relay.port, offset=setup.offset, requests=tuple(relay.requests()))


@pytest.fixture(scope="module")
def sntp_clients(request: pytest.FixtureRequest, programs: Programs, kit_sntp: SntpServers) -> SntpClients:
    return SntpClients(programs, module_cases(request), kit_sntp)


@contextmanager
def _never_accepting() -> Iterator[int]:
    """A listener that never accepts: a client connects (the kernel queues it) and then hears nothing."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


class EchoClients(Scenarios):
    """The IUT's echo-client against the kit's echo server behind the kit's TCP proxy, or no server."""

    def __init__(self, programs: Programs, cases: list[Vector], kit_echo: KitEcho) -> None:
        super().__init__(programs, cases)
        self.kit_echo = kit_echo

    def run(self, scenario: Mapping[str, Any], sandbox: Any = None) -> ClientRun:
        return self.get("echo-client", scenario, sandbox)

    def _prefetch(self, recipe: str) -> None:
        self.kit_echo.start()  # here, not in several threads at once
        super()._prefetch(recipe)

    def make(
        self, recipe: str, scenario: Mapping[str, Any], sandbox: Any, transcripts: list[tuple[str, str]]
    ) -> ClientRun:
        timeout = float(scenario.get("timeout", CLIENT_TIMEOUT))
        args = ["--message", scenario["message"], "--encoding", scenario["encoding"], "--timeout", f"{timeout:g}"]
        deadline = timeout + DEADLINE_SLACK

        def run(port: int, *extra: str) -> tuple[Completed, float, float]:
            return self.program(
                recipe,
                ["--port", str(port), *args, *extra],
                deadline=deadline,
                sandbox=sandbox,
                transcripts=transcripts,
            )

        server = scenario.get("server", "echo")
        if server == "none":
            if sandbox is None:
                raise RuntimeError("a scenario with a 'host' needs the resolver sandbox")  # a spec bug
            return ClientRun(*run(7, "--host", scenario["host"]))
        if server in ("silent", "refused"):
            with _never_accepting() if server == "silent" else unlistened_port() as port:
                return ClientRun(*run(port), port=port)
        proxy = TcpProxy(self.kit_echo.address, Delivery(**scenario.get("delivery", {})), timeout=PEER_TIMEOUT)
        with recording(proxy, "bytes on the wire, via the kit's proxy to the kit's echo server", transcripts):
            done, started, ended = run(proxy.port)
        return ClientRun(done, started, ended, port=proxy.port, sent=proxy.sent())


@pytest.fixture(scope="module")
def echo_clients(request: pytest.FixtureRequest, programs: Programs, kit_echo: KitEcho) -> EchoClients:
    return EchoClients(programs, module_cases(request), kit_echo)


# -- the specs' own clients: TCP echo -------------------------------------------


@dataclass
class Echoed:
    """What one connection to an echo server saw."""

    sent: bytes
    received: bytes = b""
    eof: bool = False
    problem: str = ""  # how the exchange ended early, if it did

    def describe(self) -> str:
        limit = 256
        parts = [
            difference(self.sent, self.received),
            f"end of file seen: {'yes' if self.eof else 'no'}",
            f"problem: {self.problem or 'none'}",
        ]
        if len(self.sent) <= limit:
            parts += [show_bytes("sent", self.sent), show_bytes("received", self.received)]
        return "\n".join(parts)


def connect(port: int, timeout: float = PEER_TIMEOUT) -> stdlib.socket:
    sock = stdlib.create_connection((LOOPBACK, port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def exchange(port: int, data: bytes, *, half_close: bool = False, timeout: float = PEER_TIMEOUT) -> Echoed:
    """Send ``data`` on a new connection while reading the echo.

    Without ``half_close`` the read stops once ``len(data)`` bytes (or more)
    arrived; with it the client shuts down its sending side after the data
    and reads to end of file.  A thread sends, so a large payload cannot
    deadlock against a server that echoes while it reads.
    """
    result = Echoed(data)
    deadline = time.monotonic() + timeout
    try:
        sock = connect(port, timeout)
    except OSError as exc:
        result.problem = f"connect failed: {exc}"
        return result
    send_error: list[str] = []

    def send() -> None:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(stdlib.SHUT_WR)
        except OSError as exc:
            send_error.append(f"send failed: {exc}")

    sender = threading.Thread(target=send, daemon=True)
    received = bytearray()
    with sock:
        sender.start()
        try:
            while half_close or len(received) < len(data):
                if time.monotonic() > deadline:
                    result.problem = f"no more bytes within {timeout:g} s"
                    break
                chunk = sock.recv(256 * 1024)
                if not chunk:
                    result.eof = True
                    break
                received += chunk
        except TimeoutError:
            result.problem = f"no more bytes within {timeout:g} s"
        except OSError as exc:
            result.problem = f"receive failed: {exc}"
        finally:
            if sender.is_alive():
                stdlib_shutdown(sock)
            sender.join(timeout)
    result.received = bytes(received)
    if send_error and not result.problem:
        result.problem = send_error[0]
    return result


def stdlib_shutdown(sock: stdlib.socket) -> None:
    """Wake a thread blocked on ``sock``."""
    with suppress(OSError):
        sock.shutdown(stdlib.SHUT_RDWR)


def reset(sock: stdlib.socket) -> None:
    """Close ``sock`` with a reset (SO_LINGER on, timeout 0) instead of an orderly FIN."""
    sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# -- the specs' own clients: SNTP -----------------------------------------------


def sentinel_transmit() -> int:
    """A transmit timestamp no other request of the run uses: now, with random low bits."""
    return unix_to_ntp(time.time()) & ~0xFFFF | random.getrandbits(16)


def probe(port: int, datagram: bytes, *, wait: float = 0.5, drain: float = 0.05) -> tuple[list[bytes], list[bytes]]:
    """Send ``datagram`` from one socket, then a valid request, the sentinel, from another.

    Returns the replies each socket got, through a recording relay: the
    second socket's are the sentinel's, whatever they contain.  Waiting
    ends ``drain`` seconds after the sentinel's reply (or after ``wait``
    seconds without one): a server that answers in order has answered the
    datagram by then, and one that does not has had ``drain`` more.
    """
    first = stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    second = stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    answers: list[bytes] = []
    sentinel: list[bytes] = []
    with (
        recorded(
            DatagramRelay((LOOPBACK, port)), "datagrams via the kit's relay: #1 the probe, #2 the sentinel"
        ) as relay,
        first,
        second,
    ):
        for sock in (first, second):
            sock.connect((LOOPBACK, relay.port))
        first.send(datagram)
        second.send(request(4, sentinel_transmit()))
        sentinel = _receive(second, until=time.monotonic() + wait, first_only=True)
        answers = _receive(first, until=time.monotonic() + (drain if sentinel else 0.0))
        sentinel += _receive(second, until=time.monotonic())
    return answers, sentinel


def _receive(sock: stdlib.socket, *, until: float, first_only: bool = False) -> list[bytes]:
    """Datagrams waiting on ``sock`` or arriving before ``until`` (the first one only, if asked)."""
    got: list[bytes] = []
    while True:
        sock.settimeout(max(0.0, until - time.monotonic()))
        try:
            got.append(sock.recv(65535))
        except (BlockingIOError, TimeoutError, ConnectionRefusedError):
            return got
        if first_only:
            return got
