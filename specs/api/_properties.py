"""How the API specs run Hypothesis: the same examples on every run, and no clock.

A verdict must not depend on the machine or on the run.  ``derandomize``
draws the same examples each time; ``deadline=None`` and the ``too_slow``
health check switched off keep a busy machine, or a harness that pays a round
trip per call (a JVM, another language), from failing a correct
implementation; and no example database is written into the user's folder.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["PROPERTIES"]

PROPERTIES = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
