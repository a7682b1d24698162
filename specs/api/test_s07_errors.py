"""§7 errors: the exception classes that let a client say what went wrong."""

from __future__ import annotations

import errno
import socket as stdlib  # plumbing only: the peer and the oracle
import struct

import pytest

from sockspec import expect_equal, expect_raises
from sockspec.addresses import LOOPBACK


def _reset(peer: stdlib.socket) -> None:
    """Close ``peer`` with SO_LINGER 0, so the kernel sends RST instead of FIN."""
    peer.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_LINGER, struct.pack("ii", 1, 0))
    peer.close()


@pytest.mark.req("s07.error.hierarchy")
def test_error_hierarchy(api):
    expect_equal("socket.error is OSError", api.error is OSError, True)
    for name in ("gaierror", "herror", "timeout"):
        cls = getattr(api, name)
        expect_equal(f"issubclass({name}, OSError)", isinstance(cls, type) and issubclass(cls, OSError), True)


@pytest.mark.req("s07.connect.refused")
def test_connect_refused(api, sockets):
    with stdlib.socket() as holder:  # bound, never listening: connects to it are refused
        holder.bind((LOOPBACK, 0))
        port = holder.getsockname()[1]
        client = sockets.tcp()
        error = expect_raises(
            f"connect(('127.0.0.1', {port}))", [ConnectionRefusedError], client.connect, (LOOPBACK, port)
        )
    expect_equal("errno of the error", getattr(error, "errno", None), errno.ECONNREFUSED)


@pytest.mark.req("s07.connect.address-error")
def test_connect_unresolvable_name(sandboxed_api):
    client = sandboxed_api.socket(sandboxed_api.AF_INET, sandboxed_api.SOCK_STREAM)
    try:
        client.settimeout(0.5)
        expect_raises(
            "connect(('nosuchhost.invalid', 80))", [stdlib.gaierror], client.connect, ("nosuchhost.invalid", 80)
        )
    finally:
        client.close()


@pytest.mark.req("s07.sendall.returns-none")
def test_sendall_returns_none(sockets):
    client, peer = sockets.connected()
    expect_equal("sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')", client.sendall(b"GET / HTTP/1.0\r\n\r\n"), None)
    expect_equal("bytes at the peer", peer.recv(100), b"GET / HTTP/1.0\r\n\r\n")


@pytest.mark.req("s07.recv.orderly-close")
def test_recv_after_orderly_close(sockets):
    client, peer = sockets.connected()
    peer.sendall(b"bye")
    peer.close()
    expect_equal("first recv(2048)", client.recv(2048), b"bye")
    expect_equal("recv(2048) after the peer closed", client.recv(2048), b"")


@pytest.mark.req("s07.recv.reset")
def test_recv_after_reset(sockets):
    client, peer = sockets.connected()
    _reset(peer)
    expect_raises("recv(2048) after the peer reset", [ConnectionResetError], client.recv, 2048)


@pytest.mark.req("s07.send.after-reset")
def test_send_after_reset(sockets):
    client, peer = sockets.connected()
    _reset(peer)
    expect_raises("send(b'x') after the peer reset", [BrokenPipeError, ConnectionResetError], client.send, b"x")
