"""Child processes of the kit: started in their own process group, always reaped.

Every child the kit starts goes through here: implementation programs and
servers under test, harnesses, the bench's load generators and baseline
servers, peers such as chronyd, and the resolver sandbox's probe.  So four
promises hold in one place:

- nothing waits forever: every wait has a deadline;
- nothing outlives the run: each child leads its own process group, which
  one kill policy ends (``kill_group``: SIGTERM, a grace, SIGKILL, reap),
  and a registry kills any survivor at exit or on Ctrl-C (``kill_all``);
- nothing floods memory: captured output is capped (``OUTPUT_CAP``), one
  line of a line protocol too (``LineProcess``);
- one environment rule: a child gets the kit's environment with the
  caller's changes merged in (``Env``; ``None`` removes a variable), and a
  child that cannot start at all raises ``CannotStart``.

The one process the kit's children start on purpose outside this layer is
the command inside the resolver sandbox: its launcher keeps it in its own
process group, so that the kit's signals to the group reach it (see
``sockspec/sandbox/launcher.py``).

Modules: ``_group`` starts and kills, ``_pipes`` reads output on threads,
``_run`` runs a program to completion, ``_child`` keeps a server running,
``_lines`` speaks a line protocol.
"""

from sockspec.errors import CannotStart

from ._child import Child, Spawned, numbers_named, spawn
from ._group import Env, kill_all, kill_group, merged_env, start
from ._lines import STDERR_TAIL, LineProcess
from ._pipes import OUTPUT_CAP, PipeReader
from ._run import Completed, run

__all__ = [
    "OUTPUT_CAP",
    "STDERR_TAIL",
    "CannotStart",
    "Child",
    "Completed",
    "Env",
    "LineProcess",
    "PipeReader",
    "Spawned",
    "kill_all",
    "kill_group",
    "merged_env",
    "numbers_named",
    "run",
    "spawn",
    "start",
]
