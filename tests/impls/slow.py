"""A slow server, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/slow.py"

echo-server echoes every byte right, but one byte every 100 ms (10 bytes/s),
a thread per client.  Whatever fits in the kit's waiting time comes back
whole; anything longer runs into the kit's deadline.  Every other recipe is
the reference's.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import NoReturn

from _fake import dispatch, echo_listener, exit_on_stop_signals, parser, port

#: Seconds between two bytes of the echo.
BYTE_GAP = 0.1


def _trickle(conn: socket.socket) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with conn:
        try:
            while data := conn.recv(65536):
                for n in range(len(data)):
                    time.sleep(BYTE_GAP)
                    conn.sendall(data[n : n + 1])
        except OSError:
            pass


def echo_server(argv: list[str]) -> NoReturn:
    p = parser("echo-server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=0)
    args, _ = p.parse_known_args(argv)
    exit_on_stop_signals()
    server = echo_listener(args.host, args.port, 128)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_trickle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    dispatch({"echo-server": echo_server})
