"""The reference harness, spoken to line by line as any kit would.

Runs under every interpreter found among the kit's own, ``pypy3`` and
``python3.9``, because the harness must also serve on Debian's PyPy 3.9.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sockspec.harness import MAX_LINE
from sockspec.harness._schema import MessageValidator

ROOT = Path(__file__).resolve().parents[2]
FAKES = Path(__file__).with_name("fakes")


def _interpreters() -> list[str]:
    found = [sys.executable]
    for name in ("pypy3", "python3.9"):
        path = shutil.which(name)
        if (
            path
            and subprocess.run(
                [path, "-c", "import sys; assert sys.version_info >= (3, 9)"], capture_output=True, timeout=10
            ).returncode
            == 0
        ):
            found.append(path)
    return found


@pytest.fixture(params=_interpreters())
def python(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def converse(
    python: str, *lines: bytes | dict[str, Any], args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[bytes]]:
    """Feed ``lines`` to a fresh harness; return its responses and the finished process."""
    data = b"".join(line if isinstance(line, bytes) else json.dumps(line).encode() + b"\n" for line in lines)
    done = subprocess.run(
        [python, "-m", "sockspec_reference.harness", *args],
        input=data,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=30,
    )
    return [json.loads(line) for line in done.stdout.splitlines()], done


START = {"id": 1, "op": "start", "protocol": 1}


def test_it_answers_start_call_stop_and_exits_zero(python: str) -> None:
    responses, done = converse(
        python,
        START,
        {"id": 2, "op": "call", "fn": "htonl", "args": [1234]},
        {"id": 3, "op": "stop"},
        {"id": 4, "op": "call", "fn": "htonl", "args": [1]},  # after stop: never read
    )
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in responses] == [1, 2, 3]
    metadata = responses[0]["result"]
    assert metadata["protocol"] == 1 and metadata["language"] == "python"
    assert {"htonl", "socket", "socket.recv", "socket.settimeout"} <= set(metadata["capabilities"])
    assert metadata["constants"]["AF_INET"] == 2 and metadata["constants"]["SOCK_STREAM"] == 1
    assert responses[1] == {"id": 2, "ok": True, "result": 3523477504}
    assert responses[2] == {"id": 3, "ok": True, "result": None}


def test_end_of_input_ends_it_with_status_zero(python: str) -> None:
    responses, done = converse(python, START)
    assert done.returncode == 0 and len(responses) == 1


@pytest.mark.parametrize(
    ("line", "kind", "says"),
    [
        (b"this is not json\n", "BadRequest", "not JSON"),
        (b"[1, 2]\n", "BadRequest", "a request is a JSON object"),
        (b'{"op": "start", "protocol": 1}\n', "BadRequest", "integer 'id'"),
        (b'{"id": 2, "op": "dance"}\n', "BadRequest", "unknown op 'dance'"),
        (b'{"id": 2, "op": "start", "protocol": 99}\n', "BadRequest", "speaks protocol 1"),
        (b'{"id": 2, "op": "call", "args": []}\n', "BadRequest", "a call needs 'fn'"),
        (b'{"id": 2, "op": "call", "fn": "frobnicate", "args": []}\n', "Unsupported", "no function 'frobnicate'"),
        (b'{"id": 2, "op": "call", "fn": "system", "args": ["true"]}\n', "Unsupported", "no function 'system'"),
        (b'{"id": 2, "op": "call", "fn": "recv", "handle": 77, "args": []}\n', "BadRequest", "no socket has handle 77"),
        (b'{"id": 2, "op": "call", "fn": "recv", "handle": [1], "args": []}\n', "BadRequest", "no socket has handle"),
        (b'{"id": 2, "op": "call", "fn": "inet_ntoa", "args": [{"$bytes": "!!"}]}\n', "BadRequest", "base64"),
        (b'{"id": 2, "op": "call", "fn": "htonl", "args": [{"$int": "x"}]}\n', "BadRequest", "decimal string"),
        (b'{"id": 2, "op": "call", "fn": "htonl", "args": [{"$float": "NaN"}]}\n', "BadRequest", "unknown name"),
        (b'{"id": 2, "op": "call", "fn": "htonl", "args": [{"a": 1}]}\n', "BadRequest", "not a protocol value"),
        (b'{"id": 2, "op": "call", "fn": "htonl", "args": [NaN]}\n', "BadRequest", "NaN is not JSON"),
        (b"[" * 100_000 + b"\n", "BadRequest", "not JSON"),
        (b"x" * (MAX_LINE + 10) + b"\n", "BadRequest", f"longer than {MAX_LINE} bytes"),
    ],
)
def test_a_bad_request_gets_an_error_response_and_serving_goes_on(
    python: str, line: bytes, kind: str, says: str
) -> None:
    responses, done = converse(python, START, line, {"id": 9, "op": "call", "fn": "ntohs", "args": [53764]})
    assert done.returncode == 0, done.stderr
    assert len(responses) == 3, responses
    error = responses[1]["error"]
    assert (error["type"], responses[1]["ok"]) == (kind, False)
    assert says in error["message"]
    assert responses[2] == {"id": 9, "ok": True, "result": 1234}


def test_every_response_it_writes_is_valid_under_the_schema(python: str) -> None:
    lines: list[bytes | dict[str, Any]] = [
        START,
        {"id": 2, "op": "call", "fn": "socket", "args": [2, 1]},
        {"id": 3, "op": "call", "fn": "settimeout", "handle": 1, "args": [{"$float": 100}]},
        {"id": 4, "op": "call", "fn": "gettimeout", "handle": 1, "args": []},
        {"id": 5, "op": "call", "fn": "bind", "handle": 1, "args": [{"$tuple": ["127.0.0.1", 0]}]},
        {"id": 6, "op": "call", "fn": "getsockname", "handle": 1, "args": []},
        {"id": 7, "op": "call", "fn": "inet_aton", "args": ["127.1"]},
        {"id": 8, "op": "call", "fn": "inet_aton", "args": ["x"]},
        {"id": 9, "op": "call", "fn": "getaddrinfo", "args": [None, None]},
        {"id": 10, "op": "call", "fn": "htonl", "args": [{"$int": str(2**64)}]},
        {"id": 11, "op": "call", "fn": "gethostbyname_ex", "args": ["localhost"]},
        b"not json\n",
        {"id": 12, "op": "stop"},
    ]
    responses, done = converse(python, *lines)
    validator = MessageValidator()
    assert done.returncode == 0
    assert validator.problem("startReply", responses[0]) is None
    for response in responses[1:]:
        assert validator.problem("callReply", response) is None, response
    by_id = {r["id"]: r for r in responses}
    assert by_id[4]["result"] == {"$float": 100.0}
    assert by_id[6]["result"]["$tuple"][0] == "127.0.0.1"
    assert by_id[7]["result"] == {"$bytes": "fwAAAQ=="}
    assert by_id[8]["error"] == {
        "type": "OSError",
        "errno": None,
        "name": "OSError",
        "message": "illegal IP address string passed to inet_aton",
    }
    assert by_id[9]["error"]["type"] == "gaierror" and by_id[9]["error"]["errno"] == -2
    assert by_id[10]["error"]["type"] == "OverflowError"


def test_output_of_the_served_module_cannot_reach_the_protocol_stream(python: str) -> None:
    responses, done = converse(
        python,
        START,
        {"id": 2, "op": "call", "fn": "htonl", "args": [1]},
        args=("--module", "noisy_socket"),
        env={**os.environ, "PYTHONPATH": str(FAKES)},
    )
    assert done.returncode == 0, done.stderr
    assert responses[0]["result"]["name"] == "noisy_socket"
    assert responses[1] == {"id": 2, "ok": True, "result": 16777216}
    assert b"noise at import time" in done.stderr and b"noise written to fd 1" in done.stderr


def test_a_module_that_cannot_be_imported_is_refused_with_status_two(python: str) -> None:
    responses, done = converse(python, START, args=("--module", "no_such_socket_module"))
    assert (responses, done.returncode) == ([], 2)
    assert b"cannot serve module 'no_such_socket_module'" in done.stderr


def test_a_result_it_cannot_carry_is_a_harness_error(python: str) -> None:
    responses, done = converse(
        python,
        START,
        {"id": 2, "op": "call", "fn": "htonl", "args": [1]},
        {"id": 3, "op": "call", "fn": "htons", "args": [1]},
        args=("--module", "odd_value_socket"),
        env={**os.environ, "PYTHONPATH": str(FAKES)},
    )
    assert done.returncode == 0, done.stderr
    error = responses[1]["error"]
    assert error["type"] == "HarnessError" and "cannot carry a value of type Number" in error["message"]
    assert responses[2] == {"id": 3, "ok": True, "result": 256}


def test_it_serves_sockets_of_the_modules_own_class_by_attribute(python: str) -> None:
    """tests/impls/wrapped_socket.py: no socket method on the class, all through ``__getattr__``."""
    responses, done = converse(
        python,
        START,
        {"id": 2, "op": "call", "fn": "socket", "args": [2, 1]},
        {"id": 3, "op": "call", "fn": "bind", "handle": 1, "args": [{"$tuple": ["127.0.0.1", 0]}]},
        {"id": 4, "op": "call", "fn": "listen", "handle": 1, "args": [1]},
        {"id": 5, "op": "call", "fn": "getsockname", "handle": 1, "args": []},
        {"id": 6, "op": "call", "fn": "socketpair", "args": []},
        {"id": 7, "op": "call", "fn": "dup", "handle": 2, "args": []},
        {"id": 8, "op": "call", "fn": "sendall", "handle": 4, "args": [{"$bytes": "aGk="}]},
        {"id": 9, "op": "call", "fn": "recv", "handle": 3, "args": [2]},
        args=("--module", "tests.impls.wrapped_socket"),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert {"socket", "socketpair", "socket.bind", "socket.accept", "socket.recv"} <= set(
        responses[0]["result"]["capabilities"]
    )
    assert [r["ok"] for r in responses] == [True] * 9, responses
    assert responses[1]["result"] == {"$handle": 1}
    assert responses[4]["result"]["$tuple"][0] == "127.0.0.1"
    assert responses[5]["result"] == {"$tuple": [{"$handle": 2}, {"$handle": 3}]}
    assert responses[6]["result"] == {"$handle": 4}
    assert responses[8]["result"] == {"$bytes": "aGk="}


#: docs/harness-protocol.md §3: a harness lists every function and socket method it serves.  Pinned here,
#: not read from the harness, so that one dropped from its tables is seen (docs/mutation-testing.md).
SERVED_FUNCTIONS = (
    "gethostname gethostbyname gethostbyname_ex gethostbyaddr getfqdn getaddrinfo getnameinfo getservbyname "
    "getservbyport getprotobyname inet_aton inet_ntoa inet_pton inet_ntop htonl ntohl htons ntohs getdefaulttimeout "
    "setdefaulttimeout has_dualstack_ipv6 socket socketpair create_connection create_server fromfd"
)
SERVED_METHODS = (
    "accept bind close connect connect_ex dup fileno getblocking getpeername getsockname getsockopt gettimeout "
    "listen recv recvfrom send sendall sendto setblocking setsockopt settimeout shutdown"
)
_HAVE = """import socket, sys
sock = socket.socket()
print(*[n for n in sys.argv[1].split() if callable(getattr(socket, n, None))])
print(*["socket." + n for n in sys.argv[2].split() if callable(getattr(sock, n, None))])
"""


def test_it_lists_every_function_and_method_the_module_has(python: str) -> None:
    responses, done = converse(python, START, {"id": 2, "op": "stop"})
    assert done.returncode == 0, done.stderr
    have = subprocess.run(
        [python, "-c", _HAVE, SERVED_FUNCTIONS, SERVED_METHODS],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.split()
    assert sorted(responses[0]["result"]["capabilities"]) == sorted(have)
