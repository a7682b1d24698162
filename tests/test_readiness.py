"""A server under test is ready when the kernel shows it listening, whatever it printed and when.

Each child here is a few lines of Python standing for a server recipe: it
prints, binds and listens in the order and words a test gives it, so
``Spawned`` is shown to take the port from /proc (``sockspec.procfs``), to
use the first line only to choose among several ports, and to fail a
server that never listens with one clear message.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from sockspec.errors import IUTCrashed, IUTTimeout
from sockspec.process import spawn
from sockspec.procfs import Listening, listening_sockets, tree_pids

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="readiness is read from /proc")

PY = sys.executable

#: Prelude of every child: sockets on 127.0.0.1, bound to port 0.
PRELUDE = "import socket, sys, time\ndef tcp():\n    s = socket.socket(); s.bind(('127.0.0.1', 0)); return s\n"


def child(body: str) -> list[str]:
    return [PY, "-c", PRELUDE + body]


def test_listening_sockets_sees_tcp_tcp6_and_bound_udp_but_not_connected_udp() -> None:
    with (
        socket.socket() as tcp,
        socket.socket(socket.AF_INET6) as tcp6,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as connected,
    ):
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        tcp6.bind(("::1", 0))
        tcp6.listen()
        udp.bind(("127.0.0.1", 0))
        connected.connect(("127.0.0.1", 9))
        found = set(listening_sockets(os.getpid()) or [])
        assert Listening("tcp", "127.0.0.1", tcp.getsockname()[1]) in found
        assert Listening("tcp", "::1", tcp6.getsockname()[1]) in found
        assert Listening("udp", "127.0.0.1", udp.getsockname()[1]) in found
        assert connected.getsockname()[1] not in {s.port for s in found}


def test_a_server_that_prints_before_it_listens_is_ready_once_it_listens() -> None:
    body = (
        "s = tcp(); print('Listening on port: %d' % s.getsockname()[1], flush=True)\n"
        "time.sleep(0.3); s.listen(); time.sleep(30)\n"
    )
    with spawn(child(body), ready_timeout=5) as server:
        assert server.first_line(1) == f"Listening on port: {server.port}"
        with socket.create_connection(("127.0.0.1", server.port), timeout=1):
            pass


def test_the_port_comes_from_the_kernel_whatever_the_line_says() -> None:
    body = "s = tcp(); s.listen(); print('ready', flush=True); time.sleep(30)\n"
    with spawn(child(body), ready_timeout=5) as server, socket.create_connection(("127.0.0.1", server.port), timeout=1):
        pass


def test_a_wrapper_that_does_not_exec_still_finds_its_childs_port() -> None:
    inner = PRELUDE + "s = tcp(); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)\n"
    wrapper = f"import subprocess, sys; sys.exit(subprocess.call([sys.executable, '-c', {inner!r}]))"
    with spawn([PY, "-c", wrapper], ready_timeout=5) as server:
        assert len(tree_pids(server.proc.pid)) >= 2
        assert server.first_line(1) == str(server.port)


def test_among_several_ports_the_one_the_first_line_names_is_taken() -> None:
    body = (
        "a = tcp(); a.listen(); b = tcp(); b.listen()\n"
        "print('admin on %d, echo on 127.0.0.1:%d' % (a.getsockname()[1], b.getsockname()[1]), flush=True)\n"
        "time.sleep(30)\n"
    )
    with spawn(child(body), ready_timeout=5) as server:
        assert server.banner.decode().endswith(f"127.0.0.1:{server.port}")


def test_the_transport_asked_for_decides_between_udp_and_tcp() -> None:
    body = (
        "t = tcp(); t.listen(); u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))\n"
        "print('udp %d' % u.getsockname()[1], flush=True); time.sleep(30)\n"
    )
    with spawn(child(body), ready_timeout=5, transport="udp") as server:
        assert server.listening[0].transport == "udp"
        assert server.first_line(1) == f"udp {server.port}"


def test_a_server_that_never_listens_fails_once_with_a_clear_message() -> None:
    body = "s = tcp(); print('listening on 127.0.0.1:%d' % s.getsockname()[1], flush=True); time.sleep(30)\n"
    start = time.monotonic()
    with pytest.raises(IUTTimeout, match=r"did not listen within 0\.5 s"):
        spawn(child(body), ready_timeout=0.5)
    assert time.monotonic() - start < 3


def test_a_server_that_exits_before_listening_is_a_crash() -> None:
    with pytest.raises(IUTCrashed, match=r"exited with status 3 before it listened"):
        spawn(child("sys.exit(3)\n"), ready_timeout=5)


@pytest.mark.skipif(shutil.which("unshare") is None, reason="no 'unshare' command (util-linux)")
def test_a_socket_in_a_loopback_only_namespace_of_the_tree_is_not_the_servers_port() -> None:
    # A relay adapter: its own UDP port in the kit's namespace, a daemon's port where only loopback exists.
    daemon = "import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    daemon += "s.bind(('0.0.0.0', 0)); time.sleep(30)"
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("this machine does not let us make a user and network namespace")
    body = (
        "import subprocess\n"
        f"subprocess.Popen(['unshare', '-rn', {PY!r}, '-c', {daemon!r}])\n"
        "time.sleep(0.5); s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n"
        "print(s.getsockname()[1], flush=True); time.sleep(30)\n"
    )
    with spawn(child(body), ready_timeout=5, transport="udp") as server:
        assert server.first_line(1) == str(server.port)
        assert {s.port for s in listening_sockets(server.proc.pid) or []} == {server.port}
