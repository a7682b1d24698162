"""§5 byte order: the four conversion functions, both host byte orders."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockspec import expect_equal, expect_raises, params
from specs.api._properties import PROPERTIES
from specs.exceptions import accepted

CONVERSIONS = ("s05.htonl.value", "s05.ntohl.value", "s05.htons.value", "s05.ntohs.value")


@pytest.mark.parametrize("case", params(*CONVERSIONS))
def test_conversion_value(api, case):
    name = case.requirement.split(".")[1]
    expected = case["expect"][sys.byteorder]
    expect_equal(f"{name}({case['input']})", getattr(api, name)(case["input"]), expected)


@pytest.mark.req("s05.conversion.involution")
@pytest.mark.parametrize("name,bits", [("htonl", 32), ("ntohl", 32), ("htons", 16), ("ntohs", 16)])
def test_conversion_is_its_own_inverse(api, name, bits):
    convert = getattr(api, name)

    @PROPERTIES
    @given(st.integers(min_value=0, max_value=2**bits - 1))
    def round_trip(value: int) -> None:
        expect_equal(f"{name}({name}({value}))", convert(convert(value)), value)

    round_trip()


@pytest.mark.parametrize("case", params("s05.conversion.overflow", "s05.conversion.negative", "s05.conversion.type"))
def test_conversion_rejects(api, case):
    name, value = case["input"]
    expect_raises(f"{name}({value!r})", accepted(case["raises"]), getattr(api, name), value)
