"""How long the kit lets one harness call take: what the call may legitimately spend."""

from __future__ import annotations

import math

import pytest

from sockspec.harness._deadlines import LOOKUP_ALLOWANCE_S, blocking_allowance, call_allowance


def test_the_lookup_allowance_is_a_default_resolvers_whole_budget() -> None:
    assert LOOKUP_ALLOWANCE_S == 10.0  # resolv.conf(5): timeout 5 s, 2 attempts


@pytest.mark.parametrize(
    ("timeout", "allowance"), [(None, 0.0), (0, 0.0), (0.25, 0.25), (3, 3.0), (math.inf, 0.0), (True, 0.0)]
)
def test_a_socket_timeout_allows_that_long(timeout: object, allowance: float) -> None:
    assert blocking_allowance(timeout) == allowance


@pytest.mark.parametrize(
    ("fn", "args", "kwargs", "method", "allowance"),
    [
        ("gethostbyname", ("slow.sockspec.test",), {}, False, LOOKUP_ALLOWANCE_S),
        ("gethostbyaddr", ("127.0.0.1",), {}, False, LOOKUP_ALLOWANCE_S),  # a reverse lookup
        ("getfqdn", (), {}, False, LOOKUP_ALLOWANCE_S),
        ("create_connection", (("web.sockspec.test", 80), 2.0), {}, False, LOOKUP_ALLOWANCE_S + 2.0),
        ("create_connection", (("127.0.0.1", 80),), {"timeout": 1}, False, LOOKUP_ALLOWANCE_S + 1.0),
        ("htonl", (1,), {}, False, 0.0),
        ("connect", (("nosuchhost.invalid", 80),), {}, True, LOOKUP_ALLOWANCE_S),
        ("sendto", (b"x", ("localhost", 9)), {}, True, LOOKUP_ALLOWANCE_S),
        ("connect", (("127.0.0.1", 80),), {}, True, 0.0),  # a literal takes no lookup
        ("connect", (("::1", 80, 0, 0),), {}, True, 0.0),
        ("connect", (("fe80::1%lo", 80, 0, 1),), {}, True, 0.0),
        ("bind", (("", 0),), {}, True, 0.0),
        ("recv", (1024,), {}, True, 0.0),
    ],
)
def test_a_lookup_allows_a_resolvers_budget(
    fn: str, args: tuple[object, ...], kwargs: dict[str, object], method: bool, allowance: float
) -> None:
    assert call_allowance(fn, args, kwargs, method=method) == allowance
