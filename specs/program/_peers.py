"""The specs' own peers: sockets that talk to a program under test, and what they saw.

These are the standard library's sockets (the oracle), never the thing
under test.  Every one binds or connects on loopback (or connects to the
address ``--target`` names, a server that runs elsewhere), has a timeout and
is closed.
"""

from __future__ import annotations

import random
import socket as stdlib  # the specs' own peers and probes, never the thing under test
import struct
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sockspec import expect_that
from sockspec.addresses import LOOPBACK
from sockspec.servers.wakeup import quietly_shutdown
from sockspec.servers.wire_record import hexdump

#: Timeout of a peer of a server that prints lines (socket-modes, reuse-server), in seconds:
#: only a server that does not answer waits it out, so it allows for a loaded machine.
PEER_TIMEOUT = 2.0
#: Timeout of a peer of an echo server, and of the kit's proxy in front of one: a payload
#: of megabytes has to go there and back.
ECHO_TIMEOUT = 2.0


# -- ports ----------------------------------------------------------------------


def free_port() -> int:
    """A port that nothing is bound to just now (bound once to port 0, then closed)."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@contextmanager
def unlistened_port() -> Iterator[int]:
    """A port bound by a socket that never listens: a connection to it is refused."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        yield int(sock.getsockname()[1])


@contextmanager
def never_accepting() -> Iterator[int]:
    """A listener that never accepts: a client connects (the kernel queues it) and then hears nothing."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


# -- payloads and what came back ------------------------------------------------


def payload(spec: Mapping[str, Any]) -> bytes:
    """The bytes a vector names: ``hex``, ``size`` + ``seed`` (pseudo-random), or ``text`` + ``encoding``."""
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "size" in spec:
        return random.Random(spec.get("seed", spec["size"])).randbytes(spec["size"])
    return str(spec["text"]).encode(spec["encoding"])


def show_bytes(label: str, data: bytes, limit: int = 256) -> str:
    return f"{label}: {len(data)} bytes\n{hexdump(data, limit)}" if data else f"{label}: nothing"


def _bytes(n: int) -> str:
    return f"{n} byte" if n == 1 else f"{n} bytes"


def difference(sent: bytes, got: bytes) -> str:
    """Where ``got`` first departs from ``sent``, in words."""
    if got == sent:
        return f"all {_bytes(len(sent))} came back"
    if not got:
        return f"nothing came back of {_bytes(len(sent))} sent"
    common = 0
    for a, b in zip(sent, got, strict=False):
        if a != b:
            break
        common += 1
    if common == len(got) < len(sent):
        return f"{len(got)} of {_bytes(len(sent))} came back, all of them right; the rest is missing"
    if common == len(sent) < len(got):
        return f"all {_bytes(len(sent))} came back, followed by {_bytes(len(got) - len(sent))} more"
    return (
        f"{_bytes(len(got))} came back for {len(sent)} sent; first difference at offset {common}: "
        f"sent {sent[common : common + 8].hex(' ')}, got {got[common : common + 8].hex(' ')}"
    )


# -- connections ------------------------------------------------------------------


@dataclass
class Echoed:
    """What one connection to an echo server saw."""

    sent: bytes
    received: bytes = b""
    eof: bool = False
    problem: str = ""  # how the exchange ended early, if it did

    def describe(self) -> str:
        limit = 256
        parts = [
            difference(self.sent, self.received),
            f"end of file seen: {'yes' if self.eof else 'no'}",
            f"problem: {self.problem or 'none'}",
        ]
        if len(self.sent) <= limit:
            parts += [show_bytes("sent", self.sent), show_bytes("received", self.received)]
        return "\n".join(parts)


def expect_echo(what: str, echoed: Echoed, *, then_eof: bool = False) -> None:
    __tracebackhide__ = True
    ok = echoed.received == echoed.sent and (echoed.eof or not then_eof)
    wanted = f"the {len(echoed.sent)} bytes sent, in order" + (", then end of file" if then_eof else "")
    found = difference(echoed.sent, echoed.received)
    if then_eof and not echoed.eof:
        found += "; no end of file"
    if echoed.problem:
        found += f"; {echoed.problem}"
    expect_that(what, ok, expected=wanted, actual=found)


def connect(port: int, timeout: float = PEER_TIMEOUT, *, host: str = LOOPBACK) -> stdlib.socket:
    """A connection to ``host:port`` (loopback by default) whose every operation times out after ``timeout`` s."""
    sock = stdlib.create_connection((host, port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def connect_within(port: int, wait: float, timeout: float = PEER_TIMEOUT) -> stdlib.socket:
    """:func:`connect`, retried while the port refuses, for up to ``wait`` seconds (a server may print, then listen)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return connect(port, timeout)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def connect_small_window(port: int, rcvbuf: int, timeout: float = PEER_TIMEOUT, host: str = LOOPBACK) -> stdlib.socket:
    """A connection to ``port`` whose receive buffer is ``rcvbuf`` bytes.

    The buffer is set before connecting, because the window a TCP socket
    offers is fixed from it at the handshake: a peer that stops reading then
    makes the server's ``send()`` fall short after a few kilobytes.
    """
    sock = stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM)
    try:
        sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_RCVBUF, rcvbuf)
        sock.settimeout(timeout)
        sock.connect((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def exchange(
    port: int, data: bytes, *, half_close: bool = False, timeout: float = ECHO_TIMEOUT, host: str = LOOPBACK
) -> Echoed:
    """Send ``data`` on a new connection while reading the echo.

    Without ``half_close`` the read stops once ``len(data)`` bytes (or more)
    arrived; with it the client shuts down its sending side after the data
    and reads to end of file.  A thread sends, so a large payload cannot
    deadlock against a server that echoes while it reads.
    """
    result = Echoed(data)
    deadline = time.monotonic() + timeout
    try:
        sock = connect(port, timeout, host=host)
    except OSError as exc:
        result.problem = f"connect failed: {exc}"
        return result
    send_error: list[str] = []

    def send() -> None:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(stdlib.SHUT_WR)
        except OSError as exc:
            send_error.append(f"send failed: {exc}")

    sender = threading.Thread(target=send, daemon=True)
    received = bytearray()
    with sock:
        sender.start()
        try:
            while half_close or len(received) < len(data):
                if time.monotonic() > deadline:
                    result.problem = f"no more bytes within {timeout:g} s"
                    break
                chunk = sock.recv(256 * 1024)
                if not chunk:
                    result.eof = True
                    break
                received += chunk
        except TimeoutError:
            result.problem = f"no more bytes within {timeout:g} s"
        except OSError as exc:
            result.problem = f"receive failed: {exc}"
        finally:
            if sender.is_alive():
                quietly_shutdown(sock)
            sender.join(timeout)
    result.received = bytes(received)
    if send_error and not result.problem:
        result.problem = send_error[0]
    return result


def reset(sock: stdlib.socket) -> None:
    """Close ``sock`` with a reset (SO_LINGER on, timeout 0) instead of an orderly FIN."""
    sock.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
