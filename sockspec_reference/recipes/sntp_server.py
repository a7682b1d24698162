"""§10 sntp-server: a local SNTP server for the kit's fixtures, with a clock offset and faults.

It answers only valid client requests (``sockspec_reference.sntp.decode_request``),
each with at most 48 bytes, so never more than it received.  Each
``--fault`` breaks one rule a client must check; ``silent`` never answers
and ``delay`` answers after ``--delay`` seconds (replies are then served one
at a time).

Speed, as measured with ``python -m sockspec bench --sntp`` (see
docs/benchmarks.md): a blocking ``recvfrom_into``/``sendto`` loop on one
reused datagram-sized buffer (stock asyncio reads each datagram into a fresh
256 KiB buffer, which glibc serves with an mmap per packet), and, without a
fault, the reply written in place by ``_sntp_fast.ReplyBuffer``, which
follows the codec's rules byte for byte without building a ``Packet`` per
request.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import time
from typing import NoReturn

from sockspec_reference._argtypes import finite_seconds, int_in_range, port_number, seconds
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._listen import server_socket, setup_errors
from sockspec_reference._program import Recipe, say
from sockspec_reference._signals import stop_on_signals
from sockspec_reference.recipes._sntp_fast import ReplyBuffer
from sockspec_reference.sntp import Fault, decode_request, encode_reply

#: Faults about timing rather than bytes, handled by the loop, not the codec.
SILENT = "silent"
DELAY = "delay"
FAULTS = (*(fault.value for fault in Fault), SILENT, DELAY)
#: A datagram-sized buffer: glibc serves a 256 KiB one with an mmap per packet.
RECV_SIZE = 2048
DEFAULT_DELAY = 1.0


def serve_fast(sock: socket.socket, *, offset: float, stratum: int) -> NoReturn:
    """Answer requests forever (until a stop signal) with fault-free replies."""
    request = bytearray(RECV_SIZE)
    replies = ReplyBuffer(stratum)
    reply, answer = replies.reply, replies.answer
    recvfrom_into, sendto, now = sock.recvfrom_into, sock.sendto, time.time_ns
    offset_ns = round(offset * 1e9)
    while True:
        size, client = recvfrom_into(request)
        received = now() + offset_ns
        if answer(request, size, received, now() + offset_ns):
            with contextlib.suppress(OSError):  # one unreachable client must not stop the server
                sendto(reply, client)


def serve(sock: socket.socket, *, offset: float, stratum: int, fault: str, delay: float) -> NoReturn:
    """Answer requests forever (until a stop signal), with this clock offset and fault."""
    if fault == Fault.NONE.value:
        serve_fast(sock, offset=offset, stratum=stratum)
    spoil = Fault(fault) if fault not in (SILENT, DELAY) else Fault.NONE
    while True:
        data, client = sock.recvfrom(RECV_SIZE)
        received = time.time() + offset
        request = decode_request(data)
        if request is None or fault == SILENT:
            continue
        if fault == DELAY:
            time.sleep(delay)
        reply = encode_reply(request, received, time.time() + offset, stratum=stratum, fault=spoil)
        with contextlib.suppress(OSError):  # one unreachable client must not stop the server
            sock.sendto(reply, client)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=0, help="port to bind (default: 0, any free)")
    parser.add_argument(
        "--offset", type=finite_seconds, default=0.0, help="seconds added to this machine's clock (default: 0)"
    )
    parser.add_argument("--fault", choices=FAULTS, default=Fault.NONE.value, help="how to misbehave (default: none)")
    parser.add_argument(
        "--delay",
        type=seconds,
        default=DEFAULT_DELAY,
        help=f"seconds to wait before each reply with --fault delay (default: {DEFAULT_DELAY:g})",
    )
    parser.add_argument(
        "--stratum", type=int_in_range(1, 15, "stratum"), default=1, help="stratum to announce (default: 1)"
    )


def run(args: argparse.Namespace) -> ExitCode:
    stop_on_signals()
    sock, address = server_socket(args.host, args.port, socket.SOCK_DGRAM)
    with sock:
        with setup_errors(args.host, args.port):
            sock.bind(address)
        host, port = sock.getsockname()[:2]
        say(f"SNTP server listening on {host}:{port}")
        serve(sock, offset=args.offset, stratum=args.stratum, fault=args.fault, delay=args.delay)


RECIPE = Recipe(
    name="sntp-server",
    summary="serve SNTP on UDP with a clock offset and optional faults (for tests)",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
