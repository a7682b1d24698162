"""The options of ``python -m sockspec bench``: parsing them, their defaults, and the command they amount to."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ._servers import ECHO_BASELINES, SNTP_BASELINES

__all__ = ["canonical_command", "configure", "settle"]

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
MAX_SECONDS = 3600.0

N = TypeVar("N", int, float)


def _bounded(parse: Callable[[str], N], low: N, high: N, *, what: str = "", above: bool = False) -> Callable[[str], N]:
    """An argparse type: ``parse`` the text, then check ``low <= value <= high`` (``low < value`` with ``above``)."""
    noun = "an integer" if parse is int else "a number"
    lowest = f"> {low}" if above else f">= {low}"

    def convert(text: str) -> N:
        try:
            value = parse(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}must be {noun}, got {text!r}") from None
        if not (value > low if above else value >= low) or value > high:
            raise argparse.ArgumentTypeError(f"{what}must be {lowest} and <= {high}, got {value}")
        return value

    return convert


def _int_list(low: int, high: int, what: str) -> Callable[[str], list[int]]:
    """An argparse type for comma-separated integers, each in ``low..high``."""
    one = _bounded(int, low, high, what=f"each {what} ")
    return lambda text: [one(part) for part in text.split(",")]


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
    seconds, positive_seconds = _bounded(float, 0.0, MAX_SECONDS), _bounded(float, 0.0, MAX_SECONDS, above=True)
    load.add_argument("--warmup", type=seconds, metavar="S", help="warm-up seconds per run (default: 1)")
    load.add_argument("--duration", type=positive_seconds, metavar="S", help="measured seconds per run (default: 5)")
    load.add_argument(
        "--repeat",
        type=_bounded(int, 1, 100),
        metavar="N",
        help="runs per server and configuration; the median is reported (default: 3)",
    )
    load.add_argument("--quick", action="store_true", help="a short smoke run: 1 KiB x 1,10; K=8; 0.3 s + 1 s; 1 run")
    load.add_argument(
        "--client-procs",
        type=_bounded(int, 1, 64),
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
        type=_bounded(int, 0, 10),
        default=2,
        metavar="N",
        help="measure a run again, at most N times, while others take more than the quiet threshold (default: 2)",
    )
    load.add_argument(
        "--quiet-max-wait",
        type=seconds,
        default=30.0,
        metavar="S",
        help="but wait at most this long (default: 30)",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--json", type=Path, metavar="FILE", help="write every run, median and ratio as JSON")
    out.add_argument("--html", type=Path, metavar="FILE", help="write an HTML performance section with SVG charts")
    parser.set_defaults(bench_parser=parser)
    return parser


def settle(args: argparse.Namespace) -> None:
    """Fill unset load options from --quick or the defaults; refuse contradictions (exit 2)."""
    base = QUICK if args.quick else DEFAULTS
    for key, value in base.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.no_echo and not args.sntp:
        args.bench_parser.error("--no-echo without --sntp leaves nothing to measure")


def canonical_command(args: argparse.Namespace) -> str:
    """The full command line that repeats this run, every load option spelled out."""
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
