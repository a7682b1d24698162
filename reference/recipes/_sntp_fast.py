"""sntp-server's fast path: ``decode_request`` + ``encode_reply`` for a fault-free reply, in place.

The codec (``reference.sntp``) builds a validated ``Packet`` per request,
which costs more CPU than the two system calls around it.  A fault-free
reply differs from the request it answers only in fields this module writes
straight into a reused 48-byte buffer; everything else is constant per
server and written once.  The rules are the codec's, field for field
(RFC 4330 §5, "server operations"):

- answer only a datagram of at least 48 bytes in client mode (3) with a
  version from 1 to 4; ignore anything else;
- leap 0, the request's version, mode 4 (server);
- the request's poll; this server's stratum, precision and reference id;
- reference and receive timestamps: when the request arrived; originate:
  the request's transmit timestamp, bit for bit; transmit: when the reply
  leaves.

Times come in as integer nanoseconds (``time.time_ns()`` plus the offset),
so the 32.32 conversion is exact integer arithmetic.
``tests/reference/test_ref_server_fast_paths.py`` checks that the bytes equal
the codec's for any request.
"""

from __future__ import annotations

import struct

from reference.sntp import Fault, Packet, encode_reply

__all__ = ["ReplyBuffer", "ntp_from_ns"]

#: Nanoseconds from the NTP prime epoch (1900) to the Unix epoch (1970).
_EPOCH_NS = 2_208_988_800 * 1_000_000_000
_MASK = (1 << 64) - 1
#: The four timestamps: reference, originate, receive, transmit.
_TIMES = struct.Struct("!QQQQ")
_MODE_CLIENT = 3
_MODE_SERVER = 4
_VERSION_BITS = 0b00111000


def ntp_from_ns(unix_ns: int) -> int:
    """The 64-bit NTP timestamp of a Unix time in integer nanoseconds (wraps every 2**32 s)."""
    return ((unix_ns + _EPOCH_NS) << 32) // 1_000_000_000 & _MASK


class ReplyBuffer:
    """One reused reply; :meth:`answer` fills it for a request, or says the request gets none."""

    def __init__(self, stratum: int) -> None:
        # The constant fields, exactly as the codec writes them.
        template = encode_reply(Packet(version=4, mode=_MODE_CLIENT), 0.0, 0.0, stratum=stratum, fault=Fault.NONE)
        self.reply = bytearray(template)

    def answer(self, request: bytearray, size: int, received_ns: int, transmitted_ns: int) -> bool:
        """Fill :attr:`reply` for the ``size``-byte ``request``; False when it deserves no reply."""
        first = request[0]
        version = first & _VERSION_BITS
        if size < 48 or (first & 0b111) != _MODE_CLIENT or not 0b001000 <= version <= 0b100000:
            return False
        reply = self.reply
        reply[0] = version | _MODE_SERVER
        reply[2] = request[2]  # poll
        received = ((received_ns + _EPOCH_NS) << 32) // 1_000_000_000 & _MASK
        transmitted = ((transmitted_ns + _EPOCH_NS) << 32) // 1_000_000_000 & _MASK
        _TIMES.pack_into(reply, 16, received, int.from_bytes(request[40:48], "big"), received, transmitted)
        return True
