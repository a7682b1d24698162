"""§10 sntp-time and ntp-time: the server's time, judged against the kit's SNTP server.

Strategy: the IUT's client asks the kit's own SNTP server
(sockspec/servers/sntp.py, with a clock offset or a fault) through the
kit's UDP relay, which records both datagrams.  The printed time must be a second that the
kit server's clock showed during the run (ctime has whole seconds, so one
second either side is allowed); an offset of one hour and a clock after the
2036 era rollover catch a client that prints its own clock or subtracts the
tutorial's TIME1970 from a 32-bit field.  Each fault breaks one rule of
RFC 4330 §5; the tutorial's clients believe any 48 bytes, and sntp-time
waits forever.  Each scenario runs once; every requirement about it reads
the same run.

The two recipes share every rule but their output: sntp-time prints a
``Time=`` line after the server's address, ntp-time (ntplib) a bare ctime
line.  The recipe is the second part of the requirement ID.  ntplib does not
say which transmit timestamp it sent, so only sntp-time has request and
wrong-originate cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from sockspec import expect_equal, expect_in, expect_that, params
from sockspec.requirements import Vector
from sockspec.sntp_wire import Header
from specs.program._checks import (
    CTIME,
    accepted_times,
    expect_duration,
    expect_exit,
    expect_failure_exit,
    expect_no_line,
    expect_no_traceback,
    expect_output_matching,
    expect_transcript,
)
from specs.program._scenarios import ClientRun, recipe_of


@dataclass(frozen=True)
class Output:
    """How one recipe prints the time, and how a spec sees that it did not."""

    time_line: re.Pattern[str]  # group 1 is the ctime text
    printed: re.Pattern[str]  # any trace of a printed time, for "no time printed"
    meaning: str


OUTPUT = {
    "sntp-time": Output(re.compile(rf"^\tTime=({CTIME})$"), re.compile(r"Time="), "Time= line"),
    "ntp-time": Output(re.compile(rf"^({CTIME})$"), re.compile(CTIME), "time printed"),
}


def both(name: str) -> list:
    """The cases of requirement ``name`` for both clients."""
    return params(f"s10.sntp_time.{name}", f"s10.ntp_time.{name}")


def sandbox_for(request, case):
    return request.getfixturevalue("resolver_sandbox") if "host" in case["input"] else None


def failed_run(sntp_clients, case: Vector, sandbox: Any = None) -> tuple[str, ClientRun]:
    """Run the case's scenario; it must end with a non-zero exit, no traceback and no time printed."""
    __tracebackhide__ = True
    recipe = recipe_of(case)
    run = sntp_clients.run(recipe, case["input"], sandbox=sandbox)
    expect_failure_exit(recipe, run.done)
    expect_no_line(recipe, run.done, OUTPUT[recipe].printed, OUTPUT[recipe].meaning)
    return recipe, run


@pytest.mark.parametrize("case", both("transcript"))
def test_transcript(sntp_clients, case):
    recipe = recipe_of(case)
    run = sntp_clients.run(recipe, case["input"])
    expect_exit(recipe, run.done, 0)
    expect_transcript(recipe, run.done, case["expect"], {"port": run.port})


def the_request(sntp_clients, case: Vector) -> bytes:
    """The one datagram the client sent, at least a full header long; either missing fails the case."""
    __tracebackhide__ = True
    recipe = recipe_of(case)
    run = sntp_clients.run(recipe, case["input"])
    expect_equal(f"number of datagrams {recipe} sent", len(run.requests), 1)
    data = run.requests[0]
    expect_that(f"length of the request of {recipe}", len(data) >= 48, expected="at least 48 bytes", actual=len(data))
    return data


@pytest.mark.parametrize("case", params("s10.sntp_time.request"))
def test_request_datagram(sntp_clients, case):
    header = Header.parse(the_request(sntp_clients, case))
    assert header is not None
    expect_equal("mode of the request", header.mode, 3)
    expect_in("version of the request", header.version, [1, 2, 3, 4])


@pytest.mark.parametrize("case", params("s10.sntp_time.request-fields"))
def test_request_fields_are_zero(sntp_clients, case):
    data = the_request(sntp_clients, case)
    expect_equal("leap indicator of the request", data[0] >> 6, 0)
    expect_equal("request bytes 1-39, stratum to receive timestamp, as hex", data[1:40].hex(), bytes(39).hex())


def expect_server_time(recipe: str, run: ClientRun, case: Vector) -> None:
    """The first time printed is a second the kit server's clock showed during the run."""
    __tracebackhide__ = True
    printed = [m.group(1) for m in map(OUTPUT[recipe].time_line.match, run.done.lines) if m]
    accepted = accepted_times(run.started, run.ended, run.offset, case["expect"]["early"], case["expect"]["late"])
    expect_in(f"time printed by {recipe} (server clock {run.offset:+g} s)", printed[0] if printed else None, accepted)


@pytest.mark.parametrize("case", both("server-time") + both("era-2036"))
def test_prints_the_server_time(sntp_clients, case):
    recipe = recipe_of(case)
    run = sntp_clients.run(recipe, case["input"])
    expect_exit(recipe, run.done, 0)
    expect_server_time(recipe, run, case)


@pytest.mark.parametrize("case", both("kiss-of-death"))
def test_kiss_of_death(sntp_clients, case):
    recipe, run = failed_run(sntp_clients, case)
    expect_output_matching(f"{recipe}, naming the kiss code", run.done, case["expect"]["message"])


@pytest.mark.parametrize("case", both("invalid-reply"))
def test_invalid_reply(sntp_clients, case):
    failed_run(sntp_clients, case)


@pytest.mark.parametrize("case", both("odd-reply"))
def test_odd_reply_ends_cleanly(sntp_clients, case):
    """Accepting such a reply or refusing it is the client's choice; a crash, or a wrong time, is not."""
    recipe = recipe_of(case)
    run = sntp_clients.run(recipe, case["input"])
    expect_no_traceback(recipe, run.done)
    if run.done.returncode != 0:
        expect_failure_exit(recipe, run.done)
        expect_no_line(recipe, run.done, OUTPUT[recipe].printed, OUTPUT[recipe].meaning)
        return
    expect_server_time(recipe, run, case)


@pytest.mark.parametrize("case", both("timeout"))
def test_silent_server_times_out(sntp_clients, case):
    recipe, run = failed_run(sntp_clients, case)
    expect = case["expect"]
    expect_duration(f"{recipe} --timeout {case['input']['timeout']:g}", run.elapsed, expect["min"], expect["max"])


@pytest.mark.parametrize("case", both("address-error"))
def test_unresolvable_server(sntp_clients, resolver_sandbox, case):
    failed_run(sntp_clients, case, resolver_sandbox)


@pytest.mark.parametrize("case", both("exit-codes"))
def test_exit_codes(sntp_clients, request, case):
    recipe = recipe_of(case)
    run = sntp_clients.run(recipe, case["input"], sandbox=sandbox_for(request, case))
    expect_exit(recipe, run.done, case["expect"]["exit_code"])
