"""Message checks and error reconstruction (sockspec.harness._protocol)."""

from __future__ import annotations

import errno
import socket
from typing import Any

import pytest

from sockspec.harness._protocol import (
    ERROR_TYPES,
    REMOTE_EXCEPTIONS,
    describe_call,
    dump_line,
    metadata_problem,
    parse_line,
    remote_exception,
    response_problem,
)

START = {"name": "n", "version": "1", "language": "go", "runtime": "go1.22", "protocol": 1}


@pytest.mark.parametrize(
    ("error", "cls", "text"),
    [
        (
            {"type": "OSError", "errno": errno.ECONNREFUSED, "message": "Connection refused"},
            ConnectionRefusedError,
            f"[Errno {errno.ECONNREFUSED}] Connection refused",
        ),
        (
            {"type": "OSError", "errno": errno.EAGAIN, "message": "again"},
            BlockingIOError,
            f"[Errno {errno.EAGAIN}] again",
        ),
        (
            {"type": "OSError", "errno": None, "message": "illegal IP address string passed to inet_aton"},
            OSError,
            "illegal IP address string passed to inet_aton",
        ),
        (
            {"type": "gaierror", "errno": -2, "message": "Name or service not known"},
            socket.gaierror,
            "[Errno -2] Name or service not known",
        ),
        ({"type": "herror", "errno": 1, "message": "Unknown host"}, socket.herror, "[Errno 1] Unknown host"),
        ({"type": "TimeoutError", "message": "timed out"}, TimeoutError, "timed out"),
        ({"type": "OverflowError", "message": "too big"}, OverflowError, "too big"),
        ({"type": "ValueError", "message": "embedded null character"}, ValueError, "embedded null character"),
        ({"type": "TypeError", "message": "an integer is required"}, TypeError, "an integer is required"),
    ],
)
def test_error_responses_become_the_exceptions_socket_raises(error: dict[str, Any], cls: type, text: str) -> None:
    exc = remote_exception(error)
    assert type(exc) is cls
    assert str(exc) == text
    if error.get("errno") is not None:
        assert exc.errno == error["errno"]  # type: ignore[attr-defined]


def test_error_types_are_the_schemas() -> None:
    from sockspec.harness import load_schema

    assert list(ERROR_TYPES) == load_schema()["$defs"]["error"]["properties"]["type"]["enum"]
    assert set(REMOTE_EXCEPTIONS) < set(ERROR_TYPES)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"id": 4, "ok": True, "result": None}, None),
        ({"id": 4, "ok": False, "error": {"type": "OSError", "errno": 9, "message": "m"}}, None),
        ({"id": None, "ok": False, "error": {"type": "BadRequest", "message": "m"}}, None),
        ([], "not an object"),
        ({"id": 3, "ok": True, "result": 1}, "id 3 where 4 was expected"),
        ({"id": True, "ok": True, "result": 1}, "id True where 4 was expected"),
        ({"id": None, "ok": True, "result": 1}, "id None where 4 was expected"),
        ({"id": 4, "ok": 1, "result": 1}, "'ok' 1 where true or false"),
        ({"id": 4, "ok": True}, "without 'result'"),
        ({"id": 4, "ok": False, "error": "boom"}, "'error' 'boom' where an object"),
        ({"id": 4, "ok": False, "error": {"type": "KeyError", "message": "m"}}, "error type 'KeyError'"),
        ({"id": 4, "ok": False, "error": {"type": "OSError"}}, "error message None"),
        ({"id": 4, "ok": False, "error": {"type": "OSError", "message": "m", "errno": "9"}}, "errno '9'"),
    ],
)
def test_response_problem_names_what_is_wrong(message: Any, problem: str | None) -> None:
    found = response_problem(message, 4)
    assert found == problem if problem is None else problem in (found or "")


@pytest.mark.parametrize(
    ("result", "problem"),
    [
        ({**START, "capabilities": ["htonl", "socket.recv"], "constants": {}, "extra": 1}, None),
        ([], "where an object"),
        ({**START, "protocol": "1", "capabilities": [], "constants": {}}, "'protocol' = '1' where a int"),
        ({**START, "protocol": True, "capabilities": [], "constants": {}}, "'protocol' = True"),
        ({**START, "capabilities": "htonl", "constants": {}}, "'capabilities' = 'htonl'"),
        ({**START, "capabilities": [1], "constants": {}}, "'capabilities' = [1]"),
        ({**START, "capabilities": []}, "'constants' = None"),
    ],
)
def test_metadata_problem_names_the_field(result: Any, problem: str | None) -> None:
    found = metadata_problem(result)
    assert found == problem if problem is None else problem in (found or "")


def test_lines_are_compact_ascii_json() -> None:
    line = dump_line({"id": 1, "op": "call", "fn": "gethostbyname", "args": ["bücher.example"]})
    assert line == b'{"id":1,"op":"call","fn":"gethostbyname","args":["b\\u00fccher.example"]}\n'
    assert parse_line(line) == {"id": 1, "op": "call", "fn": "gethostbyname", "args": ["bücher.example"]}


@pytest.mark.parametrize("line", [b"NaN", b'{"x": Infinity}', b"[" * 100_000, b"\xff", b"{"])
def test_parse_line_refuses_what_is_not_json(line: bytes) -> None:
    with pytest.raises(ValueError):
        parse_line(line)


def test_describe_call_reads_like_the_spec_code() -> None:
    assert describe_call("htonl", (1234,), {}, None) == "htonl(1234)"
    assert describe_call("recv", (1024,), {"flags": 0}, 3) == "socket#3.recv(1024, flags=0)"
    assert describe_call("sendall", (b"x" * 1000,), {}, 2).endswith("... (1003 characters))")
