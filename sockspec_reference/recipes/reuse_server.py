"""§9 reuse-server: SO_REUSEADDR shown off and on, then a one-client-at-a-time server.

With SO_REUSEADDR a restart binds the same port at once, even while earlier
connections sit in TIME_WAIT.  Each client is read until it closes (the
tutorial reads once, 1024 bytes), bounded by an idle timeout and a size cap
so one client cannot hold the server forever; what arrived is printed
decoded, with undecodable bytes replaced.  A client that resets is reported
on stderr and the server goes on.
"""

from __future__ import annotations

import argparse
import socket
from typing import NoReturn

from sockspec_reference._argtypes import encoding_name, port_number, positive_seconds
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._listen import server_socket, setup_errors
from sockspec_reference._program import Recipe, say, warn
from sockspec_reference._signals import stop_on_signals

BACKLOG = 5
READ_SIZE = 64 * 1024
#: Most bytes kept from one client; the rest of its data is not read.
MAX_MESSAGE = 1024 * 1024
DEFAULT_IDLE = 2.0


def read_message(conn: socket.socket, peer: str) -> bytes:
    """What the client sends until it closes, goes idle or reaches the cap."""
    data = bytearray()
    try:
        while len(data) < MAX_MESSAGE:
            chunk = conn.recv(min(READ_SIZE, MAX_MESSAGE - len(data)))
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass  # the client is idle but open: show what it sent so far
    except OSError as exc:
        warn(f"Error receiving data: {peer}: {exc}")
    return bytes(data)


def serve(server: socket.socket, encoding: str, idle: float) -> NoReturn:
    """Accept clients one after another, forever (until a stop signal)."""
    while True:
        try:
            conn, address = server.accept()
        except OSError as exc:
            warn(f"Error accepting a connection: {exc}")
            continue
        with conn:
            peer = f"{address[0]}:{address[1]}"
            say(f"Connected by {peer}")
            conn.settimeout(idle)
            message = read_message(conn, peer)
            say(f"Received from client: {message.decode(encoding, 'replace')}")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=port_number, required=True, help="port to listen on (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--encoding", type=encoding_name, default="utf-8", help="decoding of client data (default: utf-8)"
    )
    parser.add_argument(
        "--idle-timeout",
        type=positive_seconds,
        default=DEFAULT_IDLE,
        help=f"seconds a client may stay silent before its data is printed (default: {DEFAULT_IDLE:g})",
    )


def run(args: argparse.Namespace) -> ExitCode:
    stop_on_signals()
    server, address = server_socket(args.host, args.port, socket.SOCK_STREAM)
    with server:
        say(f"Old sock state: {server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)}")
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        say(f"New sock state: {server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)}")
        with setup_errors(args.host, args.port):
            server.bind(address)
            server.listen(BACKLOG)
        say(f"Listening on port: {server.getsockname()[1]}")
        serve(server, args.encoding, args.idle_timeout)


RECIPE = Recipe(
    name="reuse-server",
    summary="show SO_REUSEADDR before/after, then print what each client sends",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
