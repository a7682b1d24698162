"""The one exit-code table shared by every recipe program.

Each recipe lists the codes it can return; its ``--help`` epilog is rendered
from :data:`MEANINGS`, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    ADDRESS = 3
    CONNECTION = 4
    SEND = 5
    RECEIVE = 6
    TIMEOUT = 7
    SHORT_REPLY = 8
    WRONG_MODE = 9
    WRONG_ORIGINATE = 10
    ZERO_TRANSMIT = 11
    UNSYNCHRONISED = 12
    KISS_OF_DEATH = 13
    INTERRUPTED = 130


MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success (a server: stopped by SIGINT or SIGTERM)",
    ExitCode.FAILURE: "the lookup or local socket operation failed (a one-line message says why)",
    ExitCode.USAGE: "usage error: bad or missing argument",
    ExitCode.ADDRESS: "address-related error: the host name did not resolve",
    ExitCode.CONNECTION: "connection error, e.g. connection refused",
    ExitCode.SEND: "error sending data",
    ExitCode.RECEIVE: "error receiving data: reset, or closed before the reply was complete",
    ExitCode.TIMEOUT: "a socket operation timed out",
    ExitCode.SHORT_REPLY: "invalid SNTP reply: shorter than 48 bytes",
    ExitCode.WRONG_MODE: "invalid SNTP reply: mode is not 4 (server)",
    ExitCode.WRONG_ORIGINATE: "invalid SNTP reply: originate is not our transmit timestamp",
    ExitCode.ZERO_TRANSMIT: "invalid SNTP reply: transmit timestamp is zero",
    ExitCode.UNSYNCHRONISED: "invalid SNTP reply: server clock unsynchronised (leap indicator 3)",
    ExitCode.KISS_OF_DEATH: "invalid SNTP reply: Kiss-o'-Death (stratum 0), kiss code named",
    ExitCode.INTERRUPTED: "a client interrupted by Ctrl-C",
}


def epilog(codes: Iterable[ExitCode]) -> str:
    """Render the exit-code table for the given codes, for a ``--help`` epilog."""
    lines = [f"  {int(code):>3}  {MEANINGS[code]}" for code in sorted(set(codes))]
    return "exit codes:\n" + "\n".join(lines)
