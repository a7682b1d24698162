"""How servers stop: SIGINT and SIGTERM end them through one path, with exit 0.

The tutorial's server dies with a ``KeyboardInterrupt`` traceback, and SIGTERM
would kill it with status -15.  Here both signals raise :class:`Stopped`, which
``_cli.main`` turns into exit 0.  ``Stopped`` derives from ``BaseException`` so
that a handler written as ``except OSError`` or ``except Exception`` around a
client connection never swallows a request to stop.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import NoReturn

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A stop signal arrived; the server should unwind and exit 0."""


def _raise_stopped(signum: int, frame: FrameType | None) -> NoReturn:
    # Ignore further stop signals: a second Ctrl-C while unwinding must not
    # interrupt the clean exit with a traceback.
    for other in STOP_SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Stopped(signal.Signals(signum).name)


def stop_on_signals() -> None:
    """Make SIGINT and SIGTERM raise :class:`Stopped` in the main thread.

    Call it before announcing readiness, so that a signal sent as soon as the
    first line is read already finds the handler in place.
    """
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stopped)


def wait_for_stop() -> NoReturn:
    """Sleep until a stop signal arrives, using no CPU (the tutorial spins on ``listen``)."""
    while True:
        signal.pause()
