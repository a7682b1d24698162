"""The reference echo-server under load and abuse.

- 1,000 clients connected at once, each exchanging 10 KiB: every byte back, in order;
- 256 MiB through one connection whose reader starts late: the right bytes
  (a running hash), and the server's memory grows by less than 32 MiB
  (backpressure, not buffering);
- 200 idle connections (slowloris): a new client is served at once, a
  client that keeps talking keeps its connection, and the idle ones are
  closed once ``--idle-timeout`` has passed;
- clients that reset mid-transfer, that are killed mid-transfer, that stop
  reading: the server keeps serving a well-behaved client throughout.

Measured figures (peak memory growth, times) are printed and recorded as
properties of the test (``record_property``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import selectors
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

from tests.abuse.conftest import LOOPBACK, ServerProcess

pytestmark = pytest.mark.abuse

MIB = 1024 * 1024
#: Seconds any one socket operation of the tests' own clients may take.
PEER_TIMEOUT = 5.0


def round_trip(port: int, data: bytes, timeout: float = PEER_TIMEOUT) -> bytes:
    """Send ``data`` on a new connection and read as many bytes back (fewer if the server closes)."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
        sock.sendall(data)
        got = bytearray()
        while len(got) < len(data):
            chunk = sock.recv(len(data) - len(got))
            if not chunk:
                break
            got += chunk
    return bytes(got)


def reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN (SO_LINGER on, timeout 0)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# -- 1,000 concurrent connections -------------------------------------------------


async def _thousand_clients(port: int, clients: int, size: int) -> list[str]:
    """Connect all clients, then let each exchange ``size`` bytes while all stay connected; the problems seen."""
    connected = asyncio.Barrier(clients)
    exchanged = asyncio.Barrier(clients)
    problems: list[str] = []

    async def client(number: int) -> None:
        payload = random.Random(number).randbytes(size)
        writer = None
        try:
            reader, writer = await asyncio.open_connection(LOOPBACK, port)
            await connected.wait()
            writer.write(payload)
            await writer.drain()
            got = await reader.readexactly(size)
            if got != payload:
                first = next(n for n, (a, b) in enumerate(zip(got, payload, strict=True)) if a != b)
                problems.append(f"client {number}: wrong bytes from offset {first}")
            await exchanged.wait()
        except (OSError, asyncio.IncompleteReadError, asyncio.BrokenBarrierError) as exc:
            problems.append(f"client {number}: {type(exc).__name__}: {exc}")
            await connected.abort()
            await exchanged.abort()
        finally:
            if writer is not None:
                writer.close()

    await asyncio.wait_for(asyncio.gather(*(client(n) for n in range(clients))), timeout=30)
    return problems


def test_a_thousand_concurrent_connections_each_get_their_bytes_back(start_server, open_files, record_property):
    clients, size = 1000, 10 * 1024
    open_files(4 * clients)  # our client sockets, and the server's (it inherits the limit)
    server = start_server("echo-server", "--port", "0")
    start = time.monotonic()
    problems = asyncio.run(_thousand_clients(server.port, clients, size))
    elapsed = time.monotonic() - start
    record_property("seconds for 1000 x 10 KiB", round(elapsed, 2))
    print(f"1000 concurrent clients x 10 KiB: {elapsed:.2f} s")
    assert problems == [], f"{len(problems)} of {clients} clients failed: {problems[:5]}\n{server.describe()}"
    assert server.alive(), server.describe()


# -- 256 MiB through one connection -------------------------------------------------


class MemoryWatch:
    """Samples a process's VmRSS every few milliseconds on a thread; the highest seen."""

    def __init__(self, server: ServerProcess, every: float = 0.01) -> None:
        self.server = server
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.memory().get("VmRSS", 0))
            self._stop.wait(self.every)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)


def test_256_mib_through_one_connection_with_backpressure(start_server, record_property):
    total, block = 256 * MIB, MIB
    server = start_server("echo-server", "--port", "0")
    assert round_trip(server.port, b"priming") == b"priming"
    baseline = server.memory()["VmRSS"]
    sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
    sent_error: list[str] = []
    received = 0
    with socket.create_connection((LOOPBACK, server.port), timeout=PEER_TIMEOUT) as sock:

        def send() -> None:
            rng = random.Random(256)
            try:
                for _ in range(total // block):
                    data = rng.randbytes(block)
                    sent_hash.update(data)
                    sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
            except OSError as exc:
                sent_error.append(f"{type(exc).__name__}: {exc}")

        sender = threading.Thread(target=send, daemon=True)
        start = time.monotonic()
        with MemoryWatch(server) as watch:
            sender.start()
            time.sleep(0.5)  # read nothing yet: the server must stop reading rather than buffer
            stalled_at = watch.peak
            buffer = bytearray(block)
            while True:
                n = sock.recv_into(buffer)
                if not n:
                    break
                got_hash.update(memoryview(buffer)[:n])
                received += n
            sender.join(PEER_TIMEOUT)
        elapsed = time.monotonic() - start
    hwm = server.memory()["VmHWM"]
    growth = max(hwm, watch.peak) - baseline
    record_property("echo-server RSS before, KiB", baseline)
    record_property("echo-server peak RSS growth over 256 MiB, KiB", growth)
    print(
        f"256 MiB in {elapsed:.2f} s; echo-server RSS {baseline} KiB before, peak {max(hwm, watch.peak)} KiB "
        f"(VmHWM {hwm}, sampled {watch.peak}, while the reader waited {stalled_at}): growth {growth / 1024:.1f} MiB"
    )
    assert sent_error == []
    assert received == total, f"{received} of {total} bytes came back"
    assert got_hash.hexdigest() == sent_hash.hexdigest(), "the bytes came back changed or out of order"
    assert growth < 32 * 1024, f"echo-server grew by {growth / 1024:.1f} MiB moving 256 MiB"
    assert server.alive(), server.describe()


# -- slowloris ---------------------------------------------------------------------


def _closed_within(socks: dict[socket.socket, float], deadline: float) -> dict[socket.socket, float]:
    """Wait until each socket is closed by the peer (EOF or reset); the time each closed, for those that did."""
    closed: dict[socket.socket, float] = {}
    with selectors.DefaultSelector() as sel:
        for sock in socks:
            sock.setblocking(False)
            sel.register(sock, selectors.EVENT_READ)
        while len(closed) < len(socks) and time.monotonic() < deadline:
            for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
                sock = key.fileobj  # type: ignore[assignment]  # registered sockets come back
                try:
                    if sock.recv(65536):
                        continue  # an echo of what it sent
                except BlockingIOError:
                    continue
                except OSError:
                    pass  # reset: closed too
                closed[sock] = time.monotonic()
                sel.unregister(sock)
    return closed


def test_slowloris_neither_starves_others_nor_stays_forever(start_server, open_files, record_property):
    idle_timeout, count = 1.0, 200
    open_files(1024)
    server = start_server("echo-server", "--port", "0", "--idle-timeout", f"{idle_timeout:g}")
    idle: dict[socket.socket, float] = {}
    try:
        for number in range(count):
            sock = socket.create_connection((LOOPBACK, server.port), timeout=PEER_TIMEOUT)
            if number % 2:
                sock.sendall(b"G")  # half of them start a request and never finish it
            idle[sock] = time.monotonic()
        start = time.monotonic()
        assert round_trip(server.port, b"x" * 1024, timeout=1.0) == b"x" * 1024
        served_in = time.monotonic() - start
        record_property("seconds to serve a new client beside 200 idle ones", round(served_in, 4))
        assert served_in < 0.5, f"a new client waited {served_in:.2f} s beside {count} idle connections"

        # Watch the idle ones close while a client that keeps talking, a byte every half
        # timeout, keeps its connection past the timeout.
        closed: dict[socket.socket, float] = {}
        watcher = threading.Thread(
            target=lambda: closed.update(_closed_within(idle, time.monotonic() + idle_timeout + 3.0)), daemon=True
        )
        watcher.start()
        with socket.create_connection((LOOPBACK, server.port), timeout=PEER_TIMEOUT) as talker:
            for n in range(5):
                talker.sendall(bytes([n]))
                assert talker.recv(1) == bytes([n]), f"the talking client lost its echo at byte {n}"
                time.sleep(idle_timeout / 2)
        watcher.join(idle_timeout + 5.0)
        open_still = len(idle) - len(closed)
        waits = sorted(closed[sock] - idle[sock] for sock in closed)
        record_property("idle connections closed after, s (min, max)", (round(waits[0], 2), round(waits[-1], 2)))
        print(f"{len(closed)} of {count} idle connections closed after {waits[0]:.2f} to {waits[-1]:.2f} s")
        assert open_still == 0, f"{open_still} idle connections still open {idle_timeout + 3:g} s after going idle"
        assert waits[0] >= idle_timeout * 0.9, f"an idle connection was closed after {waits[0]:.2f} s"
    finally:
        for sock in idle:
            sock.close()
    assert round_trip(server.port, b"still here") == b"still here"
    assert server.alive(), server.describe()


# -- resets, kills and stuck readers ----------------------------------------------------

#: A client in a process of its own that sends without end until it is killed.
FLOODER = """
import socket, sys
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
block = bytes(65536)
while True:
    sock.sendall(block)
"""


class SteadyClient:
    """Round trips on fresh connections, one after another on a thread, until stopped; what went wrong."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.done = 0
        self.problems: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        rng = random.Random(7)
        while not self._stop.is_set():
            data = rng.randbytes(4096)
            try:
                got = round_trip(self.port, data, timeout=2.0)
            except OSError as exc:
                got = f"{type(exc).__name__}: {exc}".encode()
            if got != data:
                self.problems.append(f"round trip {self.done + 1}: {got[:60]!r}")
            self.done += 1

    def __enter__(self) -> SteadyClient:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _abuse(port: int, send: bytes) -> None:
    """Connect, send ``send`` without reading anything, then reset; whatever the server does in return is its right."""
    sock = socket.create_connection((LOOPBACK, port), timeout=PEER_TIMEOUT)
    try:
        sock.sendall(send)
        reset(sock)
    except OSError:
        pass
    finally:
        sock.close()


def test_resets_kills_and_stuck_readers_do_not_stop_the_service(start_server, record_property):
    server = start_server("echo-server", "--port", "0", "--idle-timeout", "2")
    baseline = server.memory()["VmRSS"]
    stuck = socket.create_connection((LOOPBACK, server.port), timeout=PEER_TIMEOUT)
    with SteadyClient(server.port) as steady:
        # Stuck: sends until the server stops taking more (at most 64 MiB), never reads its echo, stays connected.
        stuck.setblocking(False)
        pending = memoryview(bytes(64 * MIB))
        with contextlib.suppress(BlockingIOError):
            while pending:
                pending = pending[stuck.send(pending) :]
        taken = 64 * MIB - len(pending)
        # Resets mid-transfer (256 KiB sent, echo unread), at once, and after half a request.
        for _ in range(50):
            _abuse(server.port, bytes(256 * 1024))
            _abuse(server.port, b"")
            _abuse(server.port, b"GET / HT")
        # Killed mid-transfer: a process that floods the server, SIGKILLed.
        for _ in range(3):
            flooder = subprocess.Popen(
                [sys.executable, "-c", FLOODER, str(server.port)], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
            )
            try:
                assert flooder.stdout is not None and flooder.stdout.readline() == b"connected\n"
                time.sleep(0.2)
            finally:
                flooder.kill()
                flooder.wait(5)
        time.sleep(0.3)
    stuck.close()
    peak = server.memory()["VmHWM"]
    record_property("bytes the stuck client could send before the server pushed back", taken)
    record_property("round trips of the steady client during the abuse", steady.done)
    record_property("echo-server peak RSS growth under abuse, KiB", peak - baseline)
    print(
        f"stuck client pushed back after {taken / MIB:.1f} MiB; steady client: {steady.done} round trips, "
        f"{len(steady.problems)} failed; echo-server RSS +{peak - baseline} KiB"
    )
    assert taken < 64 * MIB, "the server took 64 MiB from a client that reads nothing"
    assert steady.problems == [], steady.problems[:5]
    assert steady.done > 10, f"only {steady.done} round trips while the abuse went on"
    assert server.alive(), server.describe()
    assert round_trip(server.port, b"after the abuse") == b"after the abuse"
    assert peak - baseline < 32 * 1024, f"echo-server grew by {(peak - baseline) / 1024:.1f} MiB under abuse"
    assert server.terminate() == 0, server.describe()
