"""The kit's SNTP codec (sockspec.sntp_wire): header fields and round trip, the request, NTP time in both eras."""

from __future__ import annotations

import calendar
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sockspec.sntp_wire import Header, ntp_to_unix, request, unix_to_ntp

#: The Unix times the era rule covers: 1968-01-20 (NTP seconds 2**31) up to 2104 (the end of era 1).
FIRST_UNIX = (1 << 31) - 2_208_988_800
LAST_UNIX = (1 << 31) + (1 << 32) - 2_208_988_800 - 1


def utc(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%S"))


def test_fields():
    data = bytes.fromhex("e4 02 fa e9 00000102 00000304 52415445") + bytes(range(32))
    header = Header.parse(data)
    assert header == Header(
        leap=3, version=4, mode=4, stratum=2, poll=-6, precision=-23, ref_id=b"RATE",
        reference=0x0001020304050607, originate=0x08090A0B0C0D0E0F, receive=0x1011121314151617,
        transmit=0x18191A1B1C1D1E1F, root_delay=0x102, root_dispersion=0x304,
    )  # fmt: skip
    assert header.pack() == data


@given(st.binary(min_size=48, max_size=64))
@example(bytes(48))
@example(b"\xff" * 48)
def test_bytes_round_trip(data):
    header = Header.parse(data)
    assert header is not None
    assert header.pack() == data[:48]


def test_short_datagram_has_no_header():
    assert Header.parse(bytes(47)) is None


def test_request():
    data = request(4, 0x0123_4567_89AB_CDEF, poll=6)
    assert data[0] == 0x23  # LI 0, version 4, mode 3: what a v4 client sends
    assert data[2] == 6
    assert data[40:] == bytes.fromhex("0123456789abcdef")
    assert data[1:2] + data[3:40] == bytes(38)
    assert request(3, 0)[0] == 0x1B  # the tutorial's request


@pytest.mark.parametrize(
    ("ntp_seconds", "when"),
    [
        (0x8000_0000, "1968-01-20T03:14:08"),  # the first second era 0 still covers
        (2_208_988_800, "1970-01-01T00:00:00"),
        (0xFFFF_FFFF, "2036-02-07T06:28:15"),
        (0, "2036-02-07T06:28:16"),  # a clear top bit: era 1
        (0x7FFF_FFFF, "2104-02-26T09:42:23"),  # the last second of the rule
    ],
)
def test_era_rule(ntp_seconds, when):
    assert ntp_to_unix(ntp_seconds << 32) == utc(when)


def test_fraction():
    assert ntp_to_unix(2_208_988_800 << 32 | 1 << 31) == 0.5


@given(st.integers(FIRST_UNIX, LAST_UNIX), st.integers(0, (1 << 32) - 1))
def test_time_round_trip(seconds, fraction):
    timestamp = unix_to_ntp(seconds) | fraction
    assert unix_to_ntp(seconds) & 0xFFFF_FFFF == 0
    assert ntp_to_unix(timestamp) == seconds + fraction / 2**32
