"""Values survive the wire with their Python types (sockspec.harness._codec)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockspec.harness._codec import SAFE_INT, CodecError, Handle, decode, encode
from sockspec.harness._schema import MessageValidator

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.binary()
    | st.builds(Handle, st.integers(min_value=0, max_value=2**31))
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner), max_leaves=12)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same type all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def through_json(value: Any) -> Any:
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


@given(values)
def test_every_value_round_trips_with_its_type(value: Any) -> None:
    assert same(through_json(value), value)


@settings(max_examples=50)
@given(values)
def test_every_encoded_value_is_valid_under_the_schema(value: Any) -> None:
    assert MessageValidator().problem("value", encode(value)) is None


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (100.0, {"$float": 100.0}),
        (float("-inf"), {"$float": "-inf"}),
        (b"\x1b" + bytes(3), {"$bytes": "GwAAAA=="}),
        (("127.0.0.1", 80), {"$tuple": ["127.0.0.1", 80]}),
        (("localhost", [], ["127.0.0.1"]), {"$tuple": ["localhost", [], ["127.0.0.1"]]}),
        (SAFE_INT, SAFE_INT),
        (SAFE_INT + 1, {"$int": str(SAFE_INT + 1)}),
        (-(2**64), {"$int": str(-(2**64))}),
        (Handle(3), {"$handle": 3}),
    ],
)
def test_wire_form_is_as_documented(value: Any, wire: Any) -> None:
    assert encode(value) == wire
    assert same(decode(wire), value)


def test_an_integral_float_from_javascript_is_still_a_float() -> None:
    assert same(decode(json.loads('{"$float": 100}')), 100.0)


def test_bytes_like_arguments_travel_as_bytes() -> None:
    assert decode(encode(bytearray(b"ab"))) == decode(encode(memoryview(b"ab"))) == b"ab"


@pytest.mark.parametrize("value", [{"a": 1}, object(), {1, 2}, 1j])
def test_a_value_without_a_wire_form_is_refused_by_name(value: Any) -> None:
    with pytest.raises(CodecError, match=f"a value of type {type(value).__name__} cannot travel"):
        encode(value)


@pytest.mark.parametrize(
    ("wire", "complaint"),
    [
        (1.5, "bare JSON number 1.5"),
        (1.0, "bare JSON number 1.0"),
        ({"a": 1}, "one of the tags"),
        ({"$bytes": "AA==", "$tuple": []}, "one of the tags"),
        ({"$set": [1]}, "one of the tags"),
        ({"$bytes": "not base64!"}, "padded base64"),
        ({"$bytes": "AA"}, "padded base64"),
        ({"$bytes": 12}, "padded base64"),
        ({"$tuple": "ab"}, "an array in '\\$tuple'"),
        ({"$float": "NaN"}, "in '\\$float'"),
        ({"$float": True}, "in '\\$float'"),
        ({"$int": "12a"}, "decimal integer string"),
        ({"$int": 12}, "decimal integer string"),
        ({"$int": "9" * 5000}, "decimal integer string"),
        ({"$handle": -1}, "non-negative integer"),
        ({"$handle": "3"}, "non-negative integer"),
        ([1, {"$tuple": [{"$nope": 0}]}], "one of the tags"),
    ],
)
def test_malformed_wire_values_are_refused_saying_what_arrived(wire: Any, complaint: str) -> None:
    with pytest.raises(CodecError, match=complaint):
        decode(wire)


def test_hooks_map_handles_both_ways() -> None:
    seven = object()
    handle_of = {id(seven): 7}.get
    assert encode(("x", seven), lambda value: handle_of(id(value))) == {"$tuple": ["x", {"$handle": 7}]}
    assert decode({"$tuple": [{"$handle": 7}]}, {7: seven}.__getitem__) == (seven,)
