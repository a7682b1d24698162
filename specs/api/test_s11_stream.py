"""§11 TCP streams: what an echo server and client need from the API."""

from __future__ import annotations

import hashlib
import random
import socket as stdlib  # plumbing only: the peer
import threading
import time

import pytest

from sockspec import expect_equal, expect_that, params

MIB = 1024 * 1024


@pytest.mark.req("s11.accept.peer-address")
def test_accept_returns_client_address(sockets):
    listener = sockets.listener()
    client = sockets.peer_client(listener.getsockname()[1])
    conn, address = sockets.accept(listener)
    expect_equal("accept() address", address, client.getsockname())
    expect_equal("accepted socket's peer", conn.getpeername(), client.getsockname())


@pytest.mark.req("s11.recv.bytes")
def test_recv_returns_bytes(sockets):
    client, peer = sockets.connected()
    peer.sendall("测试".encode("gbk"))
    expect_equal("recv(2048)", client.recv(2048), b"\xb2\xe2\xca\xd4")


@pytest.mark.req("s11.stream.order")
def test_megabyte_arrives_in_order(sockets):
    client, peer = sockets.connected(timeout=2.0)
    payload = bytes(range(256)) * (MIB // 256)
    received = bytearray()

    def drain() -> None:
        while len(received) < len(payload):
            chunk = peer.recv(256 * 1024)
            if not chunk:
                return
            received.extend(chunk)

    peer.settimeout(2.0)
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    client.sendall(payload)
    reader.join(5)
    expect_equal("bytes received", len(received), len(payload))
    expect_equal("SHA-256 of what arrived", hashlib.sha256(received).hexdigest(), hashlib.sha256(payload).hexdigest())


@pytest.mark.parametrize("case", params("s11.sendall.slow-reader"))
def test_sendall_waits_for_a_slow_reader(sockets, case, io_timeout):
    """The peer's small window and late, paused reads make the kernel take the payload a little at a time.

    A harness first has to receive and decode the 8 MiB it sends, so the
    first bytes get a harness round trip (``io_timeout``) on top of the
    case's timeout; once bytes flow, a stall of ``stall`` seconds ends the
    reading.
    """
    spec = case["input"]
    size, burst = spec["size"], spec["burst"]
    payload = random.Random(spec["seed"]).randbytes(size)
    client, peer = sockets.connected(timeout=spec["timeout"], rcvbuf=spec["rcvbuf"])
    first_wait = io_timeout + spec["timeout"]
    peer.settimeout(first_wait)
    digest = hashlib.sha256()
    received = [0]
    problem: list[str] = []

    def read_slowly() -> None:
        time.sleep(spec["late"])
        try:
            while received[0] < size:
                chunk = peer.recv(min(burst - received[0] % burst, size - received[0]))
                if not chunk:
                    problem.append("end of stream")
                    return
                digest.update(chunk)
                received[0] += len(chunk)
                peer.settimeout(spec["stall"])
                if received[0] % burst == 0:
                    time.sleep(spec["pause"])
        except TimeoutError:
            wait = spec["stall"] if received[0] else first_wait
            problem.append(f"nothing more within {wait:g} s")
        except OSError as exc:
            problem.append(f"the peer's recv failed: {exc}")

    reader = threading.Thread(target=read_slowly, daemon=True)
    reader.start()
    client.sendall(payload)
    reader.join(spec["timeout"])
    expect_that(
        "bytes the peer received",
        received[0] == size,
        expected=str(size),
        actual=f"{received[0]}" + (f" ({problem[0]})" if problem else ""),
    )
    expect_equal("SHA-256 of what arrived", digest.hexdigest(), hashlib.sha256(payload).hexdigest())


@pytest.mark.req("s11.shutdown.half-close")
def test_half_close(api, sockets):
    client, peer = sockets.connected()
    client.sendall(b"ping")
    client.shutdown(api.SHUT_WR)
    expect_equal("peer reads", peer.recv(100), b"ping")
    expect_equal("peer then reads end of stream", peer.recv(100), b"")
    peer.sendall(b"pong")
    peer.shutdown(stdlib.SHUT_WR)
    expect_equal("client still receives", client.recv(100), b"pong")
    expect_equal("client then reads end of stream", client.recv(100), b"")
