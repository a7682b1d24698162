"""§6 timeouts and blocking mode, bind to port 0, listen.

Strategy: mode and timeout readings use a socket straight from ``api.socket``
that does no I/O.  Waits are measured on an IUT socket connected to a
standard-library peer that never sends, with the tolerance from the data file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sockspec import expect_equal, expect_in, expect_raises, expect_that, params
from sockspec.addresses import LOOPBACK
from specs.api.conftest import ROUND_TRIP_ALLOWANCE
from specs.exceptions import accepted

PORT_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _timed(what, exceptions, fn, *args):
    """Run ``fn(*args)`` expecting one of ``exceptions``; how long it took, in seconds."""
    start = time.monotonic()
    expect_raises(what, exceptions, fn, *args)
    return time.monotonic() - start


def _within(what, elapsed, window):
    """The data's window, widened above by the round trip (a lower bound needs no allowance)."""
    low, high = window.get("min_seconds", 0.0), window["max_seconds"]
    expected = f"between {low:g} and {high:g} s (+{ROUND_TRIP_ALLOWANCE:g} s for the harness round trip)"
    expect_that(what, low <= elapsed <= high + ROUND_TRIP_ALLOWANCE, expected=expected, actual=round(elapsed, 4))


@pytest.mark.req("s06.timeout.default")
def test_new_socket_has_no_timeout(sockets):
    # The kit never leaves a default timeout set (s06.defaulttimeout.* restore it).
    expect_equal("gettimeout() of a new socket", sockets.fresh().gettimeout(), None)


@pytest.mark.req("s06.blocking.default")
def test_new_socket_is_blocking(sockets):
    expect_equal("getblocking() of a new socket", sockets.fresh().getblocking(), True)


@pytest.mark.parametrize("case", params("s06.settimeout.readback"))
def test_settimeout_reads_back(sockets, case):
    sock = sockets.fresh()
    sock.settimeout(case["input"])
    expect_equal(f"gettimeout() after settimeout({case['input']!r})", sock.gettimeout(), case["expect"])


@pytest.mark.req("s06.settimeout.zero")
def test_settimeout_zero_is_non_blocking(sockets):
    sock = sockets.fresh()
    sock.settimeout(0)
    expect_equal("getblocking() after settimeout(0)", sock.getblocking(), False)
    expect_equal("gettimeout() after settimeout(0)", sock.gettimeout(), 0.0)


@pytest.mark.req("s06.setblocking.false")
def test_setblocking_false_is_timeout_zero(sockets):
    sock = sockets.fresh()
    sock.setblocking(False)
    expect_equal("gettimeout() after setblocking(False)", sock.gettimeout(), 0.0)
    expect_equal("getblocking() after setblocking(False)", sock.getblocking(), False)


@pytest.mark.req("s06.setblocking.true")
def test_setblocking_true_drops_timeout(sockets):
    sock = sockets.fresh()
    sock.settimeout(0.5)
    sock.setblocking(True)
    expect_equal("gettimeout() after settimeout(0.5), setblocking(True)", sock.gettimeout(), None)
    expect_equal("getblocking() after setblocking(True)", sock.getblocking(), True)


@pytest.mark.req("s06.getblocking.timeout")
def test_positive_timeout_is_blocking(sockets):
    sock = sockets.fresh()
    sock.settimeout(0.5)
    expect_equal("getblocking() after settimeout(0.5)", sock.getblocking(), True)


@pytest.mark.parametrize("case", params("s06.settimeout.invalid"))
def test_settimeout_rejects(sockets, case):
    sock = sockets.fresh()
    expect_raises(f"settimeout({case['input']!r})", accepted(case["raises"]), sock.settimeout, case["input"])


@pytest.mark.req("s06.defaulttimeout.initial")
def test_default_timeout_is_none(api):
    expect_equal("getdefaulttimeout()", api.getdefaulttimeout(), None)


@pytest.mark.req("s06.defaulttimeout.applies")
def test_default_timeout_applies_to_new_sockets(api, sockets):
    before = sockets.fresh()
    saved = api.getdefaulttimeout()
    try:
        api.setdefaulttimeout(0.25)
        expect_equal("getdefaulttimeout() after setdefaulttimeout(0.25)", api.getdefaulttimeout(), 0.25)
        expect_equal("gettimeout() of a socket made afterwards", sockets.fresh().gettimeout(), 0.25)
        expect_equal("gettimeout() of a socket made before", before.gettimeout(), saved)
        api.setdefaulttimeout(None)
        expect_equal("gettimeout() of a socket made after setdefaulttimeout(None)", sockets.fresh().gettimeout(), None)
    finally:
        api.setdefaulttimeout(saved)


@pytest.mark.parametrize("case", params("s06.recv.timeout"))
def test_recv_times_out(sockets, case):
    timeout = case["input"]
    client, _peer = sockets.connected(timeout)
    elapsed = _timed(f"recv(1) with timeout {timeout}", accepted(["TimeoutError"]), client.recv, 1)
    _within(f"time until recv(1) timed out (timeout {timeout})", elapsed, case["expect"])


@pytest.mark.parametrize("case", params("s06.recv.nonblocking"))
def test_recv_non_blocking(sockets, case):
    client, _peer = sockets.connected()
    client.setblocking(False)
    elapsed = _timed("recv(1) on a non-blocking socket", accepted(["BlockingIOError"]), client.recv, 1)
    _within("time until recv(1) returned", elapsed, case["expect"])


@pytest.mark.parametrize("case", params("s06.accept.timeout"))
def test_accept_times_out(sockets, case):
    timeout = case["input"]
    listener = sockets.listener()
    listener.settimeout(timeout)
    elapsed = _timed(f"accept() with timeout {timeout}", accepted(["TimeoutError"]), listener.accept)
    _within(f"time until accept() timed out (timeout {timeout})", elapsed, case["expect"])


def _ephemeral_ranges(case) -> tuple[list[tuple[int, int]], str]:
    """The accepted port ranges: the kernel's own where it can be read, else the OS defaults."""
    try:
        low, high = (int(part) for part in PORT_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return [(low, high) for low, high in case["accept"]], "one of the usual OS ranges"
    return [(low, high)], str(PORT_RANGE_FILE)


@pytest.mark.parametrize("case", params("s06.bind.ephemeral"))
def test_bind_port_zero(sockets, case):
    sock = sockets.tcp()
    sock.bind((LOOPBACK, 0))
    address = sock.getsockname()
    expect_that(
        "getsockname()",
        isinstance(address, tuple) and len(address) == 2,
        expected="a (host, port) tuple",
        actual=address,
    )
    host, port = address
    expect_equal("getsockname() host", host, LOOPBACK)
    ranges, source = _ephemeral_ranges(case)
    shown = " or ".join(f"{low}-{high}" for low, high in ranges)
    ok = type(port) is int and any(low <= port <= high for low, high in ranges)
    expect_that("getsockname() port", ok, expected=f"an int in {shown} ({source})", actual=port)


@pytest.mark.parametrize("case", params("s06.listen.backlog"))
def test_listen_accepts_queued_clients(sockets, case):
    backlog, clients = case["input"]["backlog"], case["input"]["clients"]
    listener = sockets.tcp()
    listener.bind((LOOPBACK, 0))
    if backlog is None:
        listener.listen()
    else:
        listener.listen(backlog)
    port = listener.getsockname()[1]
    # Each client by its address; the requirement fixes no order in which queued clients are accepted.
    waiting = {peer.getsockname(): peer for peer in (sockets.peer_client(port) for _ in range(clients))}
    call = "listen()" if backlog is None else f"listen({backlog})"
    for number in range(1, clients + 1):
        conn, address = sockets.accept(listener)
        expect_in(f"accept() #{number} after {call}: client address", address, list(waiting))
        peer = waiting.pop(address)
        peer.sendall(b"x")
        expect_equal(f"accept() #{number}: recv(1) on the accepted socket", conn.recv(1), b"x")
