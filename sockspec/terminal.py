"""The kit's closing lines in the terminal: per-section verdicts and the overall one."""

from __future__ import annotations

import pytest

from sockspec.coverage import standing
from sockspec.requirements import SECTION_TITLES
from sockspec.results import section_counts
from sockspec.state import CaseResult, RunState
from sockspec.verdicts import Verdict

__all__ = ["TerminalSummary"]


class TerminalSummary:
    """Writes the sockspec section at the end of the terminal report."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        results = self.state.results
        if not results and not self.state.kit_errors:
            return
        tr = terminalreporter
        tr.write_sep("=", f"sockspec: {self.state.implementation.name}")
        tr.write_line(f"{'section':<26}" + "".join(f"{v:>{len(v) + 2}}" for v in Verdict))
        for section, counter in section_counts(results).items():
            label = f"§{section} {SECTION_TITLES[section]}"
            tr.write_line(f"{label:<26}" + "".join(f"{counter.get(v, 0) or '':>{len(v) + 2}}" for v in Verdict))
        # Broken promises are listed per requirement; declared gaps and moot cases per reason.
        listed = (
            (Verdict.NON_STRICT, "id"),
            (Verdict.EXPECTED_FAIL, "id"),
            (Verdict.UNSUPPORTED, "why"),
            (Verdict.NOT_APPLICABLE, "why"),
        )
        for verdict, key in listed:
            groups: dict[str, list[CaseResult]] = {}
            for r in results:
                if r.verdict == verdict:
                    groups.setdefault(r.requirement.id if key == "id" else r.message, []).append(r)
            if groups:
                tr.write_line(f"{verdict}:")
                for label, cases in groups.items():
                    count = f"{len(cases)} case{'s' if len(cases) > 1 else ''}"
                    if key == "id":
                        tr.write_line(f"  {label} ({count}): {cases[0].message}")
                    else:
                        reqs = len({c.requirement.id for c in cases})
                        tr.write_line(f"  {label} ({count}, {reqs} requirement{'s' if reqs > 1 else ''})")
        for req_id in self.state.stale_expectations:
            tr.write_line(
                f"STALE EXPECTATION: {req_id} passed every case but {self.state.implementation.source} "
                "lists it as failing; remove the entry",
                red=True,
                bold=True,
            )
        if self.state.kit_errors:
            tr.write_line("KIT ERROR (not judged: the kit or its harness could not serve the case):", red=True)
            for nodeid, message in self.state.kit_errors:
                tr.write_line(f"  {nodeid}: {message}")
        assert self.state.coverage is not None, "the summary is written after sockspec.results settled the run"
        run = standing(
            self.state.implementation.name,
            results,
            self.state.stale_expectations,
            self.state.coverage,
            len(self.state.kit_errors),
        )
        colour = {Verdict.PASS: "green", Verdict.FAIL: "red", None: "yellow"}[run.colour_of]
        tr.write_line(run.sentence, bold=True, **{colour: True})
