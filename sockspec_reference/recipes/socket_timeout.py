"""§6 socket-timeout: a new socket's default timeout and blocking flag, then a set timeout."""

from __future__ import annotations

import argparse
import socket

from sockspec_reference._argtypes import seconds
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Recipe, say

DEFAULT = 100.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=seconds, default=DEFAULT, help=f"seconds, >= 0 (default: {DEFAULT:g})")


def run(args: argparse.Namespace) -> ExitCode:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        say(f"Default socket timeout: {sock.gettimeout()}")
        say(str(sock.getblocking()))
        sock.settimeout(args.timeout)
        say(f"Current socket timeout: {sock.gettimeout()}")
    return ExitCode.OK


RECIPE = Recipe(
    name="socket-timeout",
    summary="show a socket's default timeout and blocking flag, then set a timeout",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.USAGE),
)
