"""The protocol's JSON Schema, shipped as ``schema.json`` beside this module.

The schema is the document other languages reuse; this module only answers
"what is wrong with this message?" for one of its definitions, through
:mod:`sockspec.documents` (which imports ``jsonschema`` only when
``--validate-harness`` asks for a check).
"""

from __future__ import annotations

from typing import Any

from sockspec import documents
from sockspec.harness._codec import Json

__all__ = ["SCHEMA_PATH", "MessageValidator", "load_schema"]

SCHEMA_PATH = documents.schema_path("harness")


def load_schema() -> dict[str, Any]:
    """The protocol's JSON Schema (draft 2020-12) as a dict."""
    return documents.load_schema("harness")


class MessageValidator:
    """Checks messages against the definitions under ``$defs`` in the schema."""

    def problem(self, definition: str, message: Json) -> str | None:
        """Say how ``message`` violates ``#/$defs/<definition>``, or ``None`` if it conforms."""
        found = documents.first_problem(documents.validator("harness", definition), message)
        return None if found is None else f"{found[1]} (at {found[0]})"
