"""Ways a spec can end other than pass or fail.

Raising one of these from a spec (or from a fixture it uses) turns the case
into N/A or UNSUPPORTED instead of a verdict.  Both subclass pytest's skip
exception so that pytest's own machinery stops the test cleanly; the grading
hook tells them apart by type.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

__all__ = ["NotApplicable", "Unsupported", "not_applicable", "unsupported"]

_Skip = pytest.skip.Exception


class NotApplicable(_Skip):  # type: ignore[misc,valid-type]
    """The platform makes the requirement moot (e.g. Linux-only behaviour on macOS)."""


class Unsupported(_Skip):  # type: ignore[misc,valid-type]
    """The IUT declares that it lacks the capability the requirement needs."""


def not_applicable(reason: str) -> NoReturn:
    """Stop the current spec with outcome N/A, giving the platform reason."""
    __tracebackhide__ = True
    raise NotApplicable(msg=reason, allow_module_level=True)


def unsupported(capability: str, detail: str = "") -> NoReturn:
    """Stop the current spec with outcome UNSUPPORTED for ``capability``."""
    __tracebackhide__ = True
    msg = f"the implementation declares no support for {capability!r}"
    raise Unsupported(msg=f"{msg}: {detail}" if detail else msg, allow_module_level=True)
