"""chrony as an independent peer of the reference SNTP programs and of the kit's own SNTP server.

- chronyd -Q, a one-shot client, measures the reference sntp-server's clock,
  and the kit's (sockspec.servers.sntp), which judges every SNTP client;
- the reference sntp-time and ntp-time read the time from a real chronyd.

.ci/run installs chrony, so these run in CI; elsewhere they skip with a reason.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from collections.abc import Iterator

import pytest

from sockspec.process import Spawned, run, spawn
from sockspec.servers.sntp import KitSntpServer, SntpSetup
from tests.conftest import ROOT

CHRONYD = shutil.which("chronyd") or ("/usr/sbin/chronyd" if shutil.which("/usr/sbin/chronyd") else None)
pytestmark = pytest.mark.skipif(CHRONYD is None, reason="chronyd is not installed (apt-get install chrony)")
REFERENCE = [sys.executable, "-m", "sockspec_reference"]
WRONG_BY = re.compile(r"System clock wrong by (-?[0-9.]+) seconds")


@pytest.fixture
def chronyd_server() -> Iterator[Spawned]:
    with spawn(
        [sys.executable, str(ROOT / "examples/chrony/sockspec-chrony"), "sntp-server"], ready_timeout=6, transport="udp"
    ) as srv:
        yield srv


def _chronyd_measures(port: int) -> tuple[str, re.Match[str] | None]:
    """What chronyd -Q says of the server on 127.0.0.1:``port``, and its "wrong by" match."""
    assert CHRONYD is not None
    done = run([CHRONYD, "-Q", "-t", "5", f"server 127.0.0.1 port {port} iburst maxsamples 1"], timeout=10)
    log = done.stdout.decode() + done.stderr.decode()
    return log, WRONG_BY.search(log) if done.returncode == 0 else None


@pytest.mark.parametrize("offset", [0, 3600])
def test_chronyd_client_measures_the_reference_server(offset: int) -> None:
    with spawn(
        [*REFERENCE, "sntp-server", "--port", "0", "--offset", str(offset)], ready_timeout=5, transport="udp"
    ) as server:
        log, match = _chronyd_measures(server.port)
    assert match is not None, log
    assert abs(float(match.group(1)) - offset) < 0.5, log


@pytest.mark.parametrize("offset", [0, 3600])
def test_chronyd_client_measures_the_kit_server(offset: int) -> None:
    with KitSntpServer(SntpSetup(offset=offset)) as server:
        log, match = _chronyd_measures(server.port)
    assert match is not None, log
    assert abs(float(match.group(1)) - offset) < 0.5, log


def _printed_time(line: str) -> float:
    """Seconds since the epoch of a ctime() line, read as local time like ctime writes it."""
    return time.mktime(time.strptime(line.strip().removeprefix("Time="), "%a %b %d %H:%M:%S %Y"))


def test_reference_sntp_time_reads_chronyd(chronyd_server: Spawned) -> None:
    before = time.time()
    done = run([*REFERENCE, "sntp-time", "--server", "127.0.0.1", "--port", str(chronyd_server.port)], timeout=5)
    assert done.returncode == 0, done.describe()
    assert done.lines[0] == f"Response received from: ('127.0.0.1', {chronyd_server.port})"
    assert before - 1 <= _printed_time(done.lines[1]) <= time.time() + 1


def test_reference_ntp_time_reads_chronyd(chronyd_server: Spawned) -> None:
    before = time.time()
    done = run([*REFERENCE, "ntp-time", "--server", "127.0.0.1", "--port", str(chronyd_server.port)], timeout=5)
    assert done.returncode == 0, done.describe()
    assert before - 1 <= _printed_time(done.lines[0]) <= time.time() + 1
