"""§6 socket-modes: the tutorial's trivial server, which binds, listens and waits.

Strategy: one server, started once for the module, answers the questions
that do not stop it: its first line, whether the printed port accepts a
connection once the kernel shows it listening (it may print first), and
how much CPU it uses while it waits (user plus system time of its whole
process group, from /proc, over a short window).  Each stop
signal gets a server of its own.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator

import pytest

from sockspec import expect_that, params
from sockspec.procfs import group_cpu_seconds
from sockspec.vectors import active_catalogue
from specs.program._checks import expect_lines, template_regex
from specs.program._peers import connect_within
from specs.program._servers import SERVER_WAIT, Started, attach_server, expect_stops_cleanly, require_proc_stat

BANNER = active_catalogue().vectors("s06.socket_modes.banner")[0]


@pytest.fixture(scope="module")
def trivial(programs) -> Iterator[Started]:
    """One socket-modes server for the module's read-only questions."""
    server = Started(programs.argv("socket-modes", *BANNER["input"]), lines=1, ready_timeout=SERVER_WAIT)
    try:
        yield server
    finally:
        server.stop()


def _printed_port(server: Started) -> int | None:
    match = re.match(template_regex(BANNER["expect"], port=r"\d{1,5}"), server.first_lines[0])
    return int(match["port"]) if match else None


@pytest.mark.parametrize("case", params("s06.socket_modes.banner"))
def test_socket_modes_banner(trivial, case):
    attach_server("socket-modes", trivial)
    port = _printed_port(trivial)
    expected = case["expect"].format(port=port if port is not None and 0 < port < 65536 else "N")
    expect_lines("first line of socket-modes", trivial.first_lines, [[expected]])


@pytest.mark.req("s06.socket_modes.listening")
def test_socket_modes_listening(trivial):
    attach_server("socket-modes", trivial)
    port = _printed_port(trivial)
    expect_that("port printed by socket-modes", port is not None, expected="a port number", actual=trivial.first_lines)
    expect_that("socket-modes still running", trivial.alive(), expected="running", actual=trivial.proc.poll())
    assert port is not None
    trivial.expect_listening(port)
    try:
        with connect_within(port, SERVER_WAIT):
            outcome = "connected"
    except OSError as exc:
        outcome = f"{type(exc).__name__}: {exc}"
    expect_that(f"connect to 127.0.0.1:{port}", outcome == "connected", expected="connected", actual=outcome)


@pytest.mark.parametrize("case", params("s06.socket_modes.idle-cpu"))
def test_socket_modes_idle_cpu(trivial, case, fact):
    require_proc_stat(trivial.proc.pid)
    window = case["input"]["window_s"]
    before = group_cpu_seconds(trivial.proc.pid)
    start = time.monotonic()
    time.sleep(window)
    used = group_cpu_seconds(trivial.proc.pid) - before
    share = used / (time.monotonic() - start)
    attach_server("socket-modes", trivial)
    fact("CPU share of socket-modes while waiting", round(share, 3))
    expect_that("socket-modes still running", trivial.alive(), expected="running", actual=trivial.proc.poll())
    limit = case["expect"]["max_share"]
    expect_that(
        f"CPU share of socket-modes over {window:g} s",
        share < limit,
        expected=f"under {limit:.0%} of one CPU",
        actual=f"{share:.0%} ({used:.2f} s)",
    )


@pytest.mark.req("s06.socket_modes.sigint")
def test_socket_modes_sigint(start_server):
    expect_stops_cleanly("socket-modes", start_server("socket-modes", lines=1), signal.SIGINT)


@pytest.mark.req("s06.socket_modes.sigterm")
def test_socket_modes_sigterm(start_server):
    expect_stops_cleanly("socket-modes", start_server("socket-modes", lines=1), signal.SIGTERM)
