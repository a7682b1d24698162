"""Broken harnesses: each fault is a specific IUTError, fast, and leaves no process behind.

The fakes under ``fakes/`` answer ``start`` and ``htonl`` correctly and
misbehave on ``ntohl``; ``htons`` they decline as ``Unsupported``.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sockspec.errors import IUTCrashed, IUTError, IUTProtocolError, IUTTimeout
from sockspec.harness import HarnessClient
from sockspec.harness._protocol import MAX_LINE
from sockspec.outcomes import Unsupported
from sockspec.process import LineProcess

FAKES = Path(__file__).with_name("fakes")


#: What a kill and its reaping may take beyond the deadline that called for it, on a machine
#: whose cores are busy with other work (docs/architecture.md, "Deadlines").
LOAD_MARGIN = 3.0


def fake(name: str, *args: str) -> list[str]:
    return [sys.executable, str(FAKES / f"{name}.py"), *args]


@pytest.fixture
def open_client() -> Iterator[Any]:
    """Make clients that are closed (and checked for leftovers) after the test."""
    clients: list[HarnessClient] = []

    def make(argv: list[str], **options: Any) -> HarnessClient:
        clients.append(HarnessClient(argv, **{"call_timeout": 2.0, **options}))
        return clients[-1]

    yield make
    for client in clients:
        client.close()
        assert client.pid is None


def assert_gone(pid: int, *, reaped: bool = True) -> None:
    """The process no longer runs; ``reaped=False`` also accepts a zombie that is not ours to reap."""
    deadline = time.monotonic() + LOAD_MARGIN
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if not reaped and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return
        assert time.monotonic() < deadline, f"process {pid} is still running"
        time.sleep(0.02)


def failing_call(client: HarnessClient, kind: type[IUTError], *args: Any) -> tuple[IUTError, int, float]:
    """Run the misbehaving call; return the error, the pid it ended, and how long it took."""
    assert client.api.htonl(1) == 16777216
    pid = client.pid
    assert pid is not None
    started = time.monotonic()
    with pytest.raises(kind) as caught:
        client.api.ntohl(*args)
    elapsed = time.monotonic() - started
    assert client.pid is None
    assert_gone(pid)
    return caught.value, pid, elapsed


def assert_recovers(client: HarnessClient, old_pid: int) -> None:
    assert client.api.htonl(2) == 33554432
    assert client.pid not in (None, old_pid)


def test_a_hanging_harness_times_out_and_is_killed_with_its_children(open_client: Any) -> None:
    client = open_client(fake("hang"), call_timeout=0.5)
    error, pid, elapsed = failing_call(client, IUTTimeout, 1)
    assert str(error).startswith("harness did not answer call ntohl(1) within 0.5 s")
    assert 0.5 <= elapsed < 0.5 + LOAD_MARGIN  # killed at its deadline, not at some later one
    child = re.search(r"started child (\d+)", error.stderr)
    assert child, error.stderr
    assert_gone(int(child.group(1)), reaped=False)
    assert_recovers(client, pid)


def test_a_crashing_harness_reports_its_exit_code_and_traceback(open_client: Any) -> None:
    client = open_client(fake("crash"), call_timeout=10.0)
    error, pid, elapsed = failing_call(client, IUTCrashed, 1)
    assert str(error).startswith("harness exited with code 1 during call ntohl(1)")
    assert "RuntimeError: the fake harness broke down on ntohl" in error.stderr
    assert "--- stderr of the implementation ---" in str(error)
    assert elapsed < 10.0  # noticed when it exited, not when the call's deadline came
    assert_recovers(client, pid)


@pytest.mark.parametrize("validate", [False, True])
def test_a_garbage_line_is_a_protocol_error_that_quotes_it(open_client: Any, validate: bool) -> None:
    client = open_client(fake("garbage"), validate=validate)
    error, pid, _ = failing_call(client, IUTProtocolError, 1)
    assert "harness answered call ntohl(1) with a line that is not JSON" in str(error)
    assert "b'Segmentation fault? No: this is simply not JSON'" in str(error)
    assert_recovers(client, pid)


# (violation index in fakes/bad_schema.py, message without validation, message with it)
VIOLATIONS = [
    (0, "with a malformed value: expected a JSON scalar", "violates schema.json"),
    (1, "error type 'KeyError' where one of", "violates schema.json"),
    (2, "bare JSON number 1.5", "violates schema.json"),
    (3, "id 4 where 3 was expected", "id 4 where 3 was expected"),
    (4, "an ok response without 'result'", "violates schema.json"),
    (5, "keys the protocol does not have: ['comment']", "violates schema.json"),
    (6, "a response without 'id'", "violates schema.json"),
    (7, "an error object with keys the protocol does not have: ['nom']", "violates schema.json"),
]


@pytest.mark.parametrize(("index", "plain", "validated"), VIOLATIONS)
@pytest.mark.parametrize("validate", [False, True])
def test_a_response_that_breaks_the_protocol_is_a_protocol_error(
    open_client: Any, validate: bool, index: int, plain: str, validated: str
) -> None:
    client = open_client(fake("bad_schema"), validate=validate)
    error, pid, _ = failing_call(client, IUTProtocolError, index)
    assert (validated if validate else plain) in str(error)
    assert f"answered call ntohl({index})" in str(error)
    assert_recovers(client, pid)


def test_only_validation_catches_what_only_the_schema_forbids(open_client: Any) -> None:
    assert open_client(fake("bad_schema")).api.ntohl(8) == 2**60
    error, _, _ = failing_call(open_client(fake("bad_schema"), validate=True), IUTProtocolError, 8)
    assert "violates schema.json" in str(error)


@pytest.mark.parametrize("validate", [False, True])
def test_a_bad_start_result_is_a_protocol_error(open_client: Any, validate: bool) -> None:
    client = open_client(fake("bad_schema", "--bad-start"), validate=validate)
    with pytest.raises(IUTProtocolError, match="constants") as caught:
        client.start()
    assert "answered start with" in str(caught.value)
    assert client.pid is None


def test_a_declined_call_is_unsupported_and_keeps_the_harness(open_client: Any) -> None:
    client = open_client(fake("crash"))
    client.start()
    pid = client.pid
    with pytest.raises(Unsupported, match="no 16-bit numbers here"):
        client.api.htons(1)
    assert client.pid == pid


@pytest.mark.parametrize(
    "script",
    [
        "import sys, time; sys.stdout.write('x' * 5000); sys.stdout.flush(); time.sleep(60)",
        "print('x' * 1500)",
    ],
    ids=["no-newline", "newline-late"],
)
def test_a_line_over_the_limit_is_a_protocol_error(script: str) -> None:
    process = LineProcess([sys.executable, "-c", script], name="harness", max_line=1000)
    with pytest.raises(
        IUTProtocolError, match=r"answered call big\(\) with (more than 1000 bytes|a line of 1500 bytes)"
    ):
        process.exchange(b"\n", 5.0, "call big()")
    assert process.returncode is not None


def test_a_harness_that_never_reads_cannot_block_the_kit() -> None:
    process = LineProcess([sys.executable, "-c", "import time; time.sleep(60)"], name="harness", max_line=MAX_LINE)
    started = time.monotonic()
    with pytest.raises(IUTTimeout, match="did not answer call sendall"):
        process.exchange(b"x" * (4 * 1024 * 1024) + b"\n", 0.5, "call sendall(...)")
    assert time.monotonic() - started < 1.5
    assert_gone(process.pid)


def test_stderr_is_kept_as_a_bounded_tail() -> None:
    script = "import sys; sys.stderr.write('a' * 100000 + 'THE END'); sys.stderr.flush(); sys.exit(3)"
    process = LineProcess([sys.executable, "-c", script], name="harness", max_line=MAX_LINE)
    with pytest.raises(IUTCrashed, match="exited with code 3") as caught:
        process.exchange(b"\n", 5.0, "start")
    assert caught.value.stderr.endswith("THE END")
    assert len(caught.value.stderr) < 10_000
