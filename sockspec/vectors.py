"""Turn data-file vectors into pytest parameters that carry their requirement.

Spec modules parametrize from the catalogue instead of inlining values, so the
same vectors can drive a runner written in another language::

    @pytest.mark.parametrize("case", params("s05.htonl.value"))
    def test_htonl(api, case): ...

Each parameter is marked with its requirement ID and named after the vector's
description, so a failure names both.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from sockspec.errors import KitUsageError
from sockspec.requirements import Catalogue, Vector

__all__ = ["activate", "active_catalogue", "params"]

_active: Catalogue | None = None


def activate(catalogue: Catalogue) -> None:
    """Make ``catalogue`` the one that :func:`params` reads (done by the plugin)."""
    global _active
    _active = catalogue


def active_catalogue() -> Catalogue:
    """The catalogue of the current pytest run."""
    if _active is None:
        raise KitUsageError("no requirement catalogue is loaded: run the specs through pytest with the sockspec plugin")
    return _active


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.:+-]+", "-", text).strip("-")


def params(*req_ids: str) -> list[Any]:
    """All vectors of ``req_ids`` as ``pytest.param`` objects marked ``req(id)``."""
    catalogue = active_catalogue()
    out: list[Any] = []
    for req_id in req_ids:
        vectors: list[Vector] = catalogue.vectors(req_id)
        if not vectors:
            raise KitUsageError(f"requirement {req_id!r} has no vectors in specs/data")
        short = req_id.split(".", 1)[1]
        out.extend(
            pytest.param(v, id=f"{short}:{_slug(v.description)}", marks=pytest.mark.req(req_id)) for v in vectors
        )
    return out
