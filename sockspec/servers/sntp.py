"""The kit's SNTP server: a clock offset and a fault, in the kit's own process, on the kit's own codec.

Strategy: an SNTP client under test is judged against a server the kit
trusts, so the server is the kit's own, built on :mod:`sockspec.sntp_wire`
and sharing no code with any implementation it judges (docs/architecture.md):
a bug in an implementation's server cannot change the verdicts of clients.
Each fault breaks exactly one rule that a client must check (RFC 4330 §5);
:data:`FAULTS` is the table of them.  One thread per server answers on
127.0.0.1 port 0; a delayed reply waits in a queue, not in a sleep, so the
thread keeps receiving, and :meth:`KitSntpServer.stop` returns at once.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import selectors
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sockspec.addresses import LOOPBACK
from sockspec.errors import KitUsageError
from sockspec.servers.relay import Relay
from sockspec.sntp_wire import (
    LEAP_UNSYNCHRONISED,
    MAX_U32,
    MAX_U64,
    MODE_CLIENT,
    Header,
    client_request,
    kiss_of_death,
    reply,
    unix_to_ntp,
)

__all__ = ["FAULTS", "SHORT_REPLY", "KitSntpServer", "SntpServers", "SntpSetup", "answer"]

#: Every fault of the kit's SNTP server, and what the reply then breaks.
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
    "mode-zero": "mode 0 (reserved) instead of 4 (server)",
    "version-zero": "a valid reply but for version 0, which RFC 4330 leaves the client to accept or refuse",
    "extreme-fields": "a valid reply whose root delay, root dispersion and reference timestamp are all ones",
    "unsynchronised": "leap indicator 3: the server's clock is not synchronised",
    "silent": "no reply at all",
    "delay": "a valid reply, sent after the setup's delay",
}

#: Length of the ``short`` fault's reply: the transmit timestamp is cut off.
SHORT_REPLY = 40
_ONE_SECOND = 1 << 32
_DATAGRAM = 2048


def _packed(spoil: Callable[[Header], Header]) -> Callable[[Header], bytes]:
    return lambda valid: spoil(valid).pack()


#: What each fault puts on the wire in place of a valid reply; ``silent`` sends nothing.
_WIRE: Mapping[str, Callable[[Header], bytes]] = {
    "none": Header.pack,
    "delay": Header.pack,
    "kiss-RATE": _packed(lambda valid: kiss_of_death(valid, b"RATE")),
    "kiss-DENY": _packed(lambda valid: kiss_of_death(valid, b"DENY")),
    "kiss-RSTR": _packed(lambda valid: kiss_of_death(valid, b"RSTR")),
    "kiss-non-ascii": _packed(lambda valid: kiss_of_death(valid, bytes((0xFE, 0xFF, 0x00, 0x01)))),
    "wrong-originate": _packed(lambda valid: replace(valid, originate=valid.originate ^ _ONE_SECOND)),
    "zero-transmit": _packed(lambda valid: replace(valid, transmit=0)),
    "short": lambda valid: valid.pack()[:SHORT_REPLY],
    "wrong-mode": _packed(lambda valid: replace(valid, mode=MODE_CLIENT)),
    "mode-zero": _packed(lambda valid: replace(valid, mode=0)),
    "version-zero": _packed(lambda valid: replace(valid, version=0)),
    "extreme-fields": _packed(
        lambda valid: replace(valid, root_delay=MAX_U32, root_dispersion=MAX_U32, reference=MAX_U64)
    ),
    "unsynchronised": _packed(lambda valid: replace(valid, leap=LEAP_UNSYNCHRONISED)),
}


def answer(fault: str, client: Header, received: float, transmitted: float) -> bytes | None:
    """The datagram that answers ``client`` under ``fault`` (None: no answer); times are Unix seconds.

    Sans I/O, so each fault's bytes can be tested without a socket
    (tests/test_kit_sntp.py); a reply is never longer than a request.
    """
    spoil = _WIRE.get(fault)
    if spoil is None:
        return None
    return spoil(reply(client, unix_to_ntp(received), unix_to_ntp(transmitted)))


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

    def describe(self) -> str:
        text = f"kit SNTP server, clock offset {self.offset:+g} s, {FAULTS[self.fault]}"
        return text + (f" ({self.delay:g} s)" if self.fault == "delay" else "")


class KitSntpServer(Relay):
    """One kit SNTP server on 127.0.0.1 port 0, answering on its own thread from construction until :meth:`stop`."""

    def __init__(self, setup: SntpSetup) -> None:
        self.setup = setup
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((LOOPBACK, 0))
        self._address = self._sock.getsockname()[:2]
        #: Replies of the ``delay`` fault not yet due: (due on the monotonic clock, order, request, arrival, client).
        self._due: list[tuple[float, int, Header, float, tuple[str, int]]] = []
        self._order = 0
        super().__init__(self._loop, "sockspec-sntp-server")
        self.start()

    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def stop(self) -> None:
        """Stop answering, join the thread, close the socket (idempotent)."""
        if not self._halt():
            return
        self._sock.close()
        self._stop.close()

    def _now(self) -> float:
        return time.time() + self.setup.offset

    def _loop(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._sock, selectors.EVENT_READ)
            sel.register(self._stop.socket, selectors.EVENT_READ)
            while not self._stop.is_set():
                wait = max(0.0, self._due[0][0] - time.monotonic()) if self._due else 0.5
                for key, _ in sel.select(wait):
                    if key.fileobj is self._stop.socket:
                        return
                    self._receive()
                self._send_due()

    def _receive(self) -> None:
        try:
            data, client = self._sock.recvfrom(_DATAGRAM)
        except OSError:
            return
        received = self._now()
        request = client_request(data)
        if request is None:
            return
        if self.setup.fault == "delay":
            self._order += 1
            heapq.heappush(self._due, (time.monotonic() + self.setup.delay, self._order, request, received, client))
            return
        self._send(request, received, client)

    def _send_due(self) -> None:
        while self._due and self._due[0][0] <= time.monotonic():
            _, _, request, received, client = heapq.heappop(self._due)
            self._send(request, received, client)

    def _send(self, request: Header, received: float, client: tuple[str, int]) -> None:
        data = answer(self.setup.fault, request, received, self._now())
        if data is not None:
            with contextlib.suppress(OSError):  # one unreachable client must not stop the server
                self._sock.sendto(data, client)


class SntpServers:
    """Kit SNTP servers shared by a run: one per setup, started on first use, all stopped by :meth:`stop_all`."""

    def __init__(self) -> None:
        self._servers: dict[SntpSetup, KitSntpServer] = {}
        self._lock = threading.Lock()

    def get(self, setup: SntpSetup) -> KitSntpServer:
        """The running server for ``setup``; a dead one is replaced.  Threads may ask at once."""
        with self._lock:
            server = self._servers.get(setup)
            if server is None or not server.alive():
                if server is not None:
                    server.stop()
                server = self._servers[setup] = KitSntpServer(setup)
            return server

    def stop_all(self) -> None:
        with self._lock:
            servers = list(self._servers.values())
            self._servers.clear()
        for server in servers:
            server.stop()
