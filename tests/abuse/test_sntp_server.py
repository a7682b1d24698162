"""The reference sntp-server fed 100,000 malformed and random datagrams.

30,000 datagrams come from hypothesis strategies that know the packet's
shape (the first byte, which holds leap, version and mode, drawn whole; the
rest of the header as it comes; cut short, or followed by extension fields
or garbage), 70,000 are raw random bytes of random lengths, some longer
than the server's read buffer.  Each is judged by the
spec's rule: a valid client request has at least 48 bytes, mode 3 and a
version from 1 to 4 (``s10.sntp_server.ignores-malformed``).

Invalid datagrams go out from one socket, which must never hear back.  Valid
ones go out from a second socket with a unique transmit timestamp, so each
reply names its request (originate = our transmit); each must be answered
exactly once, with no more bytes than the request had.  Datagrams go in
bursts, each ended by a valid request, the sentinel: the server answers in
order, so its reply means the burst was read, and a burst never holds more
than the server's receive buffer (the kernel's drop counter for the
server's socket must stay 0).  Meanwhile ntplib asks for the time every few
milliseconds from a thread of its own and must be answered every time.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import ntplib
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.abuse.conftest import LOOPBACK

pytestmark = pytest.mark.abuse

HEADER = struct.Struct("!BBbbII4sQQQQ")
#: Datagrams per burst, and bytes: well inside the default 208 KiB receive buffer.
BURST_DATAGRAMS = 48
BURST_BYTES = 48 * 1024
WAIT = 2.0  # seconds for the sentinel's reply


def valid_request(data: bytes) -> bool:
    """The spec's rule for a datagram that deserves a reply."""
    return len(data) >= HEADER.size and data[0] & 7 == 3 and 1 <= data[0] >> 3 & 7 <= 4


#: A 48-byte header: its first byte (leap, version, mode) drawn whole, the other 47 bytes (stratum,
#: poll, precision, root delay and dispersion, reference id, four timestamps) as they come.
headers = st.builds(lambda first, rest: bytes([first]) + rest, st.integers(0, 255), st.binary(min_size=47, max_size=47))
datagrams = st.one_of(
    headers,
    st.tuples(headers, st.integers(0, HEADER.size - 1)).map(lambda pair: pair[0][: pair[1]]),  # cut short
    st.tuples(headers, st.binary(min_size=1, max_size=200)).map(lambda pair: pair[0] + pair[1]),  # more after
    st.binary(max_size=64),
)


@dataclass
class Tally:
    """What was sent, what came back, and what was wrong with it."""

    sent_invalid: int = 0
    sent_valid: int = 0
    bytes_received_by_server: int = 0
    bytes_sent_by_server: int = 0
    problems: list[str] = field(default_factory=list)


class Feeder:
    """Sends datagrams to the server in bursts and checks every reply."""

    def __init__(self, port: int) -> None:
        self.address = (LOOPBACK, port)
        self.invalid = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.valid = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for sock in (self.invalid, self.valid):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            sock.connect(self.address)
        self.tally = Tally()
        self._next = random.Random(123).getrandbits(48) << 16
        self._burst: list[bytes] = []
        self._burst_bytes = 0

    def close(self) -> None:
        self.invalid.close()
        self.valid.close()

    def feed(self, data: bytes) -> None:
        if len(self._burst) >= BURST_DATAGRAMS or self._burst_bytes + len(data) > BURST_BYTES:
            self.flush()
        self._burst.append(data)
        self._burst_bytes += len(data)

    def _transmit(self) -> int:
        self._next += 1
        return self._next

    def flush(self) -> None:
        """Send the burst and its sentinel; check what came back."""
        expected: dict[bytes, int] = {}  # our transmit timestamp -> request length
        for data in self._burst:
            if valid_request(data):
                transmit = self._transmit().to_bytes(8, "big")
                data = data[:40] + transmit + data[48:]
                expected[transmit] = len(data)
                self.valid.send(data)
                self.tally.sent_valid += 1
            else:
                self.invalid.send(data)
                self.tally.sent_invalid += 1
            self.tally.bytes_received_by_server += len(data)
        sentinel = self._transmit().to_bytes(8, "big")
        expected[sentinel] = HEADER.size
        self.valid.send(bytes([0x23]) + bytes(39) + sentinel)
        self.tally.bytes_received_by_server += HEADER.size
        self._collect(expected, sentinel)
        self._burst, self._burst_bytes = [], 0

    def _collect(self, expected: dict[bytes, int], sentinel: bytes) -> None:
        answered: set[bytes] = set()
        deadline = time.monotonic() + WAIT
        self.valid.settimeout(WAIT)
        while sentinel not in answered:
            self.valid.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                reply = self.valid.recv(65535)
            except TimeoutError:
                self.tally.problems.append(f"no reply to the sentinel within {WAIT:g} s")
                return
            self.tally.bytes_sent_by_server += len(reply)
            originate = reply[24:32]
            if originate not in expected:
                self.tally.problems.append(f"a reply for no request of ours: {reply[:48].hex()}")
            elif originate in answered:
                self.tally.problems.append(f"a second reply to one request: {reply[:48].hex()}")
            elif len(reply) > expected[originate]:
                self.tally.problems.append(f"{len(reply)} bytes in reply to {expected[originate]}")
            answered.add(originate)
        missing = len(expected) - len(answered)
        if missing:
            self.tally.problems.append(f"{missing} valid requests of a burst got no reply")
        self.invalid.setblocking(False)
        try:
            while True:
                reply = self.invalid.recv(65535)
                self.tally.bytes_sent_by_server += len(reply)
                self.tally.problems.append(f"a reply to an invalid datagram: {reply[:48].hex()}")
        except BlockingIOError:
            pass


class TimeAsker:
    """ntplib, a client the kit did not write, asking for the time in a loop on a thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.answered = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        client = ntplib.NTPClient()
        while not self._stop.wait(0.005):
            try:
                stats = client.request(LOOPBACK, port=self.port, version=4, timeout=1.0)
            except ntplib.NTPException as exc:
                self.failures.append(str(exc))
                continue
            if stats.mode != 4 or abs(stats.offset) > 1.0:
                self.failures.append(f"mode {stats.mode}, offset {stats.offset:.3f} s")
            self.answered += 1

    def __enter__(self) -> TimeAsker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def udp_drops(port: int) -> int:
    """The kernel's drop counter of the UDP socket bound to ``port`` (last column of /proc/net/udp)."""
    for row in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = row.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            return int(fields[-1])
    raise AssertionError(f"no UDP socket bound to port {port} in /proc/net/udp")


STRUCTURED = 30_000  # hypothesis draws about 10,000 datagrams a second
RAW = 70_000
BATCH = 50  # datagrams per hypothesis example: larger lists overrun its buffer and slow it down


def raw_datagram(rng: random.Random) -> bytes:
    """Random bytes: short of a header, header-sized, or longer than the server's read buffer."""
    kind = rng.random()
    size = rng.randrange(0, 48) if kind < 0.45 else rng.randrange(48, 600) if kind < 0.9 else rng.randrange(2048, 9000)
    return rng.randbytes(size)


def test_a_hundred_thousand_malformed_datagrams(start_server, record_property):
    server = start_server("sntp-server", "--port", "0")
    feeder = Feeder(server.port)
    rng = random.Random(2036)
    start = time.monotonic()
    try:
        with TimeAsker(server.port) as asker:

            @settings(
                max_examples=STRUCTURED // BATCH,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(st.lists(datagrams, min_size=BATCH, max_size=BATCH))
            def structured(batch: list[bytes]) -> None:
                for data in batch:
                    feeder.feed(data)

            structured()
            generated = time.monotonic()
            for _ in range(RAW):
                feeder.feed(raw_datagram(rng))
            feeder.flush()
            time.sleep(0.05)
    finally:
        feeder.close()
    elapsed = time.monotonic() - start
    structured_seconds = generated - start
    tally = feeder.tally
    drops = udp_drops(server.port)
    record_property("datagrams sent (invalid, valid)", (tally.sent_invalid, tally.sent_valid))
    record_property("ntplib answers during the flood", asker.answered)
    print(
        f"{tally.sent_invalid + tally.sent_valid} datagrams ({tally.sent_invalid} invalid, {tally.sent_valid} valid) "
        f"in {elapsed:.1f} s ({structured_seconds:.1f} s for the hypothesis part); "
        f"server received {tally.bytes_received_by_server} bytes, sent "
        f"{tally.bytes_sent_by_server}; ntplib answered {asker.answered} times; drops {drops}"
    )
    assert tally.sent_invalid + tally.sent_valid >= STRUCTURED + RAW
    assert tally.problems == [], f"{len(tally.problems)} problems: {tally.problems[:5]}"
    assert tally.bytes_sent_by_server <= tally.bytes_received_by_server
    assert drops == 0, f"the server's socket dropped {drops} datagrams: the bursts are too large"
    assert asker.failures == [], asker.failures[:5]
    assert asker.answered > 10
    assert server.alive(), server.describe()
    assert "Traceback" not in server.stderr, server.describe()
    assert server.terminate() == 0, server.describe()
