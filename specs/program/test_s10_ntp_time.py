"""§10 ntp-time: the server's time through ntplib, judged against the kit's SNTP server.

Strategy: as for sntp-time (test_s10_sntp_time.py): the kit's SNTP server,
with an offset or a fault, behind the kit's UDP relay.  The tutorial's
ntplib client prints ``ctime(response.tx_time)`` and judges nothing; ntplib
neither checks the reply nor handles the 2036 era, so the program must.
ntplib does not say which transmit timestamp it sent, so there is no
wrong-originate case here.
"""

from __future__ import annotations

import re

import pytest

from sockspec import expect_in, params
from specs.program import _net_fixtures as net

sntp_clients = net.sntp_clients
kit_sntp = net.kit_sntp

RECIPE = "ntp-time"
#: A printed time, anywhere on a line.
TIME_PRINTED = re.compile(net.CTIME)


def sandbox_for(request, case):
    return request.getfixturevalue("resolver_sandbox") if "host" in case["input"] else None


@pytest.mark.parametrize("case", params("s10.ntp_time.transcript"))
def test_transcript(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_exit_code(RECIPE, run.done, 0)
    net.expect_transcript(RECIPE, run.done, case["expect"], {"port": run.port})


@pytest.mark.parametrize("case", params("s10.ntp_time.server-time", "s10.ntp_time.era-2036"))
def test_prints_the_server_time(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_exit_code(RECIPE, run.done, 0)
    printed = [line for line in run.done.lines if net.CTIME_LINE.match(line)]
    accepted = net.accepted_times(run.started, run.ended, run.offset, case["expect"]["tolerance"])
    expect_in(f"time printed by {RECIPE} (server clock {run.offset:+g} s)", printed[0] if printed else None, accepted)


@pytest.mark.parametrize("case", params("s10.ntp_time.kiss-of-death"))
def test_kiss_of_death(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_PRINTED, "time printed")
    net.expect_message(f"{RECIPE}, naming the kiss code", run.done, case["expect"]["message"])


@pytest.mark.parametrize("case", params("s10.ntp_time.invalid-reply"))
def test_invalid_reply(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_PRINTED, "time printed")


@pytest.mark.parametrize("case", params("s10.ntp_time.timeout"))
def test_silent_server_times_out(sntp_clients, case):
    run = sntp_clients.run(RECIPE, case["input"])
    expect = case["expect"]
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_PRINTED, "time printed")
    net.expect_message(RECIPE, run.done, expect["message"])
    net.expect_duration(f"{RECIPE} --timeout {case['input']['timeout']:g}", run.elapsed, expect["min"], expect["max"])


@pytest.mark.parametrize("case", params("s10.ntp_time.address-error"))
def test_unresolvable_server(sntp_clients, resolver_sandbox, case):
    run = sntp_clients.run(RECIPE, case["input"], sandbox=resolver_sandbox)
    net.expect_failure_exit(RECIPE, run.done)
    net.expect_no_line(RECIPE, run.done, TIME_PRINTED, "time printed")


@pytest.mark.parametrize("case", params("s10.ntp_time.exit-codes"))
def test_exit_codes(sntp_clients, request, case):
    run = sntp_clients.run(RECIPE, case["input"], sandbox=sandbox_for(request, case))
    net.expect_exit_code(RECIPE, run.done, case["expect"]["exit_code"])
    net.expect_message(RECIPE, run.done, case["expect"]["message"])
