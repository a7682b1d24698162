"""§8 buffer-size: send/receive buffer sizes before and after setting them.

Linux doubles the value set (socket(7): the kernel reserves room for its own
bookkeeping), so 4096 usually reads back as 8192.
"""

from __future__ import annotations

import argparse
import socket

from sockspec_reference._argtypes import buffer_size
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Failure, Recipe, say

DEFAULT = 4096


def report(sock: socket.socket, when: str) -> None:
    say(f"send buffer size [{when}]:{sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)}")
    say(f"receive buffer size [{when}]:{sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--send", type=buffer_size, default=DEFAULT, help=f"SO_SNDBUF to set (default: {DEFAULT})")
    parser.add_argument("--recv", type=buffer_size, default=DEFAULT, help=f"SO_RCVBUF to set (default: {DEFAULT})")


def run(args: argparse.Namespace) -> ExitCode:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        report(sock, "Before")
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args.send)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.recv)
        except OSError as exc:
            raise Failure(f"Cannot set socket options: {exc}", ExitCode.FAILURE) from exc
        report(sock, "After")
    return ExitCode.OK


RECIPE = Recipe(
    name="buffer-size",
    summary="print SO_SNDBUF/SO_RCVBUF, set TCP_NODELAY and both sizes, print them again",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
