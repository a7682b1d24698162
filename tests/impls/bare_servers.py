"""Servers without the tutorial's care for restarts and stops, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/bare_servers.py"

- echo-server echoes each client on a thread of its own, correctly, but its
  listening socket lacks SO_REUSEADDR: started again while a connection of
  the last run sits in TIME_WAIT on its port, it cannot bind.
- echo-server and sntp-server install no handler for SIGTERM or SIGINT:
  SIGTERM kills them (no exit status), and so does Ctrl-C, after a
  ``KeyboardInterrupt`` traceback.
- sntp-server binds, announces its port and reads datagrams without
  answering: only how it ends is judged of it here.

Every other recipe is the reference's.
"""

from __future__ import annotations

import socket
import threading
from typing import NoReturn

from _fake import dispatch, say, server_address


def _echo(conn: socket.socket) -> None:
    with conn:
        try:
            while data := conn.recv(65536):
                conn.sendall(data)
        except OSError:
            pass


def echo_server(argv: list[str]) -> NoReturn:
    host, number = server_address("echo-server", argv)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((host, number))
    server.listen(128)
    say("Echo server listening on {}:{}".format(*server.getsockname()))
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_echo, args=(conn,), daemon=True).start()


def sntp_server(argv: list[str]) -> NoReturn:
    host, number = server_address("sntp-server", argv)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((host, number))
    say("SNTP server listening on {}:{}".format(*server.getsockname()))
    while True:
        server.recvfrom(2048)


if __name__ == "__main__":
    dispatch({"echo-server": echo_server, "sntp-server": sntp_server})
