"""Programs that hang, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/hang.py" --io-timeout 1

- echo-server and sntp-server announce their port, then read and never
  answer; each also forks a helper process that holds the server's socket,
  so only killing the whole process group frees the port;
- echo-client, sntp-time and http-get send their request, then never exit.

Every hanging program ignores SIGINT and SIGTERM: only SIGKILL ends it, the
kit's last resort.  Every other recipe is the reference's.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from typing import NoReturn

from _fake import dispatch, say

LOOPBACK = "127.0.0.1"


def forever() -> NoReturn:
    """Wait without end, deaf to SIGINT and SIGTERM."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    while True:
        signal.pause()


def _option(argv: list[str], name: str, default: str) -> str:
    """The value after ``name`` in ``argv`` (a hang needs no argument checking)."""
    return argv[argv.index(name) + 1] if name in argv[:-1] else default


def _fork_holder() -> None:
    """A child process that keeps the parent's sockets open and waits forever."""
    if os.fork() == 0:
        forever()


def _swallow(conn: socket.socket) -> None:
    with conn:
        while conn.recv(65536):
            pass


def echo_server(argv: list[str]) -> NoReturn:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((LOOPBACK, int(_option(argv, "--port", "0"))))
    server.listen(64)
    _fork_holder()
    say("Echo server listening on {}:{}".format(*server.getsockname()))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    while True:  # accept and read everything, answer nothing
        conn, _ = server.accept()
        threading.Thread(target=_swallow, args=(conn,), daemon=True).start()


def sntp_server(argv: list[str]) -> NoReturn:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((LOOPBACK, int(_option(argv, "--port", "0"))))
    _fork_holder()
    say("SNTP server listening on {}:{}".format(*server.getsockname()))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    while True:  # read every datagram, answer none
        server.recvfrom(2048)


def _client(host: str, port: str, kind: socket.SocketKind, request: bytes) -> NoReturn:
    """Send ``request`` if the server can be reached at all, then never exit."""
    sock = socket.socket(socket.AF_INET, kind)
    try:
        sock.connect((socket.gethostbyname(host), int(port)))
        sock.send(request)
    except (OSError, ValueError):
        pass
    forever()


def echo_client(argv: list[str]) -> NoReturn:
    message = _option(argv, "--message", "").encode("utf-8")
    _client(_option(argv, "--host", LOOPBACK), _option(argv, "--port", "7"), socket.SOCK_STREAM, message)


def sntp_time(argv: list[str]) -> NoReturn:
    request = bytes([0x1B]) + bytes(47)
    _client(_option(argv, "--server", LOOPBACK), _option(argv, "--port", "123"), socket.SOCK_DGRAM, request)


def http_get(argv: list[str]) -> NoReturn:
    request = f"GET {_option(argv, '--file', '/')} HTTP/1.0\r\n\r\n".encode()
    _client(_option(argv, "--host", LOOPBACK), _option(argv, "--port", "80"), socket.SOCK_STREAM, request)


if __name__ == "__main__":
    dispatch(
        {
            "echo-server": echo_server,
            "sntp-server": sntp_server,
            "echo-client": echo_client,
            "sntp-time": sntp_time,
            "http-get": http_get,
        }
    )
