"""Baseline echo servers in Python, each the plain idiom of its event loop.

    python -m sockspec.bench._pyecho asyncio|uvloop|selectors [--host 127.0.0.1]

Each prints ``KIND echo listening on HOST:PORT`` (port 0 picks one), echoes
every byte of every connection until SIGINT or SIGTERM, and sets TCP_NODELAY
on accepted sockets.  They are deliberately stock, with no tuning beyond a
1024 backlog, so that they stand for "what the idiom gives you":

- ``asyncio``: an ``asyncio.Protocol`` whose ``data_received`` writes the data
  back, with pause/resume reading on the transport's flow control;
- ``uvloop``: the same protocol on uvloop's event loop (when importable);
- ``selectors``: a ``selectors.DefaultSelector`` loop with non-blocking
  sockets and 256 KiB reads.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import selectors
import signal
import socket
import sys
from typing import cast

BACKLOG = 1024
READ_SIZE = 256 * 1024


class _Echo(asyncio.Protocol):
    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)

    def pause_writing(self) -> None:
        self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.transport.resume_reading()


async def _serve_asyncio(host: str, label: str) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = await loop.create_server(_Echo, host, 0, backlog=BACKLOG, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    print(f"{label} echo listening on {host}:{port}", flush=True)
    await stop.wait()
    server.close()


class _Stop(BaseException):
    pass


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop


def _serve_selectors(host: str) -> None:
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    listener = socket.create_server((host, 0), backlog=BACKLOG, reuse_port=False)
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    pending: dict[socket.socket, memoryview] = {}
    buffer = bytearray(READ_SIZE)
    print(f"selectors echo listening on {host}:{listener.getsockname()[1]}", flush=True)

    def close(conn: socket.socket) -> None:
        sel.unregister(conn)
        pending.pop(conn, None)
        conn.close()

    with contextlib.suppress(_Stop):
        while True:
            for key, _ in sel.select():
                if key.data is None:
                    with contextlib.suppress(BlockingIOError):
                        while True:
                            conn, _ = listener.accept()
                            conn.setblocking(False)
                            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                            sel.register(conn, selectors.EVENT_READ, "conn")
                    continue
                conn = cast(socket.socket, key.fileobj)
                try:
                    rest = pending.get(conn)
                    if rest is not None:
                        rest = rest[conn.send(rest) :]
                        if rest:
                            pending[conn] = rest
                            continue
                        del pending[conn]
                        sel.modify(conn, selectors.EVENT_READ, "conn")
                        continue
                    count = conn.recv_into(buffer)
                    if not count:
                        close(conn)
                        continue
                    sent = conn.send(memoryview(buffer)[:count])
                    if sent < count:
                        pending[conn] = memoryview(bytes(buffer[sent:count]))
                        sel.modify(conn, selectors.EVENT_WRITE, "conn")
                except BlockingIOError:
                    continue
                except OSError:
                    close(conn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sockspec.bench._pyecho")
    parser.add_argument("kind", choices=("asyncio", "uvloop", "selectors"))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    if args.kind == "selectors":
        _serve_selectors(args.host)
    elif args.kind == "uvloop":
        import uvloop

        uvloop.run(_serve_asyncio(args.host, "uvloop"))
    else:
        asyncio.run(_serve_asyncio(args.host, "asyncio"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
