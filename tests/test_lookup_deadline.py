"""A resolver that legitimately takes 5.5 s to give up is judged, not timed out.

tests/impls/dns_resolver.py waits 2 s per try and gives up after 5.5 s with
gaierror EAI_AGAIN, as dnspython's resolver does.  With the default
``--io-timeout`` (5 s) the kit must still wait for its answer
(sockspec/harness/_deadlines.py).  The run is wrapped in
scripts/loopback-only as well as the resolver sandbox: nothing the provider
sends can leave the machine.
"""

from __future__ import annotations

import pytest

from sockspec.sandbox import ResolverSandbox
from tests.conftest import ROOT


def test_a_slow_resolver_passes_the_lookup_timeout_with_the_default_io_timeout(specs_runner) -> None:
    reason = ResolverSandbox.unavailable_reason()
    if reason is not None:
        pytest.skip(f"the resolver sandbox is unavailable here: {reason}")
    code, data, output = specs_runner(
        "specs/api/test_s02_remote_lookup.py",
        "--req",
        "s02.lookup.timeout",
        "--impl-module",
        "tests.impls.dns_resolver",
        within=[str(ROOT / "scripts" / "loopback-only")],
    )
    assert code == 0, output
    (case,) = data["cases"]
    assert (case["requirement"], case["verdict"]) == ("s02.lookup.timeout", "PASS"), output
    assert case["duration"] >= 5, "the provider gives up only after 5.5 s: the case cannot have been judged sooner"
