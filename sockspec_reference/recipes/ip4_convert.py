"""§3 ip4-convert: a host's IPv4 address as 4 packed bytes, in base 16 or base 2.

The tutorial prints Python's repr of the bytes (``b'97654cdf'`` from hexlify,
``b'\\x97eL\\xdf'`` for the packed address; its code names an undefined
variable on the base-2 path, its transcript shows the packed bytes).
``--plain`` prints the digits alone: ``97654cdf`` and 32 binary digits.
"""

from __future__ import annotations

import argparse
import socket
from binascii import hexlify

from sockspec_reference._argtypes import ip4_base
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Recipe, ask, say
from sockspec_reference._resolve import HOST_PROMPT, resolve_ipv4

BASE_PROMPT = "input base,2 or 16:"


def hex_line(packed: bytes, plain: bool) -> str:
    digits = packed.hex() if plain else str(hexlify(packed))
    return f"Hexadecimal IPv4 Address: {digits}"


def binary_line(packed: bytes, plain: bool) -> str:
    digits = format(int.from_bytes(packed, "big"), "032b") if plain else str(packed)
    return f"Binary IPv4 address: {digits}"


#: The line printed for each base.
LINES = {16: hex_line, 2: binary_line}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", nargs="?", help="host name or address (asked for if omitted on a terminal)")
    parser.add_argument("--base", type=ip4_base, help="2 or 16 (asked for if omitted on a terminal)")
    parser.add_argument("--plain", action="store_true", help="print bare digits instead of a Python bytes repr")


def run(args: argparse.Namespace) -> ExitCode:
    host = ask(args, "host", HOST_PROMPT, str)
    base = ask(args, "base", BASE_PROMPT, ip4_base)
    address = resolve_ipv4(host)
    say(f"IPv4 address of {host}: {address}")
    packed = socket.inet_aton(address)
    say(LINES[base](packed, args.plain))
    return ExitCode.OK


RECIPE = Recipe(
    name="ip4-convert",
    summary="print HOST's IPv4 address and its packed form in base 16 or 2; on failure 'HOST: reason' on stdout",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
