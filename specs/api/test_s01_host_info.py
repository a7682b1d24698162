"""§1 local machine info: host name, its address, and the loopback reverse lookup.

Strategy: this part of §1 is hermetic.  Every call goes through
``host_lookups``: CPython's own ``socket`` in process, any other provider
inside the resolver sandbox, whose resolver may ask DNS even for a name the
hosts file lists (then the kit's stub answers, never the machine's
nameserver).  A name is handed to the resolver only after the hosts file in
force there has been read and found to list it; otherwise the case is N/A.
IPv4 literals need no lookup at all.  Remote names and ``.invalid`` failures
belong to §2.
"""

from __future__ import annotations

import os

import pytest

from sockspec import expect_equal, expect_in, expect_raises, expect_that, not_applicable, params
from specs.exceptions import accepted
from specs.hosts_file import hosts_ipv4_of, hosts_names_of, is_dotted_quad


def _expect_non_empty_str(what: str, value: object) -> None:
    expect_that(what, isinstance(value, str) and value != "", expected="a non-empty str", actual=value)


def _require_in_hosts_file(lookups, name: str) -> list[str]:
    """The hosts-file addresses of ``name``; N/A when resolving it could query DNS."""
    addresses = hosts_ipv4_of(name, lookups.hosts_file)
    if not addresses:
        not_applicable(f"{lookups.hosts_file} has no IPv4 entry for {name!r}: resolving it would query DNS")
    return addresses


def _own_name(lookups) -> str:
    """The IUT's host name, once the hosts file is known to list it (called in the case, so errors are its FAIL)."""
    name = lookups.api.gethostname()
    _expect_non_empty_str("gethostname()", name)
    _require_in_hosts_file(lookups, name)
    return name


@pytest.mark.req("s01.gethostname.nodename")
def test_gethostname_is_node_name(host_lookups):
    if not hasattr(os, "uname"):
        not_applicable("the platform has no uname() to compare the host name with")
    name = host_lookups.api.gethostname()
    _expect_non_empty_str("gethostname()", name)
    expect_equal("gethostname()", name, os.uname().nodename)


@pytest.mark.req("s01.gethostbyname.own-name")
def test_gethostbyname_own_name(host_lookups):
    own_name = _own_name(host_lookups)
    address = host_lookups.api.gethostbyname(own_name)
    expect_that(f"gethostbyname({own_name!r})", is_dotted_quad(address), expected="a dotted-quad str", actual=address)


@pytest.mark.parametrize("case", params("s01.gethostbyname.hosts-file"))
def test_gethostbyname_follows_hosts_file(host_lookups, case):
    name = case["input"] if case["input"] is not None else host_lookups.api.gethostname()
    listed = _require_in_hosts_file(host_lookups, name)
    expect_in(f"gethostbyname({name!r})", host_lookups.api.gethostbyname(name), listed)


@pytest.mark.parametrize("case", params("s01.gethostbyname.literal"))
def test_gethostbyname_literal(host_lookups, case):
    literal = case["input"]
    expect_equal(f"gethostbyname({literal!r})", host_lookups.api.gethostbyname(literal), literal)


@pytest.mark.req("s01.gethostbyname_ex.shape")
def test_gethostbyname_ex_shape(host_lookups):
    own_name = _own_name(host_lookups)
    result = host_lookups.api.gethostbyname_ex(own_name)
    what = f"gethostbyname_ex({own_name!r})"
    expect_that(what, isinstance(result, tuple) and len(result) == 3, expected="a tuple of 3 items", actual=result)
    hostname, aliases, addresses = result
    _expect_non_empty_str(f"{what} hostname", hostname)
    expect_that(
        f"{what} aliases",
        isinstance(aliases, list) and all(isinstance(a, str) for a in aliases),
        expected="a list of str",
        actual=aliases,
    )
    expect_that(
        f"{what} addresses",
        isinstance(addresses, list) and len(addresses) > 0 and all(is_dotted_quad(a) for a in addresses),
        expected="a non-empty list of dotted-quad str",
        actual=addresses,
    )


@pytest.mark.req("s01.gethostbyname_ex.consistent")
def test_gethostbyname_ex_contains_gethostbyname(host_lookups):
    own_name = _own_name(host_lookups)
    address = host_lookups.api.gethostbyname(own_name)
    addresses = host_lookups.api.gethostbyname_ex(own_name)[2]
    expect_that(
        f"gethostbyname_ex({own_name!r}) addresses",
        address in addresses,
        expected=f"a list containing gethostbyname's {address!r}",
        actual=addresses,
    )


@pytest.mark.parametrize("case", params("s01.gethostbyname_ex.literal"))
def test_gethostbyname_ex_literal(host_lookups, case):
    literal = case["input"]
    expect_equal(f"gethostbyname_ex({literal!r})", host_lookups.api.gethostbyname_ex(literal), (literal, [], [literal]))


@pytest.fixture
def loopback_names(host_lookups):
    """The names the hosts file in force gives 127.0.0.1; N/A when a reverse lookup would query DNS."""
    names = hosts_names_of("127.0.0.1", host_lookups.hosts_file)
    if not names:
        not_applicable(f"{host_lookups.hosts_file} has no entry for 127.0.0.1: a reverse lookup would query DNS")
    return names


@pytest.mark.req("s01.gethostbyaddr.loopback")
def test_gethostbyaddr_loopback(host_lookups, loopback_names):
    result = host_lookups.api.gethostbyaddr("127.0.0.1")
    what = "gethostbyaddr('127.0.0.1')"
    expect_that(what, isinstance(result, tuple) and len(result) == 3, expected="a tuple of 3 items", actual=result)
    name, aliases, addresses = result
    _expect_non_empty_str(f"{what} name", name)
    expect_that(f"{what} aliases", isinstance(aliases, list), expected="a list", actual=aliases)
    expect_that(
        f"{what} addresses",
        isinstance(addresses, list) and "127.0.0.1" in addresses,
        expected="a list containing '127.0.0.1'",
        actual=addresses,
    )


@pytest.mark.req("s01.gethostbyaddr.hosts-name")
def test_gethostbyaddr_name_from_hosts_file(host_lookups, loopback_names):
    expect_in("gethostbyaddr('127.0.0.1') name", host_lookups.api.gethostbyaddr("127.0.0.1")[0], loopback_names)


@pytest.mark.parametrize("case", params("s01.gethostbyaddr.malformed"))
def test_gethostbyaddr_malformed(host_lookups, case):
    text = case["input"]
    expect_raises(f"gethostbyaddr({text!r})", accepted(case["raises"]), host_lookups.api.gethostbyaddr, text)
