"""Judge a family of broken socket providers with the API specs; print each verdict and the score.

    python -m tests.variants variants [--jobs N] [--deadline S] [NAME ...]
    python -m tests.variants harness  [--jobs N] [--deadline S] [NAME ...]

``variants``: the single-bug providers of tests/variants/catalogue.py, each
judged by its section's spec module first, then the other API modules.
``harness``: mutants of sockspec_reference/harness.py serving CPython's
``socket``, judged by all of specs/api; a survivor gets a second look from
the kit's tests of the reference harness (tests/harness/test_reference_harness.py),
which does not count in the score.  Each family starts with its controls (the provider without a bug
must survive; for the harness, a deliberately broken copy must be killed),
so that a kill means the bug, not the plumbing.  A summary goes to
.variants/<family>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from tests.variants import harness_mutants
from tests.variants.catalogue import VARIANTS
from tests.variants.jobs import Job, Outcome, run_all

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".variants"
API_SPECS = tuple(sorted(str(path.relative_to(ROOT)) for path in (ROOT / "specs" / "api").glob("test_s*.py")))
PROVIDER = ("--impl-module", "tests.variants.provider")


#: The order the harness's mutants meet the API modules: pure calls first, the resolver sandbox (a second harness) last.
CHEAP_FIRST = ("s05", "s03", "s04", "s06", "s07", "s10", "s11", "s08", "s09", "s01", "s02")


def _cheap_first() -> tuple[str, ...]:
    return tuple(
        path for section in CHEAP_FIRST for path in API_SPECS if Path(path).name.startswith(f"test_{section}_")
    )


def _section_first(section: str) -> tuple[str, ...]:
    own = tuple(path for path in API_SPECS if Path(path).name.startswith(f"test_{section}_"))
    return own + tuple(path for path in API_SPECS if path not in own)


def variant_jobs(names: list[str]) -> tuple[list[Job], dict[str, str]]:
    rows = [row for row in VARIANTS if not names or row.name in names]
    jobs = [Job(row.name, PROVIDER, _section_first(row.section), {"SOCKSPEC_VARIANT": row.name}) for row in rows]
    control = Job("none", PROVIDER, API_SPECS, {"SOCKSPEC_VARIANT": "none"})
    return [control, *jobs], {row.name: f"[{row.section}] {row.wrong}" for row in rows}


def harness_jobs(names: list[str]) -> tuple[list[Job], dict[str, str], dict[str, harness_mutants.Mutant]]:
    source = (ROOT / harness_mutants.HARNESS).read_text()
    made = {m.name: m for m in harness_mutants.controls(source) + harness_mutants.mutants(source)}
    chosen = [m for m in made.values() if not names or m.name in names or m.name in ("pristine", "broken")]
    work = WORK / "harness"
    jobs = [harness_mutants.job(m, work, _cheap_first()) for m in chosen]
    return jobs, {m.name: f"line {m.line}: {m.before} -> {m.after}" for m in chosen if m.line}, made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.variants", description=__doc__.split("\n")[0])
    parser.add_argument("family", choices=("variants", "harness"))
    parser.add_argument("names", nargs="*", help="only these variants or mutants (default: all)")
    parser.add_argument("--jobs", type=int, default=3, help="spec runs at a time (default: 3)")
    parser.add_argument("--deadline", type=float, default=180.0, help="seconds one run may take (default: 180)")
    parser.add_argument(
        "--no-second-look", action="store_true", help="harness: skip the harness tests' look at the survivors"
    )
    args = parser.parse_intermixed_args(argv)
    start = time.monotonic()
    made: dict[str, harness_mutants.Mutant] = {}
    if args.family == "variants":
        jobs, described = variant_jobs(args.names)
        controls = {"none": False}
    else:
        jobs, described, made = harness_jobs(args.names)
        controls = {"pristine": False, "broken": True}
    lock = threading.Lock()

    def report(outcome: Outcome) -> None:
        word = "killed  " if outcome.killed else "SURVIVED"
        by = f" by {outcome.how}" if outcome.killed else ""
        note = f" ({outcome.note})" if outcome.note else ""
        if outcome.unsupported:
            note += f" ({len(outcome.unsupported)} cases UNSUPPORTED, e.g. {outcome.unsupported[0]})"
        with lock:
            print(f"{word} {outcome.job.name}{by}{note} [{outcome.seconds:.0f} s]", flush=True)

    print(f"{len(jobs)} runs ({', '.join(controls)} first as controls), {args.jobs} at a time", flush=True)
    outcomes = run_all(jobs, workers=args.jobs, deadline=args.deadline, report=report)
    wrong = [o.job.name for o in outcomes if o.job.name in controls and o.killed != controls[o.job.name]]
    if wrong:
        print(f"control(s) judged wrongly: {', '.join(wrong)}; the plumbing, not the bugs, decides", file=sys.stderr)
        return 2
    judged = [o for o in outcomes if o.job.name not in controls]
    survivors = [o for o in judged if not o.killed]
    second: dict[str, bool] = {}
    if args.family == "harness" and survivors and not args.no_second_look:
        print(
            f"second look: tests/harness/test_reference_harness.py against each of {len(survivors)} survivors",
            flush=True,
        )
        chosen = [made[outcome.job.name] for outcome in survivors]
        second = harness_mutants.second_look(chosen, ROOT, WORK, sys.executable, args.jobs)
    elapsed = time.monotonic() - start
    killed = len(judged) - len(survivors)
    score = 100.0 * killed / len(judged) if judged else 0.0
    print(f"\n{args.family}: {len(judged)} judged, {killed} killed, {len(survivors)} survived: {score:.1f} %")
    for outcome in survivors:
        looked = second.get(outcome.job.name)
        extra = "" if looked is None else " [the harness tests kill it]" if looked else " [the harness tests too]"
        print(f"  survivor {outcome.job.name}: {described.get(outcome.job.name, '')}{extra}")
    if second:
        print(f"second look: the harness tests kill {sum(second.values())} of the {len(second)} survivors")
    print(f"run time {elapsed:.0f} s with --jobs {args.jobs}")
    WORK.mkdir(exist_ok=True)
    summary = {
        "family": args.family,
        "judged": len(judged),
        "killed": killed,
        "score": round(score, 1),
        "seconds": round(elapsed),
        "jobs": args.jobs,
        "outcomes": [
            {
                "name": o.job.name,
                "killed": o.killed,
                "how": o.how,
                "note": o.note,
                "seconds": round(o.seconds, 1),
                "what": described.get(o.job.name, ""),
                "unit_tests_kill": second.get(o.job.name),
            }
            for o in outcomes
        ],
    }
    (WORK / f"{args.family}.json").write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
