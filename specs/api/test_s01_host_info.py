"""§1 local machine info: host name, its address, and the loopback reverse lookup.

Strategy: this part of §1 is hermetic.  A name is handed to the resolver only
after /etc/hosts has been read and found to list it, so the lookup ends in the
hosts file and never becomes a DNS query; otherwise the case is N/A.  IPv4
literals need no lookup at all.  Remote names and ``.invalid`` failures belong
to the DNS sandbox.
"""

from __future__ import annotations

import os

import pytest

from sockspec import expect_equal, expect_in, expect_raises, expect_that, not_applicable, params
from specs.exceptions import accepted
from specs.hosts_file import HOSTS_FILE, hosts_ipv4_of, hosts_names_of, is_dotted_quad


def _expect_non_empty_str(what: str, value: object) -> None:
    expect_that(what, isinstance(value, str) and value != "", expected="a non-empty str", actual=value)


def _require_in_hosts_file(name: str) -> list[str]:
    """The hosts-file addresses of ``name``; N/A when resolving it could query DNS."""
    addresses = hosts_ipv4_of(name)
    if not addresses:
        not_applicable(f"{HOSTS_FILE} has no IPv4 entry for {name!r}: resolving it would query DNS (needs the sandbox)")
    return addresses


def _own_name(api) -> str:
    """The IUT's host name, once /etc/hosts is known to list it (called in the case, so errors are its FAIL)."""
    name = api.gethostname()
    _expect_non_empty_str("gethostname()", name)
    _require_in_hosts_file(name)
    return name


@pytest.mark.req("s01.gethostname.nodename")
def test_gethostname_is_node_name(api):
    if not hasattr(os, "uname"):
        not_applicable("the platform has no uname() to compare the host name with")
    name = api.gethostname()
    _expect_non_empty_str("gethostname()", name)
    expect_equal("gethostname()", name, os.uname().nodename)


@pytest.mark.req("s01.gethostbyname.own-name")
def test_gethostbyname_own_name(api):
    own_name = _own_name(api)
    address = api.gethostbyname(own_name)
    expect_that(f"gethostbyname({own_name!r})", is_dotted_quad(address), expected="a dotted-quad str", actual=address)


@pytest.mark.parametrize("case", params("s01.gethostbyname.hosts-file"))
def test_gethostbyname_follows_hosts_file(api, case):
    name = case["input"] if case["input"] is not None else api.gethostname()
    listed = _require_in_hosts_file(name)
    expect_in(f"gethostbyname({name!r})", api.gethostbyname(name), listed)


@pytest.mark.parametrize("case", params("s01.gethostbyname.literal"))
def test_gethostbyname_literal(api, case):
    literal = case["input"]
    expect_equal(f"gethostbyname({literal!r})", api.gethostbyname(literal), literal)


@pytest.mark.req("s01.gethostbyname_ex.shape")
def test_gethostbyname_ex_shape(api):
    own_name = _own_name(api)
    result = api.gethostbyname_ex(own_name)
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
def test_gethostbyname_ex_contains_gethostbyname(api):
    own_name = _own_name(api)
    address = api.gethostbyname(own_name)
    addresses = api.gethostbyname_ex(own_name)[2]
    expect_that(
        f"gethostbyname_ex({own_name!r}) addresses",
        address in addresses,
        expected=f"a list containing gethostbyname's {address!r}",
        actual=addresses,
    )


@pytest.mark.parametrize("case", params("s01.gethostbyname_ex.literal"))
def test_gethostbyname_ex_literal(api, case):
    literal = case["input"]
    expect_equal(f"gethostbyname_ex({literal!r})", api.gethostbyname_ex(literal), (literal, [], [literal]))


@pytest.fixture
def loopback_names():
    """The names /etc/hosts gives 127.0.0.1; N/A when a reverse lookup would query DNS."""
    names = hosts_names_of("127.0.0.1")
    if not names:
        not_applicable(f"{HOSTS_FILE} has no entry for 127.0.0.1: a reverse lookup would query DNS (needs the sandbox)")
    return names


@pytest.mark.req("s01.gethostbyaddr.loopback")
def test_gethostbyaddr_loopback(api, loopback_names):
    result = api.gethostbyaddr("127.0.0.1")
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
def test_gethostbyaddr_name_from_hosts_file(api, loopback_names):
    expect_in("gethostbyaddr('127.0.0.1') name", api.gethostbyaddr("127.0.0.1")[0], loopback_names)


@pytest.mark.parametrize("case", params("s01.gethostbyaddr.malformed"))
def test_gethostbyaddr_malformed(api, case):
    text = case["input"]
    expect_raises(f"gethostbyaddr({text!r})", accepted(case["raises"]), api.gethostbyaddr, text)
