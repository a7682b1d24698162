"""sockspec: the socket recipes of a networking tutorial as an executable specification.

Spec code imports its helpers from here; the pytest plugin lives in
:mod:`sockspec.plugin` and is loaded by the repository's ``conftest.py``.

The helpers are imported on first use, so ``import sockspec`` and the model
modules (:mod:`sockspec.errors`, :mod:`sockspec.requirements`,
:mod:`sockspec.verdicts`, :mod:`sockspec.citations`) load no pytest: a
runner, the sandbox launcher or the command line can use them cheaply.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sockspec.checks import expect_equal, expect_in, expect_raises, expect_that
    from sockspec.outcomes import not_applicable, unsupported
    from sockspec.vectors import params

__all__ = [
    "expect_equal",
    "expect_in",
    "expect_raises",
    "expect_that",
    "not_applicable",
    "params",
    "unsupported",
]

__version__ = "0.1.0"

#: Where each helper in ``__all__`` is defined.
_HOMES = {
    "expect_equal": "sockspec.checks",
    "expect_in": "sockspec.checks",
    "expect_raises": "sockspec.checks",
    "expect_that": "sockspec.checks",
    "not_applicable": "sockspec.outcomes",
    "unsupported": "sockspec.outcomes",
    "params": "sockspec.vectors",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sockspec' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
