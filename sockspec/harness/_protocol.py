"""Messages of the harness protocol, as pure functions (no I/O).

Theory of operation: the kit writes one request line, the harness writes one
response line, in strict alternation.  Every request carries an integer
``id`` that its response repeats, so a stale or extra line is caught at once
instead of being taken for the answer to a later call.  ``op`` is ``start``,
``call`` or ``stop``; a response is ``{"ok": true, "result": ...}`` or
``{"ok": false, "error": {...}}``.  docs/harness-protocol.md is the full text
and schema.json the machine-readable form; the checks here are the structural
minimum the client applies to every line, with or without schema validation.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from sockspec.harness._codec import Json, clipped_repr

__all__ = [
    "ERROR_TYPES",
    "MAX_LINE",
    "PROTOCOL_VERSION",
    "REMOTE_EXCEPTIONS",
    "describe_call",
    "dump_line",
    "metadata_problem",
    "parse_line",
    "remote_exception",
    "response_problem",
]

PROTOCOL_VERSION = 1

#: Longest line either side may write, newline excluded.  Past it a line is a
#: protocol error, so a runaway harness cannot exhaust the kit's memory.
MAX_LINE = 16 * 1024 * 1024

#: Error types that stand for an exception of the socket API, and the class
#: the kit raises for each, so spec code catches exactly what ``socket`` raises.
REMOTE_EXCEPTIONS: dict[str, type[Exception]] = {
    "OSError": OSError,
    "gaierror": socket.gaierror,
    "herror": socket.herror,
    "TimeoutError": TimeoutError,
    "OverflowError": OverflowError,
    "ValueError": ValueError,
    "TypeError": TypeError,
}

#: Every error type a response may name.  The last four are not socket API
#: exceptions: ``Unsupported`` (the implementation lacks the call or argument
#: form), ``HarnessError`` (the harness itself cannot serve it, a gap that is
#: not the implementation's), ``BadRequest`` (the harness could not understand
#: the request) and ``OtherError`` (the implementation raised something
#: outside this set).
ERROR_TYPES: tuple[str, ...] = (*REMOTE_EXCEPTIONS, "Unsupported", "HarnessError", "BadRequest", "OtherError")

#: The keys a response may carry, by its ``ok``, and those of its error object (§3, §5 of
#: docs/harness-protocol.md); checked on every line because it costs a set difference.
_RESPONSE_KEYS = {True: frozenset({"id", "ok", "result"}), False: frozenset({"id", "ok", "error"})}
_ERROR_KEYS = frozenset({"type", "errno", "message", "name"})

_START_FIELDS: dict[str, type] = {"name": str, "version": str, "language": str, "runtime": str, "protocol": int}


def dump_line(message: Mapping[str, Json]) -> bytes:
    """Serialise one message as a line: compact, ASCII-only, no NaN."""
    return json.dumps(message, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii") + b"\n"


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_line(line: bytes) -> Json:
    """Parse one line; ``ValueError`` if it is not JSON (NaN and Infinity included)."""
    try:
        parsed: Json = json.loads(line, parse_constant=_reject_constant)
        return parsed
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def response_problem(message: Json, ident: int) -> str | None:
    """Say what is wrong with ``message`` as the answer to request ``ident``, or ``None``.

    ``id`` may be null only in an error response: that is a harness saying it
    could not read the request at all.
    """
    if not isinstance(message, dict):
        return "a JSON value that is not an object"
    ok = message.get("ok")
    answer_id = message.get("id")
    if "id" not in message:
        return "a response without 'id'"
    if not (_is_int(answer_id) and answer_id == ident) and not (answer_id is None and ok is False):
        return f"id {answer_id!r} where {ident} was expected"
    if (ok is True or ok is False) and (extra := message.keys() - _RESPONSE_KEYS[ok]):
        return f"keys the protocol does not have: {sorted(extra)}"
    if ok is True:
        return None if "result" in message else "an ok response without 'result'"
    if ok is False:
        return _error_problem(message.get("error"))
    return f"'ok' {clipped_repr(ok)} where true or false was expected"


def _error_problem(error: Json) -> str | None:
    if not isinstance(error, dict):
        return f"'error' {clipped_repr(error)} where an object was expected"
    if extra := error.keys() - _ERROR_KEYS:
        return f"an error object with keys the protocol does not have: {sorted(extra)}"
    if error.get("type") not in ERROR_TYPES:
        return f"error type {clipped_repr(error.get('type'))} where one of {list(ERROR_TYPES)} was expected"
    if not isinstance(error.get("message"), str):
        return f"error message {clipped_repr(error.get('message'))} where a string was expected"
    errno = error.get("errno")
    if errno is not None and not _is_int(errno):
        return f"errno {clipped_repr(errno)} where an integer or null was expected"
    return None


def metadata_problem(result: Json) -> str | None:
    """Say what is wrong with the result of ``start``, or ``None``.

    Only the shape is checked here; the protocol version and the constants'
    values are the client's business.
    """
    if not isinstance(result, dict):
        return f"start result {clipped_repr(result)} where an object was expected"
    for field, kind in _START_FIELDS.items():
        value = result.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"start result field {field!r} = {clipped_repr(value)} where a {kind.__name__} was expected"
    capabilities = result.get("capabilities")
    if not (isinstance(capabilities, list) and all(isinstance(item, str) for item in capabilities)):
        return f"start result field 'capabilities' = {clipped_repr(capabilities)} where a list of strings was expected"
    if not isinstance(result.get("constants"), dict):
        return f"start result field 'constants' = {clipped_repr(result.get('constants'))} where an object was expected"
    return None


def remote_exception(error: Mapping[str, Any]) -> Exception:
    """Rebuild the exception an error response names (one of ``REMOTE_EXCEPTIONS``).

    ``OSError(errno, message)`` picks the errno's subclass by itself, so
    ECONNREFUSED comes back as ``ConnectionRefusedError`` just as in-process.
    """
    cls = REMOTE_EXCEPTIONS[error["type"]]
    errno = error.get("errno")
    if errno is not None and issubclass(cls, OSError):
        return cls(errno, error["message"])
    return cls(error["message"])


def describe_call(fn: str, args: Sequence[object], kwargs: Mapping[str, object], handle: int | None) -> str:
    """Render a call as spec code wrote it, e.g. ``socket#3.recv(1024)``, for messages."""
    parts = [clipped_repr(arg, 40) for arg in args]
    parts += [f"{key}={clipped_repr(value, 40)}" for key, value in kwargs.items()]
    target = fn if handle is None else f"socket#{handle}.{fn}"
    return f"{target}({', '.join(parts)})"
