"""sntp-server's fast path: ``decode_request`` + ``encode_reply`` for a fault-free reply, in place.

The codec (``sockspec_reference.sntp``) builds a validated ``Packet`` per request,
which costs more CPU than the two system calls around it.  A fault-free
reply differs from the request it answers only in the version, the poll and
the four timestamps, which this module writes straight into a reused
48-byte buffer; every other field, leap indicator and mode included, is the
codec's own reply to a template request, written once.  Which datagrams get
a reply is the codec's rule too (``wants_reply``), so the two paths cannot
drift apart; the fields follow RFC 4330 §6 (server operations):

- the request's version and poll, copied;
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

from sockspec_reference.sntp import Fault, Packet, encode_reply, wants_reply

__all__ = ["ReplyBuffer"]

#: Nanoseconds from the NTP prime epoch (1900) to the Unix epoch (1970).
_EPOCH_NS = 2_208_988_800 * 1_000_000_000
_MASK = (1 << 64) - 1
#: The four timestamps: reference, originate, receive, transmit.
_TIMES = struct.Struct("!QQQQ")
#: The version's three bits in a header's first octet.
_VERSION_BITS = 0b00111000


class ReplyBuffer:
    """One reused reply; :meth:`answer` fills it for a request, or says the request gets none."""

    def __init__(self, stratum: int) -> None:
        # The constant fields, exactly as the codec writes them for any request.
        template = encode_reply(Packet(version=4, mode=3), 0.0, 0.0, stratum=stratum, fault=Fault.NONE)
        self.reply = bytearray(template)
        self._leap_and_mode = template[0] & ~_VERSION_BITS

    def answer(self, request: bytearray, size: int, received_ns: int, transmitted_ns: int) -> bool:
        """Fill :attr:`reply` for the ``size``-byte ``request``; False when it deserves no reply."""
        first = request[0]
        if not wants_reply(first, size):
            return False
        reply = self.reply
        reply[0] = self._leap_and_mode | first & _VERSION_BITS
        reply[2] = request[2]  # poll
        received = ((received_ns + _EPOCH_NS) << 32) // 1_000_000_000 & _MASK
        transmitted = ((transmitted_ns + _EPOCH_NS) << 32) // 1_000_000_000 & _MASK
        _TIMES.pack_into(reply, 16, received, int.from_bytes(request[40:48], "big"), received, transmitted)
        return True
