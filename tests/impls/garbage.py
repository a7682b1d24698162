"""Servers that answer with the wrong bytes, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/garbage.py"

- echo-server answers every chunk with as many bytes, each XORed with 0x20
  (so ``a`` comes back as ``A``): the right length, the wrong bytes;
- sntp-server answers every datagram, valid or not, with a malformed
  68-byte reply: leap 3, version 7, mode 3 (client), stratum 0, no
  originate and no timestamps, a 20-byte tail of 0x5a.

Both serve many clients, stop on SIGINT or SIGTERM with status 0 and are
otherwise well behaved; every other recipe is the reference's.
"""

from __future__ import annotations

import socket
import threading
from typing import NoReturn

from _fake import dispatch, echo_listener, exit_on_stop_signals, say, server_address

#: leap 3, version 7, mode 3; stratum 0; every other header field zero; then a tail.
SNTP_REPLY = bytes([3 << 6 | 7 << 3 | 3, 0]) + bytes(46) + b"\x5a" * 20


def _flip(conn: socket.socket) -> None:
    with conn:
        try:
            while data := conn.recv(65536):
                conn.sendall(bytes(byte ^ 0x20 for byte in data))
        except OSError:
            pass


def echo_server(argv: list[str]) -> NoReturn:
    host, number = server_address("echo-server", argv)
    exit_on_stop_signals()
    server = echo_listener(host, number, 128)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_flip, args=(conn,), daemon=True).start()


def sntp_server(argv: list[str]) -> NoReturn:
    host, number = server_address("sntp-server", argv)
    exit_on_stop_signals()
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((host, number))
    say("SNTP server listening on {}:{}".format(*server.getsockname()))
    while True:
        _, client = server.recvfrom(2048)
        server.sendto(SNTP_REPLY, client)


if __name__ == "__main__":
    dispatch({"echo-server": echo_server, "sntp-server": sntp_server})
