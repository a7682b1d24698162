"""§11 echo-server: every byte of every connection echoed back, many clients at once.

The tutorial's server reads once (2048 bytes), answers and hangs up.  This one:

- echoes until the client closes, then closes its side once everything owed
  has been written, so a client that half-closes (``shutdown(SHUT_WR)``)
  still gets all of its data back;
- applies backpressure: when a client does not read, its replies pile up in
  the transport until ``pause_writing``, which stops reading from that
  client, so a 256 MiB stream is never held in memory;
- drops a connection from which nothing was read for ``--idle-timeout``
  seconds (idle, or stuck because it never reads its echo);
- survives resets (asyncio closes that transport and nothing else).

Speed, as measured for this project: an asyncio ``BufferedProtocol`` reading
256 KiB at a time into one reused block, TCP_NODELAY on every accepted
socket, a 1024 backlog, and one large block allocated and freed at start so
glibc stops serving big buffers with mmap.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
from typing import cast

from reference._argtypes import port_number, seconds
from reference._exitcodes import ExitCode
from reference._listen import server_socket, setup_errors
from reference._program import Recipe, say
from reference._signals import STOP_SIGNALS

READ_SIZE = 256 * 1024
BACKLOG = 1024
DEFAULT_IDLE = 300.0
#: Freeing one mmap-served block makes glibc raise its mmap threshold to its size.
MALLOC_WARM_UP = 1024 * 1024


class ReadBuffer:
    """The receive block that every connection reads into, replaced when a transport keeps it.

    Protocol callbacks run one at a time, so connections can share a block.
    When a write cannot be sent at once the transport may keep a view of the
    bytes rather than a copy (it does since Python 3.12), so the block is
    left to the transport and a fresh one takes its place.
    """

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        """Read into a fresh block from now on; the old one now belongs to a transport."""
        self.view = memoryview(bytearray(READ_SIZE))


class Echo(asyncio.BufferedProtocol):
    """One connection: write back whatever arrives, in order."""

    transport: asyncio.Transport

    def __init__(self, buffer: ReadBuffer, idle: float) -> None:
        self.buffer = buffer
        self.idle = idle
        self.loop = asyncio.get_running_loop()
        self.last_read = self.loop.time()
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # create_server gives stream transports
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.idle:
            self.timer = self.loop.call_later(self.idle, self.check_idle)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self.buffer.view

    def buffer_updated(self, nbytes: int) -> None:
        self.last_read = self.loop.time()
        self.transport.write(self.buffer.view[:nbytes])
        if self.transport.get_write_buffer_size():
            self.buffer.renew()

    def eof_received(self) -> bool:
        return False  # the transport closes once what we owe has been written

    def pause_writing(self) -> None:
        self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()

    def check_idle(self) -> None:
        quiet = self.loop.time() - self.last_read
        if quiet >= self.idle:
            self.transport.abort()
        else:
            self.timer = self.loop.call_later(self.idle - quiet, self.check_idle)


async def serve(sock: socket.socket, idle: float) -> None:
    """Echo on the listening ``sock`` until SIGINT or SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    buffer = ReadBuffer()
    server = await loop.create_server(lambda: Echo(buffer, idle), sock=sock, backlog=BACKLOG)
    host, port = sock.getsockname()[:2]
    say(f"Echo server listening on {host}:{port}")
    await stop.wait()
    server.close()


def raise_mmap_threshold() -> None:
    """Allocate and free one large block (see the module docstring)."""
    block = bytearray(MALLOC_WARM_UP)
    del block


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=0, help="port to bind (default: 0, any free)")
    parser.add_argument(
        "--idle-timeout",
        type=seconds,
        default=DEFAULT_IDLE,
        help=f"close a connection silent this many seconds; 0: never (default: {DEFAULT_IDLE:g})",
    )


def run(args: argparse.Namespace) -> ExitCode:
    raise_mmap_threshold()
    sock, address = server_socket(args.host, args.port, socket.SOCK_STREAM)
    with sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with setup_errors(args.host, args.port):
            sock.bind(address)
            sock.listen(BACKLOG)
        asyncio.run(serve(sock, args.idle_timeout))
    return ExitCode.OK


RECIPE = Recipe(
    name="echo-server",
    summary="echo every byte of every TCP connection until the client closes",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)
