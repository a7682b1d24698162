"""The codec's one error family: why a reply is not a usable time.

::

    SNTPError
    ├── ShortPacket       fewer than 48 bytes
    ├── WrongMode         mode is not 4 (server)
    ├── WrongOriginate    originate is not the transmit timestamp we sent
    ├── KissOfDeath       stratum 0; ``code`` holds the kiss code, e.g. "RATE"
    ├── Unsynchronised    leap indicator 3
    └── ZeroTransmit      transmit timestamp is zero

All of them describe the remote side; misuse of the codec itself (a field out
of range when building a :class:`~sockspec_reference.sntp.Packet`) raises ``ValueError``.
"""

from __future__ import annotations


class SNTPError(Exception):
    """A packet that a client must not take a time from (RFC 4330 §5)."""


class ShortPacket(SNTPError):
    """The datagram is shorter than an SNTP header."""


class WrongMode(SNTPError):
    """The reply's mode is not 4 (server)."""


class WrongOriginate(SNTPError):
    """The reply answers some other request, or is bogus."""


class KissOfDeath(SNTPError):
    """The server sent a Kiss-o'-Death: stratum 0 with a kiss code in the reference id."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Kiss-o'-Death from server, kiss code {code}")
        self.code = code


class Unsynchronised(SNTPError):
    """The server says its own clock is not synchronised."""


class ZeroTransmit(SNTPError):
    """The reply carries no transmit timestamp, so there is no time to read."""
