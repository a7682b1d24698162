"""§6 socket-modes: a trivial listening server that waits without using the CPU.

The tutorial calls ``listen`` in an endless loop (one CPU spinning) and dies
with a traceback on Ctrl-C; this one sleeps in ``signal.pause`` and exits 0
on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import socket

from sockspec_reference._argtypes import port_number
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._listen import server_socket, setup_errors
from sockspec_reference._program import Recipe, say
from sockspec_reference._signals import stop_on_signals, wait_for_stop


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=0, help="port to bind (default: 0, any free)")


def run(args: argparse.Namespace) -> ExitCode:
    stop_on_signals()
    sock, address = server_socket(args.host, args.port, socket.SOCK_STREAM)
    with sock:
        with setup_errors(args.host, args.port):
            sock.bind(address)
            sock.listen(1)
        say(f"Trivial Server launched on socket: {sock.getsockname()}")
        wait_for_stop()


RECIPE = Recipe(
    name="socket-modes",
    summary="bind and listen, print the bound address, wait until SIGINT/SIGTERM",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
