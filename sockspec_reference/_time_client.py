"""What the two time clients (ntp-time, sntp-time) share: their options, and the
exit code and message each kind of invalid SNTP reply gets."""

from __future__ import annotations

import argparse

from sockspec_reference._argtypes import add_timeout_option, port_number
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._peer import Peer
from sockspec_reference._program import Failure
from sockspec_reference.sntp import (
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


DEFAULT_TIMEOUT = 2.0


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of both time clients: ``--server``, ``--port`` (123) and ``--timeout``."""
    parser.add_argument("--server", required=True, help="time server host name or address")
    parser.add_argument("--port", type=port_number, default=123, help="server port (default: 123)")
    add_timeout_option(parser, DEFAULT_TIMEOUT)
