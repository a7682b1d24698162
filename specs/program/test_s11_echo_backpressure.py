"""§11 echo-server under backpressure: each client gets back its own bytes when ``send()`` falls short.

Strategy: several clients at once, each with a small receive buffer (set
before connecting, so the window it offers stays small), each sending
megabytes of its own pseudo-random bytes and reading nothing until its
sending has stalled (the server stopped reading from it) or is done.  The
server's ``send()`` to those clients must then fall short or would block;
what it does with the unsent rest is what this judges.  A server that drops
the rest gives a client too few bytes; one that keeps the rest as a view
into a read buffer shared between connections gives a client some of
another client's bytes.  Each connection is judged by its length and
SHA-256; where it went wrong, the first offset that differs and whose bytes
turned up there go with the case.

One thread drives all the clients through a selector, so the run takes
about as long as the data needs to go through the server and back.  The
whole exchange has a deadline derived from the data volume, and no byte
moving on any connection for ``stall`` seconds ends it early: a server that
stops echoing is a FAIL, never a stuck run.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import selectors
import socket
import time

import pytest

from sockspec import expect_that, params
from sockspec.checks import attach
from specs.program._peers import ECHO_TIMEOUT, connect_small_window, exchange, expect_echo
from specs.program._servers import evidence

#: Bytes handed to one ``send()`` and asked of one ``recv()``.
CHUNK = 256 * 1024
#: Bytes of a wrong stretch looked up in the other clients' payloads.
SAMPLE = 32


class Flow:
    """One client's connection: what it sends, and what has come back so far."""

    def __init__(self, number: int, data: bytes, sock: socket.socket) -> None:
        self.number, self.data, self.sock = number, data, sock
        self.sent = self.received = 0
        self.reading = False
        self.last_sent = time.monotonic()  # when a send() last took bytes
        self.expected = hashlib.sha256(data).hexdigest()
        self.digest = hashlib.sha256()  # of what came back
        self.first_wrong: int | None = None  # offset of the first byte that came back wrong
        self.wrong_bytes = b""  # what came back from there (up to SAMPLE bytes of that chunk)
        self.problem = ""  # how the connection ended early, if it did

    def right(self) -> bool:
        return self.received == len(self.data) and self.digest.hexdigest() == self.expected

    def done(self) -> bool:
        return self.received == len(self.data) or bool(self.problem)

    def events(self) -> int:
        writing = selectors.EVENT_WRITE if self.sent < len(self.data) else 0
        return writing | (selectors.EVENT_READ if self.reading else 0)

    def write(self) -> int:
        try:
            count = self.sock.send(memoryview(self.data)[self.sent : self.sent + CHUNK])
        except BlockingIOError:
            return 0
        self.sent += count
        self.last_sent = time.monotonic()
        return count

    def read(self) -> int:
        try:
            chunk = self.sock.recv(min(CHUNK, len(self.data) - self.received))
        except BlockingIOError:
            return 0
        if not chunk:
            self.problem = "end of file"
            return 0
        start = self.received
        expected = self.data[start : start + len(chunk)]
        if self.first_wrong is None and chunk != expected:
            at = next(n for n, (a, b) in enumerate(zip(chunk, expected, strict=True)) if a != b)
            self.first_wrong, self.wrong_bytes = start + at, chunk[at : at + SAMPLE]
        self.digest.update(chunk)
        self.received += len(chunk)
        return len(chunk)

    def step(self, mask: int) -> int:
        """Send and receive what the socket is ready for; the bytes moved."""
        try:
            return (self.write() if mask & selectors.EVENT_WRITE else 0) + (
                self.read() if mask & selectors.EVENT_READ else 0
            )
        except OSError as exc:
            self.problem = f"{type(exc).__name__}: {exc}"
            return 0


def pump(flows: list[Flow], late: float, stall: float, deadline: float) -> str:
    """Move every flow's bytes there and back; '' once all are done, else why it stopped early.

    A flow starts reading once its sending has taken no byte for ``late``
    seconds (the server stopped reading from it) or has finished.
    """
    start = moved = time.monotonic()  # moved: when a byte last moved on any connection
    with selectors.DefaultSelector() as selector:
        for flow in flows:
            flow.sock.setblocking(False)
            selector.register(flow.sock, flow.events(), flow)
        while selector.get_map():
            now = time.monotonic()
            if now - start > deadline:
                return f"timed out after {deadline:.1f} s"
            if now - moved > stall:
                return f"no byte moved on any connection for {stall:g} s"
            for flow in flows:
                if not flow.reading and not flow.done() and now - flow.last_sent >= late:
                    flow.reading = True
                    selector.modify(flow.sock, flow.events(), flow)
            for key, mask in selector.select(late / 4):
                flow = key.data
                if flow.step(mask):
                    moved = time.monotonic()
                if flow.done():
                    selector.unregister(flow.sock)
                elif flow.events() != key.events:
                    selector.modify(flow.sock, flow.events(), flow)
    return ""


def whose(flows: list[Flow], flow: Flow) -> str:
    """Whose bytes came back at ``flow``'s first wrong offset, if another client sent them."""
    if len(flow.wrong_bytes) < SAMPLE:
        return ""
    for other in flows:
        found = other.data.find(flow.wrong_bytes) if other is not flow else -1
        if found >= 0:
            return f"; the bytes there are client {other.number}'s, from its offset {found}"
    return ""


def account(flows: list[Flow], flow: Flow) -> str:
    """One client's outcome in words."""
    size = len(flow.data)
    text = (
        f"client {flow.number}: sent {flow.sent} of {size}, received {flow.received} of {size}; SHA-256 sent "
        f"{flow.expected[:16]}…, received {flow.digest.hexdigest()[:16]}…"
    )
    if flow.first_wrong is not None:
        text += f"; first wrong byte at offset {flow.first_wrong}{whose(flows, flow)}"
    elif flow.received < size:
        text += "; every byte received is right, the rest is missing"
    return text + (f"; {flow.problem}" if flow.problem else "")


@pytest.mark.parametrize("case", params("s11.echo_server.backpressure"))
def test_each_client_gets_its_own_bytes_under_backpressure(iut_echo_server, case):
    spec = case["input"]
    clients, size, seed = spec["clients"], spec["size"], spec["seed"]
    late, stall = spec["late"], spec["stall"]
    deadline = late + stall + clients * size / spec["min_rate"]
    payloads = [random.Random(seed + n).randbytes(size) for n in range(clients)]
    with evidence("echo-server", iut_echo_server.describe), contextlib.ExitStack() as stack:
        host, port = iut_echo_server.address()
        flows = []
        for n, data in enumerate(payloads):
            try:
                sock = stack.enter_context(connect_small_window(port, spec["rcvbuf"], stall, host))
            except OSError as exc:
                expect_that(f"connection of client {n}", False, expected="connected", actual=f"{exc!r}")
            flows.append(Flow(n, data, sock))
        start = time.monotonic()
        why = pump(flows, late, stall, deadline)
        elapsed = time.monotonic() - start
        wrong = [flow for flow in flows if not flow.right()]
        accounts = [account(flows, flow) for flow in flows]
        attach(
            f"{clients} clients × {size} bytes, receive buffers of {spec['rcvbuf']} bytes",
            f"{elapsed:.3f} s (deadline {deadline:.1f} s){'; ' + why if why else ''}\n" + "\n".join(accounts),
        )
        expect_that(
            f"echo to {clients} clients under backpressure",
            not why and not wrong,
            expected=f"each client gets back its own {size} bytes: the same length and SHA-256",
            actual="; ".join([why] * bool(why) + [accounts[flow.number] for flow in wrong]),
        )


#: The silent client of the slow-reader case: its receive buffer, the most it sends, how long its
#: sending may take no byte before the server's buffers towards it count as full, and how long it may
#: take to fill them (the server's send buffer and the client's own can grow to megabytes).
SILENT_RCVBUF = 16 * 1024
SILENT_CAP = 64 * 1024 * 1024
SILENT_STALL = 0.3
SILENT_FILL = 3.0
#: What the other client sends while the silent one is stalled.
OTHER = random.Random(4096).randbytes(4096)


def fill_until_stalled(sock: socket.socket) -> tuple[int, str]:
    """Send on ``sock``, reading nothing, until no byte goes for ``SILENT_STALL`` s: bytes sent, and how it ended."""
    sock.setblocking(False)
    chunk = random.Random(SILENT_CAP).randbytes(CHUNK)
    sent, end = 0, time.monotonic() + SILENT_FILL
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_WRITE)
        while sent < SILENT_CAP and time.monotonic() < end:
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                if not selector.select(SILENT_STALL):
                    return sent, f"stalled: no byte taken for {SILENT_STALL:g} s"
            except OSError as exc:
                return sent, f"{type(exc).__name__}: {exc}"
    return sent, f"not stalled after {SILENT_FILL:g} s or {SILENT_CAP} bytes"


@pytest.mark.req("s11.echo_server.slow-reader")
def test_a_silent_client_holds_up_no_other(iut_echo_server):
    with evidence("echo-server", iut_echo_server.describe):
        host, port = iut_echo_server.address()
        with connect_small_window(port, SILENT_RCVBUF, ECHO_TIMEOUT, host) as silent:
            start = time.monotonic()
            sent, how = fill_until_stalled(silent)
            attach("the client that reads nothing", f"sent {sent} bytes in {time.monotonic() - start:.3f} s; {how}")
            echoed = exchange(port, OTHER, host=host)
        attach("round trip of another client meanwhile", echoed.describe())
        expect_echo("echo to a client while another one reads nothing", echoed)
