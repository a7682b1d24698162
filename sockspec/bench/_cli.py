"""``python -m sockspec bench``: options, the run, its outputs and exit codes.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sockspec.errors import IUTError, KitUsageError
from sockspec.implementation import Implementation
from sockspec.profiles import resolve_implementation

from ._report import render_html, render_text
from ._results import summarise
from ._runner import BenchAborted, Settings, schedule
from ._servers import ECHO_BASELINES, SNTP_BASELINES, echo_servers, one_line, sntp_servers
from ._system import plan_pinning, usable_cpus

__all__ = ["EXIT_BENCH", "EXIT_IMPLEMENTATION", "EXIT_INTERRUPTED", "configure", "run"]

EXIT_BENCH = 1
EXIT_IMPLEMENTATION = 3
EXIT_INTERRUPTED = 130

DEFAULTS: dict[str, Any] = {
    "sizes": [1024, 10240, 102400],
    "conns": [1, 10, 100],
    "outstanding": [1, 8, 64],
    "warmup": 1.0,
    "duration": 5.0,
    "repeat": 3,
}
QUICK: dict[str, Any] = {
    "sizes": [1024],
    "conns": [1, 10],
    "outstanding": [8],
    "warmup": 0.3,
    "duration": 1.0,
    "repeat": 1,
}
MAX_SIZE = 16 << 20
MAX_CONNS = 1000
MAX_OUTSTANDING = 4096


def _int_list(low: int, high: int, what: str) -> Callable[[str], list[int]]:
    def convert(text: str) -> list[int]:
        values = []
        for part in text.split(","):
            try:
                value = int(part.strip())
            except ValueError:
                raise argparse.ArgumentTypeError(f"{what} must be integers separated by commas, got {text!r}") from None
            if not low <= value <= high:
                raise argparse.ArgumentTypeError(f"each {what} must be in {low}..{high}, got {value}")
            values.append(value)
        return values

    return convert


def _seconds(minimum: float, inclusive: bool) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"seconds must be a number, got {text!r}") from None
        if not (value >= minimum if inclusive else value > minimum) or value > 3600:
            raise argparse.ArgumentTypeError(f"seconds must be {'>=' if inclusive else '>'} {minimum:g} and <= 3600")
        return value

    return convert


def _count(low: int, high: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be in {low}..{high}, got {value}")
        return value

    return convert


def _baselines(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["none"]:
        return []
    known = (*ECHO_BASELINES, *SNTP_BASELINES)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown baseline {unknown[0]!r}; known: {', '.join(known)}, or none")
    return names


def configure(sub: Any) -> argparse.ArgumentParser:
    """Add the ``bench`` subcommand to the kit's subparsers."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "bench",
        help="measure an implementation's echo and SNTP servers against baselines in the same run",
        description=(
            "Measure the echo server (closed-loop ping-pong, TCP_NODELAY) and optionally the SNTP server of an "
            "implementation, alternating with baseline servers in the same run; print medians, ratios to each "
            "baseline and the load generator's ceiling."
        ),
        epilog=(
            "exit codes: 0 ran; 1 the bench could not run or write its output; 2 usage error; "
            "3 the implementation failed (did not start, answered wrongly or died); 130 interrupted. "
            "example: python -m sockspec bench --quick"
        ),
    )
    what = parser.add_argument_group("what to measure")
    what.add_argument("--impl", metavar="PROFILE", help="implementation profile (default: reference)")
    what.add_argument(
        "--impl-cmd", metavar="PREFIX", help="program command prefix, e.g. 'node examples/node/sockspec-node.js'"
    )
    what.add_argument(
        "--server-args",
        metavar="ARGS",
        default="",
        help="extra arguments for the implementation's servers, e.g. '--workers 2'",
    )
    what.add_argument(
        "--baselines",
        type=_baselines,
        default=["asyncio", "socat", "c-epoll", "chronyd"],
        metavar="LIST",
        help="baselines, comma-separated, from: "
        + ", ".join((*ECHO_BASELINES, *SNTP_BASELINES))
        + " or none (default: asyncio,socat,c-epoll,chronyd; chronyd is for --sntp)",
    )
    what.add_argument("--sntp", action="store_true", help="also measure the SNTP server")
    what.add_argument("--no-echo", action="store_true", help="do not measure the echo server")
    load = parser.add_argument_group("load")
    load.add_argument(
        "--sizes",
        type=_int_list(1, MAX_SIZE, "size"),
        metavar="LIST",
        help="echo message sizes in bytes (default: 1024,10240,102400)",
    )
    load.add_argument(
        "--conns",
        type=_int_list(1, MAX_CONNS, "connection count"),
        metavar="LIST",
        help="echo connections (default: 1,10,100)",
    )
    load.add_argument(
        "--outstanding",
        type=_int_list(1, MAX_OUTSTANDING, "outstanding count"),
        metavar="LIST",
        help="SNTP requests in flight (default: 1,8,64)",
    )
    load.add_argument("--warmup", type=_seconds(0, True), metavar="S", help="warm-up seconds per run (default: 1)")
    load.add_argument("--duration", type=_seconds(0, False), metavar="S", help="measured seconds per run (default: 5)")
    load.add_argument(
        "--repeat",
        type=_count(1, 100),
        metavar="N",
        help="runs per server and configuration; the median is reported (default: 3)",
    )
    load.add_argument("--quick", action="store_true", help="a short smoke run: 1 KiB x 1,10; K=8; 0.3 s + 1 s; 1 run")
    load.add_argument(
        "--client-procs",
        type=_count(1, 64),
        metavar="N",
        help="load-generator processes (default: one per CPU left to the client)",
    )
    load.add_argument("--no-pin", action="store_true", help="do not pin the server and the load generator to CPUs")
    load.add_argument(
        "--quiet-threshold",
        type=float,
        default=0.15,
        metavar="CORES",
        help="before each run wait until other processes use fewer cores than this (default: 0.15)",
    )
    load.add_argument(
        "--retries",
        type=_count(0, 10),
        default=2,
        metavar="N",
        help="measure a run again, at most N times, while others take more than the quiet threshold (default: 2)",
    )
    load.add_argument(
        "--quiet-max-wait",
        type=_seconds(0, True),
        default=30.0,
        metavar="S",
        help="but wait at most this long (default: 30)",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--json", type=Path, metavar="FILE", help="write every run, median and ratio as JSON")
    out.add_argument("--html", type=Path, metavar="FILE", help="write an HTML performance section with SVG charts")
    parser.set_defaults(bench_parser=parser)
    return parser


def _settle(args: argparse.Namespace) -> None:
    """Fill unset load options from --quick or the defaults; refuse contradictions (exit 2)."""
    base = QUICK if args.quick else DEFAULTS
    for key, value in base.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.no_echo and not args.sntp:
        args.bench_parser.error("--no-echo without --sntp leaves nothing to measure")


def _canonical_command(args: argparse.Namespace, impl: Implementation) -> str:
    parts = ["python", "-m", "sockspec", "bench"]
    if args.impl:
        parts += ["--impl", args.impl]
    if args.impl_cmd:
        parts += ["--impl-cmd", args.impl_cmd]
    if args.server_args:
        parts += ["--server-args", args.server_args]
    if not args.no_echo:
        parts += ["--sizes", ",".join(map(str, args.sizes)), "--conns", ",".join(map(str, args.conns))]
    if args.sntp:
        parts += ["--sntp", "--outstanding", ",".join(map(str, args.outstanding))]
        if args.no_echo:
            parts.append("--no-echo")
    parts += ["--warmup", f"{args.warmup:g}", "--duration", f"{args.duration:g}", "--repeat", str(args.repeat)]
    parts += ["--baselines", ",".join(args.baselines) or "none"]
    if args.no_pin:
        parts.append("--no-pin")
    return shlex.join(parts)


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
    _settle(args)
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
        "command": _canonical_command(args, impl),
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
        print(f"bench: implementation {impl.name} failed: {one_line(exc)}", file=sys.stderr)
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
