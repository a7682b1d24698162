"""§10 datagram sockets: what the tutorial's raw SNTP client needs from the API."""

from __future__ import annotations

import socket as stdlib  # plumbing only: the peer
import time

import pytest

from sockspec import expect_equal, expect_raises, expect_that
from sockspec.addresses import LOOPBACK
from specs.api.conftest import ROUND_TRIP_ALLOWANCE

REQUEST = b"\x1b" + 47 * b"\0"  # the tutorial's SNTP request


@pytest.fixture
def udp_pair(sockets):
    """An IUT datagram socket with a 0.5 s timeout and a standard-library peer."""
    peer = sockets.keep(stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM))
    peer.settimeout(0.5)
    peer.bind((LOOPBACK, 0))
    sock = sockets.fresh("udp")
    sock.settimeout(0.5)
    sock.bind((LOOPBACK, 0))
    return sock, peer


@pytest.mark.req("s10.udp.sendto")
def test_sendto_sends_one_datagram(udp_pair):
    sock, peer = udp_pair
    expect_equal("sendto(48 bytes)", sock.sendto(REQUEST, peer.getsockname()), 48)
    data, source = peer.recvfrom(1024)
    expect_equal("datagram at the peer", data, REQUEST)
    expect_equal("its source", source, sock.getsockname())


@pytest.mark.req("s10.udp.recvfrom")
def test_recvfrom_returns_datagram_and_sender(udp_pair):
    sock, peer = udp_pair
    peer.sendto(b"\x24" + 47 * b"\x01", sock.getsockname())
    expect_equal("recvfrom(1024)", sock.recvfrom(1024), (b"\x24" + 47 * b"\x01", peer.getsockname()))


@pytest.mark.req("s10.udp.bufsize")
def test_recvfrom_bufsize_fits_the_datagram(udp_pair):
    sock, peer = udp_pair
    peer.sendto(REQUEST, sock.getsockname())
    expect_equal("recvfrom(48) of a 48-byte datagram", sock.recvfrom(len(REQUEST))[0], REQUEST)


@pytest.mark.req("s10.udp.boundaries")
def test_datagrams_keep_their_boundaries(udp_pair):
    sock, peer = udp_pair
    peer.sendto(b"first", sock.getsockname())
    peer.sendto(b"second datagram", sock.getsockname())
    expect_equal("first recvfrom(1024)", sock.recvfrom(1024)[0], b"first")
    expect_equal("second recvfrom(1024)", sock.recvfrom(1024)[0], b"second datagram")


@pytest.mark.req("s10.udp.timeout")
def test_recvfrom_times_out(sockets):
    sock = sockets.fresh("udp")
    sock.settimeout(0.1)
    sock.bind((LOOPBACK, 0))
    start = time.monotonic()
    expect_raises("recvfrom(1024) with no datagram", [TimeoutError], sock.recvfrom, 1024)
    waited = time.monotonic() - start
    high = 0.3 + ROUND_TRIP_ALLOWANCE
    expect_that("time waited", 0.09 <= waited <= high, expected=f"0.1 s (0.09 to {high:g})", actual=round(waited, 3))
