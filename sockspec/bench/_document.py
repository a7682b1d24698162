"""Reading a saved bench result back, for reports that embed it.

The JSON written by ``bench --json`` is checked against
``schemas/bench.schema.json`` before anything renders it, so a truncated or
foreign file stops the run with one line naming it instead of a broken page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sockspec.documents import validate
from sockspec.errors import KitUsageError

__all__ = ["load_document"]


def load_document(path: Path) -> dict[str, Any]:
    """The bench result saved in *path*; KitUsageError when it cannot be read or is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KitUsageError(f"cannot read bench result {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KitUsageError(f"bench result {path} is not JSON: {exc}") from None
    validate(doc, "bench", str(path), "not a result of 'python -m sockspec bench --json'")
    return doc
