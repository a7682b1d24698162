"""§10 ntp-time: the server's time through ntplib, as the tutorial's first time client.

ntplib sends the request and parses the reply but judges nothing; the reply
is then checked with the same rules as ``sntp-time`` (``sockspec_reference.sntp``),
except the originate check, since ntplib does not say what it sent.
"""

from __future__ import annotations

import argparse
import time

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._peer import CLIENT_EXIT_CODES, Peer, Step
from sockspec_reference._program import Failure, Recipe, say
from sockspec_reference._time_client import EXIT_CODES, configure, invalid_reply
from sockspec_reference.sntp import ShortPacket, SNTPError, decode, validate_reply


def run(args: argparse.Namespace) -> ExitCode:
    try:
        import ntplib  # only this recipe needs it
    except ImportError as exc:
        raise Failure(f"ntp-time needs the ntplib package (pip install ntplib): {exc}", ExitCode.FAILURE) from exc
    peer = Peer(args.server, args.port, args.timeout)
    try:
        # ntplib's send and receive are one call: a local failure in either
        # is reported as a connection error.
        with peer.step(Step.CONNECT):
            stats = ntplib.NTPClient().request(peer.host, port=peer.port, timeout=peer.timeout)
        # The header goes back to bytes for the codec's checks; ntplib keeps it
        # as floats, and a field at its largest value does not survive the trip.
        data = stats.to_data()
    except ntplib.NTPException as exc:
        # ntplib turns a socket timeout into NTPException, keeping it as context.
        if isinstance(exc.__context__, TimeoutError):
            raise peer.timed_out() from exc
        raise invalid_reply(peer, ShortPacket(f"ntplib cannot parse the reply: {exc}")) from exc
    try:
        server_time = validate_reply(decode(data), None)
    except SNTPError as exc:
        raise invalid_reply(peer, exc) from exc
    say(time.ctime(server_time))
    return ExitCode.OK


RECIPE = Recipe(
    name="ntp-time",
    summary="print an NTP server's time, asked through ntplib",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=CLIENT_EXIT_CODES + tuple(EXIT_CODES.values()),
)
