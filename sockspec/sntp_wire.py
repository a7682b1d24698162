"""The kit's own SNTP packet codec, sans I/O: the 48-octet header, a request, a reply, NTP and Unix time.

The specs judge SNTP servers and clients by the bytes on the wire, so the
kit reads and writes them itself, and its own SNTP server
(:mod:`sockspec.servers.sntp`) answers with what :func:`reply` builds;
``sockspec_reference/`` keeps its own codec, so the oracle and the thing it
judges never share code (docs/architecture.md).  Nothing here opens a socket.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace

__all__ = [
    "HEADER",
    "LEAP_UNSYNCHRONISED",
    "MAX_U32",
    "MAX_U64",
    "MODE_CLIENT",
    "MODE_SERVER",
    "NTP_UNIX_OFFSET",
    "STRATUM_KISS",
    "Header",
    "client_request",
    "kiss_of_death",
    "ntp_to_unix",
    "reply",
    "request",
    "unix_to_ntp",
]

#: The 48-octet header (RFC 4330 §4): first octet, stratum, poll, precision, root delay,
#: root dispersion, reference id, then the reference, originate, receive and transmit
#: timestamps (the tutorial reads the same bytes as ``!12I``).
HEADER = struct.Struct("!BBbbII4sQQQQ")
#: Seconds from the NTP epoch (1900-01-01) to the Unix epoch.
NTP_UNIX_OFFSET = 2_208_988_800
MODE_CLIENT = 3
MODE_SERVER = 4
#: Leap indicator 3: "alarm condition (clock not synchronized)".
LEAP_UNSYNCHRONISED = 3
#: Stratum 0 in a reply: a Kiss-o'-Death, whose reference id is the kiss code (RFC 4330 §8).
STRATUM_KISS = 0
#: The NTP versions a server answers: 1 to 4 (no version 0 or above 4 exists).
SERVER_VERSIONS = range(1, 5)
#: log2 of the kit server's precision in seconds: about a microsecond.
PRECISION = -20
#: The reference id of a stratum-1 server whose clock is the machine's own.
LOCAL_CLOCK = b"LOCL"
#: The largest values of a header's 32-bit and 64-bit fields (all bits set).
MAX_U32 = (1 << 32) - 1
MAX_U64 = (1 << 64) - 1
_ERA = 1 << 32


@dataclass(frozen=True)
class Header:
    """The fields of a datagram's first 48 octets (RFC 4330 §4)."""

    leap: int
    version: int
    mode: int
    stratum: int
    poll: int
    precision: int
    ref_id: bytes
    reference: int
    originate: int
    receive: int
    transmit: int
    root_delay: int = 0
    root_dispersion: int = 0

    @classmethod
    def parse(cls, data: bytes) -> Header | None:
        """The header at the start of ``data``; None if ``data`` is shorter than 48 octets."""
        if len(data) < HEADER.size:
            return None
        first, stratum, poll, precision, delay, dispersion, ref_id, ref, orig, recv, xmit = HEADER.unpack_from(data)
        return cls(
            first >> 6,
            first >> 3 & 7,
            first & 7,
            stratum,
            poll,
            precision,
            ref_id,
            ref,
            orig,
            recv,
            xmit,
            root_delay=delay,
            root_dispersion=dispersion,
        )

    def pack(self) -> bytes:
        """The 48 octets of this header."""
        first = self.leap << 6 | self.version << 3 | self.mode
        fixed = (self.stratum, self.poll, self.precision, self.root_delay, self.root_dispersion, self.ref_id)
        return HEADER.pack(first, *fixed, self.reference, self.originate, self.receive, self.transmit)


def request(version: int, transmit: int, poll: int = 0) -> bytes:
    """A client request (mode 3) with ``transmit`` as its transmit timestamp, every other field zero."""
    return Header(0, version, MODE_CLIENT, 0, poll, 0, bytes(4), 0, 0, 0, transmit).pack()


def client_request(data: bytes) -> Header | None:
    """The request in ``data`` if a server answers it (a full header in client mode, version 1 to 4), else None.

    Anything else, garbage included, gets no reply, so a server can be
    neither crashed nor turned into a reflector by it.
    """
    header = Header.parse(data)
    if header is None or header.mode != MODE_CLIENT or header.version not in SERVER_VERSIONS:
        return None
    return header


def reply(client: Header, received: int, transmitted: int) -> Header:
    """A stratum-1 server's reply to ``client``, which arrived at NTP time ``received`` and leaves at ``transmitted``.

    RFC 4330 §6 (server operations): version and poll copied from the
    request, mode 4, the originate the request's transmit bit for bit;
    the reference timestamp is the arrival, as the clock is the server's own.
    """
    return Header(
        leap=0,
        version=client.version,
        mode=MODE_SERVER,
        stratum=1,
        poll=client.poll,
        precision=PRECISION,
        ref_id=LOCAL_CLOCK,
        reference=received,
        originate=client.transmit,
        receive=received,
        transmit=transmitted,
    )


def kiss_of_death(answer: Header, code: bytes) -> Header:
    """``answer`` turned into a Kiss-o'-Death: leap 3, stratum 0, the 4-octet kiss ``code`` as reference id."""
    if len(code) != 4:
        raise ValueError(f"a kiss code is 4 octets, got {code!r}")
    return replace(answer, leap=LEAP_UNSYNCHRONISED, stratum=STRATUM_KISS, ref_id=code)


def ntp_to_unix(timestamp: int) -> float:
    """Unix time of a 64-bit NTP timestamp by RFC 4330 §3's era rule: a clear top bit means 2036-2104."""
    seconds = timestamp >> 32
    if not seconds & 0x8000_0000:
        seconds += _ERA
    return seconds - NTP_UNIX_OFFSET + (timestamp & 0xFFFF_FFFF) / _ERA


def unix_to_ntp(seconds: float) -> int:
    """The 64-bit NTP timestamp of a Unix time; after 2036 the seconds field wraps into era 1."""
    return int((seconds + NTP_UNIX_OFFSET) * _ERA) & MAX_U64
