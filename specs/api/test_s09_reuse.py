"""§9 address reuse: SO_REUSEADDR and a server that restarts at once.

Strategy: the tutorial's restart, in one process.  An IUT server with
SO_REUSEADDR accepts a standard-library client and closes the connection
first, so TIME_WAIT stays on the server's side, on the listening port; the
client then closes too.  Where /proc/net/tcp exists the spec waits (briefly)
until it (or tcp6, where a dual-stack socket such as the JVM's keeps an IPv4
connection) shows that TIME_WAIT entry.  A second IUT server then binds the port.
"""

from __future__ import annotations

import errno
import socket as oracle  # the platform's option numbers; never the thing under test

import pytest

from sockspec import expect_equal, expect_that
from sockspec.addresses import LOOPBACK
from sockspec.procfs import TCP_TIME_WAIT, await_tcp_state


def _await_time_wait(port: int, fact) -> None:
    """Wait up to 0.5 s for a TIME_WAIT entry on ``port`` where the kernel shows its table."""
    states = await_tcp_state(port, TCP_TIME_WAIT, 0.5)
    if states is None:
        fact("TIME_WAIT on the port", "not observable on this platform")
        return
    expect_that(
        f"states in /proc/net/tcp and tcp6 on port {port} after the server closed first",
        TCP_TIME_WAIT in states,
        expected=f"a TIME_WAIT entry ({TCP_TIME_WAIT})",
        actual=states,
    )


def _port_in_time_wait(api, sockets, fact) -> int:
    """Run the server once with SO_REUSEADDR; its port then holds a connection in TIME_WAIT."""
    server = sockets.listener(reuse=True)
    port = server.getsockname()[1]
    client = sockets.peer_client(port)
    conn, _ = sockets.accept(server)
    conn.close()  # the server side closes first, so TIME_WAIT lands on its port
    client.recv(1)  # wait for the server's FIN (b'')
    client.close()
    server.close()
    _await_time_wait(port, fact)
    return port


def _bind(sock, port: int) -> str:
    """Bind ``sock`` to 127.0.0.1:``port``; 'bound', or what went wrong."""
    try:
        sock.bind((LOOPBACK, port))
    except OSError as exc:
        name = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else "no errno"
        return f"{type(exc).__name__} {name}"
    return "bound"


@pytest.mark.req("s09.reuseaddr.default")
def test_reuseaddr_off_by_default(api, sockets):
    sock = sockets.tcp()
    expect_equal("SO_REUSEADDR of a new TCP socket", sock.getsockopt(api.SOL_SOCKET, api.SO_REUSEADDR), 0)


@pytest.mark.req("s09.reuseaddr.constant")
def test_reuseaddr_is_the_platforms_option(api):
    expect_equal("SOL_SOCKET", api.SOL_SOCKET, oracle.SOL_SOCKET)
    expect_equal("SO_REUSEADDR", api.SO_REUSEADDR, oracle.SO_REUSEADDR)


@pytest.mark.req("s09.reuseaddr.set")
def test_reuseaddr_set_and_clear(api, sockets):
    sock = sockets.tcp()
    sock.setsockopt(api.SOL_SOCKET, api.SO_REUSEADDR, 1)
    on = sock.getsockopt(api.SOL_SOCKET, api.SO_REUSEADDR)
    expect_that("SO_REUSEADDR after setting 1", type(on) is int and on != 0, expected="a non-zero int", actual=on)
    sock.setsockopt(api.SOL_SOCKET, api.SO_REUSEADDR, 0)
    expect_equal("SO_REUSEADDR after setting 0", sock.getsockopt(api.SOL_SOCKET, api.SO_REUSEADDR), 0)


@pytest.mark.req("s09.reuseaddr.rebind")
def test_restart_on_port_in_time_wait(api, sockets, fact):
    port = _port_in_time_wait(api, sockets, fact)
    server = sockets.tcp()
    server.setsockopt(api.SOL_SOCKET, api.SO_REUSEADDR, 1)
    expect_equal(f"bind(('127.0.0.1', {port})) with SO_REUSEADDR", _bind(server, port), "bound")
    server.listen(1)
    client = sockets.peer_client(port)
    _conn, address = sockets.accept(server)
    expect_equal("accept() on the restarted server: client address", address, client.getsockname())


@pytest.mark.req("s09.reuseaddr.without")
def test_restart_without_reuseaddr(api, sockets, fact):
    port = _port_in_time_wait(api, sockets, fact)
    outcome = _bind(sockets.tcp(), port)
    fact("bind to a port in TIME_WAIT without SO_REUSEADDR", outcome)
