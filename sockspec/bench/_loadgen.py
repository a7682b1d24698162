"""The load generator: one worker process, run by the bench (``_workers``) as ``python _loadgen.py CONFIG``.

Strategy.  The bench starts ``--client-procs`` workers (by default one per
CPU it leaves to the client), pinned to those CPUs unless ``--no-pin``,
and spreads the connections (echo) or outstanding requests (SNTP) over
them.  A worker speaks one JSON line at a time with the bench::

    bench  -> argv[1]: {"mode": "echo" | "sntp", "port": ..., "samples_path": ..., ...}
    worker -> {"ready": true}                 connected (or {"error": "..."}, then it exits)
    bench  -> {"start": NS, "end": NS}        CLOCK_MONOTONIC nanoseconds
    worker -> {"count": ..., "stride": ...}   (or {"error": "..."}); the latency samples,
                                              native 64-bit integers, are in the file
                                              ``samples_path`` names

Between ``ready`` and ``start`` it warms up; only exchanges that finish in
``[start, end)`` count.  Every loop is bounded: by ``end``, by a stall
timeout (no reply for ``stall`` seconds is an error), and by
``max_requests``.  Latencies are kept as nanosecond integers; past
``max_samples`` every second one is dropped and the stride doubles, so
memory stays bounded and the percentiles stay unbiased.

Echo is strict closed-loop ping-pong per connection: send ``size`` bytes,
read ``size`` bytes back, send again; TCP_NODELAY is set.  SNTP keeps
``outstanding`` requests in flight on one UDP socket and matches each reply
by its originate timestamp (the request's transmit timestamp, a counter);
a request with no reply within ``loss_timeout`` is lost and replaced.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import select
import socket
import struct
import sys
import time
from typing import Any

READ_SIZE = 256 * 1024
MAX_SAMPLES = 4_000_000


class WorkerError(Exception):
    """The server misbehaved or the worker could not do its job; the message is one line."""


class Samples:
    """Latency samples with bounded memory (systematic sampling once full)."""

    def __init__(self, cap: int) -> None:
        self.values = array.array("q")
        self.cap = cap
        self.stride = 1
        self.skip = 0

    def add(self, value: int) -> None:
        if self.skip:
            self.skip -= 1
            return
        self.values.append(value)
        self.skip = self.stride - 1
        if len(self.values) >= self.cap:
            self.values = self.values[::2]
            self.stride *= 2


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _wait_go() -> tuple[int, int]:
    line = sys.stdin.readline()
    if not line:
        raise SystemExit(0)  # the bench went away
    go = json.loads(line)
    if "start" not in go:
        raise SystemExit(0)  # told to stop
    return int(go["start"]), int(go["end"])


def _connect(host: str, port: int, count: int, timeout: float) -> list[socket.socket]:
    socks = []
    try:
        for number in range(count):
            try:
                sock = socket.create_connection((host, port), timeout=timeout)
            except OSError as exc:
                raise WorkerError(f"connection {number + 1} of {count} to {host}:{port} failed: {exc}") from exc
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            socks.append(sock)
    except BaseException:
        for sock in socks:
            sock.close()
        raise
    return socks


def run_echo(cfg: dict[str, Any]) -> dict[str, Any]:
    size: int = cfg["size"]
    socks = _connect(cfg["host"], cfg["port"], cfg["conns"], cfg["connect_timeout"])
    _say({"ready": True})
    start, end = _wait_go()
    stall = int(cfg["stall"] * 1e9)
    max_requests: int = cfg["max_requests"]
    payload = memoryview(bytes(i & 0xFF for i in range(size)))
    buf = bytearray(max(READ_SIZE, 1))
    samples = Samples(cfg.get("max_samples", MAX_SAMPLES))
    add = samples.add
    now_ns = time.monotonic_ns
    ep = select.epoll()
    top = max(s.fileno() for s in socks) + 1
    got = [0] * top
    began = [0] * top
    unsent: list[memoryview | None] = [None] * top
    recv_into: list[Any] = [None] * top
    send: list[Any] = [None] * top
    for sock in socks:
        fd = sock.fileno()
        recv_into[fd] = sock.recv_into
        send[fd] = sock.send
    IN, OUT = select.EPOLLIN, select.EPOLLOUT

    def start_request(fd: int, at: int) -> None:
        began[fd] = at
        try:
            sent = send[fd](payload)
        except BlockingIOError:
            sent = 0
        if sent < size:
            unsent[fd] = payload[sent:]
            ep.modify(fd, IN | OUT)

    count = total = 0
    last_progress = now_ns()
    try:
        for sock in socks:
            ep.register(sock.fileno(), IN)
            start_request(sock.fileno(), now_ns())
        poll = ep.poll
        now = now_ns()
        while now < end and total < max_requests:
            events = poll(min(0.2, (end - now) / 1e9))
            now = now_ns()
            if not events:
                if now - last_progress > stall:
                    raise WorkerError(f"no echo for {stall / 1e9:g} s ({count} exchanges measured so far)")
                continue
            for fd, ev in events:
                if ev & OUT:
                    rest = unsent[fd]
                    if rest is not None:
                        try:
                            sent = send[fd](rest)
                        except BlockingIOError:
                            sent = 0
                        if sent < len(rest):
                            unsent[fd] = rest[sent:]
                        else:
                            unsent[fd] = None
                            ep.modify(fd, IN)
                    if not ev & ~OUT:
                        continue
                try:
                    n = recv_into[fd](buf)
                except BlockingIOError:
                    continue
                if not n:
                    raise WorkerError(f"the server closed a connection after {count} measured exchanges")
                n += got[fd]
                if n < size:
                    got[fd] = n
                    continue
                if n > size:
                    raise WorkerError(f"the server sent {n} bytes for a {size}-byte request")
                got[fd] = 0
                now = now_ns()
                total += 1
                if now >= start:
                    if now >= end:
                        break
                    count += 1
                    add(now - began[fd])
                start_request(fd, now)
            last_progress = now
    except ConnectionError as exc:
        raise WorkerError(f"connection failed after {count} measured exchanges: {exc}") from exc
    finally:
        ep.close()
        for sock in socks:
            sock.close()
    return {"count": count, "bytes": count * size, "stride": samples.stride, "samples": samples.values}


#: A version 4 client request (first byte 0x23); the transmit timestamp is filled per request.
_REQUEST = bytes([0x23]) + bytes(47)
_U64 = struct.Struct("!Q")


def run_sntp(cfg: dict[str, Any]) -> dict[str, Any]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.connect((cfg["host"], cfg["port"]))
        sock.setblocking(False)
        return _sntp_loop(sock, cfg)
    finally:
        sock.close()


def _sntp_loop(sock: socket.socket, cfg: dict[str, Any]) -> dict[str, Any]:
    outstanding: int = cfg["outstanding"]
    loss_timeout = int(cfg["loss_timeout"] * 1e9)
    stall = int(cfg["stall"] * 1e9)
    max_requests: int = cfg["max_requests"]
    now_ns = time.monotonic_ns
    request = bytearray(_REQUEST)
    reply = bytearray(1024)
    pack_into, unpack_from = _U64.pack_into, _U64.unpack_from
    recv_into, send = sock.recv_into, sock.send
    pending: dict[int, int] = {}  # transmit timestamp -> send time, in send order
    seq = (int(time.time()) + 2_208_988_800) << 32  # a plausible NTP time; +1 per request
    _say({"ready": True})
    start, end = _wait_go()
    samples = Samples(cfg.get("max_samples", MAX_SAMPLES))
    add = samples.add
    sent_in_window = answered = lost = invalid = unexpected = total = 0

    def fire(at: int) -> None:
        nonlocal seq, sent_in_window, total
        seq += 1
        pack_into(request, 40, seq)
        with contextlib.suppress(BlockingIOError):  # counts as lost if no reply comes
            send(request)
        pending[seq] = at
        total += 1
        if start <= at < end:
            sent_in_window += 1

    now = now_ns()
    for _ in range(outstanding):
        fire(now)
    ep = select.epoll()
    ep.register(sock.fileno(), select.EPOLLIN)
    last_progress = next_sweep = now
    count = 0
    try:
        # Run until the window closes, then let the requests sent inside it finish or expire.
        while pending and now < end + loss_timeout and total < max_requests:
            try:
                size = recv_into(reply)
            except BlockingIOError:
                ep.poll(0.02)
                now = now_ns()
            except ConnectionRefusedError as exc:
                raise WorkerError(f"the server's port is closed (ICMP port unreachable): {exc}") from exc
            else:
                now = now_ns()
                sent_at = pending.pop(unpack_from(reply, 24)[0], None) if size >= 48 else None
                if sent_at is None:
                    unexpected += 1
                    continue
                last_progress = now
                if size != 48 or (reply[0] & 7) != 4:
                    invalid += 1
                if start <= sent_at < end:
                    answered += 1
                if start <= now < end:
                    count += 1
                    add(now - sent_at)
                if now < end:
                    fire(now)
            if now >= next_sweep:
                next_sweep = now + 10_000_000
                if now - last_progress > stall and now < end:
                    raise WorkerError(f"no SNTP reply for {stall / 1e9:g} s ({count} replies measured so far)")
                for key in list(pending):
                    sent_at = pending[key]
                    if now - sent_at < loss_timeout:
                        break  # pending is in send order
                    del pending[key]
                    if start <= sent_at < end:
                        lost += 1
                    if now < end:
                        fire(now)
    finally:
        ep.close()
    lost += sum(1 for sent_at in pending.values() if start <= sent_at < end)
    return {
        "count": count,
        "sent": sent_in_window,
        "answered": answered,
        "lost": lost,
        "invalid": invalid,
        "unexpected": unexpected,
        "stride": samples.stride,
        "samples": samples.values,
    }


def main(argv: list[str]) -> int:
    cfg = json.loads(argv[1])
    if cfg.get("cpus"):
        os.sched_setaffinity(0, cfg["cpus"])
    try:
        result = run_echo(cfg) if cfg["mode"] == "echo" else run_sntp(cfg)
    except (WorkerError, OSError) as exc:
        _say({"error": str(exc)})
        return 1
    values: array.array[int] = result.pop("samples")
    with open(cfg["samples_path"], "wb") as f:
        values.tofile(f)
    _say(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
