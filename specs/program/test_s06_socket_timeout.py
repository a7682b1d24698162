"""§6 socket-timeout: a new socket's default timeout and blocking flag, then a set timeout."""

from __future__ import annotations

import pytest

from sockspec import params
from specs.program._checks import accepted_lines, expect_exit, expect_lines, expect_usage_error
from specs.program._scenarios import run_once


@pytest.mark.parametrize("case", params("s06.socket_timeout.transcript", "s06.socket_timeout.option"))
def test_socket_timeout_transcript(programs, shared, case):
    what = " ".join(["socket-timeout", *case["input"]])
    done = run_once(shared, programs, "socket-timeout", *case["input"])
    expect_exit(what, done, 0)
    expect_lines(f"{what} output", done.lines, accepted_lines(case["expect"], {}))


@pytest.mark.parametrize("case", params("s06.socket_timeout.usage"))
def test_socket_timeout_usage(programs, shared, case):
    done = run_once(shared, programs, "socket-timeout", *case["input"])
    expect_usage_error(" ".join(["socket-timeout", *case["input"]]), done)
