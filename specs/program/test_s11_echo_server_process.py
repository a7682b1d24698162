"""§11 echo-server as a process: how it ends on a stop signal, and that it can start again at once.

Strategy: each case starts a server of its own with ``--port 0`` (the kit
finds the port from the operating system, docs/programs.md).  The signal
cases send SIGTERM or SIGINT to a server that has echoed once and judge its
exit status and stderr.  The restart case holds a connection while the
server is stopped, so the server's side closes first and that connection
sits in TIME_WAIT on the server's port; a second server is then started on
that port at once.  The tutorial's echo server sets SO_REUSEADDR for just
that, to be run again whenever needed (its §11): without it, the second
bind fails while TIME_WAIT lasts.  With ``--target`` every case here is N/A:
they need the server's process.
"""

from __future__ import annotations

import signal
from contextlib import suppress

import pytest

from sockspec.checks import attach
from sockspec.procfs import TCP_TIME_WAIT, await_tcp_state
from specs.program._peers import ECHO_TIMEOUT, connect, exchange, expect_echo
from specs.program._servers import expect_stops_cleanly

PING = b"ping"


def _echo_once(port: int, what: str) -> None:
    __tracebackhide__ = True
    echoed = exchange(port, PING)
    attach(f"round trip, {what}", echoed.describe())
    expect_echo(f"echo on port {port}, {what}", echoed)


@pytest.mark.req("s11.echo_server.sigterm")
def test_sigterm(spawn_server):
    server = spawn_server("echo-server", "--port", "0")
    _echo_once(server.port, "before SIGTERM")
    expect_stops_cleanly("echo-server", server, signal.SIGTERM)


@pytest.mark.req("s11.echo_server.sigint")
def test_sigint(spawn_server):
    server = spawn_server("echo-server", "--port", "0")
    _echo_once(server.port, "before SIGINT")
    expect_stops_cleanly("echo-server", server, signal.SIGINT)


@pytest.mark.req("s11.echo_server.restart")
def test_restart_on_the_same_port(spawn_server, fact):
    first = spawn_server("echo-server", "--port", "0")
    port = first.port
    with connect(port, ECHO_TIMEOUT) as held:
        held.sendall(PING)
        with suppress(OSError):
            held.recv(len(PING))  # echoed: the server has accepted this connection
        first.stop()  # SIGTERM, then SIGKILL to its group: its side of the connection closes first
        attach("first echo-server, stopped while a client was connected", first.describe())
        with suppress(OSError):
            held.recv(1)  # the server's end of file; closing this side now puts the server's in TIME_WAIT
    fact("TIME_WAIT on the port before the restart", TCP_TIME_WAIT in (await_tcp_state(port, TCP_TIME_WAIT, 0.5) or []))
    second = spawn_server("echo-server", "--port", str(port))
    attach("second echo-server, on the first one's port", second.describe())
    _echo_once(port, "after the restart")
