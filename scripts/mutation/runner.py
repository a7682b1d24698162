"""Run every mutant against the spec modules that cover its file, in parallel, and report.

A mutant is *killed* when its covering specs fail and the first failing case
fails again when run alone on the same mutant; a failure that does not
reproduce is retried at the end of the run and, if it still does not
reproduce, reported as *flaky*, never counted as a kill (the machine is
shared and timing-bounded specs can trip).  A run past its deadline is a
*timeout* (the specs did not finish: detected, but listed apart).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from mutation.cover import Cover, unmapped
from mutation.equivalents import LIST, Equivalents
from mutation.mutants import Mutant, mutants
from mutation.workers import make_copy, run_pytest

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
LOG = WORK / "log.jsonl"
DEFAULT_SKIP = ("sockspec_reference/harness.py",)
DETECTED = ("killed", "timeout")


@dataclass
class Result:
    """What happened to one mutant."""

    id: str
    path: str
    line: int
    kind: str
    status: str  # killed, survived, timeout, flaky
    seconds: float
    killed_by: str | None
    diff: str


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/mutation-test", description="Mutation testing of sockspec_reference/ against the program specs."
    )
    parser.add_argument("paths", nargs="*", default=["sockspec_reference"], help="files or folders to mutate")
    parser.add_argument("--jobs", type=_positive, default=3, help="parallel workers (default 3)")
    parser.add_argument("--only", action="append", default=[], help="mutate only this file (repeatable)")
    parser.add_argument("--kinds", default="", help="comma-separated mutation kinds to keep (default: all)")
    parser.add_argument(
        "--python", default=os.environ.get("PYTHON", str(ROOT / ".venv/bin/python")), help="the kit's interpreter"
    )
    parser.add_argument("--results", default=str(WORK / "results.json"), help="JSON results file")
    parser.add_argument("--all", action="store_true", help="also mutate strings that only reach --help")
    parser.add_argument("--resume", action="store_true", help="keep every result in .mutation/log.jsonl, run the rest")
    parser.add_argument(
        "--after",
        metavar="RESULTS",
        help="re-judge an earlier run: keep its kills, run its other mutants (and every mutant of a --whole file)",
    )
    parser.add_argument("--whole", action="append", default=[], help="with --after: a file changed since, run whole")
    parser.add_argument("--report", action="store_true", help="report .mutation/log.jsonl (a cut run), run nothing")
    parser.add_argument("--list", action="store_true", help="list the coverage table and mutant counts, run nothing")
    args = parser.parse_args(argv)
    if args.after and not Path(args.after).is_file():
        parser.error(f"--after: no results file {args.after}")
    return args


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def _files(args: argparse.Namespace, covered: dict[str, tuple[str, ...]]) -> list[str]:
    """The files to mutate, relative to the repository."""
    chosen = args.only or args.paths
    files: list[str] = []
    for item in chosen:
        path = (ROOT / item).resolve()
        found = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        files.extend(str(p.relative_to(ROOT)) for p in found)
    files = [f for f in dict.fromkeys(files) if f not in DEFAULT_SKIP or args.only]
    uncovered = [f for f in files if f not in covered]
    if uncovered:
        print(
            f"scripts/mutation-test: no spec module covers {', '.join(uncovered)} (see scripts/mutation/cover.py)",
            file=sys.stderr,
        )
        sys.exit(2)
    return files


class Run:
    """The shared state of one run: the queue of mutants, the results, the progress line."""

    def __init__(self, args: argparse.Namespace, todo: list[Mutant], cover: Cover, carried: list[Result]) -> None:
        self.args = args
        self.carried = carried
        self.cover = cover
        self.sources = {m.path: (ROOT / m.path).read_text() for m in todo}
        self.queue: queue.Queue[tuple[Mutant, int]] = queue.Queue()
        for mutant in todo:
            self.queue.put((mutant, 0))
        self.total = len(todo)
        self.results: dict[str, Result] = {}
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.deadlines: dict[tuple[str, ...], float] = {}
        self.stamp = 2_000_000_000

    def next_stamp(self) -> int:
        """A fresh mtime for a written file, so no stale bytecode of another version is ever used."""
        with self.lock:
            self.stamp += 1
            return self.stamp

    def write(self, copy: Path, path: str, text: str) -> None:
        target = copy / path
        target.write_text(text)
        stamp = self.next_stamp()
        os.utime(target, (stamp, stamp))

    def judge(self, copy: Path, mutant: Mutant, attempt: int) -> None:
        """Run one mutant in ``copy`` and record (or requeue) it."""
        source = self.sources[mutant.path]
        specs = list(self.cover.specs(mutant.path, mutant.line))
        deadline = self.deadlines[tuple(specs)]
        self.write(copy, mutant.path, mutant.apply(source))
        try:
            outcome = run_pytest(self.args.python, copy, specs, deadline)
            status, by = outcome.status, outcome.first_failure
            if status == "passed":
                status = "survived"
            elif status == "failed":
                confirm = run_pytest(self.args.python, copy, [by], deadline) if by else outcome
                status = "killed" if confirm.status != "passed" else "flaky"
        finally:
            self.write(copy, mutant.path, source)
        if status == "flaky" and attempt == 0:
            self.queue.put((mutant, 1))
            return
        result = Result(
            mutant.id,
            mutant.path,
            mutant.line,
            mutant.kind,
            status,
            round(outcome.seconds, 1),
            by if status == "killed" else None,
            mutant.diff(source),
        )
        with self.lock:
            self.results[mutant.id] = result
            with LOG.open("a") as log:
                log.write(json.dumps(asdict(result)) + "\n")

    def worker(self, copy: Path) -> None:
        while True:
            try:
                mutant, attempt = self.queue.get_nowait()
            except queue.Empty:
                return
            self.judge(copy, mutant, attempt)

    def progress(self) -> str:
        with self.lock:
            counts = Counter(r.status for r in self.results.values())
            done = len(self.results)
        elapsed = time.monotonic() - self.start
        eta = f", about {elapsed / done * (self.total - done) / 60:.0f} min left" if done else ""
        return (
            f"{done}/{self.total} done: {counts['killed']} killed, {counts['survived']} survived, "
            f"{counts['timeout']} timed out, {counts['flaky']} flaky; {elapsed:.0f} s elapsed{eta}"
        )


def _prepare(args: argparse.Namespace, sets: set[tuple[str, ...]]) -> tuple[list[Path], dict[tuple[str, ...], float]]:
    """Make the workers' copies, check that a copy is what runs, and time the clean spec sets."""
    copies = [WORK / f"w{n}" for n in range(args.jobs)]
    for copy in copies:
        make_copy(ROOT, copy)
    probe = copies[0]
    broken = probe / "sockspec_reference/__main__.py"
    original = broken.read_text()
    broken.write_text("raise SystemExit(99)\n")
    check = run_pytest(args.python, probe, ["specs/program/test_s05_byte_order.py"], 120)
    broken.write_text(original)
    if check.status != "failed":
        sys.exit("scripts/mutation-test: a broken copy passed the specs, so the copy is not what runs; aborting")
    every = sorted({spec for specs in sets for spec in specs})
    print(f"clean run of the {len(every)} covering spec modules ...", flush=True)
    clean = run_pytest(args.python, probe, every, 1800, ("--junitxml", str(WORK / "clean.xml")))
    if clean.status != "passed":
        sys.exit(
            "scripts/mutation-test: the specs fail on the unmutated tree, so no mutant can be judged;"
            f" first failure: {clean.first_failure}\n{clean.output[-3000:]}"
        )
    per_module = _module_times(WORK / "clean.xml")
    print(f"clean run passed in {clean.seconds:.0f} s", flush=True)
    # A mutant may make every case wait out a client's timeout: allow several clean runs' time.
    deadlines = {specs: 60 + 4 * sum(per_module.get(s, 5.0) for s in specs) for specs in sets}
    return copies, deadlines


def _module_times(junit: Path) -> dict[str, float]:
    """seconds per spec module in a JUnit XML report."""
    import xml.etree.ElementTree as ET

    times: dict[str, float] = {}
    for case in ET.parse(junit).iter("testcase"):
        module = "specs/program/" + case.get("classname", "").split(".")[2] + ".py"
        times[module] = times.get(module, 0.0) + float(case.get("time", "0"))
    return times


def _carried(args: argparse.Namespace, made: list[Mutant]) -> list[Result]:
    """Earlier results that stand for a mutant of this run: same id and same diff (so the same change)."""
    earlier: list[Result] = []
    if (args.resume or args.report) and LOG.exists():
        earlier = [Result(**json.loads(line)) for line in LOG.read_text().splitlines() if line]
    elif args.after:
        earlier = [Result(**r) for r in json.loads(Path(args.after).read_text())["mutants"] if r["status"] in DETECTED]
    sources = {m.path: (ROOT / m.path).read_text() for m in made}
    current = {(m.id, m.diff(sources[m.path])) for m in made}
    return list({r.id: r for r in earlier if (r.id, r.diff) in current}.values())


def _report(run: Run, elapsed: float, planned: Counter[str]) -> None:
    """Per-file and total counts, the survivors' diffs, the JSON file; ``planned``: mutants per file selected."""
    results = sorted([*run.carried, *run.results.values()], key=lambda r: (r.path, r.line, r.id))
    listed = Equivalents.load()
    by_file: dict[str, Counter[str]] = {path: Counter() for path in sorted(planned)}
    for r in results:
        status = "equivalent" if r.status == "survived" and r.id in listed.reasons else r.status
        by_file.setdefault(r.path, Counter())[status] += 1
    for path, counts in by_file.items():
        counts["not run"] = max(0, planned[path] - sum(counts.values()))
    print(
        f"\n{'file':48} {'judged':>7} {'killed':>6} {'timeout':>7} {'survived':>8} {'flaky':>5}"
        f" {'equivalent':>10} {'score':>6} not run"
    )
    total: Counter[str] = Counter()
    for path, counts in by_file.items():
        total.update(counts)
        print(_row(path, counts))
    print(_row("total", total))
    print("score: (killed + timeout) / (judged - equivalent); equivalent: the survivors listed in", LIST.name)
    for r in results:
        if r.status in {"survived", "flaky"}:
            why = listed.reasons.get(r.id) if r.status == "survived" else None
            print(f"\n{r.status.upper()} {r.id}" + (f" (equivalent: {why})" if why else " (not listed)"))
            print(r.diff, end="")
    complete = {path for path, counts in by_file.items() if not counts["not run"]}
    for mutant in listed.stale({r.id: r.status for r in results}, complete):
        print(f"\nSTALE {LIST.name} entry {mutant}: no surviving mutant has that id now")
    print(
        f"\nelapsed {elapsed:.0f} s with {run.args.jobs} workers for {len(run.results)} mutants"
        f" ({len(run.carried)} results carried from an earlier run); results in {run.args.results}"
    )
    Path(run.args.results).write_text(
        json.dumps({"elapsed_seconds": round(elapsed), "jobs": run.args.jobs, "mutants": [asdict(r) for r in results]})
    )


def _row(name: str, counts: Counter[str]) -> str:
    n = sum(counts.values()) - counts["not run"]
    detected = counts["killed"] + counts["timeout"]
    judged = n - counts["equivalent"]
    score = f"{100 * detected / judged:5.1f}%" if judged else "     -"
    return (
        f"{name:48} {n:7} {counts['killed']:6} {counts['timeout']:7} {counts['survived']:8} {counts['flaky']:5}"
        f" {counts['equivalent']:10} {score} {counts['not run']:7}"
    )


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    cover = Cover(ROOT)
    forgotten = unmapped(ROOT)
    if forgotten:
        where = "scripts/mutation/cover.py"
        print(f"scripts/mutation-test: {', '.join(forgotten)} missing from SPECS in {where}", file=sys.stderr)
        return 2
    files = _files(args, cover.files)
    kinds = set(filter(None, args.kinds.split(",")))
    made = [m for f in files for m in mutants(f, (ROOT / f).read_text()) if not kinds or m.kind.rstrip("012") in kinds]
    todo = [m for m in made if args.all or not m.help_text]
    left_out = Counter(m.path for m in made if m not in todo)
    if args.list:
        counts = Counter(m.path for m in todo)
        for f in files:
            print(f"{counts[f]:4} (+{left_out[f]} help) {f}: {' '.join(Path(s).stem for s in cover.files[f])}")
        print(f"{len(todo)} mutants, {sum(left_out.values())} strings of --help left out")
        return 0
    if left_out:
        print(f"left out (only reach --help; --all runs them): {dict(left_out)}", flush=True)
    os.nice(10)
    WORK.mkdir(exist_ok=True)
    planned = Counter(m.path for m in todo)
    carried = _carried(args, todo)
    if args.report:
        _report(Run(args, [], cover, carried), 0.0, planned)
        return 0
    if not args.resume:
        LOG.unlink(missing_ok=True)
    done = {r.id for r in carried}
    if args.after:
        judged = {r["id"] for r in json.loads(Path(args.after).read_text())["mutants"]}
        todo = [m for m in todo if m.id in judged or m.path in args.whole]
    # The cheap mutants first (fewest covering spec modules), so that a run cut short has judged the most.
    todo = sorted((m for m in todo if m.id not in done), key=lambda m: len(cover.specs(m.path, m.line)))
    run = Run(args, todo, cover, carried)
    copies, run.deadlines = _prepare(args, {cover.specs(m.path, m.line) for m in todo})
    print(f"{len(todo)} mutants of {len(files)} files to run, {len(carried)} carried, {args.jobs} workers", flush=True)
    threads = [threading.Thread(target=run.worker, args=(copy,), daemon=True) for copy in copies]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        for thread in threads:
            thread.join(timeout=10 / len(threads))
        print(run.progress(), flush=True)
    _report(run, time.monotonic() - run.start, planned)
    return 0
