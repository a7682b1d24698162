"""The kit's table of SNTP server faults names exactly the faults the reference sntp-server knows.

``sockspec.servers.sntp.FAULTS`` describes each ``--fault`` for the reports
and rejects unknown ones before a server starts; the reference program
defines them (its ``Fault`` enum, plus ``silent`` and ``delay``, which are
about when to answer rather than what).  The kit may not import the
reference, so this test is where the two meet.
"""

from __future__ import annotations

from sockspec.servers.sntp import FAULTS
from sockspec_reference.recipes.sntp_server import DELAY, SILENT
from sockspec_reference.sntp import Fault


def test_faults_match_the_reference():
    assert set(FAULTS) == {fault.value for fault in Fault} | {SILENT, DELAY}
