"""§2 remote-ip: a remote name's IPv4 address, and the line it prints when the lookup fails.

Strategy: every case runs in the resolver sandbox, whose stub DNS server
answers www.python.org with the tutorial's 151.101.76.223, fails names under
.invalid with NXDOMAIN and servfail.sockspec.test with SERVFAIL; nothing
leaves the machine.  The failure cases share one run per name.
"""

from __future__ import annotations

import re

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


@pytest.mark.parametrize("case", params("s02.remote_ip.transcript"))
def test_remote_ip_transcript(programs, shared, resolver_sandbox, case):
    done = run_once(shared, programs, "remote-ip", *case["input"], within=resolver_sandbox)
    expect_exit("remote-ip", done, 0)
    expect_lines("remote-ip output", done.lines, accepted_lines(case["expect"], {}))


@pytest.mark.parametrize("case", params("s02.remote_ip.failure"))
def test_remote_ip_failure(programs, shared, resolver_sandbox, case):
    (host,) = case["input"]
    done = run_once(shared, programs, "remote-ip", host, within=resolver_sandbox)
    expect_exit_nonzero("remote-ip", done)
    expect_message("remote-ip", done, [template_regex(case["expect"], host=re.escape(host), reason=r"\S.*")])
    expect_no_traceback("remote-ip", done)


@pytest.mark.parametrize("case", params("s02.remote_ip.failure-reason"))
def test_remote_ip_failure_reason(programs, shared, resolver_sandbox, case):
    (host,) = case["input"]
    done = run_once(shared, programs, "remote-ip", host, within=resolver_sandbox)
    reasons = "|".join(re.escape(text) for text in case["accept"])
    expect_message("remote-ip", done, [rf"{re.escape(host)}: .*(?:{reasons})"])


@pytest.mark.parametrize("case", params("s02.remote_ip.usage"))
def test_remote_ip_usage(programs, shared, case):
    expect_usage_error(" ".join(["remote-ip", *case["input"]]), run_once(shared, programs, "remote-ip", *case["input"]))
