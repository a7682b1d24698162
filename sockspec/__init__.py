"""sockspec: the socket recipes of a networking tutorial as an executable specification.

Spec code imports its helpers from here; the pytest plugin lives in
:mod:`sockspec.plugin` and is loaded by the repository's ``conftest.py``.
"""

from __future__ import annotations

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
