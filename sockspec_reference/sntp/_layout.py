"""Constants and the field layout of an SNTP packet (RFC 4330 §4).

::

     0                   1                   2                   3
     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |                          Root Delay                           |
    |                       Root Dispersion                         |
    |                     Reference Identifier                      |
    |                   Reference Timestamp (64)                    |
    |                   Originate Timestamp (64)                    |
    |                    Receive Timestamp (64)                     |
    |                    Transmit Timestamp (64)                    |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

The tutorial unpacks the same 48 bytes as ``!12I`` and reads word 10, the
integer seconds of the transmit timestamp; here the four timestamps are kept
whole, as unsigned 64-bit 32.32 fixed-point numbers.
"""

from __future__ import annotations

import struct

#: first byte, stratum, poll, precision, root delay, root dispersion,
#: reference id, then the reference, originate, receive and transmit timestamps.
PACKET = struct.Struct("!BBbbII4sQQQQ")
PACKET_SIZE = PACKET.size  # 48: "the minimum ... NTP packet" (RFC 4330 §4)

LEAP_NO_WARNING = 0
LEAP_UNSYNCHRONISED = 3  # "alarm condition (clock not synchronized)"

VERSION = 3  # what the tutorial's 0x1b announces
SUPPORTED_VERSIONS = range(1, 5)

MODE_CLIENT = 3
MODE_SERVER = 4

STRATUM_KISS = 0  # "kiss-o'-death message"

#: Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch: the
#: tutorial's TIME1970.
NTP_UNIX_OFFSET = 2_208_988_800
#: Length of an NTP era in seconds: the 32-bit seconds field wraps in 2036.
ERA_SECONDS = 1 << 32
#: One second in the 32.32 fixed-point format.
ONE_SECOND = 1 << 32
