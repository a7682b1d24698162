"""One measurement, and the schedule of many.

Strategy.  A *run* is one server kind in one configuration: wait until the
machine is quiet, start a fresh server pinned to the server CPU, prime it
with one connection (echo) or request (SNTP) that must come back intact,
start the load-generator workers pinned to the other CPUs, let them connect,
then tell them the window: warm up until ``start``, measure until ``end``.
The bench reads the server's CPU time (its whole process group, from
/proc), the workers' and every other user-space process's at both ends of
the window, so every run also says how busy the server and the client were
and how much CPU other processes took meanwhile (a run they disturbed is
measured again, see :func:`_least_disturbed`), and how much the hypervisor
stole.

The *schedule* (:func:`schedule`) runs every configuration ``repeat`` times,
and inside each repetition every server once, the order rotated by one each
time (A B C, B C A, C A B): a slow phase of the shared host then hits all
servers alike instead of one, and no server always runs first.  Medians
and paired ratios come later (:mod:`._results`).
"""

from __future__ import annotations

import array
import contextlib
import os
import select
import socket
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sockspec.addresses import LOOPBACK
from sockspec.errors import IUTCrashed, IUTError, IUTProtocolError
from sockspec.sntp_wire import MODE_SERVER, Header, request

from ._servers import Running, ServerSpec
from ._system import (
    Pinning,
    Quiet,
    calibrate,
    foreign_cpu,
    foreign_delta,
    group_cpu,
    process_cpu,
    steal_seconds,
    wait_for_quiet,
)
from ._workers import BenchAborted, Worker, start_workers

__all__ = ["BenchAborted", "Settings", "measure", "schedule"]

#: Upper bound on exchanges per worker and run: a loop bound, far above any real rate.
MAX_REQUESTS = 200_000_000
WORKER_START_TIMEOUT = 20.0
RESULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Settings:
    warmup: float
    duration: float
    repeat: int
    client_procs: int
    quiet_threshold: float
    quiet_max_wait: float
    stall: float = 5.0
    loss_timeout: float = 0.2
    #: A run during which other processes used more than ``quiet_threshold`` cores is
    #: measured again, at most this many times; the least disturbed attempt is kept.
    retries: int = 2


def _split(total: int, parts: int) -> list[int]:
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def prime_echo(port: int, size: int, timeout: float = 10.0) -> None:
    """One connection that must echo ``size`` bytes exactly, then closes (see docs/benchmarks.md, "One run")."""
    data = bytes((i * 7 + 3) & 0xFF for i in range(size))
    got = bytearray()
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            view, deadline = memoryview(data), time.monotonic() + timeout
            while len(got) < size:
                if time.monotonic() > deadline:
                    raise IUTProtocolError(f"echo of the priming {size}-byte message not complete in {timeout:g} s")
                want_write = [sock] if view else []
                readable, writable, _ = select.select([sock], want_write, [], 0.1)
                if writable:
                    with contextlib.suppress(BlockingIOError):
                        view = view[sock.send(view[:65536]) :]
                if readable:
                    chunk = sock.recv(1 << 20)
                    if not chunk:
                        break
                    got += chunk
    except OSError as exc:
        raise IUTProtocolError(f"priming connection failed: {exc}") from exc
    if bytes(got) != data:
        raise IUTProtocolError(f"the priming connection got {len(got)} bytes back for {size}, or different bytes")


#: The transmit timestamp of the priming request, which a server's reply must carry back as its originate.
_PRIMING_TRANSMIT = 0x0101010101010101


def prime_sntp(port: int, timeout: float = 2.0) -> None:
    """One SNTP request that must get a 48-byte server-mode reply."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendto(request(4, _PRIMING_TRANSMIT), (LOOPBACK, port))
            reply = sock.recv(1024)
        except OSError as exc:
            raise IUTProtocolError(f"no reply to a priming SNTP request within {timeout:g} s ({exc})") from exc
    header = Header.parse(reply)
    if header is None or header.mode != MODE_SERVER or header.originate != _PRIMING_TRANSMIT:
        raise IUTProtocolError(f"the reply to a priming SNTP request is not a valid server reply: {reply[:48].hex()}")


def _percentiles(runs: list[tuple[array.array[int], int]]) -> dict[str, float]:
    """p50/p90/p99/max in µs over workers' samples, brought to a common stride."""
    stride = max((s for _, s in runs), default=1)
    values: list[int] = []
    for samples, own in runs:
        values.extend(samples[:: stride // own] if own < stride else samples)
    if not values:
        return {"p50_us": 0.0, "p90_us": 0.0, "p99_us": 0.0, "max_us": 0.0}
    values.sort()
    n = len(values)

    def rank(q: float) -> float:
        return values[min(n - 1, max(0, int(q * n + 0.999999) - 1))] / 1000

    return {"p50_us": rank(0.5), "p90_us": rank(0.9), "p99_us": rank(0.99), "max_us": values[-1] / 1000}


def measure(
    spec: ServerSpec,
    mode: str,
    load: dict[str, Any],
    settings: Settings,
    pinning: Pinning,
    workdir: Path,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """One run of ``spec`` under ``load`` (echo: size and conns; sntp: outstanding); a result dict.

    Raises ``IUTError`` when the server does not start or does not answer the
    priming exchange, and :class:`BenchAborted` when the run breaks later.
    ``progress`` hears what the run waits for.
    """

    def waiting(busy: float) -> None:
        if progress is not None:
            progress(
                f"waiting up to {settings.quiet_max_wait:g} s for a quiet machine: other processes use "
                f"{busy:.2f} cores (threshold {settings.quiet_threshold:g}, --quiet-threshold)"
            )

    quiet = wait_for_quiet(settings.quiet_threshold, settings.quiet_max_wait, waiting=waiting)
    calibration = calibrate()
    server = spec.start(pinning)
    try:
        if mode == "echo":
            prime_echo(server.port, load["size"])
        else:
            prime_sntp(server.port)
        return {**_measure_started(server, mode, load, settings, pinning, workdir, quiet), "calib_ms": calibration}
    except (BenchAborted, IUTError) as exc:
        if not server.alive():
            raise IUTCrashed(f"{spec.name} exited during the run: {exc}", stderr=server.stderr_text()) from None
        raise
    finally:
        server.stop()


def _measure_started(
    server: Running,
    mode: str,
    load: dict[str, Any],
    settings: Settings,
    pinning: Pinning,
    workdir: Path,
    quiet: Quiet,
) -> dict[str, Any]:
    base = {
        "mode": mode,
        "host": LOOPBACK,
        "port": server.port,
        "cpus": list(pinning.client),
        "stall": settings.stall,
        "max_requests": MAX_REQUESTS,
        "connect_timeout": 5.0,
        "loss_timeout": settings.loss_timeout,
    }
    if mode == "echo":
        shares = [{"size": load["size"], "conns": n} for n in _split(load["conns"], settings.client_procs)]
    else:
        shares = [{"outstanding": n} for n in _split(load["outstanding"], settings.client_procs)]
    configs = [
        {**base, **share, "samples_path": str(workdir / f"samples-{os.getpid()}-{i}.bin")}
        for i, share in enumerate(shares)
    ]
    with start_workers(configs) as workers:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        for worker in workers:
            ready = worker.read(deadline, "the ready message")
            if "error" in ready:
                raise BenchAborted(f"load generator: {ready['error']}")
        go = time.monotonic_ns()
        start = go + int(settings.warmup * 1e9)
        end = start + int(settings.duration * 1e9)
        for worker in workers:
            worker.send({"start": start, "end": end})
        ours = {w.pid for w in workers}
        _sleep_until(start)
        before = _snapshot(server.pgid, workers)
        others_before = foreign_cpu({server.pgid, *ours}, {os.getpid()})
        _sleep_until(end)
        after = _snapshot(server.pgid, workers)
        others_after = foreign_cpu({server.pgid, *ours}, {os.getpid()})
        deadline = time.monotonic() + RESULT_TIMEOUT + settings.loss_timeout
        results = [worker.read(deadline, "the results") for worker in workers]
        errors = [r["error"] for r in results if "error" in r]
        if errors:
            raise BenchAborted(f"load generator: {errors[0]}")
        latencies = _percentiles([(w.samples(), r["stride"]) for w, r in zip(workers, results, strict=True)])
    elapsed = (end - start) / 1e9
    count = sum(r["count"] for r in results)
    server_cpu = after["server"] - before["server"]
    client_cpu = after["client"] - before["client"]
    result: dict[str, Any] = {
        "rps": count / elapsed,
        **latencies,
        "count": count,
        "server_cpu_us": server_cpu / count * 1e6 if count else None,
        "server_cpu_pct": 100 * server_cpu / elapsed,
        "client_cpu_pct": 100 * client_cpu / elapsed / len(results),  # per load-generator process
        "other_cores": foreign_delta(others_before, others_after) / elapsed,
        "steal_cores": (after["steal"] - before["steal"]) / elapsed,
        **quiet.as_dict(),
    }
    if mode == "echo":
        result["mib_s"] = count * load["size"] / elapsed / (1 << 20)
    else:
        sent = sum(r["sent"] for r in results)
        lost = sum(r["lost"] for r in results)
        result.update(
            sent=sent,
            lost=lost,
            loss_pct=100 * lost / sent if sent else 0.0,
            invalid=sum(r["invalid"] for r in results),
        )
        if result["invalid"]:
            raise IUTProtocolError(f"{result['invalid']} of the SNTP replies were not 48-byte server-mode packets")
    return result


def _sleep_until(ns: int) -> None:
    while (left := ns - time.monotonic_ns()) > 0:
        time.sleep(left / 1e9)


def _snapshot(pgid: int, workers: Sequence[Worker]) -> dict[str, float]:
    return {
        "server": group_cpu(pgid),
        "client": sum(process_cpu(w.pid) for w in workers),
        "steal": steal_seconds(),
    }


Progress = Callable[[str], None]


def schedule(
    specs: Sequence[ServerSpec],
    mode: str,
    loads: Sequence[dict[str, Any]],
    settings: Settings,
    pinning: Pinning,
    workdir: Path,
    progress: Progress,
) -> list[dict[str, Any]]:
    """Every load x repetition x server, alternating servers; one entry per load with all runs.

    An implementation that fails raises ``IUTError`` at once (the run is
    pointless without it).  A baseline that fails gets the error recorded
    for that run and is measured again in the next repetition.
    """
    table = []
    for load in loads:
        runs: dict[str, list[dict[str, Any]]] = {spec.name: [] for spec in specs}
        for rep in range(settings.repeat):
            # Rotate the order each repetition, so that no server always runs first or last in
            # a drifting phase of the host.
            for spec in [*specs[rep % len(specs) :], *specs[: rep % len(specs)]]:
                label = f"{mode} {_load_label(mode, load)} {spec.name} run {rep + 1}/{settings.repeat}"
                try:
                    result = _least_disturbed(spec, mode, load, settings, pinning, workdir, label, progress)
                except (IUTError, BenchAborted) as exc:
                    if spec.role == "implementation":
                        if isinstance(exc, BenchAborted):
                            raise IUTProtocolError(f"{spec.name}: {exc}") from None
                        raise
                    message = str(exc).strip().splitlines()[0]
                    runs[spec.name].append({"error": message})
                    progress(f"{label}: failed: {message}")
                    continue
                runs[spec.name].append(result)
                progress(f"{label}: {_brief(mode, result)}")
        table.append({**load, "runs": runs})
        progress(_cell(mode, load, runs))
    return table


def _cell(mode: str, load: dict[str, Any], runs: dict[str, list[dict[str, Any]]]) -> str:
    """One finished cell of the table: each server's median requests per second over its runs."""
    medians = []
    for name, server_runs in runs.items():
        rates = [r["rps"] for r in server_runs if "error" not in r]
        medians.append(f"{name} {statistics.median(rates) / 1000:.1f}k/s" if rates else f"{name} failed")
    return f"{mode} {_load_label(mode, load)} done (median req/s): " + ", ".join(medians)


def _least_disturbed(
    spec: ServerSpec,
    mode: str,
    load: dict[str, Any],
    settings: Settings,
    pinning: Pinning,
    workdir: Path,
    label: str,
    progress: Progress,
) -> dict[str, Any]:
    """One run, measured again (bounded) while other processes took more than the quiet threshold."""
    attempts = []
    for attempt in range(settings.retries + 1):
        result = measure(spec, mode, load, settings, pinning, workdir, lambda line: progress(f"{label}: {line}"))
        attempts.append(result)
        if result["other_cores"] <= settings.quiet_threshold:
            break
        if attempt < settings.retries:
            progress(
                f"{label}: others took {result['other_cores']:.2f} cores ({_brief(mode, result)}); measuring again"
            )
    best = min(attempts, key=lambda r: r["other_cores"])
    best["attempts"] = len(attempts)
    return best


def _load_label(mode: str, load: dict[str, Any]) -> str:
    if mode == "echo":
        return f"{_size_label(load['size'])} x {load['conns']}"
    return f"K={load['outstanding']}"


def _size_label(size: int) -> str:
    if size % 1024 == 0:
        return f"{size // 1024}K"
    return f"{size}B"


def _brief(mode: str, r: dict[str, Any]) -> str:
    cpu = f"{r['server_cpu_us']:.1f}" if r["server_cpu_us"] is not None else "-"
    text = f"{r['rps'] / 1000:.1f}k/s p99 {r['p99_us']:.0f} µs, server {cpu} µs/req, client {r['client_cpu_pct']:.0f}%"
    if mode == "sntp":
        text += f", loss {r['loss_pct']:.2f}%"
    return text + f", others {r['other_cores']:.2f} cores"
