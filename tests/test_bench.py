"""The bench command: plumbing, JSON and HTML output, error paths, clean-up; not speed.

The runs here are tiny (tenths of a second) and use the pure-Python
baseline only, so they prove that the pieces fit, not how fast anything is.
The reference servers' fast paths that the bench measures are tested in
``tests/reference/test_ref_server_fast_paths.py``.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from sockspec.__main__ import main
from sockspec.bench import EXIT_IMPLEMENTATION, EXIT_INTERRUPTED
from sockspec.bench._report import render_html, render_section
from sockspec.bench._results import summarise
from sockspec.bench._runner import WORKER_START_TIMEOUT, _percentiles, _split
from sockspec.bench._servers import READY_TIMEOUT
from sockspec.bench._system import wait_for_quiet
from sockspec.bench._workers import BenchAborted, start_workers

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bench reads /proc")

TINY = ["--warmup", "0", "--duration", "0.2", "--repeat", "1", "--quiet-max-wait", "0", "--retries", "0"]

#: A fake echo-server that listens and announces itself but closes every connection at once.
CLOSES_AT_ONCE = (
    "import socket,sys\n"
    "s=socket.create_server(('127.0.0.1',0))\n"
    "print('listening on 127.0.0.1:%d' % s.getsockname()[1], flush=True)\n"
    "while True: s.accept()[0].close()\n"
)

#: A fake echo-server (blocking, one thread per connection) that writes its port to argv[1].
ECHO_WITH_PORT_FILE = (
    "import socket,sys,threading\n"
    "s=socket.create_server(('127.0.0.1',0))\n"
    "open(sys.argv[1],'w').write(str(s.getsockname()[1]))\n"
    "print('listening on 127.0.0.1:%d' % s.getsockname()[1], flush=True)\n"
    "def echo(c):\n"
    "    while d := c.recv(65536): c.sendall(d)\n"
    "while True: threading.Thread(target=echo, args=(s.accept()[0],), daemon=True).start()\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["--sizes", "0"],
        ["--sizes", "1k"],
        ["--conns", "0"],
        ["--conns", "1,,2"],
        ["--repeat", "0"],
        ["--duration", "0"],
        ["--warmup", "-1"],
        ["--baselines", "nginx"],
        ["--no-echo"],
        ["--impl", "no-such-profile"],
        ["--impl", "chrony"],  # chrony has no echo-server, and --sntp was not asked for
        ["--bogus"],
    ],
)
def test_bad_arguments_exit_2_with_usage(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bench", *args])
    assert exited.value.code == 2
    assert "usage: sockspec" in capsys.readouterr().err


def test_tiny_run_writes_tables_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json, out_html = tmp_path / "b.json", tmp_path / "b.html"
    argv = ["bench", "--sizes", "64", "--conns", "1,3", "--baselines", "asyncio", "--sntp", "--outstanding", "2"]
    code = main([*argv, *TINY, "--json", str(out_json), "--html", str(out_html)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "echo 64B x 3" in captured.out and "sntp K=2" in captured.out
    assert "xasyncio (req/s|cpu|p99)" in captured.out
    assert "echo 64B x 3 done (median req/s): reference " in captured.err  # each cell as it finishes
    doc = json.loads(out_json.read_text())
    assert doc["implementation"]["name"] == "reference"
    assert doc["command"].startswith("python -m sockspec bench")
    assert [s["name"] for s in doc["echo"]["servers"]] == ["reference", "asyncio"]
    assert [(e["size"], e["conns"]) for e in doc["echo"]["results"]] == [(64, 1), (64, 3)]
    for entry in doc["echo"]["results"]:
        for name in ("reference", "asyncio"):
            median = entry["medians"][name]
            assert median["runs"] == 1 and median["rps"] > 0
            assert 0 < median["p50_us"] <= median["p90_us"] <= median["p99_us"] <= median["max_us"]
            assert median["server_cpu_us"] is not None
        assert entry["ratios"]["reference"]["asyncio"]["rps"] > 0
        assert entry["ceiling"]["by"] == "asyncio"
        assert isinstance(entry["client_bound"], bool)
    sntp = doc["sntp"]["results"][0]["medians"]["reference"]
    assert sntp["rps"] > 0 and sntp["loss_pct"] == 0
    assert doc["machine"]["pinning"]
    html = out_html.read_text()
    assert html.count("<svg") == 4 and "Performance" in html


def test_implementation_that_does_not_start(capsys: pytest.CaptureFixture[str]) -> None:
    exits_at_once = "{python} -c 'import sys; sys.exit(5)'"
    code = main(["bench", "--impl-cmd", exits_at_once, "--sizes", "64", "--conns", "1", *TINY])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == EXIT_IMPLEMENTATION
    assert err[-1].startswith("bench: implementation ")
    assert "exited with status 5 before it listened" in err[-1]
    assert "Traceback" not in "\n".join(err)


def test_implementation_that_does_not_echo(capsys: pytest.CaptureFixture[str]) -> None:
    cmd = f"{{python}} -c {shlex.quote(CLOSES_AT_ONCE)}"
    code = main(["bench", "--impl-cmd", cmd, "--sizes", "64", "--conns", "1", "--baselines", "none", *TINY])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == EXIT_IMPLEMENTATION
    assert "priming" in err[-1]


def _processes_with(text: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(int(name))
    return found


#: Until the bench has its server and load generators: its own deadlines for both, plus the
#: interpreters' start on a machine whose cores are busy with other work.
BENCH_START_LIMIT = READY_TIMEOUT + WORKER_START_TIMEOUT + 30
#: From SIGINT until the bench exits, having killed and reaped everything, on a loaded machine.
BENCH_STOP_LIMIT = 60.0


@pytest.mark.timeout(BENCH_START_LIMIT + BENCH_STOP_LIMIT + 60)  # above both limits: they, not pytest-timeout, end it
def test_interrupt_kills_and_reaps_everything(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    marker = f"sockspec-bench-test-{os.getpid()}"
    cmd = f"{sys.executable} -c {shlex.quote(ECHO_WITH_PORT_FILE)}"
    argv = [sys.executable, "-m", "sockspec", "bench", "--impl-cmd", f"{cmd} {port_file} {marker}"]
    argv += ["--sizes", "64", "--conns", "2", "--warmup", "0", "--duration", "120", "--baselines", "none"]
    argv += ["--quiet-max-wait", "0"]
    bench = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parent.parent)
    try:
        deadline = time.monotonic() + BENCH_START_LIMIT
        while not port_file.exists() or not _processes_with(f'"port": {port_file.read_text() or "?"}'):
            assert time.monotonic() < deadline, "the bench did not start its server and load generator"
            assert bench.poll() is None, bench.communicate()
            time.sleep(0.05)
        port = port_file.read_text()
        bench.send_signal(signal.SIGINT)
        _, err = bench.communicate(timeout=BENCH_STOP_LIMIT)
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
    assert bench.returncode == EXIT_INTERRUPTED, err
    assert b"interrupted" in err and b"Traceback" not in err
    assert _processes_with(marker) == []
    assert _processes_with(f'"port": {port}') == []


# --- pure pieces ---------------------------------------------------------------------


def test_split_spreads_connections_over_processes() -> None:
    assert _split(10, 1) == [10]
    assert _split(10, 3) == [4, 3, 3]
    assert _split(2, 4) == [1, 1]


def test_percentiles_merge_workers_at_a_common_stride() -> None:
    import array

    one = array.array("q", [1000 * i for i in range(1, 101)])  # 1..100 µs, stride 1
    two = array.array("q", [1000 * i for i in range(101, 151)])  # 101..150 µs, every 2nd kept
    result = _percentiles([(one, 1), (two, 2)])
    assert result["max_us"] == 150
    assert 95 <= result["p50_us"] <= 105  # 100 requests below 100 µs, 100 above


def _entry(rps: dict[str, float]) -> dict[str, Any]:
    run = {"p50_us": 1.0, "p90_us": 2.0, "p99_us": 3.0, "max_us": 4.0, "server_cpu_us": 5.0, "mib_s": 1.0}
    run |= {"server_cpu_pct": 50.0, "client_cpu_pct": 90.0, "other_cores": 0.0, "loadavg": 0.5, "busy_cores": 0.0}
    return {"size": 1024, "conns": 10, "runs": {name: [{**run, "rps": v}] for name, v in rps.items()}}


def test_ceiling_is_the_fastest_baseline_and_client_bound_at_80_percent() -> None:
    roles = {"impl": "implementation", "a": "baseline", "c": "baseline"}
    near = summarise("echo", _entry({"impl": 85.0, "a": 70.0, "c": 100.0}), roles)
    assert near["ceiling"]["rps"] == 100.0 and near["ceiling"]["by"] == "c"
    assert near["client_bound"] is True
    assert near["ratios"]["impl"]["a"]["rps"] == pytest.approx(85 / 70)
    far = summarise("echo", _entry({"impl": 50.0, "a": 70.0, "c": 100.0}), roles)
    assert far["client_bound"] is False


def test_failed_runs_are_counted_not_averaged() -> None:
    entry = _entry({"impl": 10.0, "a": 20.0})
    entry["runs"]["a"].append({"error": "boom"})
    result = summarise("echo", entry, {"impl": "implementation", "a": "baseline"})
    assert result["medians"]["a"]["runs"] == 1 and result["medians"]["a"]["failed"] == 1


def test_charts_are_well_formed_svg() -> None:
    summary = summarise("echo", _entry({"impl": 85.0, "a": 70.0}), {"impl": "implementation", "a": "baseline"})
    doc = {
        "implementation": {"name": "impl", "command": ["x"]},
        "machine": {"pinning": "not pinned"},
        "settings": {"repeat": 1, "duration": 1.0, "warmup": 0.0},
        "command": "python -m sockspec bench",
        "notes": ["a <note>"],
        "echo": {"servers": [{"name": "impl", "role": "implementation"}, {"name": "a", "role": "baseline"}],
                 "results": [summary]},
        "sntp": None,
    }  # fmt: skip
    section = render_section(doc)
    assert "a &lt;note&gt;" in section
    for svg in section.split("<svg")[1:]:
        ET.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")
    assert render_html(doc).startswith("<!DOCTYPE html>")


def test_a_broken_load_generator_is_the_benchs_own_error(tmp_path: Path) -> None:
    """Its fault arrives from the process layer as an IUTError; the bench turns it into BenchAborted."""
    broken = [{"samples_path": str(tmp_path / "samples.bin")}]  # no "mode": it dies at once
    with (
        pytest.raises(BenchAborted, match=r"load generator exited with code 1 .*KeyError: 'mode'"),
        start_workers(broken) as workers,
    ):
        workers[0].read(time.monotonic() + 10, "the ready message")


def test_a_wait_for_a_quiet_machine_is_announced() -> None:
    heard: list[float] = []
    quiet = wait_for_quiet(threshold=-1.0, max_wait=0.3, sample=0.1, waiting=heard.append)
    assert len(heard) == 1 and quiet.waited >= 0.3
