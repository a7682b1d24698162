"""§3 IPv4 conversion: inet_aton / inet_ntoa and their hex forms."""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockspec import expect_equal, expect_raises, params
from specs.api._properties import PROPERTIES
from specs.exceptions import accepted

ATON_FORMS = ("s03.inet_aton.value", "s03.inet_aton.short-form", "s03.inet_aton.radix")


@pytest.mark.parametrize("case", params(*ATON_FORMS))
def test_inet_aton_packs(api, case):
    expect_equal(f"inet_aton({case['input']!r})", api.inet_aton(case["input"]), bytes.fromhex(case["expect"]))


@pytest.mark.parametrize("case", params("s03.inet_aton.rejects"))
def test_inet_aton_rejects(api, case):
    expect_raises(f"inet_aton({case['input']!r})", accepted(case["raises"]), api.inet_aton, case["input"])


@pytest.mark.parametrize("case", params("s03.inet_ntoa.value"))
def test_inet_ntoa_formats(api, case):
    packed = bytes.fromhex(case["input"])
    expect_equal(f"inet_ntoa({packed!r})", api.inet_ntoa(packed), case["expect"])


@pytest.mark.parametrize("case", params("s03.inet_ntoa.length"))
def test_inet_ntoa_rejects_length(api, case):
    packed = bytes.fromhex(case["input"])
    expect_raises(f"inet_ntoa({packed!r})", accepted(case["raises"]), api.inet_ntoa, packed)


@pytest.mark.parametrize("case", params("s03.conversion.type"))
def test_conversion_rejects_type(api, case):
    name, value = case["input"]
    expect_raises(f"{name}({value!r})", accepted(case["raises"]), getattr(api, name), value)


dotted_quads = st.tuples(*[st.integers(min_value=0, max_value=255)] * 4).map(lambda parts: ".".join(map(str, parts)))


@pytest.mark.req("s03.conversion.round-trip")
def test_round_trip_from_text(api):
    @PROPERTIES
    @given(dotted_quads)
    def round_trip(quad: str) -> None:
        expect_equal(f"inet_ntoa(inet_aton({quad!r}))", api.inet_ntoa(api.inet_aton(quad)), quad)

    round_trip()


@pytest.mark.req("s03.conversion.round-trip")
def test_round_trip_from_bytes(api):
    @PROPERTIES
    @given(st.binary(min_size=4, max_size=4))
    def round_trip(packed: bytes) -> None:
        expect_equal(f"inet_aton(inet_ntoa({packed!r}))", api.inet_aton(api.inet_ntoa(packed)), packed)

    round_trip()


@pytest.mark.parametrize("case", params("s03.hexlify.packed"))
def test_hexlify_packed(api, case):
    text = case["input"]
    expect_equal(f"hexlify(inet_aton({text!r}))", binascii.hexlify(api.inet_aton(text)), case["expect"].encode("ascii"))


@pytest.mark.parametrize("case", params("s03.unhexlify.packed"))
def test_unhexlify_packed(api, case):
    digits = case["input"]
    expect_equal(f"inet_ntoa(unhexlify({digits!r}))", api.inet_ntoa(binascii.unhexlify(digits)), case["expect"])
