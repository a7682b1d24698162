"""The SNTP packet as a value, and its exact 48-byte wire form."""

from __future__ import annotations

from dataclasses import dataclass

from sockspec_reference.sntp._errors import ShortPacket
from sockspec_reference.sntp._layout import PACKET, PACKET_SIZE

_U32 = (0, (1 << 32) - 1)
_U64 = (0, (1 << 64) - 1)
_S8 = (-128, 127)

#: Allowed range of each integer field.
_RANGES: dict[str, tuple[int, int]] = {
    "leap": (0, 3),
    "version": (0, 7),
    "mode": (0, 7),
    "stratum": (0, 255),
    "poll": _S8,
    "precision": _S8,
    "root_delay": _U32,
    "root_dispersion": _U32,
    "reference": _U64,
    "originate": _U64,
    "receive": _U64,
    "transmit": _U64,
}


#: The fields after the first octet, in the order of ``PACKET``.
_WIRE_FIELDS = (
    "stratum",
    "poll",
    "precision",
    "root_delay",
    "root_dispersion",
    "ref_id",
    "reference",
    "originate",
    "receive",
    "transmit",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Packet:
    """One SNTP header, every field raw as on the wire.

    Timestamps stay 64-bit integers so an originate check compares exactly;
    :func:`~sockspec_reference.sntp.to_unix` turns one into a time.  Root delay and
    dispersion stay 16.16 fixed point.
    """

    leap: int = 0
    version: int = 0
    mode: int = 0
    stratum: int = 0
    poll: int = 0
    precision: int = 0
    root_delay: int = 0
    root_dispersion: int = 0
    ref_id: bytes = bytes(4)
    reference: int = 0
    originate: int = 0
    receive: int = 0
    transmit: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.ref_id, bytes) or len(self.ref_id) != 4:
            raise ValueError(f"ref_id must be 4 bytes, got {self.ref_id!r}")
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be an integer in {low}..{high}, got {value!r}")


def split_first_octet(first: int) -> tuple[int, int, int]:
    """Leap indicator, version and mode packed in a header's first octet (2, 3 and 3 bits)."""
    return first >> 6, first >> 3 & 0b111, first & 0b111


def encode(packet: Packet) -> bytes:
    """The 48 bytes of ``packet``."""
    first = packet.leap << 6 | packet.version << 3 | packet.mode
    return PACKET.pack(first, *(getattr(packet, name) for name in _WIRE_FIELDS))


def decode(data: bytes) -> Packet:
    """Parse the header at the start of ``data``; bytes past 48 (extensions, MAC) are ignored."""
    if len(data) < PACKET_SIZE:
        raise ShortPacket(f"packet is {len(data)} bytes, shorter than the {PACKET_SIZE} of an SNTP header")
    first, *rest = PACKET.unpack_from(data)
    leap, version, mode = split_first_octet(first)
    return Packet(leap=leap, version=version, mode=mode, **dict(zip(_WIRE_FIELDS, rest, strict=True)))
