"""The outcome vocabulary of DESIGN.md, as one table that every output reads."""

from __future__ import annotations

__all__ = ["VERDICTS", "verdict_order"]

#: verdict -> (pytest category, progress letter, word); the table the terminal,
#: the reports and the docs read.
VERDICTS: dict[str, tuple[str, str, str]] = {
    "PASS": ("passed", ".", "PASS"),
    "FAIL": ("failed", "F", "FAIL"),
    "NON-STRICT": ("non-strict", "n", "NON-STRICT"),
    "INFO": ("info", "i", "INFO"),
    "UNSUPPORTED": ("unsupported", "u", "UNSUPPORTED"),
    "N/A": ("n/a", "-", "N/A"),
    "EXPECTED-FAIL": ("expected-fail", "x", "EXPECTED-FAIL"),
}


def verdict_order() -> list[str]:
    """Verdict names in the order reports show them."""
    return list(VERDICTS)
