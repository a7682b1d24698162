"""§3 ip4-convert: a host's IPv4 address as 4 packed bytes, in base 2 or 16.

Strategy: the expected forms are computed from the address with the standard
library (the oracle): ``inet_aton`` for the packed bytes, ``hexlify`` and
``repr`` for the tutorial's Python bytes form, plain digits for the other
accepted form.  IPv4 literals need no lookup; the tutorial's www.python.org
and the failing name run in the resolver sandbox.
"""

from __future__ import annotations

import re
import socket as oracle  # packs the expected address; never the thing under test
from binascii import hexlify

import pytest

from sockspec import params
from specs.program._checks import (
    accepted_lines,
    expect_exit,
    expect_exit_nonzero,
    expect_lines,
    expect_message,
    expect_no_traceback,
    expect_usage_error,
    template_regex,
)
from specs.program._scenarios import run_once


def _forms(host: str, address: str) -> dict[str, str]:
    packed = oracle.inet_aton(address)
    return {
        "host": host,
        "address": address,
        "packed_repr": repr(packed),
        "hex_repr": repr(hexlify(packed)),
        "hex": packed.hex(),
        "bits": format(int.from_bytes(packed, "big"), "032b"),
    }


def _check_transcript(done, case) -> None:
    host, base = case["input"]["host"], case["input"]["base"]
    what = f"ip4-convert {host} --base {base}"
    expect_exit(what, done, 0)
    values = _forms(host, case["expect"]["address"])
    expect_lines(f"{what} output", done.lines, accepted_lines(case["expect"]["lines"], values))


@pytest.mark.parametrize("case", params("s03.ip4_convert.transcript"))
def test_ip4_convert_transcript(programs, shared, case):
    host, base = case["input"]["host"], case["input"]["base"]
    _check_transcript(run_once(shared, programs, "ip4-convert", host, "--base", str(base)), case)


@pytest.mark.parametrize("case", params("s03.ip4_convert.remote-host"))
def test_ip4_convert_remote_host(programs, shared, resolver_sandbox, case):
    host, base = case["input"]["host"], case["input"]["base"]
    done = run_once(shared, programs, "ip4-convert", host, "--base", str(base), within=resolver_sandbox)
    _check_transcript(done, case)


@pytest.mark.parametrize("case", params("s03.ip4_convert.failure"))
def test_ip4_convert_failure(programs, shared, resolver_sandbox, case):
    host = case["input"][0]
    done = run_once(shared, programs, "ip4-convert", *case["input"], within=resolver_sandbox)
    expect_exit_nonzero("ip4-convert", done)
    expect_message("ip4-convert", done, [template_regex(case["expect"], host=re.escape(host), reason=r"\S.*")])
    expect_no_traceback("ip4-convert", done)


@pytest.mark.parametrize("case", params("s03.ip4_convert.usage"))
def test_ip4_convert_usage(programs, shared, case):
    done = run_once(shared, programs, "ip4-convert", *case["input"])
    expect_usage_error(" ".join(["ip4-convert", *case["input"]]), done)
