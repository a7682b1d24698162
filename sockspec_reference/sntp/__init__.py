"""A sans-I/O SNTP codec (RFC 4330), in the manner of h11.

Pure functions only: no sockets, no clock.  The callers bring the bytes and
the times; ``sockspec_reference.recipes.sntp_time`` and ``sntp_server`` are the thin
socket programs on top.

Client::

    sent = to_ntp(time.time())
    sock.send(encode_request(sent))
    server_time = validate_reply(decode(sock.recv(1024)), sent)   # or SNTPError

Server::

    request = decode_request(data)          # None: ignore the datagram
    if request is not None:
        sock.sendto(encode_reply(request, received, time.time(), stratum=1), peer)
"""

from __future__ import annotations

from sockspec_reference.sntp._client import encode_request as encode_request
from sockspec_reference.sntp._client import validate_reply as validate_reply
from sockspec_reference.sntp._errors import KissOfDeath as KissOfDeath
from sockspec_reference.sntp._errors import ShortPacket as ShortPacket
from sockspec_reference.sntp._errors import SNTPError as SNTPError
from sockspec_reference.sntp._errors import Unsynchronised as Unsynchronised
from sockspec_reference.sntp._errors import WrongMode as WrongMode
from sockspec_reference.sntp._errors import WrongOriginate as WrongOriginate
from sockspec_reference.sntp._errors import ZeroTransmit as ZeroTransmit
from sockspec_reference.sntp._layout import PACKET_SIZE as PACKET_SIZE
from sockspec_reference.sntp._packet import Packet as Packet
from sockspec_reference.sntp._packet import decode as decode
from sockspec_reference.sntp._packet import encode as encode
from sockspec_reference.sntp._server import Fault as Fault
from sockspec_reference.sntp._server import decode_request as decode_request
from sockspec_reference.sntp._server import encode_reply as encode_reply
from sockspec_reference.sntp._server import wants_reply as wants_reply
from sockspec_reference.sntp._timestamps import to_ntp as to_ntp
from sockspec_reference.sntp._timestamps import to_unix as to_unix

__all__ = [
    "PACKET_SIZE",
    "Fault",
    "KissOfDeath",
    "Packet",
    "SNTPError",
    "ShortPacket",
    "Unsynchronised",
    "WrongMode",
    "WrongOriginate",
    "ZeroTransmit",
    "decode",
    "decode_request",
    "encode",
    "encode_reply",
    "encode_request",
    "to_ntp",
    "to_unix",
    "validate_reply",
    "wants_reply",
]
