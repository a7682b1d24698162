"""Correct recipes the kit was not built beside: they must PASS everything they implement.

    pytest specs --impl-cmd "{python} tests/impls/unseen.py"

Each recipe meets docs/programs.md in its own way, where the contract
leaves room, the way an implementation written elsewhere would:

- socket-modes prints its first line after bind() and calls listen() 0.3 s later;
- echo-server's first line is ``Listening on port: N`` (no host), printed
  0.3 s before it calls listen(); it serves each client on a thread;
- sntp-time is the reference's, with its own timeout message:
  ``no response from HOST:PORT within T s``.

Every other recipe is the reference's.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

from _fake import dispatch, exit_on_stop_signals, parser, port, say

#: How long the servers wait between announcing themselves and listening.
LATE = 0.3


def socket_modes(args: list[str]) -> int:
    options = parser("socket-modes")
    options.add_argument("--port", type=port, default=0)
    opts = options.parse_args(args)
    exit_on_stop_signals()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", opts.port))
    say(f"Trivial Server launched on socket: {server.getsockname()}")
    time.sleep(LATE)
    server.listen(5)
    while True:
        time.sleep(3600)


def _echo(conn: socket.socket) -> None:
    with conn:
        try:
            while data := conn.recv(65536):
                conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def echo_server(args: list[str]) -> int:
    options = parser("echo-server")
    options.add_argument("--port", type=port, default=0)
    opts = options.parse_args(args)
    exit_on_stop_signals()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", opts.port))
    say(f"Listening on port: {server.getsockname()[1]}")
    time.sleep(LATE)
    server.listen(128)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_echo, args=(conn,), daemon=True).start()


def sntp_time(args: list[str]) -> int:
    """The reference's client, saying a timeout in other words (exit status and stream unchanged)."""
    done = subprocess.run([sys.executable, "-m", "sockspec_reference", "sntp-time", *args], capture_output=True)
    sys.stdout.buffer.write(done.stdout)
    sys.stdout.flush()
    err = done.stderr
    if done.returncode == 7:
        options = parser("sntp-time")
        options.add_argument("--server", default="127.0.0.1")
        options.add_argument("--port", type=int, default=123)
        options.add_argument("--timeout", type=float, default=5.0)
        opts, _ = options.parse_known_args(args)
        err = f"no response from {opts.server}:{opts.port} within {opts.timeout:g} s\n".encode()
    sys.stderr.buffer.write(err)
    return done.returncode


if __name__ == "__main__":
    dispatch({"socket-modes": socket_modes, "echo-server": echo_server, "sntp-time": sntp_time})
