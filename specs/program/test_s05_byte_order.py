"""§5 byte-order: an integer through ntohl/htonl and ntohs/htons, in the tutorial's two lines.

Strategy: the expected values are the standard library's conversions on this
host (the oracle), so the spec holds on little- and big-endian hosts alike.
"""

from __future__ import annotations

import socket as oracle  # this host's byte order; never the thing under test

import pytest

from sockspec import params
from specs.program._checks import accepted_lines, expect_exit, expect_lines, expect_no_traceback, expect_usage_error
from specs.program._scenarios import run_once


def _long_values(value: int) -> dict[str, int]:
    """The 32-bit conversions, which every value of the contract's 0..2**32-1 has."""
    return {"value": value, "ntohl": oracle.ntohl(value), "htonl": oracle.htonl(value)}


def _values(value: int) -> dict[str, int]:
    return {**_long_values(value), "ntohs": oracle.ntohs(value), "htons": oracle.htons(value)}


@pytest.mark.parametrize("case", params("s05.byte_order.transcript", "s05.byte_order.value"))
def test_byte_order_transcript(programs, shared, case):
    args = case["input"]["args"]
    what = " ".join(["byte-order", *args])
    done = run_once(shared, programs, "byte-order", *args)
    expect_exit(what, done, 0)
    expect_lines(f"{what} output", done.lines, accepted_lines(case["expect"], _values(case["input"]["value"])))


@pytest.mark.parametrize("case", params("s05.byte_order.wide"))
def test_byte_order_wide(programs, shared, case):
    args = case["input"]
    what = " ".join(["byte-order", *args])
    done = run_once(shared, programs, "byte-order", *args)
    expect_lines(f"first line of {what}", done.lines[:1], accepted_lines([case["expect"]], _long_values(int(args[0]))))
    expect_no_traceback(what, done)


@pytest.mark.parametrize("case", params("s05.byte_order.usage"))
def test_byte_order_usage(programs, shared, case):
    done = run_once(shared, programs, "byte-order", *case["input"])
    expect_usage_error(" ".join(["byte-order", *case["input"]]), done)
