"""The kit's echo server (sockspec.servers.echo): echoes, answers a half-close, and stops at once."""

from __future__ import annotations

import socket
import time

from sockspec.servers.echo import EchoServer


def test_echo_then_end_of_file_after_half_close():
    data = bytes(range(256)) * 1000
    with EchoServer(timeout=5.0) as server, socket.create_connection(server.address, timeout=5.0) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        got = bytearray()
        while chunk := sock.recv(65536):
            got += chunk
    assert bytes(got) == data


def test_stop_returns_with_an_idle_client_connected():
    server = EchoServer(timeout=30.0).start()
    with socket.create_connection(server.address, timeout=5.0) as sock:
        sock.sendall(b"x")
        assert sock.recv(1) == b"x"
        start = time.monotonic()
        server.stop()
        assert time.monotonic() - start < 2.0
        assert sock.recv(1) == b""  # the server's side was closed
    server.stop()  # idempotent
