"""The tutorial's own Internet examples, run only with ``--online``.

They use the real resolver and reach servers off this machine, so they are
N/A unless the user opts in; the answers depend on the Internet, so they are
recorded as facts (INFO), not judged.
"""

from __future__ import annotations

import re
import time

import pytest

from sockspec import expect_that

DOTTED_QUAD = re.compile(r"^IP address of www\.python\.org: (\d{1,3}(?:\.\d{1,3}){3})$")


@pytest.mark.req("s02.online.remote-ip")
def test_remote_ip_online(online, programs, fact):
    done = programs.run("remote-ip", "www.python.org")
    match = next((m for m in map(DOTTED_QUAD.match, done.lines) if m), None)
    expect_that(
        "remote-ip www.python.org output", match is not None, expected="IP address of ...: a.b.c.d", actual=done.lines
    )
    fact("www.python.org resolves to", match.group(1) if match else None)


@pytest.mark.req("s10.online.ntp-time")
def test_ntp_time_online(online, programs, fact):
    done = programs.run("ntp-time", "--server", "pool.ntp.org", "--timeout", "5", timeout=15)
    printed = [line for line in done.lines if line.strip()]
    expect_that("ntp-time exit status", done.returncode == 0, expected="0", actual=done.returncode)
    server = time.mktime(time.strptime(printed[-1], "%a %b %d %H:%M:%S %Y"))
    fact("pool.ntp.org minus local clock, seconds (1 s resolution)", round(server - time.time()))
