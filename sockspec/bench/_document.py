"""Reading a saved bench result back, for reports that embed it.

The JSON written by ``bench --json`` is checked against
``schemas/bench.schema.json`` before anything renders it, so a truncated or
foreign file stops the run with one line naming it instead of a broken page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from sockspec.errors import KitUsageError

__all__ = ["load_document"]

_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "bench.schema.json"


def load_document(path: Path) -> dict[str, Any]:
    """The bench result saved in *path*; KitUsageError when it cannot be read or is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KitUsageError(f"cannot read bench result {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KitUsageError(f"bench result {path} is not JSON: {exc}") from None
    schema = json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise KitUsageError(f"{path} is not a result of 'python -m sockspec bench --json': at {where}: {error.message}")
    return doc
