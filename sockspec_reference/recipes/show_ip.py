"""§1 show-ip: this machine's host name and the IPv4 address it resolves to."""

from __future__ import annotations

import argparse
import socket

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Failure, Recipe, say


def configure(parser: argparse.ArgumentParser) -> None:
    """No arguments: the tutorial's program asks nothing."""


def run(args: argparse.Namespace) -> ExitCode:
    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except (OSError, UnicodeError) as exc:
        raise Failure(f"Cannot resolve this host's name {name!r}: {exc}", ExitCode.FAILURE) from exc
    say(f"Host name: {name}")
    say(f"IP address: {address}")
    return ExitCode.OK


RECIPE = Recipe(
    name="show-ip",
    summary="print this machine's host name and IPv4 address",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE),
)
