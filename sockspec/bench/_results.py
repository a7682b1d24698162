"""From runs to results: medians, paired ratios to each baseline, the client's ceiling.

Pure functions over the dicts that :func:`._runner.schedule` returns, so
the text table, the JSON and the HTML chart all read the same numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

__all__ = ["CLIENT_BOUND", "summarise"]

#: The implementation is "client-bound" when it reaches this share of the client's ceiling.
CLIENT_BOUND = 0.8

_ECHO_KEYS = ("rps", "mib_s", "p50_us", "p90_us", "p99_us", "max_us", "server_cpu_us", "server_cpu_pct")
_SNTP_KEYS = ("rps", "p50_us", "p90_us", "p99_us", "max_us", "server_cpu_us", "server_cpu_pct", "loss_pct")
_CONTEXT = ("client_cpu_pct", "other_cores", "steal_cores", "loadavg", "busy_cores", "calib_ms")


def _median(runs: Sequence[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _paired(runs: Sequence[dict[str, Any]], base: Sequence[dict[str, Any]], key: str) -> float | None:
    """Median over repetitions of this server's value divided by the baseline's in the same repetition.

    Runs of one repetition follow each other within seconds, so a slow phase
    of the shared host, which lasts minutes, mostly divides out.
    """
    ratios = [
        a[key] / b[key]
        for a, b in zip(runs, base, strict=False)
        if "error" not in a and "error" not in b and a.get(key) is not None and b.get(key)
    ]
    return statistics.median(ratios) if ratios else None


def summarise(mode: str, entry: dict[str, Any], roles: dict[str, str]) -> dict[str, Any]:
    """Medians per server, ratios of every server to every baseline, the ceiling and the verdict."""
    keys = _ECHO_KEYS if mode == "echo" else _SNTP_KEYS
    medians: dict[str, dict[str, Any]] = {}
    for name, runs in entry["runs"].items():
        good = [r for r in runs if "error" not in r]
        med: dict[str, Any] = {key: _median(good, key) for key in (*keys, *_CONTEXT)}
        med["runs"] = len(good)
        med["failed"] = len(runs) - len(good)
        medians[name] = med
    baselines = [n for n, role in roles.items() if role == "baseline" and medians.get(n, {}).get("rps")]
    runs = entry["runs"]
    ratios = {
        name: {
            base: {key: _paired(runs[name], runs[base], key) for key in ("rps", "server_cpu_us", "p99_us")}
            for base in baselines
            if base != name
        }
        for name, med in medians.items()
        if med["rps"]
    }
    ceiling_by = max(baselines, key=lambda n: medians[n]["rps"], default=None)
    ceiling = medians[ceiling_by]["rps"] if ceiling_by else None
    impl = next((n for n, role in roles.items() if role == "implementation"), None)
    impl_rps = medians.get(impl, {}).get("rps") if impl else None
    share = _ratio(impl_rps, ceiling)
    return {
        **{k: v for k, v in entry.items() if k != "runs"},
        "medians": medians,
        "ratios": ratios,
        "ceiling": {"rps": ceiling, "by": ceiling_by, "implementation_share": share},
        "client_bound": share is not None and share >= CLIENT_BOUND,
        "runs": entry["runs"],
    }
