"""The SNTP codec without sockets: timestamps, packets, request and reply checks."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sockspec_reference import sntp
from sockspec_reference.sntp import Packet, decode, encode, encode_request, to_ntp, to_unix, validate_reply

NTP_UNIX_OFFSET = 2_208_988_800
# 1968-01-20 (top bit first set) .. 2104 (end of era 1), as Unix time
FIRST_UNIX = 0x8000_0000 - NTP_UNIX_OFFSET
LAST_UNIX = 0x8000_0000 + (1 << 32) - NTP_UNIX_OFFSET - 1

unix_times = st.floats(min_value=FIRST_UNIX, max_value=LAST_UNIX, allow_nan=False)
u64 = st.integers(0, (1 << 64) - 1)
packets = st.builds(
    Packet,
    leap=st.integers(0, 3),
    version=st.integers(0, 7),
    mode=st.integers(0, 7),
    stratum=st.integers(0, 255),
    poll=st.integers(-128, 127),
    precision=st.integers(-128, 127),
    root_delay=st.integers(0, (1 << 32) - 1),
    root_dispersion=st.integers(0, (1 << 32) - 1),
    ref_id=st.binary(min_size=4, max_size=4),
    reference=u64,
    originate=u64,
    receive=u64,
    transmit=u64,
)


def good_reply(**changes: object) -> Packet:
    fields: dict[str, object] = {
        "version": 3,
        "mode": 4,
        "stratum": 1,
        "ref_id": b"LOCL",
        "originate": 42,
        "transmit": to_ntp(1_634_469_255.5),
    }
    fields.update(changes)
    return Packet(**fields)  # type: ignore[arg-type]


class TestTimestamps:
    def test_unix_epoch_is_the_tutorial_time1970(self) -> None:
        assert to_ntp(0.0) == NTP_UNIX_OFFSET << 32
        assert to_unix(NTP_UNIX_OFFSET << 32) == 0.0

    def test_fraction_is_kept(self) -> None:
        assert to_ntp(0.5) & 0xFFFF_FFFF == 1 << 31
        assert to_unix(to_ntp(1_634_469_255.25)) == 1_634_469_255.25

    def test_era_1_starts_2036_02_07_06_28_16(self) -> None:
        # RFC 4330 §3: seconds field 0 with the top bit clear is 2036-02-07T06:28:16Z.
        assert to_unix(0) == 2_085_978_496
        assert to_unix(1 << 32) == 2_085_978_497
        assert to_ntp(2_085_978_496.0) == 0

    def test_last_second_of_era_0(self) -> None:
        assert to_unix(0xFFFF_FFFF << 32) == 2_085_978_495

    @given(unix_times)
    def test_round_trip_from_unix(self, moment: float) -> None:
        assert to_unix(to_ntp(moment)) == pytest.approx(moment, abs=1e-6)

    @given(u64)
    def test_round_trip_from_ntp(self, timestamp: int) -> None:
        # A float Unix time near 2e9 holds about 2**-22 s; allow a few steps of
        # that, measured modulo 2**64 since the last instant of era 1 wraps to 0.
        distance = (to_ntp(to_unix(timestamp)) - timestamp) % (1 << 64)
        assert min(distance, (1 << 64) - distance) <= 2**12


class TestPacket:
    @given(packets)
    def test_encode_decode_round_trip(self, packet: Packet) -> None:
        data = encode(packet)
        assert len(data) == 48
        assert decode(data) == packet

    @given(st.binary(min_size=48, max_size=120))
    @example(bytes(48))
    @example(b"\xff" * 48)  # every field at its largest: the ranges must not be one short
    def test_any_48_bytes_decode_and_re_encode(self, data: bytes) -> None:
        assert encode(decode(data)) == data[:48]

    @pytest.mark.parametrize("size", [0, 1, 40, 47])
    def test_short_packet(self, size: int) -> None:
        with pytest.raises(sntp.ShortPacket, match=f"{size} bytes"):
            decode(bytes(size))

    @pytest.mark.parametrize(
        ("field", "value"), [("leap", 4), ("mode", -1), ("poll", 128), ("transmit", 1 << 64), ("ref_id", b"abc")]
    )
    def test_out_of_range_field_is_a_value_error(self, field: str, value: object) -> None:
        with pytest.raises(ValueError, match=field):
            Packet(**{field: value})  # type: ignore[arg-type]

    def test_field_layout(self) -> None:
        packet = Packet(leap=3, version=4, mode=4, stratum=2, poll=-6, precision=-20, ref_id=b"ABCD", transmit=7)
        data = encode(packet)
        assert data[0] == 0b11_100_100
        assert data[1:4] == bytes([2, 0xFA, 0xEC])
        assert data[12:16] == b"ABCD"
        assert data[40:48] == (7).to_bytes(8, "big")


class TestRequest:
    def test_first_byte_is_the_tutorials_0x1b_and_transmit_is_carried(self) -> None:
        sent = to_ntp(1_634_469_255.123)
        data = encode_request(sent)
        assert len(data) == 48
        assert data[0] == 0x1B
        assert data[1:40] == bytes(39)
        assert decode(data).transmit == sent


class TestValidateReply:
    def test_good_reply_gives_unix_time_with_fraction(self) -> None:
        assert validate_reply(good_reply(), 42) == 1_634_469_255.5

    def test_originate_check_can_be_skipped(self) -> None:
        assert validate_reply(good_reply(originate=0), None) == 1_634_469_255.5

    @pytest.mark.parametrize(
        ("changes", "error"),
        [
            ({"mode": 3}, sntp.WrongMode),
            ({"mode": 5}, sntp.WrongMode),
            ({"originate": 43}, sntp.WrongOriginate),
            ({"stratum": 0, "ref_id": b"RATE"}, sntp.KissOfDeath),
            ({"leap": 3}, sntp.Unsynchronised),
            ({"transmit": 0}, sntp.ZeroTransmit),
        ],
    )
    def test_each_rule(self, changes: dict[str, object], error: type[sntp.SNTPError]) -> None:
        with pytest.raises(error):
            validate_reply(good_reply(**changes), 42)

    @pytest.mark.parametrize("code", ["RATE", "DENY", "RSTR"])
    def test_kiss_of_death_names_its_code_even_with_leap_3(self, code: str) -> None:
        with pytest.raises(sntp.KissOfDeath, match=code) as caught:
            validate_reply(good_reply(stratum=0, leap=3, ref_id=code.encode()), 42)
        assert caught.value.code == code

    def test_reply_in_era_1(self) -> None:
        # 2040-01-01T00:00:00Z lies after the 2036 wrap: its seconds field has the top bit clear.
        assert validate_reply(good_reply(transmit=to_ntp(2_208_988_800.0)), 42) == 2_208_988_800.0
