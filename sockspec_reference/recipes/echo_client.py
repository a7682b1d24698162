"""§11 echo-client: send a message, wait for exactly as many bytes back, print the text.

The tutorial's client counts characters instead of bytes (a GBK message of 13
characters is 26 bytes) and loops forever if the server closes early.  This
one counts bytes, and an early close is an error with exit code 6.
"""

from __future__ import annotations

import argparse
import socket

from sockspec_reference._argtypes import add_timeout_option, port_number
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._peer import CLIENT_EXIT_CODES, Peer, Step
from sockspec_reference._program import Failure, Recipe, say

READ_SIZE = 64 * 1024
DEFAULT_TIMEOUT = 2.0


def receive_exactly(sock: socket.socket, size: int, peer: Peer) -> bytes:
    """Read until ``size`` bytes have arrived; the server closing first is a failure."""
    reply = bytearray()
    while len(reply) < size:
        with peer.step(Step.RECEIVE):
            chunk = sock.recv(min(READ_SIZE, size - len(reply)))
        if not chunk:
            raise Failure(
                f"Connection closed by server after {len(reply)} of {size} bytes from {peer}",
                ExitCode.RECEIVE,
            )
        reply += chunk
    return bytes(reply)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=port_number, required=True, help="server port")
    parser.add_argument("--host", default="127.0.0.1", help="server host (default: 127.0.0.1)")
    parser.add_argument("--message", required=True, help="text to send")
    parser.add_argument(
        "--encoding", choices=("utf-8", "gbk"), default="utf-8", help="text encoding on the wire (default: utf-8)"
    )
    add_timeout_option(parser, DEFAULT_TIMEOUT)


def run(args: argparse.Namespace) -> ExitCode:
    try:
        payload = args.message.encode(args.encoding)
    except UnicodeEncodeError as exc:
        args.parser.error(f"--message cannot be encoded as {args.encoding}: {exc.reason}")
    peer = Peer(args.host, args.port, args.timeout)
    say(f"Connecting to {peer.host} port {peer.port}")
    with peer.step(Step.CONNECT):
        sock = socket.create_connection((peer.host, peer.port), timeout=peer.timeout)
    with sock:
        say(f"Sending: {args.message}")
        with peer.step(Step.SEND):
            sock.sendall(payload)
        reply = receive_exactly(sock, len(payload), peer)
    say(f"Received: {reply.decode(args.encoding, 'replace')}")
    return ExitCode.OK


RECIPE = Recipe(
    name="echo-client",
    summary="send --message to an echo server and print what comes back",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=CLIENT_EXIT_CODES,
)
