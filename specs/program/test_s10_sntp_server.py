"""§10 sntp-server: replies that an independent client accepts, and nothing for anything else.

Strategy: the IUT's ``sntp-server --port 0`` runs once per clock offset for
the module.  ntplib, a client the kit did not write, asks it for the time
(mode, version, stratum, offset); the spec's own raw requests, built with
``struct`` as the tutorial does, check what ntplib cannot see: the exact 64
bits of the originate timestamp, silence towards malformed datagrams, and
reply sizes.  Every exchange goes through the kit's UDP relay, so a failing
case shows the datagrams.  A raw probe ends with a valid request, the
sentinel: its reply shows the server is still answering, and any reply that
comes before it answered something that deserved none.  With ``--target``
the server runs elsewhere and the relay forwards to it there; the cases that
need an option (``--offset``) or read what it prints are N/A.
"""

from __future__ import annotations

import random
import re
import signal
import socket as oracle  # the spec's own probes; never the thing under test
import time

import ntplib
import pytest

from sockspec import expect_equal, expect_that, params
from sockspec.addresses import LOOPBACK
from sockspec.checks import attach
from sockspec.errors import IUTProtocolError, IUTTimeout
from sockspec.outcomes import not_applicable
from sockspec.servers.udp_relay import DatagramRelay
from sockspec.sntp_wire import Header, ntp_to_unix, request, unix_to_ntp
from specs.program._checks import expect_port_named
from specs.program._scenarios import recorded, utc_seconds
from specs.program._servers import SERVER_WAIT, ServerUnderTest, evidence, expect_stops_cleanly
from specs.program._targets import TargetServer, require_control

#: How long ntplib waits for a reply.
NTPLIB_TIMEOUT = 2.0  # only a server that does not reply waits it out: room for a loaded machine


def sentinel_transmit() -> int:
    """A transmit timestamp no other request of the run uses: now, with random low bits."""
    return unix_to_ntp(time.time()) & ~0xFFFF | random.getrandbits(16)


def probe(
    address: tuple[str, int], datagram: bytes, *, wait: float = 0.5, drain: float = 0.05
) -> tuple[list[bytes], list[bytes]]:
    """Send ``datagram`` to the server at ``address`` from one socket, then a valid request, the sentinel, from another.

    A valid request from the second socket goes first and is answered before
    ``datagram`` is sent, so every probe meets a server that has just served
    one: what it keeps from that request (a reused buffer, say) must not turn
    the datagram into a reply, whichever case ran before.  Returns the replies
    each socket got after that, through a recording relay: the
    second socket's are the sentinel's, whatever they contain.  Waiting
    ends ``drain`` seconds after the sentinel's reply (or after ``wait``
    seconds without one): a server that answers in order has answered the
    datagram by then, and one that does not has had ``drain`` more.
    """
    first = oracle.socket(oracle.AF_INET, oracle.SOCK_DGRAM)
    second = oracle.socket(oracle.AF_INET, oracle.SOCK_DGRAM)
    answers: list[bytes] = []
    sentinel: list[bytes] = []
    with (
        recorded(
            DatagramRelay(address), "datagrams via the kit's relay: #1 a valid request, #2 the probe, #3 the sentinel"
        ) as relay,
        first,
        second,
    ):
        for sock in (first, second):
            sock.connect((LOOPBACK, relay.port))
        second.send(request(4, sentinel_transmit()))
        _receive(second, until=time.monotonic() + wait, first_only=True)
        first.send(datagram)
        second.send(request(4, sentinel_transmit()))
        sentinel = _receive(second, until=time.monotonic() + wait, first_only=True)
        answers = _receive(first, until=time.monotonic() + (drain if sentinel else 0.0))
        sentinel += _receive(second, until=time.monotonic())
    return answers, sentinel


def _receive(sock: oracle.socket, *, until: float, first_only: bool = False) -> list[bytes]:
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


def ntplib_query(address: tuple[str, int], version: int) -> ntplib.NTPStats:
    """One ntplib request to the server at ``address`` through the kit's relay; no usable reply is the IUT's failure."""
    title = f"datagrams of an ntplib version {version} request, via the kit's relay"
    with recorded(DatagramRelay(address), title) as relay:
        try:
            return ntplib.NTPClient().request(LOOPBACK, port=relay.port, version=version, timeout=NTPLIB_TIMEOUT)
        except ntplib.NTPException as exc:
            if relay.replies():
                raise IUTProtocolError(f"sntp-server's reply is not an NTP packet ntplib can read: {exc}") from exc
            raise IUTTimeout(f"sntp-server sent no reply to ntplib within {NTPLIB_TIMEOUT:g} s") from exc


def expect_sentinel_answered(what: str, sentinel: list[bytes], server: ServerUnderTest | TargetServer) -> None:
    __tracebackhide__ = True
    expect_that(
        f"reply to a valid request sent after {what}",
        len(sentinel) == 1,
        expected="exactly one reply",
        actual=f"{len(sentinel)} replies; server {'running' if server.alive() else 'exited'}",
    )


def one_reply(server: ServerUnderTest | TargetServer, datagram: bytes) -> Header:
    """The header of the one reply to ``datagram``; anything but one full reply fails the case."""
    __tracebackhide__ = True
    answers, _ = probe(server.address(), datagram)
    expect_equal("number of replies to the request", len(answers), 1)
    header = Header.parse(answers[0])
    expect_that("length of the reply", header is not None, expected="at least 48 bytes", actual=len(answers[0]))
    assert header is not None
    return header


def raw_reply(server: ServerUnderTest | TargetServer, version: int, poll: int = 0) -> Header:
    """The header of the one reply to a raw client request with a fresh transmit timestamp."""
    __tracebackhide__ = True
    return one_reply(server, request(version, sentinel_transmit(), poll))


@pytest.mark.parametrize("case", params("s10.sntp_server.port-zero"))
def test_port_zero_prints_the_port(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    require_control(server, "pass it options (--port 0) or read the line it prints")
    with evidence("sntp-server", server.describe):
        proc = server.get()
        stats = ntplib_query(server.address(), case["input"]["version"])
        expect_equal(f"mode of the reply on port {proc.port}, where it is bound", stats.mode, 4)
        line = proc.first_line(SERVER_WAIT)
        attach("first line of sntp-server", repr(line))
        expect_port_named("first line of sntp-server", line, proc.port)


@pytest.mark.parametrize("case", params("s10.sntp_server.mode"))
def test_reply_mode(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    with evidence("sntp-server", server.describe):
        if case["input"]["client"] == "ntplib":
            expect_equal(
                "mode of the reply to ntplib", ntplib_query(server.address(), case["input"]["version"]).mode, 4
            )
            return
        header = one_reply(server, bytes.fromhex(case["input"]["hex"]))
        expect_equal("mode of the reply to the tutorial's request", header.mode, 4)


@pytest.mark.parametrize("case", params("s10.sntp_server.version"))
def test_reply_version(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    version = case["input"]["version"]
    with evidence("sntp-server", server.describe):
        expect_equal(
            f"version of the reply to a version {version} request",
            ntplib_query(server.address(), version).version,
            version,
        )


@pytest.mark.parametrize("case", params("s10.sntp_server.originate"))
def test_originate_is_our_transmit(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    transmit = int(case["input"]["transmit"], 16)
    with evidence("sntp-server", server.describe):
        header = one_reply(server, request(case["input"]["version"], transmit))
        expect_equal("originate timestamp of the reply, as hex", f"{header.originate:016x}", f"{transmit:016x}")


@pytest.mark.parametrize("case", params("s10.sntp_server.stratum"))
def test_stratum(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    low, high = case["accept"]
    with evidence("sntp-server", server.describe):
        stratum = ntplib_query(server.address(), case["input"]["version"]).stratum
        expect_that("stratum of the reply", low <= stratum <= high, expected=f"{low} to {high}", actual=stratum)


@pytest.mark.parametrize("case", params("s10.sntp_server.offset"))
def test_clock_offset(iut_sntp_servers, case):
    offset, tolerance = case["input"]["offset"], case["expect"]["tolerance"]
    server = iut_sntp_servers.get(offset)
    with evidence("sntp-server", server.describe):
        measured = ntplib_query(server.address(), 4).offset
        expect_that(
            f"ntplib's offset against sntp-server{f' --offset {offset:g}' if offset else ''}",
            abs(measured - offset) <= tolerance,
            expected=f"{offset:g} s within {tolerance:g} s",
            actual=round(measured, 4),
        )


@pytest.mark.parametrize("case", params("s10.sntp_server.ignores-malformed"))
def test_ignores_malformed(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    datagram = bytes.fromhex(case["input"]["hex"])
    with evidence("sntp-server", server.describe):
        answers, sentinel = probe(server.address(), datagram)
        expect_equal(f"replies to {case.description}", [a.hex() for a in answers], [])
        expect_sentinel_answered(case.description, sentinel, server)


@pytest.mark.parametrize("case", params("s10.sntp_server.no-amplification"))
def test_no_amplification(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    datagram = bytes.fromhex(case["input"]["hex"])
    with evidence("sntp-server", server.describe):
        answers, sentinel = probe(server.address(), datagram)
        total = sum(map(len, answers))
        expect_that(
            f"bytes of all replies to a {len(datagram)}-byte request",
            total <= len(datagram),
            expected=f"at most {len(datagram)}",
            actual=f"{total} in {len(answers)} replies",
        )
        expect_sentinel_answered(case.description, sentinel, server)


@pytest.mark.parametrize("case", params("s10.sntp_server.poll"))
def test_poll_is_copied(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    poll = case["input"]["poll"]
    with evidence("sntp-server", server.describe):
        header = raw_reply(server, case["input"]["version"], poll)
        expect_equal(f"poll of the reply to a request with poll {poll}", header.poll, poll)


@pytest.mark.parametrize("case", params("s10.sntp_server.leap"))
def test_leap_indicator(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    with evidence("sntp-server", server.describe):
        expect_equal("leap indicator of the reply", raw_reply(server, case["input"]["version"]).leap, case["expect"])


@pytest.mark.parametrize("case", params("s10.sntp_server.precision"))
def test_precision(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    low, high = case["accept"]
    with evidence("sntp-server", server.describe):
        precision = raw_reply(server, case["input"]["version"]).precision
        expect_that(
            "precision of the reply (log2 s)", low <= precision <= high, expected=f"{low} to {high}", actual=precision
        )


def expect_server_clock(server: ServerUnderTest | TargetServer, offset: float, tolerance: float) -> None:
    """The receive and transmit timestamps of one reply are the kit's clock plus ``offset``, in order."""
    __tracebackhide__ = True
    before = time.time()
    header = raw_reply(server, 4)
    after = time.time()
    low, high = before + offset - tolerance, after + offset + tolerance
    for name in ("receive", "transmit"):
        seen = ntp_to_unix(getattr(header, name))
        expect_that(
            f"{name} timestamp of the reply, as Unix time",
            low <= seen <= high,
            expected=f"{low:.3f} to {high:.3f}",
            actual=f"{seen:.3f} ({getattr(header, name):016x})",
        )
    expect_that(
        "order of the reference, receive and transmit timestamps",
        header.reference <= header.receive <= header.transmit,
        expected="reference <= receive <= transmit",
        actual=f"{header.reference:016x}, {header.receive:016x}, {header.transmit:016x}",
    )


@pytest.mark.parametrize("case", params("s10.sntp_server.timestamps"))
def test_timestamps_are_the_server_clock(iut_sntp_servers, case):
    offset = case["input"]["offset"]
    server = iut_sntp_servers.get(offset)
    with evidence("sntp-server", server.describe):
        expect_server_clock(server, offset, case["expect"]["tolerance"])


@pytest.mark.parametrize("case", params("s10.sntp_server.reference-id"))
def test_reference_id_of_a_primary_server(iut_sntp_servers, case):
    server = iut_sntp_servers.get(0)
    with evidence("sntp-server", server.describe):
        header = raw_reply(server, case["input"]["version"])
        if header.stratum != 1:
            not_applicable(f"the server reports stratum {header.stratum}; the ASCII code is for stratum 1")
        ref_id = header.ref_id.decode("latin-1")
        expect_that(
            "reference identifier of a stratum 1 reply",
            re.fullmatch(case["expect"], ref_id) is not None,
            expected=f"matching {case['expect']!r}",
            actual=repr(header.ref_id),
        )


@pytest.mark.parametrize("case", params("s10.sntp_server.era-2036"))
def test_timestamps_wrap_into_era_1(iut_sntp_servers, case):
    offset = round(utc_seconds(case["input"]["server_clock"]) - time.time(), 3)
    server = iut_sntp_servers.get(offset)
    with evidence("sntp-server", server.describe):
        expect_server_clock(server, offset, case["expect"]["tolerance"])


@pytest.mark.req("s10.sntp_server.sigterm")
def test_sigterm(spawn_server):
    expect_stops_cleanly("sntp-server", spawn_server("sntp-server", "--port", "0"), signal.SIGTERM)


@pytest.mark.req("s10.sntp_server.sigint")
def test_sigint(spawn_server):
    expect_stops_cleanly("sntp-server", spawn_server("sntp-server", "--port", "0"), signal.SIGINT)
