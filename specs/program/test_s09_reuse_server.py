"""§9 reuse-server: SO_REUSEADDR off then on, clients one after another, restart at once.

Strategy: one server, started once for the module on a free port, shows its
first lines and serves the clients of the read-only cases; each case reads
only the output that follows its own connection.  The restart case first
leaves a connection in TIME_WAIT on a port itself (the kit's side closes
first), starts the server there, then stops it while a client is connected,
so the server's own side closes first, and starts it again at once.  The
expected option states come from a standard-library socket (the oracle).
"""

from __future__ import annotations

import signal
import socket as stdlib  # oracle and peer; never the thing under test
from collections.abc import Iterator
from contextlib import suppress

import pytest

from sockspec import expect_equal, expect_that, params
from sockspec.addresses import LOOPBACK
from sockspec.procfs import TCP_TIME_WAIT, await_tcp_state
from specs.program._checks import accepted_lines, expect_lines, expect_usage_error
from specs.program._peers import connect, free_port
from specs.program._scenarios import run_once
from specs.program._servers import SERVER_WAIT, Started, attach_server, expect_stops_cleanly

LINE_WAIT = 3.0  # seconds for the server to print a client's lines, on a loaded machine


def _time_wait_seen(port: int, wait: float = 0.5) -> bool:
    return TCP_TIME_WAIT in (await_tcp_state(port, TCP_TIME_WAIT, wait) or [])


def _option_states() -> dict[str, int]:
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        old = sock.getsockopt(stdlib.SOL_SOCKET, stdlib.SO_REUSEADDR)
        sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_REUSEADDR, 1)
        return {"old": old, "new": sock.getsockopt(stdlib.SOL_SOCKET, stdlib.SO_REUSEADDR)}


def _next_lines(server: Started, start: int, count: int) -> list[str]:
    """The first ``count`` complete lines the server printed after byte ``start`` (fewer if it prints no more)."""
    server.wait_for(rb"^(?:[^\n]*\n){%d}" % count, LINE_WAIT, start)
    text = server.stdout[start:].decode("utf-8", "replace")
    return [line.rstrip() for line in text.split("\n")[:-1]][:count]


def _serve_one(server: Started, port: int, message: str, template) -> None:
    """Connect, send ``message``, half-close; the server prints the lines of ``template`` for it."""
    start = len(server.stdout)
    with connect(port) as client:
        client_port = client.getsockname()[1]
        client.sendall(message.encode("utf-8"))
        client.shutdown(stdlib.SHUT_WR)
        lines = _next_lines(server, start, len(template))
    values = {"client_port": client_port, "message": message}
    expect_lines(f"reuse-server output for client 127.0.0.1:{client_port}", lines, accepted_lines(template, values))


def _running(server: Started) -> None:
    """The module's server must still run: a crash on an earlier client is shown as such."""
    expect_that("reuse-server still running", server.alive(), expected="running", actual=f"exited {server.proc.poll()}")


@pytest.fixture(scope="module")
def reuse_server(programs) -> Iterator[tuple[Started, int]]:
    """One reuse-server on a free port, and that port."""
    port = free_port()
    server = Started(programs.argv("reuse-server", "--port", str(port)), lines=3, ready_timeout=SERVER_WAIT)
    try:
        yield server, port
    finally:
        server.stop()


@pytest.mark.parametrize("case", params("s09.reuse_server.banner"))
def test_reuse_server_banner(reuse_server, case):
    server, port = reuse_server
    attach_server("reuse-server", server)
    values = {**_option_states(), "port": port}
    expect_lines("first lines of reuse-server", server.first_lines, accepted_lines(case["expect"], values))


@pytest.mark.parametrize("case", params("s09.reuse_server.clients"))
def test_reuse_server_clients_in_sequence(reuse_server, case):
    server, port = reuse_server
    _running(server)
    try:
        for message in case["input"]:
            _serve_one(server, port, message, case["expect"])
    finally:
        attach_server("reuse-server", server)


@pytest.mark.parametrize("case", params("s09.reuse_server.closes"))
def test_reuse_server_closes_each_connection(reuse_server, case):
    server, port = reuse_server
    _running(server)
    start = len(server.stdout)
    with connect(port) as client:
        client.sendall(case["input"][0].encode("utf-8"))
        client.shutdown(stdlib.SHUT_WR)
        _next_lines(server, start, 2)
        try:
            outcome = "end-of-file" if client.recv(1) == b"" else "data"
        except TimeoutError:
            outcome = "still open"
        except OSError as exc:
            outcome = f"{type(exc).__name__}: {exc}"
    attach_server("reuse-server", server)
    expect_equal("what the client read after the server printed its message", outcome, "end-of-file")


def _leave_time_wait() -> int:
    """A port whose last connection sits in TIME_WAIT on the listening side (which closed first).

    The listener is an earlier run of the tutorial's server: it set SO_REUSEADDR
    too, which Linux requires of the TIME_WAIT socket as well (socket(7)).
    """
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as listener:
        listener.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_REUSEADDR, 1)
        listener.settimeout(SERVER_WAIT)
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with connect(port) as client:
            conn, _ = listener.accept()
            conn.close()  # this side closes first: TIME_WAIT lands on the listening port
            client.recv(1)
    return port


@pytest.mark.parametrize("case", params("s09.reuse_server.restart"))
def test_reuse_server_restarts_at_once(start_server, case, fact):
    port = _leave_time_wait()
    fact("TIME_WAIT on the port before the first start", _time_wait_seen(port))
    message, template = case["input"][0], case["expect"]
    banner_line = f"Listening on port: {port}"
    first = start_server("reuse-server", "--port", str(port), lines=3)
    try:
        expect_lines("third line of reuse-server, first start", first.first_lines[2:], [[banner_line]])
        _serve_one(first, port, message, template)
        start = len(first.stdout)
        with connect(port) as idle:  # stays connected, so the server's side closes first when it stops
            _next_lines(first, start, 1)
            first.stop()
            with suppress(OSError):
                idle.recv(1)  # the server's side has closed; now this side closes too
    finally:
        attach_server("reuse-server, first start", first)
    fact("TIME_WAIT on the port after the server stopped", _time_wait_seen(port))
    second = start_server("reuse-server", "--port", str(port), lines=3)
    try:
        expect_lines("third line of reuse-server, second start", second.first_lines[2:], [[banner_line]])
        _serve_one(second, port, message, template)
    finally:
        attach_server("reuse-server, second start", second)


@pytest.mark.parametrize("case", params("s09.reuse_server.sigint"))
def test_reuse_server_sigint(start_server, case):
    port = free_port()
    server = start_server("reuse-server", "--port", str(port), lines=3)
    start = len(server.stdout)
    with connect(port) as client:  # once it has served a client, the server is surely waiting for the next
        client.sendall(case["input"][0].encode("utf-8"))
        client.shutdown(stdlib.SHUT_WR)
        _next_lines(server, start, 2)
    expect_stops_cleanly("reuse-server", server, signal.SIGINT)


@pytest.mark.parametrize("case", params("s09.reuse_server.usage"))
def test_reuse_server_usage(programs, shared, case):
    done = run_once(shared, programs, "reuse-server", *case["input"])
    expect_usage_error(" ".join(["reuse-server", *case["input"]]), done)
