"""§2 remote lookup: names that only DNS knows, and how lookups fail.

Strategy: every call goes through ``sandboxed_api``, the IUT's API inside the
resolver sandbox, so the kit's stub DNS server (serving specs/data/zone.json)
answers and no query leaves the machine; where the sandbox cannot be made the
cases are N/A.  Error codes are compared with the standard library's EAI_*
constants for this platform (the oracle), named in the data file.
"""

from __future__ import annotations

import socket as oracle  # the platform's EAI_* values; never the thing under test

import pytest

from sockspec import expect_equal, expect_in, expect_raises, expect_that, params
from specs.exceptions import accepted


@pytest.mark.parametrize("case", params("s02.gethostbyname.remote"))
def test_gethostbyname_remote(sandboxed_api, case):
    name = case["input"]
    expect_in(f"gethostbyname({name!r})", sandboxed_api.gethostbyname(name), case["accept"])


@pytest.mark.parametrize("case", params("s02.gethostbyname_ex.remote"))
def test_gethostbyname_ex_remote(sandboxed_api, case):
    name = case["input"]
    what = f"gethostbyname_ex({name!r})"
    result = sandboxed_api.gethostbyname_ex(name)
    expect_that(what, isinstance(result, tuple) and len(result) == 3, expected="a tuple of 3 items", actual=result)
    canonical, aliases, addresses = case["expect"]
    expect_equal(f"{what} canonical name", result[0], canonical)
    expect_equal(f"{what} aliases", result[1], aliases)
    expect_that(
        f"{what} addresses",
        isinstance(result[2], list) and sorted(result[2]) == sorted(addresses),
        expected=f"a list holding exactly {addresses} in any order",
        actual=result[2],
    )


@pytest.mark.parametrize("case", params("s02.gethostbyaddr.ptr"))
def test_gethostbyaddr_ptr(sandboxed_api, case):
    address = case["input"]
    what = f"gethostbyaddr({address!r})"
    result = sandboxed_api.gethostbyaddr(address)
    expect_that(what, isinstance(result, tuple) and len(result) == 3, expected="a tuple of 3 items", actual=result)
    expect_equal(f"{what} name", result[0], case["expect"])
    expect_that(
        f"{what} addresses",
        isinstance(result[2], list) and address in result[2],
        expected=f"a list containing {address!r}",
        actual=result[2],
    )


@pytest.mark.parametrize(
    "case", params("s02.lookup.nxdomain", "s02.lookup.servfail", "s02.lookup.timeout", "s02.gethostbyaddr.unknown")
)
def test_lookup_fails(sandboxed_api, case):
    function, name = case["input"]
    call = f"{function}({name!r})"
    error = expect_raises(call, accepted(case["raises"]), getattr(sandboxed_api, function), name)
    codes = case.get("accept")
    if codes:
        values = {getattr(oracle, code): code for code in codes}
        expect_in(f"errno of the error {call} raised ({', '.join(codes)})", error.errno, list(values))
