"""A non-blocking echo loop whose one bug is what it does when ``send()`` falls short.

Every connection is read into one shared buffer and echoed from it at once,
as a fast single-threaded server does.  When the socket takes only part of
a reply, the fake's ``keep_rest`` says what is kept of the unsent rest;
while a rest is kept, nothing more is read from that connection.  Everything
else (accepting, end of file, resets) is done right, so a spec run fails
only where a client makes ``send()`` fall short.  With ``blocking`` the
connections are left blocking (the ``setblocking(False)`` forgotten): then
``send()`` never falls short, it waits, and the whole loop with it.
"""

from __future__ import annotations

import selectors
import socket
from collections.abc import Callable
from typing import NoReturn

from _fake import echo_listener, exit_on_stop_signals, parser, port

#: Bytes read at once into the shared buffer.
READ_SIZE = 64 * 1024

#: (shared buffer, bytes sent, bytes read) -> the rest to send later, or None to send nothing more.
KeepRest = Callable[[memoryview, int, int], memoryview | None]


def _drop(selector: selectors.BaseSelector, rests: dict[socket.socket, memoryview], sock: socket.socket) -> None:
    selector.unregister(sock)
    rests.pop(sock, None)
    sock.close()


def _flush(selector: selectors.BaseSelector, rests: dict[socket.socket, memoryview], sock: socket.socket) -> None:
    rest = rests[sock]
    try:
        sent = sock.send(rest)
    except BlockingIOError:
        return
    except OSError:
        _drop(selector, rests, sock)
        return
    if sent < len(rest):
        rests[sock] = rest[sent:]
    else:
        del rests[sock]
        selector.modify(sock, selectors.EVENT_READ)


def serve(listener: socket.socket, keep_rest: KeepRest, blocking: bool = False) -> NoReturn:
    buffer = bytearray(READ_SIZE)
    view = memoryview(buffer)
    rests: dict[socket.socket, memoryview] = {}
    selector = selectors.DefaultSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            if sock is listener:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                conn.setblocking(blocking)
                selector.register(conn, selectors.EVENT_READ)
                continue
            if sock in rests:
                _flush(selector, rests, sock)
                continue
            try:
                count = sock.recv_into(buffer)
            except BlockingIOError:
                continue
            except OSError:
                _drop(selector, rests, sock)
                continue
            if not count:
                _drop(selector, rests, sock)
                continue
            try:
                sent = sock.send(view[:count])
            except BlockingIOError:
                sent = 0
            except OSError:
                _drop(selector, rests, sock)
                continue
            if sent < count and (rest := keep_rest(view, sent, count)) is not None:
                rests[sock] = rest
                selector.modify(sock, selectors.EVENT_WRITE)


def echo_server(argv: list[str], keep_rest: KeepRest, blocking: bool = False) -> NoReturn:
    p = parser("echo-server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=0)
    args, _ = p.parse_known_args(argv)
    exit_on_stop_signals()
    serve(echo_listener(args.host, args.port, 128), keep_rest, blocking)
