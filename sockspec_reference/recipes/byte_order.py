"""§5 byte-order: an integer through ntohl/htonl and ntohs/htons.

On a little-endian host 1234 becomes 3523477504 (32-bit) and 53764 (16-bit);
on a big-endian host both conversions are the identity.  A value that does
not fit in 16 bits still gets its 32-bit line; the 16-bit line then says why
it was skipped, instead of the tutorial's OverflowError.
"""

from __future__ import annotations

import argparse
import socket

from sockspec_reference._argtypes import uint32
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Recipe, say

DEFAULT = 1234
UINT16_MAX = 0xFFFF


def long_line(value: int) -> str:
    return f"Original: {value} => Long host byte order: {socket.ntohl(value)}, Network byte order:{socket.htonl(value)}"


def short_line(value: int) -> str:
    if value > UINT16_MAX:
        return f"Original: {value} => Short byte order: skipped, {value} does not fit in 16 bits (0..{UINT16_MAX})"
    return (
        f"Original: {value} => Short host byte order: {socket.ntohs(value)}, Network byte order:{socket.htons(value)}"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("value", nargs="?", type=uint32, default=DEFAULT, help=f"0..{2**32 - 1} (default: {DEFAULT})")


def run(args: argparse.Namespace) -> ExitCode:
    say(long_line(args.value))
    say(short_line(args.value))
    return ExitCode.OK


RECIPE = Recipe(
    name="byte-order",
    summary="convert an integer between host and network byte order, 32 and 16 bits",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.USAGE),
)
