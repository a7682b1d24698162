"""§7 http-get: the tutorial's socket_errors client, one message and exit code per failing step.

It sends exactly ``GET F HTTP/1.0\\r\\n\\r\\n`` and copies the response bytes to
stdout until the server closes.  Unlike the tutorial it never decodes: a
chunk boundary inside a UTF-8 character, or a binary body, passes through
unchanged.  The timeout applies to each socket operation (connect, each send,
each receive), not to the whole exchange.
"""

from __future__ import annotations

import argparse
import socket
import sys

from sockspec_reference._argtypes import add_timeout_option, port_number
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._peer import CLIENT_EXIT_CODES, Peer, Step
from sockspec_reference._program import Recipe

READ_SIZE = 64 * 1024
DEFAULT_TIMEOUT = 5.0


def request_line(path: str) -> bytes:
    """The request bytes; a path from argv that is not valid UTF-8 is sent as it was given."""
    return f"GET {path} HTTP/1.0\r\n\r\n".encode("utf-8", "surrogateescape")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", required=True, help="server host name or address")
    parser.add_argument("--port", type=port_number, required=True, help="server port")
    parser.add_argument("--file", required=True, help="path to request, sent as is")
    add_timeout_option(parser, DEFAULT_TIMEOUT)


def run(args: argparse.Namespace) -> ExitCode:
    peer = Peer(args.host, args.port, args.timeout)
    out = sys.stdout.buffer
    with peer.step(Step.CONNECT):
        sock = socket.create_connection((peer.host, peer.port), timeout=peer.timeout)
    with sock:
        with peer.step(Step.SEND):
            sock.sendall(request_line(args.file))
        while True:
            with peer.step(Step.RECEIVE):
                chunk = sock.recv(READ_SIZE)
            if not chunk:
                return ExitCode.OK
            out.write(chunk)
            out.flush()


RECIPE = Recipe(
    name="http-get",
    summary="send 'GET FILE HTTP/1.0' to HOST:PORT and copy the response to stdout",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=CLIENT_EXIT_CODES,
)
