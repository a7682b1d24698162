"""§2 remote-ip: the IPv4 address of a named host."""

from __future__ import annotations

import argparse

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Recipe, ask, say
from sockspec_reference._resolve import HOST_PROMPT, resolve_ipv4


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", nargs="?", help="host name to resolve (asked for if omitted on a terminal)")


def run(args: argparse.Namespace) -> ExitCode:
    host = ask(args, "host", HOST_PROMPT, str)
    say(f"IP address of {host}: {resolve_ipv4(host)}")
    return ExitCode.OK


RECIPE = Recipe(
    name="remote-ip",
    summary="print the IPv4 address of HOST; on failure print 'HOST: reason' on stdout",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
