"""schema.json is a valid draft 2020-12 schema that says what the protocol says."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sockspec.harness import SCHEMA_PATH, load_schema
from sockspec.harness._schema import MessageValidator

METADATA = {
    "name": "node-harness",
    "version": "0.1.0",
    "language": "javascript",
    "runtime": "node v20",
    "protocol": 1,
    "capabilities": ["htonl", "socket", "socket.recv"],
    "constants": {"AF_INET": 2, "has_ipv6": True},
}

# JSON-Schema-Test-Suite style: (description, definition, data, valid).
CASES = [
    ("a start request is valid", "request", {"id": 1, "op": "start", "protocol": 1}, True),
    ("a module call is valid", "request", {"id": 2, "op": "call", "fn": "htonl", "args": [1234]}, True),
    (
        "a socket call with kwargs is valid",
        "request",
        {"id": 3, "op": "call", "fn": "recv", "handle": 1, "args": [], "kwargs": {"bufsize": 4}},
        True,
    ),
    ("a stop request is valid", "request", {"id": 4, "op": "stop"}, True),
    ("a call without args is invalid", "request", {"id": 2, "op": "call", "fn": "htonl"}, False),
    ("an unknown op is invalid", "request", {"id": 2, "op": "ping"}, False),
    ("a dotted function name is invalid", "request", {"id": 2, "op": "call", "fn": "os.system", "args": []}, False),
    (
        "a kwargs name with a space is invalid",
        "request",
        {"id": 2, "op": "call", "fn": "f", "args": [], "kwargs": {"a b": 1}},
        False,
    ),
    ("a start response is valid", "startReply", {"id": 1, "ok": True, "result": METADATA}, True),
    (
        "a start response with extra metadata is valid",
        "startReply",
        {"id": 1, "ok": True, "result": {**METADATA, "pid": 42}},
        True,
    ),
    (
        "a start response without constants is invalid",
        "startReply",
        {"id": 1, "ok": True, "result": {k: v for k, v in METADATA.items() if k != "constants"}},
        False,
    ),
    (
        "a handle as a constant is invalid",
        "startReply",
        {"id": 1, "ok": True, "result": {**METADATA, "constants": {"X": {"$nope": 1}}}},
        False,
    ),
    (
        "a tagged address is valid",
        "callReply",
        {"id": 5, "ok": True, "result": {"$tuple": [{"$handle": 4}, {"$tuple": ["127.0.0.1", 5555]}]}},
        True,
    ),
    (
        "an error with errno is valid",
        "callReply",
        {"id": 5, "ok": False, "error": {"type": "gaierror", "errno": -2, "message": "Name or service not known"}},
        True,
    ),
    (
        "an error for an unreadable request has a null id",
        "callReply",
        {"id": None, "ok": False, "error": {"type": "BadRequest", "message": "not JSON"}},
        True,
    ),
    ("an ok response with a null id is invalid", "callReply", {"id": None, "ok": True, "result": 1}, False),
    (
        "an error type outside the set is invalid",
        "callReply",
        {"id": 5, "ok": False, "error": {"type": "KeyError", "message": "x"}},
        False,
    ),
    ("an extra key in a response is invalid", "callReply", {"id": 5, "ok": True, "result": 1, "x": 0}, False),
    ("an untagged object result is invalid", "callReply", {"id": 5, "ok": True, "result": {"a": 1}}, False),
    ("a bare big integer is invalid", "callReply", {"id": 5, "ok": True, "result": 2**60}, False),
    ("a float tagged as a name is valid", "callReply", {"id": 5, "ok": True, "result": {"$float": "nan"}}, True),
    ("bytes in hex are invalid", "callReply", {"id": 5, "ok": True, "result": {"$bytes": "1b0"}}, False),
]


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(load_schema())
    assert SCHEMA_PATH.name == "schema.json"


@pytest.mark.parametrize(("definition", "data", "valid"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_messages_are_judged_as_the_protocol_says(definition: str, data: Any, valid: bool) -> None:
    problem = MessageValidator().problem(definition, data)
    assert (problem is None) is valid, problem


def test_the_root_schema_accepts_any_request_or_response() -> None:
    root = Draft202012Validator(load_schema())
    for _, _, data, valid in CASES:
        assert root.is_valid(data) is valid, data
