"""The kit's side of the resolver sandbox: build the command line, probe, read the log."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sockspec.errors import CannotStart, IUTTimeout, KitUsageError
from sockspec.process import run

from ._etc import RESOLVER_LIMIT_S, hosts_file
from ._zone import load_zone

__all__ = ["ResolverSandbox"]

_KIT_ROOT = Path(__file__).resolve().parents[2]
_NAMESPACES = ["--user", "--map-root-user", "--net", "--mount", "--pid", "--fork", "--kill-child"]
_PROBE_TIMEOUT_S = 10

# The launcher starts every sandboxed command, so its start-up is the
# sandbox's cost; ``import sockspec`` loads no pytest, so importing it is
# cheap.  The kit's root goes first on the path, so a checkout that is not
# installed works too.
_BOOTSTRAP = """\
import sys
sys.path.insert(0, sys.argv.pop(1))
from sockspec.sandbox.launcher import main
sys.exit(main())
"""

# Why user namespaces may be unavailable: (sysctl file, value that disables
# them, whether root is exempt, the reason shown).
_USERNS_KNOBS = [
    ("/proc/sys/user/max_user_namespaces", "0", False, "user namespaces are disabled (user.max_user_namespaces=0)"),
    (
        "/proc/sys/kernel/unprivileged_userns_clone",
        "0",
        True,
        "user namespaces are disabled for unprivileged users (kernel.unprivileged_userns_clone=0)",
    ),
    (
        "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
        "1",
        True,
        "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)",
    ),
]


class ResolverSandbox:
    """Run commands whose every name lookup the kit's stub DNS server answers.

    Each wrapped command gets fresh user, network, mount and PID namespaces:
    only ``lo`` exists, /etc/resolv.conf names the stub on 127.0.0.1, and
    /etc/hosts is the kit's.  Nothing can leave the machine, and nothing
    outlives the command.  A fixture uses it like this::

        reason = ResolverSandbox.unavailable_reason()
        if reason is not None:
            not_applicable(f"needs the resolver sandbox: {reason}")
        sandbox = ResolverSandbox(ZONE, tmp_path)
        done = sockspec.process.run(sandbox.wrap(argv), timeout=10)
        sandbox.queries()  # what the stub was asked, and what it said

    Stopping: ``sockspec.process.kill_group`` ends the command and everything
    it started (``unshare`` ignores SIGTERM and SIGINT, so the SIGKILL that
    follows the grace ends it).  Every child of ``sockspec.process`` leads its
    own process group, so to signal the command itself (say, Ctrl-C) send
    ``os.killpg(child.proc.pid, signal.SIGINT)``.  The exit status is the command's,
    128+N if it died of signal N, or 125 if the sandbox could not be set up
    (126 and 127: the command could not be run, or was not found).
    """

    #: The longest a lookup in the sandbox may legitimately take (``RESOLVER_LIMIT_S``).
    lookup_limit: float = RESOLVER_LIMIT_S

    def __init__(self, zone: Path, workdir: Path, extra_hosts: Mapping[str, str] | None = None) -> None:
        load_zone(zone)  # a bad zone is the kit's fault: say so now, not once per command
        self.zone = zone.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        self.hosts_file = workdir.resolve() / "hosts"
        self.query_log = workdir.resolve() / "queries.jsonl"
        try:
            text = hosts_file(socket.gethostname(), extra_hosts or {})
        except ValueError as exc:
            raise KitUsageError(f"extra_hosts: {exc}") from exc
        self.hosts_file.write_text(text, encoding="utf-8")

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """``None`` if sandboxes can be created here, otherwise why not (one line).

        The answer comes from creating one trial sandbox, once per process.
        """
        return _probe()

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """The command line that runs ``argv`` in a fresh sandbox."""
        reason = self.unavailable_reason()
        if reason is not None:
            raise KitUsageError(
                f"the resolver sandbox is unavailable here ({reason}); "
                "check ResolverSandbox.unavailable_reason() first and grade N/A"
            )
        return self._command(argv)

    def queries(self) -> list[dict[str, Any]]:
        """Every query the stub has answered for this sandbox, oldest first.

        Each is a dict with ``time``, ``transport``, ``qname``, ``qtype``,
        ``rcode``, ``rule`` (the zone entry used), ``answers`` and ``delay_s``,
        or ``error`` for a packet the stub could not serve.
        """
        if not self.query_log.exists():
            return []
        with self.query_log.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines]

    def _command(self, argv: Sequence[str]) -> list[str]:
        if not argv:
            raise KitUsageError("wrap() needs a command to run, not an empty argv")
        unshare = shutil.which("unshare") or "unshare"
        return [
            *(unshare, *_NAMESPACES),
            *(sys.executable, "-P", "-c", _BOOTSTRAP, str(_KIT_ROOT)),
            *("--zone", str(self.zone), "--hosts", str(self.hosts_file), "--log", str(self.query_log)),
            "--",
            *argv,
        ]


@functools.cache
def _probe() -> str | None:
    if sys.platform != "linux":
        return f"it needs Linux namespaces, and this platform is {sys.platform!r}"
    if shutil.which("unshare") is None:
        return "util-linux's 'unshare' command is not on PATH"
    with tempfile.TemporaryDirectory(prefix="sockspec-probe-") as tmp:
        zone = Path(tmp, "zone.json")
        zone.write_text('{"ttl": 0, "names": {}, "otherwise": {"rcode": "NXDOMAIN"}}', encoding="utf-8")
        trial = ResolverSandbox(zone, Path(tmp))._command([sys.executable, "-c", ""])
        try:
            done = run(trial, timeout=_PROBE_TIMEOUT_S)
        except CannotStart as exc:
            return f"a trial sandbox could not start: {exc}"
        except IUTTimeout:
            return f"a trial sandbox did not finish within {_PROBE_TIMEOUT_S} s"
    if done.returncode == 0:
        return None
    for path, disabled, root_exempt, reason in _USERNS_KNOBS:
        if _read(path) == disabled and not (root_exempt and os.geteuid() == 0):
            return reason
    stderr = done.stderr.decode("utf-8", errors="replace")
    detail = stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}, no message"]
    return f"a trial sandbox failed: {detail[0]}"


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None
