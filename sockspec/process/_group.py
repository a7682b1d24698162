"""Starting a child in its own process group, and the one way such a group ends.

Every child of the kit is started by :func:`start`: it leads a new session
(so its process group holds whatever it starts in turn), its environment is
ours with the caller's changes merged in, and it is entered in a registry
that :func:`kill_all` empties at interpreter exit, Ctrl-C included.

:func:`kill_group` is the one kill policy: SIGTERM to the group, ``grace``
seconds for it to go, SIGKILL to the group, reap.  The leader is *not* reaped
before the SIGKILL (exits are waited for with ``waitid(WNOWAIT)``), so its
pid, which is the group id, cannot have been given to another process by then.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import IO

from sockspec.errors import CannotStart

__all__ = ["Env", "exited", "kill_all", "kill_group", "merged_env", "start"]

#: Changes to the kit's environment for a child: a value sets a variable, ``None`` removes it.
Env = Mapping[str, str | None]
#: What ``subprocess`` accepts for one standard stream.
Stream = int | IO[bytes]

_live: dict[int, subprocess.Popen[bytes]] = {}


def merged_env(env: Env | None) -> dict[str, str]:
    """``os.environ`` with ``env`` applied on top (``None`` values remove the variable)."""
    merged = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def start(
    argv: Sequence[str],
    *,
    stdin: Stream = subprocess.DEVNULL,
    stdout: Stream = subprocess.PIPE,
    stderr: Stream = subprocess.PIPE,
    env: Env | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` leading a new process group and register it; ``CannotStart`` if it cannot run."""
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            env=merged_env(env),
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        raise CannotStart(f"cannot start {shlex.join(argv)!r}: {exc.strerror or exc}") from exc
    _live[proc.pid] = proc
    return proc


def exited(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Whether ``proc`` exits within ``timeout`` seconds; it is left unreaped, so its group id stays ours."""
    deadline = time.monotonic() + timeout
    while proc.returncode is None:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # reaped already
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def kill_group(proc: subprocess.Popen[bytes], grace: float = 0.5) -> None:
    """SIGTERM the group ``proc`` leads, wait up to ``grace`` seconds, SIGKILL what is left, reap ``proc``.

    ``grace=0`` kills at once (a child that broke its protocol gets no say).
    Safe to repeat: a group killed already is left alone.
    """
    if proc.pid not in _live and proc.returncode is not None:
        return
    if grace > 0 and not exited(proc, 0):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        exited(proc, grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # also any grandchild left in the group
    proc.wait()
    _live.pop(proc.pid, None)


def kill_all() -> None:
    """Kill and reap every child still alive (teardown of last resort)."""
    for proc in list(_live.values()):
        kill_group(proc, grace=0.2)


atexit.register(kill_all)
