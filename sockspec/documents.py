"""The kit's JSON Schemas, and one way to check a document against one of them.

Requirement files, profiles, JSON reports, bench results and harness messages
are each described by a schema shipped in the package.  Every reader loads
its schema by name here and gets the same kind of error: the file, where in
the document (a JSON pointer) and what is wrong.  ``jsonschema`` is imported
on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sockspec.errors import KitUsageError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["first_problem", "load_schema", "schema_path", "validate", "validator"]

_PACKAGE = Path(__file__).resolve().parent
#: Schemas kept beside the code that speaks them; any other name is ``schemas/<name>.schema.json``.
_ELSEWHERE = {"harness": _PACKAGE / "harness" / "schema.json"}


def schema_path(name: str) -> Path:
    """Where the schema called ``name`` (e.g. "report", "profile", "harness") is shipped."""
    return _ELSEWHERE.get(name, _PACKAGE / "schemas" / f"{name}.schema.json")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema called ``name``, read once per process; callers must not change it."""
    schema: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return schema


@cache
def validator(name: str, definition: str | None = None) -> Validator:
    """A checked validator for schema ``name``, or for its ``#/$defs/<definition>``."""
    import jsonschema

    schema = load_schema(name)
    if definition is not None:  # the definition with the root's $defs (and $id) for its references
        schema = {key: schema[key] for key in ("$schema", "$id", "$defs") if key in schema}
        schema["$ref"] = f"#/$defs/{definition}"
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema)


def first_problem(checker: Validator, doc: Any) -> tuple[str, str] | None:
    """(where, what) of the most telling error in ``doc``, or ``None`` if it is valid.

    ``where`` is a JSON pointer such as ``/cases/0/verdict``, or ``(top)`` for the document itself.
    """
    from jsonschema.exceptions import best_match

    error = best_match(checker.iter_errors(doc))
    if error is None:
        return None
    pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in error.absolute_path)
    return pointer or "(top)", error.message


def validate(doc: Any, schema: str, source: str, what: str = "") -> None:
    """Raise ``KitUsageError`` "SOURCE: [WHAT: ]WHERE: PROBLEM" unless ``doc`` is valid under ``schema``."""
    problem = first_problem(validator(schema), doc)
    if problem is not None:
        where, message = problem
        raise KitUsageError(f"{source}: {what + ': ' if what else ''}{where}: {message}")
