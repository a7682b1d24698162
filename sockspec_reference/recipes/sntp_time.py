"""§10 sntp-time: the server's time over a raw UDP socket, the tutorial's SNTP client.

The tutorial waits forever for a reply and believes any 48 bytes.  This
client has a timeout, checks the reply with ``sockspec_reference.sntp`` (RFC 4330 §5)
and keeps the fractional seconds.  Its socket is connected, so datagrams
from other addresses are dropped by the kernel and an ICMP refusal shows up
as a connection error instead of a timeout.
"""

from __future__ import annotations

import argparse
import socket
import time
from typing import Any

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._peer import CLIENT_EXIT_CODES, Peer, Step
from sockspec_reference._program import Recipe, say
from sockspec_reference._time_client import EXIT_CODES, configure, invalid_reply
from sockspec_reference.sntp import SNTPError, decode, encode_request, to_ntp, validate_reply

#: Room for a header plus extension fields; more would be truncated, which is harmless.
RECV_SIZE = 1024


def exchange(peer: Peer) -> tuple[bytes, Any, int]:
    """Send one request to ``peer``; return the reply, its source and the transmit timestamp sent."""
    with peer.step(Step.CONNECT):
        family, kind, _, _, address = socket.getaddrinfo(peer.host, peer.port, type=socket.SOCK_DGRAM)[0]
        sock = socket.socket(family, kind)
    with sock:
        sock.settimeout(peer.timeout)
        with peer.step(Step.CONNECT):
            sock.connect(address)
        sent = to_ntp(time.time())
        with peer.step(Step.SEND):
            sock.send(encode_request(sent))
        with peer.step(Step.RECEIVE):
            data, source = sock.recvfrom(RECV_SIZE)
    return data, source, sent


def run(args: argparse.Namespace) -> ExitCode:
    peer = Peer(args.server, args.port, args.timeout)
    data, source, sent = exchange(peer)
    say(f"Response received from: {source}")
    try:
        server_time = validate_reply(decode(data), sent)
    except SNTPError as exc:
        raise invalid_reply(peer, exc) from exc
    say(f"\tTime={time.ctime(server_time)}")
    return ExitCode.OK


RECIPE = Recipe(
    name="sntp-time",
    summary="print an SNTP server's time, asked over a raw UDP socket",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=CLIENT_EXIT_CODES + tuple(EXIT_CODES.values()),
)
