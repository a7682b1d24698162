"""The kit's SNTP server (sockspec.servers.sntp): each reply field, the clock offset, every fault as documented.

The client specs trust this server, so its bytes are pinned here: first as
pure functions (:func:`answer`, the codec's :func:`reply`), then on the wire.
"""

from __future__ import annotations

import socket
import time
from dataclasses import replace

import ntplib
import pytest

from sockspec.documents import load_schema
from sockspec.errors import KitUsageError
from sockspec.servers.sntp import FAULTS, SHORT_REPLY, KitSntpServer, SntpServers, SntpSetup, answer
from sockspec.sntp_wire import Header, client_request, ntp_to_unix, request, unix_to_ntp

TRANSMIT = 0xE000_0000_1234_5678  # the client's transmit timestamp, an arbitrary era-0 time
RECEIVED = 1_800_000_000.25
SENT = 1_800_000_000.5
ONE_SECOND = 1 << 32


def the_request(version: int = 4, poll: int = 6) -> Header:
    parsed = client_request(request(version, TRANSMIT, poll=poll))
    assert parsed is not None
    return parsed


def valid() -> Header:
    """What a fault-free reply to :func:`the_request` must be, field by field (RFC 4330 §6)."""
    return Header(
        leap=0, version=4, mode=4, stratum=1, poll=6, precision=-20, ref_id=b"LOCL",
        reference=unix_to_ntp(RECEIVED), originate=TRANSMIT, receive=unix_to_ntp(RECEIVED),
        transmit=unix_to_ntp(SENT),
    )  # fmt: skip


def kiss(code: bytes) -> Header:
    return replace(valid(), leap=3, stratum=0, ref_id=code)


#: Each fault's documented reply, as the 48 (or fewer) octets it must put on the wire; None: no reply.
EXPECTED: dict[str, bytes | None] = {
    "none": valid().pack(),
    "delay": valid().pack(),
    "silent": None,
    "kiss-RATE": kiss(b"RATE").pack(),
    "kiss-DENY": kiss(b"DENY").pack(),
    "kiss-RSTR": kiss(b"RSTR").pack(),
    "kiss-non-ascii": kiss(bytes.fromhex("feff0001")).pack(),
    "wrong-originate": replace(valid(), originate=TRANSMIT ^ ONE_SECOND).pack(),
    "zero-transmit": replace(valid(), transmit=0).pack(),
    "short": valid().pack()[:SHORT_REPLY],
    "wrong-mode": replace(valid(), mode=3).pack(),
    "mode-zero": replace(valid(), mode=0).pack(),
    "version-zero": replace(valid(), version=0).pack(),
    "extreme-fields": replace(valid(), root_delay=2**32 - 1, root_dispersion=2**32 - 1, reference=2**64 - 1).pack(),
    "unsynchronised": replace(valid(), leap=3).pack(),
}


def test_every_fault_is_pinned_here_and_in_the_vector_schema():
    scenario = load_schema("spec-data")["$defs"]["time-client-scenario"]["properties"]["fault"]
    assert set(FAULTS) == set(EXPECTED) == set(scenario["enum"])


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_on_the_wire(fault):
    assert answer(fault, the_request(), RECEIVED, SENT) == EXPECTED[fault]


def test_short_reply_is_shorter_than_a_header():
    data = answer("short", the_request(), RECEIVED, SENT)
    assert data is not None
    assert len(data) == 40
    assert Header.parse(data) is None


def test_wrong_originate_is_one_second_off():
    data = answer("wrong-originate", the_request(), RECEIVED, SENT)
    assert data is not None
    parsed = Header.parse(data)
    assert parsed is not None
    assert abs(ntp_to_unix(parsed.originate) - ntp_to_unix(TRANSMIT)) == 1.0


@pytest.mark.parametrize("version", [1, 2, 3, 4])
@pytest.mark.parametrize("poll", [-3, 0, 17])
def test_version_and_poll_are_copied(version, poll):
    data = answer("none", the_request(version, poll), RECEIVED, SENT)
    assert data is not None
    assert len(data) == 48
    parsed = Header.parse(data)
    assert parsed is not None
    assert (parsed.version, parsed.poll, parsed.mode) == (version, poll, 4)


def test_timestamps_after_2036_wrap_into_era_1():
    when = 2_215_000_000.0  # 2040-03-10: NTP seconds above 2**32
    data = answer("none", the_request(), when, when)
    assert data is not None
    parsed = Header.parse(data)
    assert parsed is not None
    assert not parsed.transmit >> 63  # the top bit is clear: era 1
    assert ntp_to_unix(parsed.transmit) == pytest.approx(when, abs=1e-6)


@pytest.mark.parametrize(
    "data",
    [
        request(4, TRANSMIT)[:47],  # short
        replace(the_request(), mode=4).pack(),  # a server's packet
        replace(the_request(), mode=1).pack(),  # symmetric active
        replace(the_request(), version=0).pack(),
        replace(the_request(), version=5).pack(),
        b"",
    ],
    ids=["47-octets", "mode-4", "mode-1", "version-0", "version-5", "empty"],
)
def test_what_gets_no_reply(data):
    assert client_request(data) is None


def test_octets_past_the_header_are_ignored():
    assert client_request(request(4, TRANSMIT) + bytes(20)) == the_request(4, 0)


@pytest.mark.parametrize(
    "setup",
    [{"fault": "nonsense"}, {"offset": float("nan")}, {"delay": -1.0}, {"delay": float("inf")}],
)
def test_bad_setup_is_a_usage_error(setup):
    with pytest.raises(KitUsageError):
        SntpSetup(**setup)


# -- on the wire ---------------------------------------------------------------


def ask(server: KitSntpServer, data: bytes, timeout: float = 2.0) -> bytes | None:
    """Send ``data`` to ``server`` and return its answer, None after ``timeout`` seconds of silence."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(data, server.address)
        try:
            return sock.recv(1024)
        except TimeoutError:
            return None


@pytest.mark.parametrize("offset", [0.0, 3600.0, -86400.5, None], ids=["0", "1h", "-1d", "clock-in-2040"])
def test_clock_offset(offset):
    if offset is None:
        offset = round(2_215_000_000.0 - time.time(), 3)  # era 1
    with KitSntpServer(SntpSetup(offset=offset)) as server:
        assert server.address[0] == "127.0.0.1"
        before = time.time() + offset
        data = ask(server, request(3, TRANSMIT))
        after = time.time() + offset
    assert data is not None
    parsed = Header.parse(data)
    assert parsed is not None
    assert parsed.originate == TRANSMIT
    assert before - 0.01 <= ntp_to_unix(parsed.receive) <= ntp_to_unix(parsed.transmit) <= after + 0.01


@pytest.mark.parametrize("fault", sorted(set(EXPECTED) - {"none", "delay", "silent"}))
def test_fault_served(fault):
    with KitSntpServer(SntpSetup(fault=fault)) as server:
        data = ask(server, request(4, TRANSMIT, poll=6))
    assert data is not None
    expected = EXPECTED[fault]
    assert expected is not None
    assert len(data) == len(expected)
    times = slice(16, 48)  # the timestamps differ by the clock; the fields before them must not
    assert data[: times.start] == expected[: times.start]
    got, want = Header.parse(data + bytes(8)), Header.parse(expected + bytes(8))
    assert got is not None and want is not None
    assert got.originate == want.originate
    assert (got.transmit == 0) == (want.transmit == 0)


@pytest.mark.parametrize("offset", [0.0, 3600.0])
def test_ntplib_reads_the_offset(offset):
    """An independent decoder (ntplib) agrees with the kit server's clock and fields."""
    with KitSntpServer(SntpSetup(offset=offset)) as server:
        stats = ntplib.NTPClient().request(server.address[0], version=3, port=server.port, timeout=2)
    assert stats.offset == pytest.approx(offset, abs=0.05)
    assert (stats.version, stats.mode, stats.stratum, stats.leap) == (3, 4, 1, 0)
    assert ntplib.ref_id_to_text(stats.ref_id, stats.stratum) == "uncalibrated local clock"  # LOCL


def test_silent_sends_nothing():
    with KitSntpServer(SntpSetup(fault="silent")) as server:
        assert ask(server, request(4, TRANSMIT), timeout=0.3) is None
        assert server.alive()


def test_delay_answers_late_and_keeps_receiving():
    with (
        KitSntpServer(SntpSetup(fault="delay", delay=0.3)) as server,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as first,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as second,
    ):
        start = time.monotonic()
        first.sendto(request(4, 1), server.address)
        second.sendto(request(4, 2), server.address)  # queued, not behind a sleeping first reply
        replies = []
        for sock, transmit in ((first, 1), (second, 2)):
            sock.settimeout(2.0)
            parsed = Header.parse(sock.recv(1024))
            assert parsed is not None
            assert parsed.originate == transmit
            assert parsed.receive <= parsed.transmit
            replies.append(parsed)
        elapsed = time.monotonic() - start
    assert elapsed >= 0.3
    # it read the second request while the first reply was still due: its own clock says so,
    # however busy the machine (a wall-time bound could not tell 0.3 s from 0.6 s under load)
    assert replies[1].receive < replies[0].transmit


def test_garbage_is_ignored_and_the_server_keeps_serving():
    with KitSntpServer(SntpSetup()) as server:
        for junk in (b"", b"\x1b", bytes(48), b"\xff" * 100):
            assert ask(server, junk, timeout=0.1) is None
        assert ask(server, request(4, TRANSMIT)) is not None


def test_stop_returns_at_once_and_is_idempotent():
    server = KitSntpServer(SntpSetup(fault="delay", delay=30.0))
    ask(server, request(4, TRANSMIT), timeout=0.05)  # a reply is pending
    start = time.monotonic()
    server.stop()
    assert time.monotonic() - start < 1.0
    assert not server.alive()
    server.stop()


def test_servers_are_shared_per_setup_and_replaced_when_dead():
    servers = SntpServers()
    try:
        one = servers.get(SntpSetup(offset=1.0))
        assert servers.get(SntpSetup(offset=1.0)) is one
        assert servers.get(SntpSetup(offset=2.0)) is not one
        one.stop()
        again = servers.get(SntpSetup(offset=1.0))
        assert again is not one and again.alive()
    finally:
        servers.stop_all()
