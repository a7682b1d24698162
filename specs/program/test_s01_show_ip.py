"""§1 show-ip: the host name and the IPv4 address it resolves to.

Strategy: the expected host name is the standard library's ``gethostname()``
(the oracle) and the expected address is what the hosts file in force lists
for it.  Outside the sandbox that is /etc/hosts, and the case is N/A where
/etc/hosts lacks the name (the program's lookup would query DNS).  In the
sandbox the kit's hosts file gives the name 127.0.1.1, the address of the
tutorial's transcript, so a program that prints an interface address instead
of resolving its name is caught.
"""

from __future__ import annotations

import socket as oracle  # the host name; never the thing under test

import pytest

from sockspec import not_applicable, params
from specs.hosts_file import hosts_ipv4_of
from specs.program._checks import accepted_lines, expect_exit, expect_lines
from specs.program._scenarios import run_once


@pytest.mark.parametrize("case", params("s01.show_ip.transcript"))
def test_show_ip_transcript(programs, shared, case):
    host_name = oracle.gethostname()
    listed = hosts_ipv4_of(host_name)
    if not listed:
        not_applicable(f"/etc/hosts has no IPv4 entry for {host_name!r}: resolving it would query DNS")
    done = run_once(shared, programs, "show-ip", *case["input"])
    expect_exit("show-ip", done, 0)
    values = {"host_name": host_name, "address": listed}
    expect_lines("show-ip output", done.lines, accepted_lines(case["expect"], values))


@pytest.mark.parametrize("case", params("s01.show_ip.resolver-address"))
def test_show_ip_in_sandbox(programs, shared, resolver_sandbox, case):
    host_name = oracle.gethostname()
    address = hosts_ipv4_of(host_name, resolver_sandbox.hosts_file)[0]
    done = run_once(shared, programs, "show-ip", *case["input"], within=resolver_sandbox)
    expect_exit("show-ip in the sandbox", done, 0)
    expect_lines(
        "show-ip output in the sandbox",
        done.lines,
        accepted_lines(case["expect"], {"host_name": host_name, "address": address}),
    )
