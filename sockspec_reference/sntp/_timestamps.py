"""NTP 32.32 fixed-point timestamps to and from Unix time, across the 2036 wrap."""

from __future__ import annotations

import math

from sockspec_reference.sntp._layout import ERA_SECONDS, NTP_UNIX_OFFSET, ONE_SECOND

_ERA_0_BIT = 0x8000_0000


def to_unix(timestamp: int) -> float:
    """Unix time of a 64-bit NTP timestamp, fractional seconds kept.

    RFC 4330 §3: "If bit 0 is set, the UTC time is in the range 1968-2036, and
    UTC time is reckoned from 0h 0m 0s UTC on 1 January 1900.  If bit 0 is not
    set, the time is in the range 2036-2104 and UTC time is reckoned from 6h
    28m 16s UTC on 7 February 2036."  So a clear top bit means era 1.
    """
    seconds, fraction = divmod(timestamp, ONE_SECOND)
    if not seconds & _ERA_0_BIT:
        seconds += ERA_SECONDS
    return seconds - NTP_UNIX_OFFSET + fraction / ONE_SECOND


def to_ntp(unix_time: float) -> int:
    """The 64-bit NTP timestamp of a Unix time (valid for 1968-2104, see :func:`to_unix`)."""
    whole = math.floor(unix_time)
    fraction = round((unix_time - whole) * ONE_SECOND)
    if fraction == ONE_SECOND:  # the float rounded up to the next second
        whole, fraction = whole + 1, 0
    return ((whole + NTP_UNIX_OFFSET) % ERA_SECONDS) * ONE_SECOND + fraction
