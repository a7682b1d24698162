"""§10 sntp-time: the server's time over a raw UDP socket, judged against the kit's SNTP server.

Strategy: the IUT's sntp-time asks the kit's SNTP server (the reference
sntp-server, with a clock offset or a fault) through the kit's UDP relay,
which records both datagrams.  The printed time must be a second that the
kit server's clock showed during the run (ctime has whole seconds, so one
second either side is allowed); an offset of one hour and a clock after the
2036 era rollover catch a client that prints its own clock or subtracts
the tutorial's TIME1970 from a 32-bit field.  Each fault breaks one rule of
RFC 4330 §5; the tutorial's client believes any 48 bytes and waits forever.
Each scenario runs once; every requirement about it reads the same run.
"""

from __future__ import annotations

import re

import pytest

from sockspec import expect_equal, expect_in, expect_that, params
from specs.program import _net_fixtures as net

sntp_clients = net.sntp_clients
kit_sntp = net.kit_sntp

RECIPE = "sntp-time"
TIME_LINE = re.compile(r"Time=")


def sandbox_for(request, case):
    return request.getfixturevalue("resolver_sandbox") if "host" in case["input"] else None


@pytest.mark.parametrize("case", params("s10.sntp_time.transcript"))
def test_transcript(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_exit_code(RECIPE, run.done, 0)
    net.expect_transcript(RECIPE, run.done, case["expect"], {"port": run.port})


@pytest.mark.parametrize("case", params("s10.sntp_time.request"))
def test_request_datagram(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    expect_equal(f"number of datagrams {RECIPE} sent", len(run.requests), 1)
    data = run.requests[0]
    header = net.Header.parse(data)
    expect_that(
        f"length of the request of {RECIPE}", header is not None, expected="at least 48 bytes", actual=len(data)
    )
    assert header is not None
    expect_equal("mode of the request", header.mode, 3)
    expect_in("version of the request", header.version, [1, 2, 3, 4])


@pytest.mark.parametrize("case", params("s10.sntp_time.server-time", "s10.sntp_time.era-2036"))
def test_prints_the_server_time(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_exit_code(RECIPE, run.done, 0)
    printed = [m.group(1) for m in map(net.TIME_LINE.match, run.done.lines) if m]
    accepted = net.accepted_times(run.started, run.ended, run.offset, case["expect"]["tolerance"])
    expect_in(f"time printed by {RECIPE} (server clock {run.offset:+g} s)", printed[0] if printed else None, accepted)


@pytest.mark.parametrize("case", params("s10.sntp_time.kiss-of-death"))
def test_kiss_of_death(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_LINE, "Time= line")
    net.expect_message(f"{RECIPE}, naming the kiss code", run.done, case["expect"]["message"])


@pytest.mark.parametrize("case", params("s10.sntp_time.invalid-reply"))
def test_invalid_reply(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_LINE, "Time= line")


@pytest.mark.parametrize("case", params("s10.sntp_time.timeout"))
def test_silent_server_times_out(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    expect = case["expect"]
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_LINE, "Time= line")
    net.expect_message(RECIPE, run.done, expect["message"])
    net.expect_duration(f"{RECIPE} --timeout {case['input']['timeout']:g}", run.elapsed, expect["min"], expect["max"])


@pytest.mark.parametrize("case", params("s10.sntp_time.address-error"))
def test_unresolvable_server(sntp_clients, resolver_sandbox, case):
    run = sntp_clients.run(RECIPE, case["input"], sandbox=resolver_sandbox)
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_LINE, "Time= line")


@pytest.mark.parametrize("case", params("s10.sntp_time.exit-codes"))
def test_exit_codes(sntp_clients, request, case):
    run = sntp_clients.run(RECIPE, case["input"], sandbox=sandbox_for(request, case))
    net.expect_exit_code(RECIPE, run.done, case["expect"]["exit_code"])
    net.expect_message(RECIPE, run.done, case["expect"]["message"])
