"""§4 service-name: a port's service name and a service's port, with the tutorial's lines.

Strategy: the expected names and ports come from the platform's services
database, read through the standard library (the oracle), so the spec holds
on any platform; where the database lacks an entry the case is N/A.  An
unknown entry is one the oracle also fails to find.
"""

from __future__ import annotations

import re
import socket as oracle  # the platform's services database; never the thing under test
from typing import Any

import pytest

from sockspec import not_applicable, params
from specs.program._checks import (
    accepted_lines,
    expect_exit,
    expect_exit_nonzero,
    expect_lines,
    expect_message,
    expect_no_traceback,
    expect_usage_error,
)
from specs.program._scenarios import run_once


def _lookup(function: str, *args: Any) -> Any:
    """What the platform's database answers, or None when it has no such entry."""
    try:
        return getattr(oracle, function)(*args)
    except OSError:
        return None


@pytest.mark.parametrize("case", params("s04.service_name.transcript"))
def test_service_name_transcript(programs, shared, case):
    given = case["input"]
    values = {
        "service_of_port": _lookup("getservbyport", given["port"], given["protocol"]),
        "port_of_service": _lookup("getservbyname", given["service"], given["protocol"]),
    }
    if None in values.values():
        wanted = f"port {given['port']} or service {given['service']!r} for {given['protocol']}"
        not_applicable(f"the platform's services database lacks {wanted}")
    done = run_once(shared, programs, "service-name", *given["args"])
    what = "service-name " + " ".join(given["args"])
    expect_exit(what, done, 0)
    expect_lines(f"{what} output", done.lines, accepted_lines(case["expect"], values))


def _run_unknown(programs, shared, case):
    """The run of a lookup the database lacks; N/A where this database has it."""
    function, *args = case["input"]["lookup"]
    if _lookup(function, *args) is not None:
        not_applicable(f"the services database answers {function}{tuple(args)}, which the vector calls unknown")
    return run_once(shared, programs, "service-name", *case["input"]["args"])


@pytest.mark.parametrize("case", params("s04.service_name.unknown"))
def test_service_name_unknown(programs, shared, case):
    done = _run_unknown(programs, shared, case)
    what = "service-name " + " ".join(case["input"]["args"])
    expect_exit_nonzero(what, done)
    expect_message(what, done, [rf".*\b{re.escape(case['expect'])}\b"])
    expect_no_traceback(what, done)


@pytest.mark.parametrize("case", params("s04.service_name.exit-codes"))
def test_service_name_exit_code(programs, shared, case):
    done = _run_unknown(programs, shared, case)
    expect_exit("service-name " + " ".join(case["input"]["args"]), done, case["expect"])


@pytest.mark.parametrize("case", params("s04.service_name.usage"))
def test_service_name_usage(programs, shared, case):
    done = run_once(shared, programs, "service-name", *case["input"])
    expect_usage_error(" ".join(["service-name", *case["input"]]), done)
