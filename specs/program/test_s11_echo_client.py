"""§11 echo-client: send the message as bytes, wait for that many bytes back, print the text.

Strategy: the IUT's echo-client talks to the kit's echo server
(``sockspec.servers.echo``) through the kit's TCP proxy, which records both
directions and shapes the reply: paused after as many bytes as the message
has characters (a client counting characters prints too early), one byte per
segment (a client expecting one ``recv`` to hold the reply prints a piece),
paused inside the first character (a client decoding chunk by chunk garbles
it), or cut short (a client that loops on ``recv`` until it has enough spins
forever).  A silent server is a listener that never accepts; a refused port
is bound but not listening; a name under ``.invalid`` is looked up in the
resolver sandbox.  Each scenario runs once; every requirement about it
reads the same run.
"""

from __future__ import annotations

import re

import pytest

from sockspec import expect_equal, expect_that, params
from specs.program._checks import (
    expect_duration,
    expect_exit,
    expect_failure_exit,
    expect_no_line,
    expect_usage_error,
)

#: The reference's line, and the tutorial's ("data received from the server").
RECEIVED = re.compile(r"^(Received: |接收到的服务器端数据为: )")


def accepted_lines(case) -> list[str]:
    message = case["input"]["message"]
    return [template.replace("{message}", message) for template in case["accept"]]


def sandbox_for(request, case):
    return request.getfixturevalue("resolver_sandbox") if "host" in case["input"] else None


@pytest.mark.parametrize("case", params("s11.echo_client.wire-bytes"))
def test_sends_the_encoded_message(echo_clients, case):
    run = echo_clients.run(case["input"])
    expect_equal(f"bytes echo-client sent, as hex ({case['input']['encoding']})", run.sent.hex(), case["expect"])


@pytest.mark.parametrize(
    "case",
    params(
        "s11.echo_client.prints-reply",
        "s11.echo_client.counts-bytes",
        "s11.echo_client.partial-reads",
        "s11.echo_client.decodes-whole",
    ),
)
def test_prints_the_whole_reply(echo_clients, case):
    run = echo_clients.run(case["input"])
    accepted = accepted_lines(case)
    expect_that(
        "the reply line of echo-client",
        any(line in accepted for line in run.done.lines),
        expected="a line " + " or ".join(map(repr, accepted)),
        actual=[line for line in run.done.lines if RECEIVED.match(line)] or run.done.lines,
    )
    expect_exit("echo-client", run.done, 0)


@pytest.mark.parametrize("case", params("s11.echo_client.early-close"))
def test_early_close_is_an_error(echo_clients, case):
    run = echo_clients.run(case["input"])
    expect_failure_exit("echo-client", run.done)
    expect_no_line("echo-client", run.done, RECEIVED, "'Received' line: the reply was incomplete")
    expect_duration("echo-client", run.elapsed, 0.0, case["expect"]["within"])


@pytest.mark.parametrize("case", params("s11.echo_client.timeout"))
def test_silent_server_times_out(echo_clients, case):
    run = echo_clients.run(case["input"])
    expect = case["expect"]
    expect_failure_exit("echo-client", run.done)
    expect_no_line("echo-client", run.done, RECEIVED, "'Received' line")
    expect_duration(f"echo-client --timeout {case['input']['timeout']:g}", run.elapsed, expect["min"], expect["max"])


@pytest.mark.parametrize("case", params("s11.echo_client.refused"))
def test_refused_connection(echo_clients, case):
    run = echo_clients.run(case["input"])
    expect_failure_exit("echo-client", run.done)
    expect_no_line("echo-client", run.done, RECEIVED, "'Received' line")


@pytest.mark.parametrize("case", params("s11.echo_client.address-error"))
def test_unresolvable_host(echo_clients, resolver_sandbox, case):
    run = echo_clients.run(case["input"], sandbox=resolver_sandbox)
    expect_failure_exit("echo-client", run.done)
    expect_no_line("echo-client", run.done, RECEIVED, "'Received' line")


@pytest.mark.parametrize("case", params("s11.echo_client.exit-codes"))
def test_exit_codes(echo_clients, request, case):
    run = echo_clients.run(case["input"], sandbox=sandbox_for(request, case))
    expect_exit("echo-client", run.done, case["expect"]["exit_code"])


@pytest.mark.parametrize("case", params("s11.echo_client.usage"))
def test_unencodable_message(echo_clients, case):
    given = case["input"]
    run = echo_clients.run(given)
    expect_usage_error(f"echo-client --encoding {given['encoding']} --message {given['message']}", run.done)
