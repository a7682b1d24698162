"""One list of exception names: the kit's, which both JSON schemas must repeat exactly."""

from __future__ import annotations

import json

from sockspec.harness import ERROR_TYPES, SCHEMA_PATH
from specs.exceptions import EXCEPTIONS
from tests.conftest import ROOT


def test_harness_schema_names_the_protocol_error_types() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$defs"]["error"]["properties"]["type"]["enum"] == list(ERROR_TYPES)


def test_data_schema_names_the_exceptions_specs_accept() -> None:
    schema = json.loads((ROOT / "sockspec" / "schemas" / "spec-data.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["exception-name"]["enum"] == list(EXCEPTIONS)
