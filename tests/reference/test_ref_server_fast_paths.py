"""What the reference servers do for speed serves exactly as the plain code does.

The bench measures these paths, so they are guarded here: sntp-server's
fast path gives the codec's reply bytes for any request, and
``echo-server --workers`` serves from every worker and stops cleanly.
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sockspec_reference.recipes._sntp_fast import ReplyBuffer
from sockspec_reference.sntp import Fault, decode, decode_request, encode_reply
from tests.reference.helpers import server

TOLERANCE = 1 << 13  # 2 µs in 32.32 fixed point: the codec goes through a float


@settings(max_examples=300, deadline=None)
@given(
    request=st.binary(min_size=0, max_size=80),
    first=st.integers(0, 255),
    stratum=st.integers(1, 15),
    received_ns=st.integers(0, 4_000_000_000 * 10**9),
    delay_ns=st.integers(0, 10**9),
)
def test_fast_reply_is_the_codec_reply(
    request: bytes, first: int, stratum: int, received_ns: int, delay_ns: int
) -> None:
    data = bytes([first]) + request[1:] if request else b""
    buffer = bytearray(2048)
    buffer[: len(data)] = data
    fast = ReplyBuffer(stratum)
    answered = fast.answer(buffer, len(data), received_ns, received_ns + delay_ns)
    decoded = decode_request(data)
    assert answered == (decoded is not None)
    if decoded is None:
        return
    codec = encode_reply(decoded, received_ns / 1e9, (received_ns + delay_ns) / 1e9, stratum=stratum, fault=Fault.NONE)
    assert fast.reply[:24] == codec[:24] and fast.reply[24:32] == codec[24:32]
    ours, theirs = decode(bytes(fast.reply)), decode(codec)
    for field in ("reference", "receive", "transmit"):
        gap = abs(getattr(ours, field) - getattr(theirs, field))
        assert min(gap, (1 << 64) - gap) <= TOLERANCE, field


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts the workers in /proc")
def test_echo_server_workers_share_the_port_and_stop_together() -> None:
    with server("echo-server", "--workers", "3") as echo:
        pid = echo.proc.pid
        deadline = time.monotonic() + 5
        while len(children := Path(f"/proc/{pid}/task/{pid}/children").read_text().split()) < 2:
            assert time.monotonic() < deadline, f"{len(children)} worker processes forked, not 2"
            time.sleep(0.02)
        for number in range(30):
            with socket.create_connection(("127.0.0.1", echo.port), timeout=5) as sock:
                sock.sendall(f"client {number}".encode())
                assert sock.recv(100) == f"client {number}".encode()
        assert echo.stop() == 0
        for child in map(int, children):
            assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
