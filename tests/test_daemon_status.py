"""The daemon adapters pass a stop signal on and end as their daemon ended (examples/daemon_status.py).

A fake daemon stands in for the real one: it exits 3 on SIGTERM and is
killed by SIGINT (no handler), so the adapter's status shows whose it is.
examples/echo_daemons/sockspec-echo-daemon runs it as BusyBox (``busybox nc
-ll -p PORT HOST -e /bin/cat``); examples/netns-relay/netns_relay.py runs it
on port 123 of a namespace of its own, behind the relay.
"""

from __future__ import annotations

import runpy
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sockspec.process import spawn
from tests.conftest import ROOT

FAKE_DAEMON = """\
import signal, socket, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
if sys.argv[1:2] == ["nc"]:  # busybox nc -ll -p PORT HOST -e /bin/cat: accept and drop connections
    server = socket.create_server((sys.argv[5], int(sys.argv[4])))
    while True:
        server.accept()[0].close()
server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind({daemon_address!r})  # the relay's fixed address, inside the namespace it made
while True:  # answer every request with a 48-byte reply, leap indicator 0
    request, client = server.recvfrom(512)
    server.sendto(b"\\x24" + 47 * b"\\0", client)
"""

FAKE_ADAPTER = """\
import sys
sys.path.insert(0, {relay!r})
from netns_relay import Daemon, adapter_main
adapter_main("fake-adapter", "fake daemon", lambda workdir: Daemon("fake daemon", [sys.executable, {daemon!r}]))
"""

RELAY = ROOT / "examples/netns-relay/netns_relay.py"


def _relay_daemon_address() -> tuple[str, int]:
    """Where the relay expects its daemon, in the namespace it makes (netns_relay.DAEMON_ADDRESS)."""
    return runpy.run_path(str(RELAY))["DAEMON_ADDRESS"]


#: What the fake daemon's end looks like to the kit (subprocess): exit status 3, or killed by SIGINT.
EXPECTED = [(signal.SIGTERM, 3), (signal.SIGINT, -signal.SIGINT)]


def _fake_daemon(tmp_path: Path) -> Path:
    daemon = tmp_path / "busybox"
    script = FAKE_DAEMON.replace("{daemon_address!r}", repr(_relay_daemon_address()))
    daemon.write_text(f"#!{sys.executable}\n{script}", encoding="utf-8")
    daemon.chmod(0o755)
    return daemon


def _namespaces_denied() -> bool:
    """Whether this process may not make a user and network namespace (as the relay does)."""
    probe = "import ctypes, sys; sys.exit(ctypes.CDLL(None).unshare(0x50000000) != 0)"
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode != 0


@pytest.mark.parametrize(("signum", "status"), EXPECTED)
def test_echo_daemon_adapter_ends_as_its_daemon(tmp_path: Path, signum: int, status: int) -> None:
    argv = [sys.executable, str(ROOT / "examples/echo_daemons/sockspec-echo-daemon"), "busybox-nc"]
    with spawn([*argv, str(_fake_daemon(tmp_path)), "echo-server"], ready_timeout=10) as server:
        assert server.stop_with(signum, 10) == status, server.stderr_text()


@pytest.mark.parametrize(("signum", "status"), EXPECTED)
def test_netns_relay_adapter_ends_as_its_daemon(tmp_path: Path, signum: int, status: int) -> None:
    if _namespaces_denied():
        pytest.skip("this process may not make user and network namespaces (unshare)")
    adapter = tmp_path / "fake-adapter"
    relay = str(RELAY.parent)
    adapter.write_text(FAKE_ADAPTER.format(relay=relay, daemon=str(_fake_daemon(tmp_path))), encoding="utf-8")
    with spawn([sys.executable, str(adapter), "sntp-server"], ready_timeout=10, transport="udp") as server:
        assert server.stop_with(signum, 10) == status, server.stderr_text()
