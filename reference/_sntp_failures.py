"""Which exit code and message each kind of invalid SNTP reply gets (ntp-time, sntp-time)."""

from __future__ import annotations

from reference._exitcodes import ExitCode
from reference._peer import Peer
from reference._program import Failure
from reference.sntp import (
    KissOfDeath,
    ShortPacket,
    SNTPError,
    Unsynchronised,
    WrongMode,
    WrongOriginate,
    ZeroTransmit,
)

EXIT_CODES: dict[type[SNTPError], ExitCode] = {
    ShortPacket: ExitCode.SHORT_REPLY,
    WrongMode: ExitCode.WRONG_MODE,
    WrongOriginate: ExitCode.WRONG_ORIGINATE,
    ZeroTransmit: ExitCode.ZERO_TRANSMIT,
    Unsynchronised: ExitCode.UNSYNCHRONISED,
    KissOfDeath: ExitCode.KISS_OF_DEATH,
}


def invalid_reply(peer: Peer, error: SNTPError) -> Failure:
    """``Invalid reply from H:P: <why>``, with the exit code of that kind of error."""
    return Failure(f"Invalid reply from {peer}: {error}", EXIT_CODES[type(error)])
