"""Ending an adapter as its daemon ended, so that the kit judges the daemon's exit status, not the adapter's.

Shared by examples/echo_daemons/sockspec-echo-daemon and
examples/netns-relay/netns_relay.py (each puts this folder on sys.path).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import NoReturn


def end_as(status: int) -> NoReturn:
    """Exit with ``status`` as subprocess reports it: N is exit status N, -N death by signal N.

    A daemon killed by a signal kills this process with the same signal, so
    the kit sees what it would see running the daemon itself; call this last,
    once the adapter has cleaned up, since nothing runs after the signal.
    """
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [-status])
        os.kill(os.getpid(), -status)
    sys.exit(status if status >= 0 else 128 - status)  # reached only if the signal does not end a process
