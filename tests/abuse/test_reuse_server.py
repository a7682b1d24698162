"""The reference reuse-server, a one-client-at-a-time server, against clients that misbehave.

Serving one client at a time is the tutorial's design; what must hold is
that no client can keep it from the next one for longer than
``--idle-timeout``: not one that stays silent, not one that resets, sends
more than the cap, or is killed mid-transfer, not connections that reset
while still in the accept queue.  After all that it still serves, and
SIGINT still ends it with status 0 and no traceback.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import struct
import subprocess
import sys
import time

import pytest

from tests.abuse.conftest import LOOPBACK, ServerProcess

pytestmark = pytest.mark.abuse

IDLE = 0.5
MIB = 1024 * 1024

#: A client in a process of its own that sends 64 KiB every 20 ms (under the cap) until it is killed.
TRICKLER = """
import socket, sys, time
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
while True:
    sock.sendall(bytes(65536))
    time.sleep(0.02)
"""


def reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def served(server: ServerProcess, message: str, within: float) -> float:
    """Send ``message`` as a well-behaved client; seconds until the server printed it."""
    start_at = len(server.stdout)
    start = time.monotonic()
    with socket.create_connection((LOOPBACK, server.port), timeout=within + 1) as client:
        client.sendall(message.encode())
        client.shutdown(socket.SHUT_WR)
        line = server.wait_for(rf"^Received from client: {message}$", within, start_at)
        assert line is not None, f"{message!r} not served within {within:g} s\n{server.describe()}"
        assert client.recv(1) == b"", "the server did not close the connection it had served"
    return time.monotonic() - start


def test_no_client_holds_it_longer_than_the_idle_timeout(start_server, record_property):
    server = start_server("reuse-server", "--port", "0", "--idle-timeout", f"{IDLE:g}")
    waits = {"first": served(server, "first", 1.0)}

    with socket.create_connection((LOOPBACK, server.port)):  # silent, holding the server
        waits["after a silent client"] = served(server, "after a silent client", IDLE + 1.0)

    sock = socket.create_connection((LOOPBACK, server.port))
    sock.sendall(b"half a messa")
    reset(sock)
    waits["after a reset"] = served(server, "after a reset", 1.0)

    with socket.create_connection((LOOPBACK, server.port)) as greedy:  # 2 MiB: twice the cap
        greedy.settimeout(5)
        with contextlib.suppress(OSError):  # the server stops reading at the cap and closes: a reset is fair
            greedy.sendall(bytes(2 * MIB))
    waits["after 2 MiB"] = served(server, "after 2 MiB", IDLE + 1.0)

    trickler = subprocess.Popen(
        [sys.executable, "-c", TRICKLER, str(server.port)], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    try:
        assert trickler.stdout is not None and trickler.stdout.readline() == b"connected\n"
        time.sleep(0.1)
        assert trickler.poll() is None, "the trickling client ended before it was killed"
    finally:
        trickler.kill()
        trickler.wait(5)
    waits["after a client killed mid-transfer"] = served(server, "after a client killed mid-transfer", IDLE + 1.0)

    with socket.create_connection((LOOPBACK, server.port)):  # holds the server while 4 others queue and reset
        queued = [socket.create_connection((LOOPBACK, server.port)) for _ in range(4)]
        for sock in queued:
            sock.sendall(b"x")
            reset(sock)
    waits["after resets in the accept queue"] = served(server, "after resets in the accept queue", 5 * IDLE + 1.0)

    record_property("seconds until the next client was served", {k: round(v, 3) for k, v in waits.items()})
    print({k: round(v, 3) for k, v in waits.items()})
    assert server.alive(), server.describe()
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(5) == 0, server.describe()
    assert "Traceback" not in server.stderr, server.describe()
