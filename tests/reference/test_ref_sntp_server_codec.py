"""The server half of the codec: which requests get answers, and what each fault spoils."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockspec_reference import sntp
from sockspec_reference.sntp import Fault, Packet, decode, decode_request, encode, encode_reply, to_ntp, validate_reply

RECEIVED = 1_634_469_255.25
TRANSMITTED = 1_634_469_255.75
SENT = to_ntp(1_634_469_255.0)


def request(**changes: int) -> Packet:
    fields = {"version": 3, "mode": 3, "poll": 6, "transmit": SENT} | changes
    return Packet(**fields)  # type: ignore[arg-type]


def reply(fault: Fault = Fault.NONE, stratum: int = 1) -> bytes:
    return encode_reply(request(), RECEIVED, TRANSMITTED, stratum=stratum, fault=fault)


class TestDecodeRequest:
    @pytest.mark.parametrize("version", [1, 2, 3, 4])
    def test_client_request_is_accepted(self, version: int) -> None:
        assert decode_request(encode(request(version=version))) == request(version=version)

    def test_the_tutorials_request_is_accepted(self) -> None:
        assert decode_request(b"\x1b" + bytes(47)) is not None

    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"\x1b" * 47,
            encode(request(mode=4)),
            encode(request(mode=1)),
            encode(request(version=0)),
            encode(request(version=5)),
        ],
        ids=["empty", "47 bytes", "server mode", "active mode", "version 0", "version 5"],
    )
    def test_anything_else_is_ignored(self, data: bytes) -> None:
        assert decode_request(data) is None

    @given(st.binary(max_size=200))
    def test_garbage_never_raises_and_never_amplifies(self, data: bytes) -> None:
        parsed = decode_request(data)
        if parsed is not None:
            for fault in Fault:
                assert len(encode_reply(parsed, RECEIVED, TRANSMITTED, stratum=1, fault=fault)) <= len(data)


class TestReply:
    def test_fields_follow_rfc_4330_section_5(self) -> None:
        packet = decode(reply())
        assert (packet.leap, packet.version, packet.mode, packet.stratum, packet.poll) == (0, 3, 4, 1, 6)
        assert packet.ref_id == b"LOCL"
        assert packet.originate == SENT
        assert packet.receive == to_ntp(RECEIVED)
        assert packet.transmit == to_ntp(TRANSMITTED)

    def test_version_is_echoed(self) -> None:
        data = encode_reply(request(version=4), RECEIVED, TRANSMITTED, stratum=1)
        assert decode(data).version == 4

    def test_secondary_stratum_names_an_address(self) -> None:
        packet = decode(reply(stratum=3))
        assert packet.stratum == 3
        assert packet.ref_id == bytes((127, 0, 0, 1))

    def test_good_reply_validates(self) -> None:
        assert validate_reply(decode(reply()), SENT) == TRANSMITTED

    @pytest.mark.parametrize(
        ("fault", "error"),
        [
            (Fault.KISS_RATE, sntp.KissOfDeath),
            (Fault.KISS_DENY, sntp.KissOfDeath),
            (Fault.KISS_RSTR, sntp.KissOfDeath),
            (Fault.KISS_NON_ASCII, sntp.KissOfDeath),
            (Fault.WRONG_ORIGINATE, sntp.WrongOriginate),
            (Fault.ZERO_TRANSMIT, sntp.ZeroTransmit),
            (Fault.SHORT, sntp.ShortPacket),
            (Fault.WRONG_MODE, sntp.WrongMode),
            (Fault.UNSYNCHRONISED, sntp.Unsynchronised),
        ],
    )
    def test_each_fault_breaks_exactly_its_rule(self, fault: Fault, error: type[sntp.SNTPError]) -> None:
        with pytest.raises(error) as caught:
            validate_reply(decode(reply(fault)), SENT)
        assert type(caught.value) is error

    def test_every_fault_is_covered(self) -> None:
        assert {fault.value for fault in Fault} == {
            "none",
            "kiss-RATE",
            "kiss-DENY",
            "kiss-RSTR",
            "kiss-non-ascii",
            "wrong-originate",
            "zero-transmit",
            "short",
            "wrong-mode",
            "unsynchronised",
        }

    def test_kiss_code_is_named(self) -> None:
        with pytest.raises(sntp.KissOfDeath, match="DENY"):
            validate_reply(decode(reply(Fault.KISS_DENY)), SENT)

    def test_a_non_ascii_kiss_code_is_shown_escaped(self) -> None:
        with pytest.raises(sntp.KissOfDeath, match=r"\\xfe\\xff\\x00\\x01"):
            validate_reply(decode(reply(Fault.KISS_NON_ASCII)), SENT)

    def test_wrong_originate_is_one_second_off(self) -> None:
        assert abs(decode(reply(Fault.WRONG_ORIGINATE)).originate - SENT) == 1 << 32

    def test_short_reply_is_shorter_than_a_header(self) -> None:
        assert len(reply(Fault.SHORT)) < 48
