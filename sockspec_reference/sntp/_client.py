"""The client's half of SNTP: build a request, judge a reply (RFC 4330 §5)."""

from __future__ import annotations

from sockspec_reference.sntp._errors import KissOfDeath, Unsynchronised, WrongMode, WrongOriginate, ZeroTransmit
from sockspec_reference.sntp._layout import LEAP_UNSYNCHRONISED, MODE_CLIENT, MODE_SERVER, STRATUM_KISS, VERSION
from sockspec_reference.sntp._packet import Packet, encode
from sockspec_reference.sntp._timestamps import to_unix


def _printable(code: bytes) -> str:
    """A kiss code as text, any byte that is not printable ASCII as ``\\xNN``, so that it fits on one line."""
    return "".join(chr(byte) if 0x20 <= byte < 0x7F else f"\\x{byte:02x}" for byte in code)


def encode_request(transmit: int) -> bytes:
    """A 48-byte client request whose first byte is the tutorial's ``0x1b``.

    The tutorial sends ``0x1b`` and 47 zero bytes.  Here the transmit field
    carries ``transmit`` (a raw NTP timestamp, see ``to_ntp``) so that the
    reply's originate field can be checked against it: RFC 4330 §5 suggests
    this to match a reply to its request and reject bogus ones.
    """
    return encode(Packet(version=VERSION, mode=MODE_CLIENT, transmit=transmit))


def validate_reply(packet: Packet, sent_transmit: int | None) -> float:
    """Return the server's transmit time as Unix time, or raise an ``SNTPError``.

    ``sent_transmit`` is the transmit timestamp of our request; ``None`` skips
    the originate check, for a caller (such as ntplib) that cannot tell what
    was sent.  The length check happened in ``decode``.
    """
    # "check that the Mode field is 4 (server) in unicast mode"
    if packet.mode != MODE_SERVER:
        raise WrongMode(f"reply mode is {packet.mode}, expected {MODE_SERVER} (server)")
    # "the Originate Timestamp ... should match the Transmit Timestamp used
    # in the client request": otherwise the reply is bogus or stale.
    if sent_transmit is not None and packet.originate != sent_transmit:
        raise WrongOriginate(f"reply originate {packet.originate:#018x} is not our transmit {sent_transmit:#018x}")
    # Stratum 0 comes first: a Kiss-o'-Death usually also carries leap 3, and
    # its kiss code is the useful part.
    if packet.stratum == STRATUM_KISS:
        raise KissOfDeath(_printable(packet.ref_id.rstrip(b"\0")))
    if packet.leap == LEAP_UNSYNCHRONISED:
        raise Unsynchronised("server clock is unsynchronised (leap indicator 3)")
    # "the Transmit Timestamp field is 0 ... discard the server message"
    if packet.transmit == 0:
        raise ZeroTransmit("reply transmit timestamp is zero")
    return to_unix(packet.transmit)
