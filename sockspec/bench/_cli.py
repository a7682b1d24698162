"""``python -m sockspec bench``: the run, its outputs and exit codes (the options are in ``_options``).

Exit codes: 0 the bench ran (its tables are the result; no speed is
judged); 1 the bench itself could not run or write its output; 2 usage
error; 3 the implementation under test failed: it did not start, did not
echo or answer correctly, or died during a run (one line names it);
130 interrupted (Ctrl-C or SIGTERM; every process it started is killed and
reaped either way).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import platform
import shlex
import signal
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sockspec.errors import IUTError, KitUsageError
from sockspec.profiles import resolve_implementation

from ._options import canonical_command, settle
from ._report import render_html, render_text
from ._results import summarise
from ._runner import BenchAborted, Settings, schedule
from ._servers import echo_servers, sntp_servers
from ._system import plan_pinning, usable_cpus

__all__ = ["EXIT_BENCH", "EXIT_IMPLEMENTATION", "EXIT_INTERRUPTED", "run"]

EXIT_BENCH = 1
EXIT_IMPLEMENTATION = 3
EXIT_INTERRUPTED = 130


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the same finally blocks kill and reap everything."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


def _load_summary(sections: list[dict[str, Any]]) -> dict[str, float]:
    runs = [
        run
        for section in sections
        for entry in section["results"]
        for server_runs in entry["runs"].values()
        for run in server_runs
        if "error" not in run
    ]
    loads = [r["loadavg"] for r in runs] or [0.0]
    others = [r["other_cores"] for r in runs] or [0.0]
    steal = [r.get("steal_cores", 0.0) for r in runs] or [0.0]
    return {
        "steal_cores_max": max(steal),
        "loadavg_min": min(loads),
        "loadavg_max": max(loads),
        "other_cores_max": max(others),
        "other_cores_median": statistics.median(others),
        "waited_total": sum(r["waited"] for r in runs),
    }


def run(args: argparse.Namespace) -> int:
    """Run the bench described by ``args``; return the exit code."""
    settle(args)
    try:
        impl = resolve_implementation(args.impl, None, args.impl_cmd)
    except KitUsageError as exc:
        args.bench_parser.error(str(exc))
    extra = shlex.split(args.server_args)
    wants_echo = not args.no_echo and "program:echo-server" not in impl.lacks
    wants_sntp = args.sntp and "program:sntp-server" not in impl.lacks
    notes = []
    if not args.no_echo and not wants_echo:
        notes.append(f"{impl.name} lacks the echo-server program: echo not measured")
    if args.sntp and not wants_sntp:
        notes.append(f"{impl.name} lacks the sntp-server program: SNTP not measured")
    if not wants_echo and not wants_sntp:
        args.bench_parser.error(f"{impl.name} has none of the servers asked for ({'; '.join(notes)})")
    pinning = plan_pinning(not args.no_pin)
    client_cpus = len(pinning.client) if pinning.active else len(usable_cpus())
    settings = Settings(
        warmup=args.warmup,
        duration=args.duration,
        repeat=args.repeat,
        client_procs=args.client_procs or max(1, client_cpus),
        quiet_threshold=args.quiet_threshold,
        quiet_max_wait=args.quiet_max_wait,
        retries=args.retries,
    )
    started = datetime.datetime.now(datetime.UTC)
    doc: dict[str, Any] = {
        "format": 1,
        "tool": "sockspec bench",
        "command": canonical_command(args),
        "started": started.isoformat(timespec="seconds"),
        "implementation": {"name": impl.name, "command": list(impl.programs), "server_args": extra},
        "machine": {
            "cpus": len(usable_cpus()),
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "kernel": platform.release(),
            "pinning": pinning.describe(),
            "server_cpus": list(pinning.server),
            "client_cpus": list(pinning.client),
        },
        "settings": {
            "sizes": args.sizes,
            "conns": args.conns,
            "outstanding": args.outstanding,
            "warmup": args.warmup,
            "duration": args.duration,
            "repeat": args.repeat,
            "client_procs": settings.client_procs,
            "quiet_threshold": args.quiet_threshold,
            "quiet_max_wait": args.quiet_max_wait,
            "retries": args.retries,
        },
        "notes": notes,
        "echo": None,
        "sntp": None,
    }
    print(f"sockspec bench: {impl.name}; {pinning.describe()}", file=sys.stderr, flush=True)
    try:
        with _sigterm_interrupts(), tempfile.TemporaryDirectory(prefix="sockspec-bench-") as tmp:
            workdir = Path(tmp)
            if wants_echo:
                doc["echo"] = _section(
                    "echo",
                    *echo_servers(impl, args.baselines, extra, workdir),
                    [{"size": s, "conns": c} for s in args.sizes for c in args.conns],
                    settings,
                    pinning,
                    workdir,
                    notes,
                )
            if wants_sntp:
                doc["sntp"] = _section(
                    "sntp",
                    *sntp_servers(impl, args.baselines, extra, workdir),
                    [{"outstanding": k} for k in args.outstanding],
                    settings,
                    pinning,
                    workdir,
                    notes,
                )
    except KeyboardInterrupt:
        print("bench: interrupted; every server and load generator was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except IUTError as exc:
        print(f"bench: implementation {impl.name} failed: {exc.summary()}", file=sys.stderr)
        return EXIT_IMPLEMENTATION
    except (BenchAborted, OSError) as exc:
        print(f"bench: could not run: {exc}", file=sys.stderr)
        return EXIT_BENCH
    doc["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    doc["load"] = _load_summary([s for s in (doc["echo"], doc["sntp"]) if s])
    sys.stdout.write(render_text(doc))
    return _write_outputs(doc, args.json, args.html)


def _section(
    mode: str,
    specs: list[Any],
    skipped: list[str],
    loads: list[dict[str, Any]],
    settings: Settings,
    pinning: Any,
    workdir: Path,
    notes: list[str],
) -> dict[str, Any]:
    notes.extend(skipped)
    for note in skipped:
        _progress(note)
    table = schedule(specs, mode, loads, settings, pinning, workdir, _progress)
    roles = {spec.name: spec.role for spec in specs}
    return {
        "servers": [
            {"name": s.name, "role": s.role, "command": list(s.command), "describe": s.describe} for s in specs
        ],
        "results": [summarise(mode, entry, roles) for entry in table],
    }


def _write_outputs(doc: dict[str, Any], json_path: Path | None, html_path: Path | None) -> int:
    for path, text in ((json_path, lambda: json.dumps(doc, indent=1) + "\n"), (html_path, lambda: render_html(doc))):
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text(), encoding="utf-8")
        except OSError as exc:
            print(f"bench: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_BENCH
        print(f"wrote {path}", file=sys.stderr)
    return 0
