"""The process layer every child of the kit goes through (``sockspec.process``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sockspec.errors import IUTCrashed, IUTTimeout
from sockspec.process import (
    OUTPUT_CAP,
    CannotStart,
    LineProcess,
    PipeReader,
    _group,
    kill_all,
    kill_group,
    run,
    start,
)

PY = sys.executable


def gone(pid: int) -> bool:
    """No such process, or only a zombie that no longer runs."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def wait_gone(pid: int, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def first_line(proc: subprocess.Popen[bytes]) -> bytes:
    assert proc.stdout is not None
    return proc.stdout.readline()


def test_kill_group_also_kills_grandchildren() -> None:
    proc = start(["sh", "-c", "sleep 60 & echo $!; wait"])
    grandchild = int(first_line(proc))
    assert not gone(grandchild)
    kill_group(proc, grace=0.2)
    assert proc.returncode is not None
    assert wait_gone(grandchild)


def test_kill_group_asks_with_sigterm_before_sigkill() -> None:
    polite = (
        "import signal, sys, time; signal.signal(signal.SIGTERM, lambda *_: sys.exit(7)); "
        "print(1, flush=True); time.sleep(60)"
    )
    proc = start([PY, "-c", polite])
    first_line(proc)
    kill_group(proc, grace=5)
    assert proc.returncode == 7


def test_kill_group_ends_a_child_that_ignores_sigterm_after_the_grace() -> None:
    stubborn = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(60)"
    )
    proc = start([PY, "-c", stubborn])
    first_line(proc)
    began = time.monotonic()
    kill_group(proc, grace=0.3)
    assert proc.returncode == -9
    assert 0.25 < time.monotonic() - began < 3


def test_kill_group_is_safe_to_repeat() -> None:
    proc = start(["sleep", "60"])
    kill_group(proc, grace=0)
    kill_group(proc, grace=0)
    assert proc.returncode == -9


def test_cannot_start_names_the_command_and_the_cause() -> None:
    with pytest.raises(CannotStart, match=r"cannot start '/no/such/program --flag': No such file") as caught:
        start(["/no/such/program", "--flag"])
    assert isinstance(caught.value, IUTCrashed)  # a program that cannot start is a FAIL


def test_env_is_merged_over_the_kits_and_none_removes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCKSPEC_KEPT", "kit")
    monkeypatch.setenv("SOCKSPEC_GONE", "kit")
    show = "import os; print(*(os.environ.get('SOCKSPEC_' + n) for n in ('KEPT', 'GONE', 'NEW')))"
    done = run([PY, "-c", show], timeout=10, env={"SOCKSPEC_NEW": "mine", "SOCKSPEC_GONE": None})
    assert done.lines == ["kit None mine"]


def test_a_full_environment_gives_what_it_gave_before_the_merge() -> None:
    show = "import json, os; print(json.dumps(dict(os.environ), sort_keys=True))"
    assert run([PY, "-c", show], timeout=10, env=dict(os.environ)).stdout == run([PY, "-c", show], timeout=10).stdout


def test_run_kills_a_program_at_its_deadline() -> None:
    began = time.monotonic()
    with pytest.raises(IUTTimeout, match=r"did not finish within 0\.3 s"):
        run(["sleep", "60"], timeout=0.3)
    assert time.monotonic() - began < 2


def test_output_is_capped() -> None:
    flood = f"import sys; sys.stdout.buffer.write(b'x' * {OUTPUT_CAP + 100_000})"
    done = run([PY, "-c", flood], timeout=30)
    assert done.returncode == 0
    assert len(done.stdout) == OUTPUT_CAP


@pytest.mark.parametrize(("tail", "kept"), [(False, b"0123456789"), (True, b"klmnopqrst")])
def test_a_pipe_reader_keeps_the_first_or_the_last_bytes(tail: bool, kept: bytes) -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as stream:
        reader = PipeReader(stream, limit=10, tail=tail)
        os.write(write_end, b"0123456789abcdefghij")
        os.write(write_end, b"klmnopqrst")
        os.close(write_end)
        reader.join(5)
    assert reader.snapshot() == kept
    assert reader.text().startswith("[...]") == tail


def test_a_line_exchange_has_a_deadline() -> None:
    process = LineProcess(["sleep", "60"], name="the child", max_line=1000)
    began = time.monotonic()
    with pytest.raises(IUTTimeout, match=r"the child did not answer ping within 0\.3 s"):
        process.exchange(b"ping\n", 0.3, "ping")
    assert time.monotonic() - began < 2
    assert process.returncode is not None  # killed and reaped


def test_lines_that_arrive_together_are_read_one_by_one() -> None:
    echo = "import sys\nfor line in sys.stdin: print(line.strip() + '!', line.strip() + '?', sep='\\n', flush=True)"
    process = LineProcess([PY, "-c", echo], name="the child", max_line=1000)
    try:
        assert process.exchange(b"a\n", 5, "a") == b"a!"
        process.send(b"b\n", 5, "b")
        assert process.receive(5, "a?") == b"a?"
        assert process.receive(5, "b!") == b"b!"
        assert process.receive(5, "b?") == b"b?"
    finally:
        process.finish(1)
    assert process.returncode == 0


def test_kill_all_reaps_every_registered_child(monkeypatch: pytest.MonkeyPatch) -> None:
    # A registry of this test's own: the session's children (a sandboxed harness
    # that pytest specs left running, say) must outlive it.
    monkeypatch.setattr(_group, "_live", {})
    procs = [start(["sleep", "60"]) for _ in range(3)]
    assert all(p.pid in _group._live for p in procs)
    kill_all()
    assert all(p.returncode is not None and p.pid not in _group._live for p in procs)
