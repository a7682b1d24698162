"""§8 buffer-size: SO_SNDBUF and SO_RCVBUF before and after setting them.

Strategy: the expected [After] values are measured, not written down: the
spec sets the same sizes (after TCP_NODELAY, as the tutorial does) on a new
standard-library TCP socket and reads them back (the oracle).  So the
doubling, floor and cap of this kernel are whatever it does.  The [Before]
values are defaults, recorded as facts beside the oracle's.
"""

from __future__ import annotations

import re
import socket as oracle  # measures this kernel; never the thing under test

import pytest

from sockspec import expect_that, params
from specs.program._checks import (
    accepted_lines,
    expect_exit,
    expect_line_shapes,
    expect_lines,
    expect_no_traceback,
    expect_usage_error,
)
from specs.program._scenarios import run_once

BEFORE = (r"send buffer size \[Before\]:\s*(\d+)", r"receive buffer size \[Before\]:\s*(\d+)")


def _kernel_reads_back(send: int, recv: int) -> dict[str, int]:
    with oracle.socket(oracle.AF_INET, oracle.SOCK_STREAM) as sock:
        sock.setsockopt(oracle.IPPROTO_TCP, oracle.TCP_NODELAY, 1)
        sock.setsockopt(oracle.SOL_SOCKET, oracle.SO_SNDBUF, send)
        sock.setsockopt(oracle.SOL_SOCKET, oracle.SO_RCVBUF, recv)
        return {
            "send": sock.getsockopt(oracle.SOL_SOCKET, oracle.SO_SNDBUF),
            "recv": sock.getsockopt(oracle.SOL_SOCKET, oracle.SO_RCVBUF),
        }


def _run(shared, programs, case):
    return run_once(shared, programs, "buffer-size", *case["input"]["args"])


@pytest.mark.parametrize("case", params("s08.buffer_size.transcript"))
def test_buffer_size_transcript(programs, shared, case):
    done = _run(shared, programs, case)
    expect_exit("buffer-size", done, 0)
    expect_line_shapes("buffer-size output", done.lines, case["expect"], int=r"\d+")


@pytest.mark.parametrize("case", params("s08.buffer_size.before"))
def test_buffer_size_before(programs, shared, case, fact):
    done = _run(shared, programs, case)
    for label, pattern in zip(("SO_SNDBUF", "SO_RCVBUF"), BEFORE, strict=True):
        found = [m for line in done.lines if (m := re.fullmatch(pattern, line))]
        fact(f"default {label} printed by buffer-size", int(found[0][1]) if found else "no such line")
    with oracle.socket(oracle.AF_INET, oracle.SOCK_STREAM) as sock:
        fact("default SO_SNDBUF of a standard-library TCP socket", sock.getsockopt(oracle.SOL_SOCKET, oracle.SO_SNDBUF))
        fact("default SO_RCVBUF of a standard-library TCP socket", sock.getsockopt(oracle.SOL_SOCKET, oracle.SO_RCVBUF))


@pytest.mark.parametrize("case", params("s08.buffer_size.after", "s08.buffer_size.options"))
def test_buffer_size_after(programs, shared, case):
    done = _run(shared, programs, case)
    what = " ".join(["buffer-size", *case["input"]["args"]])
    expect_exit(what, done, 0)
    expected = accepted_lines(case["expect"], _kernel_reads_back(case["input"]["send"], case["input"]["recv"]))
    expect_lines(f"[After] lines of {what}", [line for line in done.lines if "[After]" in line], expected)


@pytest.mark.parametrize("case", params("s08.buffer_size.huge"))
def test_buffer_size_huge(programs, shared, case):
    done = run_once(shared, programs, "buffer-size", *case["input"])
    what = " ".join(["buffer-size", *case["input"]])
    expect_that(f"exit of {what}", done.returncode >= 0, expected="an exit, any status", actual=done.returncode)
    expect_no_traceback(what, done)


@pytest.mark.parametrize("case", params("s08.buffer_size.usage"))
def test_buffer_size_usage(programs, shared, case):
    done = run_once(shared, programs, "buffer-size", *case["input"])
    expect_usage_error(" ".join(["buffer-size", *case["input"]]), done)
