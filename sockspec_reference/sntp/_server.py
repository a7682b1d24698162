"""The server's half of SNTP: accept a request, build a reply, optionally a faulty one.

The faults exist for the kit: each makes the reply break exactly one rule of
RFC 4330 §5 so that a client's handling of that rule can be tested.  Faults
that are about timing rather than bytes (silence, delay) belong to the socket
server, not to this codec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import Enum

from sockspec_reference.sntp._layout import (
    LEAP_NO_WARNING,
    LEAP_UNSYNCHRONISED,
    MODE_CLIENT,
    MODE_SERVER,
    ONE_SECOND,
    PACKET_SIZE,
    STRATUM_KISS,
    SUPPORTED_VERSIONS,
)
from sockspec_reference.sntp._packet import Packet, decode, encode, split_first_octet
from sockspec_reference.sntp._timestamps import to_ntp

#: log2 of the clock's precision in seconds: about a microsecond.
PRECISION = -20
#: A primary server names its reference clock; "LOCL" is the local clock.
PRIMARY_REF_ID = b"LOCL"
#: A secondary server names its upstream by IPv4 address; ours is loopback.
SECONDARY_REF_ID = bytes((127, 0, 0, 1))
#: Length of a ``Fault.SHORT`` reply: the transmit timestamp is cut off.
SHORT_REPLY_SIZE = 40


class Fault(Enum):
    """How a reply is spoiled; the values are the ``--fault`` names."""

    NONE = "none"
    KISS_RATE = "kiss-RATE"
    KISS_DENY = "kiss-DENY"
    KISS_RSTR = "kiss-RSTR"
    KISS_NON_ASCII = "kiss-non-ascii"
    WRONG_ORIGINATE = "wrong-originate"
    ZERO_TRANSMIT = "zero-transmit"
    SHORT = "short"
    WRONG_MODE = "wrong-mode"
    UNSYNCHRONISED = "unsynchronised"


def _kiss(code: bytes) -> Callable[[Packet], Packet]:
    return lambda reply: replace(reply, leap=LEAP_UNSYNCHRONISED, stratum=STRATUM_KISS, ref_id=code)


_SPOIL: dict[Fault, Callable[[Packet], Packet]] = {
    Fault.NONE: lambda reply: reply,
    Fault.KISS_RATE: _kiss(b"RATE"),
    Fault.KISS_DENY: _kiss(b"DENY"),
    Fault.KISS_RSTR: _kiss(b"RSTR"),
    Fault.KISS_NON_ASCII: _kiss(bytes((0xFE, 0xFF, 0x00, 0x01))),
    Fault.WRONG_ORIGINATE: lambda reply: replace(reply, originate=reply.originate ^ ONE_SECOND),
    Fault.ZERO_TRANSMIT: lambda reply: replace(reply, transmit=0),
    Fault.SHORT: lambda reply: reply,  # cut to size after encoding
    Fault.WRONG_MODE: lambda reply: replace(reply, mode=MODE_CLIENT),
    Fault.UNSYNCHRONISED: lambda reply: replace(reply, leap=LEAP_UNSYNCHRONISED),
}


def wants_reply(first_octet: int, size: int) -> bool:
    """Whether a ``size``-byte datagram opening with ``first_octet`` is a request a server answers.

    Only a full header in client mode with a version this server knows;
    anything else (including garbage) gets no reply, so it can neither crash
    the server nor turn it into a reflector.  The sntp-server's fast path
    applies this same rule to the raw bytes.
    """
    _, version, mode = split_first_octet(first_octet)
    return size >= PACKET_SIZE and mode == MODE_CLIENT and version in SUPPORTED_VERSIONS


def decode_request(data: bytes) -> Packet | None:
    """The request in ``data``, or ``None`` if a server must ignore it (see :func:`wants_reply`)."""
    return decode(data) if data and wants_reply(data[0], len(data)) else None


def encode_reply(
    request: Packet,
    received: float,
    transmitted: float,
    *,
    stratum: int,
    fault: Fault = Fault.NONE,
) -> bytes:
    """The reply to ``request``, which arrived at Unix time ``received`` and leaves at ``transmitted``.

    Fields follow RFC 4330 §6 (server operations): version and poll copied
    from the request, mode 4, originate copied from the request's transmit.
    The reply is never longer than 48 bytes, so never longer than a request.
    """
    reply = Packet(
        leap=LEAP_NO_WARNING,
        version=request.version,
        mode=MODE_SERVER,
        stratum=stratum,
        poll=request.poll,
        precision=PRECISION,
        ref_id=PRIMARY_REF_ID if stratum == 1 else SECONDARY_REF_ID,
        reference=to_ntp(received),
        originate=request.transmit,
        receive=to_ntp(received),
        transmit=to_ntp(transmitted),
    )
    data = encode(_SPOIL[fault](reply))
    return data[:SHORT_REPLY_SIZE] if fault is Fault.SHORT else data
