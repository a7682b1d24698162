"""The verdicts a spec case can get, and how every output shows them.

pytest knows pass, fail, skip and xfail; a conformance verdict needs more
(docs/architecture.md).  ``Verdict`` is the one table of them: the terminal
progress and summary, the JSON report, the HTML report and the compare
matrix all read their words, letters and colours from it.  A member is a
``str`` equal to its word, so JSON reports store plain strings ("NON-STRICT",
"N/A") and old reports read back unchanged.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["WORST_FIRST", "Verdict"]


class Verdict(StrEnum):
    """One verdict: its word, pytest category, progress letter, text colour and cell tint."""

    category: str
    letter: str
    colour: str
    tint: str

    def __new__(cls, word: str, *shown: str) -> Verdict:
        # ``*shown`` rather than four named parameters: ``Verdict("N/A")`` looks a member up by its word.
        member = str.__new__(cls, word)
        member._value_ = word
        member.category, member.letter, member.colour, member.tint = shown
        return member

    # In the order reports show them.
    PASS = "PASS", "passed", ".", "#1a7f37", "#dafbe1"
    FAIL = "FAIL", "failed", "F", "#cf222e", "#ffebe9"
    NON_STRICT = "NON-STRICT", "non-strict", "n", "#9a6700", "#fff8c5"
    INFO = "INFO", "info", "i", "#0969da", "#ddf4ff"
    UNSUPPORTED = "UNSUPPORTED", "unsupported", "u", "#6e7781", "#f6f8fa"
    NOT_APPLICABLE = "N/A", "n/a", "-", "#6e7781", "#f6f8fa"
    EXPECTED_FAIL = "EXPECTED-FAIL", "expected-fail", "x", "#8250df", "#fbefff"

    @property
    def teststatus(self) -> tuple[str, str, str]:
        """What ``pytest_report_teststatus`` answers: (category, progress letter, word)."""
        return self.category, self.letter, self.value

    @property
    def met(self) -> bool:
        """The case showed the requirement holds."""
        return self in (Verdict.PASS, Verdict.INFO)

    @property
    def judged(self) -> bool:
        """The case says something about the implementation (N/A and UNSUPPORTED say nothing)."""
        return self not in (Verdict.UNSUPPORTED, Verdict.NOT_APPLICABLE)


#: Worst first: a requirement with several cases shows the first of these that any case has.
WORST_FIRST: tuple[Verdict, ...] = (
    Verdict.FAIL,
    Verdict.NON_STRICT,
    Verdict.EXPECTED_FAIL,
    Verdict.PASS,
    Verdict.INFO,
    Verdict.UNSUPPORTED,
    Verdict.NOT_APPLICABLE,
)
