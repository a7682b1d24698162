"""The stub server on 127.0.0.1 and a free port, outside any namespace.

Only the test's own packets travel here: nothing asks the host's resolver.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import time
from collections.abc import Iterator
from typing import Any

import pytest
from dnslib import RCODE, DNSRecord

from sockspec.sandbox._dnsstub import StubServer
from sockspec.sandbox._zone import parse_zone

ZONE = parse_zone(
    {
        "ttl": 5,
        "names": {"fast.test": {"A": ["192.0.2.1"]}, "late.test": {"A": ["192.0.2.2"], "delay_s": 0.5}},
        "otherwise": {"rcode": "NXDOMAIN"},
    }
)


@pytest.fixture
def stub() -> Iterator[tuple[StubServer, io.StringIO]]:
    log = io.StringIO()
    server = StubServer(ZONE, log, port=0)
    server.start()
    try:
        yield server, log
    finally:
        server.close()


def entries(log: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.getvalue().splitlines()]


def udp_ask(address: tuple[str, int], name: str, timeout: float = 2) -> DNSRecord:
    return DNSRecord.parse(DNSRecord.question(name).send(*address, timeout=timeout))


def test_udp_query_is_answered_and_logged(stub: tuple[StubServer, io.StringIO]) -> None:
    server, log = stub
    reply = udp_ask(server.udp_address, "fast.test")
    assert [str(rr.rdata) for rr in reply.rr] == ["192.0.2.1"]
    [entry] = entries(log)
    assert entry["transport"] == "udp"
    assert (entry["qname"], entry["qtype"], entry["rcode"], entry["rule"]) == (
        "fast.test",
        "A",
        "NOERROR",
        "name:fast.test",
    )
    assert abs(entry["time"] - time.time()) < 5


def test_tcp_connection_carries_several_queries(stub: tuple[StubServer, io.StringIO]) -> None:
    server, log = stub
    with socket.create_connection(server.tcp_address, timeout=2) as sock:
        stream = sock.makefile("rb")
        for name, rcode in [("fast.test", "NOERROR"), ("nope.test", "NXDOMAIN")]:
            query = DNSRecord.question(name).pack()
            sock.sendall(struct.pack("!H", len(query)) + query)
            (length,) = struct.unpack("!H", stream.read(2))
            assert RCODE[DNSRecord.parse(stream.read(length)).header.rcode] == rcode
    assert [(e["transport"], e["qname"]) for e in entries(log)] == [("tcp", "fast.test"), ("tcp", "nope.test")]


def test_a_late_answer_holds_up_nobody(stub: tuple[StubServer, io.StringIO]) -> None:
    server, _ = stub
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(DNSRecord.question("late.test").pack(), server.udp_address)
        start = time.monotonic()
        assert str(udp_ask(server.udp_address, "fast.test").rr[0].rdata) == "192.0.2.1"
        assert time.monotonic() - start < 0.4
        assert str(DNSRecord.parse(sock.recv(512)).rr[0].rdata) == "192.0.2.2"
        assert time.monotonic() - start >= 0.45


def test_garbage_is_logged_not_answered(
    stub: tuple[StubServer, io.StringIO], capsys: pytest.CaptureFixture[str]
) -> None:
    server, log = stub
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        sock.sendto(b"\x12", server.udp_address)
        with pytest.raises(TimeoutError):
            sock.recv(512)
    [entry] = entries(log)
    assert entry["transport"] == "udp"
    assert entry["error"].startswith("unparsable query")
    assert capsys.readouterr() == ("", "")
