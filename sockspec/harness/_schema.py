"""The protocol's JSON Schema, shipped as ``schema.json`` beside this module.

The schema is the document other languages reuse; this module only loads it
and answers "what is wrong with this message?" for one of its definitions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sockspec.harness._codec import Json

__all__ = ["SCHEMA_PATH", "MessageValidator", "load_schema"]

SCHEMA_PATH = Path(__file__).with_name("schema.json")


def load_schema() -> dict[str, Any]:
    """The protocol's JSON Schema (draft 2020-12) as a dict."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


class MessageValidator:
    """Checks messages against the definitions under ``$defs`` in the schema."""

    def __init__(self) -> None:
        from jsonschema import Draft202012Validator  # only --validate-harness pays for the import

        root = {key: value for key, value in load_schema().items() if key != "oneOf"}
        self._validators = {name: Draft202012Validator({**root, "$ref": f"#/$defs/{name}"}) for name in root["$defs"]}

    def problem(self, definition: str, message: Json) -> str | None:
        """Say how ``message`` violates ``#/$defs/<definition>``, or ``None`` if it conforms."""
        from jsonschema.exceptions import best_match

        error = best_match(self._validators[definition].iter_errors(message))
        return None if error is None else f"{error.message} (at {error.json_path})"
