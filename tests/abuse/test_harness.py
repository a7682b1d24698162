"""The reference harness (``python -m sockspec_reference.harness``) fed garbage, huge lines and unknown calls.

tests/harness/test_reference_harness.py pins one response per kind of bad
request.  Here the harness gets them in bulk, in one process: thousands of
lines drawn by hypothesis (raw bytes, any JSON, request-shaped objects with
unknown ops, unknown or harmless functions, wrong arguments, bad handles,
malformed tagged values), then lines at and over the 16 MiB limit, one of
64 MiB.  Every line must get exactly one response that the protocol's
schema accepts, errors must say what was wrong, the harness must go on
serving and end with status 0 and no traceback, and its memory must not grow
with the length of a line it refuses.

Functions that look names up or touch the network (gethostbyname, connect,
bind, ...) or block (recv, accept) are never called: a fuzzer must not send
a DNS query or hang the harness.
"""

from __future__ import annotations

import json
import string
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sockspec.harness import ERROR_TYPES, MAX_LINE
from sockspec.harness._schema import MessageValidator
from tests.abuse.conftest import ROOT, proc_status

pytestmark = pytest.mark.abuse

START = b'{"id": 1, "op": "start", "protocol": 1}\n'
STOP = b'{"id": 999999, "op": "stop"}\n'
PROBE = b'{"id": 424242, "op": "call", "fn": "ntohs", "args": [53764]}\n'

#: Calls that neither look names up, nor touch the network, nor block.
HARMLESS_FUNCTIONS = (
    "inet_aton",
    "inet_ntoa",
    "inet_pton",
    "inet_ntop",
    "htonl",
    "ntohl",
    "htons",
    "ntohs",
    "getdefaulttimeout",
    "getservbyname",
    "getservbyport",
    "getprotobyname",
)
HARMLESS_METHODS = ("gettimeout", "settimeout", "getblocking", "setblocking", "getsockopt", "setsockopt", "fileno")
#: Everything the reference harness offers that must not be called at random.
FORBIDDEN = {
    "gethostbyname",
    "gethostbyname_ex",
    "gethostbyaddr",
    "getfqdn",
    "getaddrinfo",
    "getnameinfo",
    "create_connection",
    "create_server",
    "socketpair",
    "socket",
    "setdefaulttimeout",
    "accept",
    "bind",
    "connect",
    "connect_ex",
    "recv",
    "recvfrom",
    "send",
    "sendall",
    "sendto",
    "listen",
    "dup",
    "close",
    "shutdown",
    "getpeername",
    "getsockname",
}

names = st.one_of(
    st.sampled_from(HARMLESS_FUNCTIONS + HARMLESS_METHODS),
    st.text(string.ascii_letters + "_", max_size=12).filter(lambda name: name not in FORBIDDEN),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=20))
tagged = st.one_of(
    st.fixed_dictionaries({"$bytes": st.one_of(st.text(max_size=12), st.integers())}),
    st.fixed_dictionaries({"$int": st.one_of(st.text("-0123456789x", max_size=30), st.integers())}),
    st.fixed_dictionaries({"$float": st.one_of(st.floats(allow_nan=False), st.text(max_size=5), st.none())}),
    st.fixed_dictionaries({"$handle": st.one_of(st.integers(-2, 3), st.text(max_size=3))}),
    st.fixed_dictionaries({"$nope": scalars}),
)
values = st.recursive(
    st.one_of(scalars, tagged),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.fixed_dictionaries({"$tuple": st.lists(inner, max_size=4)})
    ),
    max_leaves=8,
)
requests = st.fixed_dictionaries(
    {"op": st.sampled_from(["call", "call", "call", "start", "dance", ""])},
    optional={
        "id": st.one_of(st.integers(-(2**53), 2**53 - 1), st.text(max_size=3), st.none(), st.booleans()),
        "fn": st.one_of(names, scalars),
        "args": st.one_of(st.lists(values, max_size=4), scalars),
        "kwargs": st.one_of(st.dictionaries(st.text(max_size=5), values, max_size=2), scalars),
        "handle": st.one_of(st.integers(-1, 3), scalars),
        "protocol": st.one_of(st.just(1), st.integers()),
    },
)
any_json = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner)),
    max_leaves=6,
)
lines = st.one_of(
    requests.map(lambda request: json.dumps(request).encode()),
    any_json.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=80).map(lambda data: data.replace(b"\n", b"")),
)


def converse(data: bytes, timeout: float = 60) -> tuple[list[bytes], subprocess.CompletedProcess[bytes]]:
    done = subprocess.run(
        [sys.executable, "-m", "sockspec_reference.harness"], input=data, capture_output=True, cwd=ROOT, timeout=timeout
    )
    return done.stdout.splitlines(), done


def check_response(validator: MessageValidator, raw: bytes, line: bytes) -> dict[str, Any]:
    """One response line: JSON, valid under the schema, an error that says what was wrong."""
    response = json.loads(raw)
    problem = validator.problem("response", response)
    assert problem is None, f"response {raw[:300]!r} to {line[:200]!r}: {problem}"
    if not response["ok"]:
        error = response["error"]
        assert error["type"] in ERROR_TYPES, (line[:200], error)
        assert error["message"].strip(), (line[:200], error)
    return response


def test_thousands_of_fuzzed_lines_each_get_one_clear_answer(record_property):
    # A socket whose methods the fuzzed calls may reach by handle 1.
    socket_call = b'{"id": 2, "op": "call", "fn": "socket", "args": [2, 2]}\n'
    fuzzed: list[bytes] = []

    @settings(
        max_examples=100, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(st.lists(lines, min_size=30, max_size=30))
    def draw(batch: list[bytes]) -> None:
        fuzzed.extend(batch)

    draw()
    sent = [START, socket_call, *(line + b"\n" for line in fuzzed), PROBE, STOP]
    start = time.monotonic()
    responses, done = converse(b"".join(sent))
    elapsed = time.monotonic() - start
    record_property("fuzzed lines", len(fuzzed))
    print(f"{len(fuzzed)} fuzzed lines answered in {elapsed:.2f} s")
    assert done.returncode == 0, done.stderr[-2000:]
    assert b"Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(responses) == len(sent), f"{len(responses)} responses to {len(sent)} lines"
    validator = MessageValidator()
    answers = [check_response(validator, raw, line) for raw, line in zip(responses, sent, strict=True)]
    assert answers[1]["ok"] and answers[1]["result"] == {"$handle": 1}
    assert answers[-2] == {"id": 424242, "ok": True, "result": 1234}
    refused = sum(not answer["ok"] for answer in answers)
    record_property("fuzzed lines refused", refused)
    assert refused > len(fuzzed) // 2  # most of them are nonsense, and said to be


def _padded_call(size: int) -> bytes:
    """A valid call padded with spaces to exactly ``size`` bytes, newline not counted."""
    body = b'{"id": 7, "op": "call", "fn": "ntohs", "args": [53764]}'
    return body[:-1] + b" " * (size - len(body)) + b"}\n"


def test_huge_lines_are_refused_and_serving_goes_on(record_property):
    huge = 64 * 1024 * 1024
    proc = subprocess.Popen(
        [sys.executable, "-m", "sockspec_reference.harness"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    requests, responses, errors = proc.stdin, proc.stdout, proc.stderr
    assert requests is not None and responses is not None and errors is not None
    stderr: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr.append(errors.read()), daemon=True)
    reader.start()
    validator = MessageValidator()

    def ask(line: bytes) -> dict[str, Any]:
        requests.write(line)
        requests.flush()
        return check_response(validator, responses.readline(), line)

    try:
        assert ask(START)["ok"]
        baseline = proc_status(proc.pid)["VmRSS"]
        at_limit = ask(_padded_call(MAX_LINE))
        assert at_limit == {"id": 7, "ok": True, "result": 1234}, "a line of exactly 16 MiB is allowed"
        over = ask(_padded_call(MAX_LINE + 1))
        assert (over["id"], over["ok"], over["error"]["type"]) == (None, False, "BadRequest")
        assert f"longer than {MAX_LINE} bytes" in over["error"]["message"]
        assert ask(b"\xff" * (MAX_LINE + 10) + b"\n")["error"]["type"] == "BadRequest"
        after_limit = proc_status(proc.pid)["VmHWM"]
        refused = ask(b"[" * huge + b"\n")
        assert refused["error"]["type"] == "BadRequest", refused
        peak = proc_status(proc.pid)["VmHWM"]
        assert ask(PROBE) == {"id": 424242, "ok": True, "result": 1234}
        requests.write(b"x" * (MAX_LINE + 1))  # over the limit, and no newline before the end of input
        requests.close()
        last = responses.read().splitlines()
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(5)
    assert len(last) == 1 and json.loads(last[0])["error"]["type"] == "BadRequest", last
    assert b"Traceback" not in b"".join(stderr), stderr
    record_property("harness VmRSS after start, KiB", baseline)
    record_property("harness VmHWM after the 16 MiB lines, KiB", after_limit)
    record_property("harness VmHWM after a 64 MiB line, KiB", peak)
    print(f"harness memory: {baseline} KiB at start, peak {after_limit} KiB at 16 MiB, {peak} KiB after 64 MiB")
    assert peak - after_limit < 8 * 1024, "refusing a 64 MiB line cost more than refusing a 16 MiB one"


def test_no_lines_at_all_and_blank_lines():
    responses, done = converse(b"")
    assert (responses, done.returncode) == ([], 0)
    responses, done = converse(START + b"   \n" + b"\t\r\n" + PROBE)
    assert done.returncode == 0 and len(responses) == 4
    for raw in responses[1:3]:
        assert json.loads(raw)["error"]["type"] == "BadRequest"
    assert json.loads(responses[3])["result"] == 1234


def test_a_negative_id_is_refused_with_a_null_id():
    responses, done = converse(START + b'{"id": -4, "op": "call", "fn": "ntohs", "args": [53764]}\n' + PROBE)
    assert done.returncode == 0 and len(responses) == 3
    answer = check_response(MessageValidator(), responses[1], b"id -4")
    assert (answer["id"], answer["ok"], answer["error"]["type"]) == (None, False, "BadRequest")
