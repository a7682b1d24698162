"""Values on the wire: JSON plus five tags, so Python types survive the trip.

JSON alone cannot carry what the socket API returns: it has no bytes, no
tuples (addresses are tuples, and specs compare them as such), and a JavaScript
harness cannot tell ``100`` from ``100.0``.  So a value is plain JSON where
JSON is unambiguous and a one-key tagged object where it is not:

=====================  ===================================  =======================
Python                 wire                                 note
=====================  ===================================  =======================
None, bool, str        null, true/false, "..."
int                    42                                   within +/-(2**53 - 1)
int (larger)           {"$int": "18446744073709551616"}     decimal string
float                  {"$float": 100.0} / {"$float": "nan"}  always tagged
bytes                  {"$bytes": "<base64>"}               RFC 4648 base64, padded
tuple                  {"$tuple": [...]}
list                   [...]
socket object          {"$handle": 3}                       assigned by the harness
=====================  ===================================  =======================

A bare JSON number with a fraction or exponent is not a value: floats are
always tagged, so no reader has to guess.  This module is pure; the client
supplies how handles map to socket proxies.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["SAFE_INT", "CodecError", "Handle", "Json", "clipped_repr", "decode", "encode"]

#: Largest integer every JSON reader (including JavaScript's) holds exactly.
SAFE_INT = 2**53 - 1

#: What ``json.loads`` produces and ``json.dumps`` accepts.
Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]

_SPECIAL_FLOATS = frozenset({"nan", "inf", "-inf"})
_DECIMAL = re.compile(r"-?[0-9]+")
_REPR_LIMIT = 120


class CodecError(ValueError):
    """A value cannot travel over the protocol, or a wire value is malformed."""


@dataclass(frozen=True)
class Handle:
    """A socket object in the harness process, as the bare codec sees it."""

    id: int


def _handle_id(value: object) -> int | None:
    return value.id if isinstance(value, Handle) else None


def clipped_repr(value: object, limit: int = _REPR_LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters so a huge payload cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def encode(value: object, handle_of: Callable[[object], int | None] = _handle_id) -> Json:
    """Turn a Python value into wire JSON; ``handle_of`` names socket objects.

    Raises ``CodecError`` for a value the protocol has no form for (a dict,
    an arbitrary object), so the caller can say so instead of guessing.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        number = int(value)  # an IntEnum such as AF_INET travels as its number
        return number if -SAFE_INT <= number <= SAFE_INT else {"$int": str(number)}
    if isinstance(value, float):
        return {"$float": value if math.isfinite(value) else repr(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item, handle_of) for item in value]}
    if isinstance(value, list):
        return [encode(item, handle_of) for item in value]
    handle = handle_of(value)
    if handle is not None:
        return {"$handle": handle}
    kind = type(value).__name__
    raise CodecError(f"a value of type {kind} cannot travel over the harness protocol: {clipped_repr(value)}")


def decode(data: Json, make_handle: Callable[[int], object] = Handle) -> Any:
    """Turn wire JSON back into the Python value; ``make_handle`` builds socket objects.

    Strict on purpose: anything outside the table above raises ``CodecError``
    naming what arrived, because a harness that bends the format is wrong.
    """
    if data is None or isinstance(data, bool | int | str):
        return data
    if isinstance(data, float):
        raise CodecError(f"expected an integer or a tagged {{'$float': ...}}, got the bare JSON number {data!r}")
    if isinstance(data, list):
        return [decode(item, make_handle) for item in data]
    if isinstance(data, dict) and len(data) == 1:
        ((tag, body),) = data.items()
        reader = _TAG_READERS.get(tag)
        if reader is not None:
            return reader(body, make_handle)
    expected = f"a JSON scalar, an array, or one of the tags {sorted(_TAG_READERS)}"
    raise CodecError(f"expected {expected}, got {clipped_repr(data)}")


def _read_bytes(body: Json, make_handle: Callable[[int], object]) -> bytes:
    if isinstance(body, str):
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error:
            pass
    raise CodecError(f"expected padded base64 text in '$bytes', got {clipped_repr(body)}")


def _read_tuple(body: Json, make_handle: Callable[[int], object]) -> tuple[Any, ...]:
    if isinstance(body, list):
        return tuple(decode(item, make_handle) for item in body)
    raise CodecError(f"expected an array in '$tuple', got {clipped_repr(body)}")


def _read_float(body: Json, make_handle: Callable[[int], object]) -> float:
    if (isinstance(body, int | float) and not isinstance(body, bool)) or body in _SPECIAL_FLOATS:
        return float(body)
    raise CodecError(f"expected a number or one of {sorted(_SPECIAL_FLOATS)} in '$float', got {clipped_repr(body)}")


def _read_int(body: Json, make_handle: Callable[[int], object]) -> int:
    if isinstance(body, str) and _DECIMAL.fullmatch(body):
        try:
            return int(body)
        except ValueError:  # more digits than int() will convert
            pass
    raise CodecError(f"expected a decimal integer string in '$int', got {clipped_repr(body)}")


def _read_handle(body: Json, make_handle: Callable[[int], object]) -> object:
    if isinstance(body, int) and not isinstance(body, bool) and body >= 0:
        return make_handle(body)
    raise CodecError(f"expected a non-negative integer in '$handle', got {clipped_repr(body)}")


_TAG_READERS: dict[str, Callable[[Json, Callable[[int], object]], Any]] = {
    "$bytes": _read_bytes,
    "$tuple": _read_tuple,
    "$float": _read_float,
    "$int": _read_int,
    "$handle": _read_handle,
}
