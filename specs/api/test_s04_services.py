"""§4 ports, protocols and service names: getservbyport / getservbyname.

Strategy: the expected names and ports are IANA's, from the data file.  The
platform's services database is asked first through the standard library (the
oracle): where it lacks an entry, the IUT cannot be judged on it and the case
is N/A with that reason.
"""

from __future__ import annotations

import socket as oracle  # the platform's services database, never the thing under test
from pathlib import Path
from typing import Any

import pytest

from sockspec import expect_equal, expect_raises, not_applicable, params
from specs.exceptions import accepted

SERVICES_FILE = Path("/etc/services")


def _platform_lookup(function: str, *args: Any) -> Any:
    """What the platform's database answers, or None when it has no such entry."""
    try:
        return getattr(oracle, function)(*args)
    except OSError:
        return None


def _require_entry(function: str, *args: Any) -> None:
    """N/A unless the platform's services database has the entry ``function(*args)`` reads."""
    if _platform_lookup(function, *args) is not None:
        return
    call = f"{function}({', '.join(map(repr, args))})"
    if _platform_lookup("getservbyname", "http", "tcp") is None:
        where = f"{SERVICES_FILE} is missing" if not SERVICES_FILE.exists() else "it resolves not even http/tcp"
        not_applicable(f"no services database on this platform ({where})")
    not_applicable(f"the platform's services database has no entry for {call}")


@pytest.mark.parametrize("case", params("s04.getservbyport.well-known"))
def test_getservbyport_well_known(api, case):
    port, protocol = case["input"]
    _require_entry("getservbyport", port, protocol)
    expect_equal(f"getservbyport({port}, {protocol!r})", api.getservbyport(port, protocol), case["expect"])


@pytest.mark.parametrize("case", params("s04.getservbyname.well-known"))
def test_getservbyname_well_known(api, case):
    name, protocol = case["input"]
    _require_entry("getservbyname", name, protocol)
    expect_equal(f"getservbyname({name!r}, {protocol!r})", api.getservbyname(name, protocol), case["expect"])


@pytest.mark.parametrize("case", params("s04.protocol.optional"))
def test_lookup_without_protocol(api, case):
    function, key = case["input"]
    _require_entry(function, key)
    expect_equal(f"{function}({key!r})", getattr(api, function)(key), case["expect"])


@pytest.mark.parametrize("case", params("s04.lookup.unknown"))
def test_lookup_unknown(api, case):
    function, *args = case["input"]
    call = f"{function}({', '.join(map(repr, args))})"
    if _platform_lookup(function, *args) is not None:
        not_applicable(f"the platform's services database lists {call}, which the vector takes as unknown")
    expect_raises(call, accepted(case["raises"]), getattr(api, function), *args)


@pytest.mark.parametrize("case", params("s04.getservbyport.range"))
def test_getservbyport_range(api, case):
    port, protocol = case["input"]
    expect_raises(f"getservbyport({port}, {protocol!r})", accepted(case["raises"]), api.getservbyport, port, protocol)
