"""The API specs catch a wrong provider: exactly the requirements it breaks FAIL."""

from __future__ import annotations

from tests.conftest import verdict_ids

# Golden list: change it only together with tests/impls/wrong_api.py or the specs.
WRONG_API_FAILS = {
    "s03.inet_aton.radix",  # '0x7f.1' is a short form too
    "s03.inet_aton.short-form",
    "s04.getservbyport.well-known",
    "s04.protocol.optional",  # getservbyport(80) without a protocol is upper-case as well
    "s05.htonl.value",
    "s06.settimeout.zero",
    "s11.sendall.slow-reader",  # one send() takes about 3.8 MB of the 8 MiB
}


def test_wrong_api_fails_exactly_its_mistakes(specs_runner) -> None:
    code, data, output = specs_runner("--impl-module", "tests.impls.wrong_api", "specs/api")
    assert code == 1, output
    assert data["implementation"] == "tests.impls.wrong_api"
    assert verdict_ids(data, "FAIL") == WRONG_API_FAILS, output


def test_reference_api_passes(specs_runner) -> None:
    code, data, output = specs_runner("specs/api")
    assert code == 0, output
    assert verdict_ids(data, "FAIL") == set()
