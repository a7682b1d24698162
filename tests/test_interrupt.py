"""Ctrl-C in the middle of a spec run leaves no process and no listening port behind.

Every process the run starts inherits a unique marker in its environment, so
/proc tells exactly which of them are still alive afterwards, whatever they
are (servers under test, kit servers, sandboxes, harnesses), and which
listening sockets they held when Ctrl-C came.  Children run in sessions of
their own, so the Ctrl-C reaches only pytest: the kit itself must clean up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Spec modules that keep servers, sandboxes and harnesses running while they work.
BUSY_SPECS = ["specs/program/test_s11_echo_server.py", "specs/program/test_s09_reuse_server.py", "specs/api"]
#: Until a child of the run listens: pytest's start and collection, which a machine whose
#: cores are busy with other work slows down many times; the run ending first fails at once.
START_LIMIT = 120.0
#: From Ctrl-C until pytest exits: the kit stops every child (harness stop + exit grace,
#: a server's SERVER_WAIT, SIGTERM's grace) on a loaded machine.
STOP_LIMIT = 60.0


def marked_processes(marker: str) -> list[int]:
    """PIDs of live processes whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def listening_inodes() -> set[str]:
    """Socket inodes of every TCP socket in LISTEN state, IPv4 and IPv6."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def socket_inodes(pids: list[int]) -> set[str]:
    """Inodes of the sockets that ``pids`` hold open."""
    inodes = set()
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        inodes.update(link[len("socket:[") : -1] for link in links if link.startswith("socket:["))
    return inodes


@pytest.mark.timeout(START_LIMIT + 2 * STOP_LIMIT + 60)  # above the limits: they, not pytest-timeout, end it
def test_ctrl_c_mid_run_leaves_nothing_behind(tmp_path: Path) -> None:
    marker = f"SOCKSPEC_INTERRUPT_TEST={uuid.uuid4().hex}"
    env = dict(os.environ, SOCKSPEC_INTERRUPT_TEST=marker.split("=", 1)[1])
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:html", "-p", "no:randomly", "-p", "no:cacheprovider",
         "--json-report", str(tmp_path / "r.json"), *BUSY_SPECS],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_LIMIT
        listening: set[str] = set()
        while not listening and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # wait until a child of the run is listening
            listening = socket_inodes([p for p in marked_processes(marker) if p != run.pid]) & listening_inodes()
        assert listening, "no child of the spec run was ever listening: the test would prove nothing"
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output = run.communicate(timeout=STOP_LIMIT)[0].decode(errors="replace")
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 2, output[-3000:]  # pytest's "interrupted"
    assert "KeyboardInterrupt" in output
    deadline = time.monotonic() + STOP_LIMIT  # SIGKILLed grandchildren may still be exiting
    while marked_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marked_processes(marker) == []
    assert listening & listening_inodes() == set()
