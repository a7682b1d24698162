"""Run one command against the kit's stub resolver, inside the sandbox's namespaces.

    python -m sockspec.sandbox.launcher --zone ZONE --hosts HOSTS --log LOG -- CMD [ARG...]

``ResolverSandbox.wrap`` puts this under ``unshare --user --map-root-user
--net --mount --pid --fork --kill-child``.  The launcher refuses to run
anywhere else: outside a fresh user namespace its bind mounts could cover the
host's own /etc files.

Strategy:

1. Bring ``lo`` up: the only interface, so nothing can leave the machine.
2. Write resolv.conf, nsswitch.conf and the kit's hosts file into a temporary
   directory, bind-mount each over its /etc name, and delete the directory:
   the mounts keep the files alive, and nothing is left on disk even if the
   sandbox is killed.
3. Hide nscd's socket directory: glibc asks a running nscd before it reads
   nsswitch.conf, and nscd would resolve with the host's resolver.
4. Bind the stub on 127.0.0.1:53, UDP and TCP, before the command starts.
5. Spawn the command in the launcher's own process group, without the
   resolver variables that would override resolv.conf (``_RESOLVER_ENV``);
   wait for it, reaping orphans as an init must, and exit with its status.

Signals: the launcher is PID 1 of its PID namespace, and the kernel spares
such a process every signal it has no handler for (SIGKILL from outside
aside).  So the launcher installs no handler at all.  A signal sent to the
process group (Ctrl-C on a terminal, ``os.killpg`` from the kit) reaches the
command directly and once; when the command ends the launcher ends, and the
kernel kills whatever the command left in the namespace.  ``unshare`` blocks
SIGINT and SIGTERM; SIGKILL to it kills the launcher (``--kill-child``) and
so everything inside.

Exit status: the command's; 128+N if it died of signal N; 125 if the sandbox
could not be set up; 126 if the command could not be executed; 127 if it was
not found.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sockspec.errors import KitUsageError

from ._dnsstub import StubServer
from ._etc import NSSWITCH_CONF, resolv_conf
from ._plumbing import bind_mount, bring_up_loopback, interfaces, mask_directory
from ._zone import load_zone

__all__ = ["EXIT_NOT_EXECUTABLE", "EXIT_NOT_FOUND", "EXIT_SETUP_FAILED", "main"]

EXIT_SETUP_FAILED = 125
EXIT_NOT_EXECUTABLE = 126
EXIT_NOT_FOUND = 127

_RESOLVER_ENV = ("LOCALDOMAIN", "RES_OPTIONS", "HOSTALIASES")
_NSCD_DIR = Path("/var/run/nscd")  # glibc's _PATH_NSCDSOCKET is /var/run/nscd/socket
_INITIAL_USERNS_MAP = ["0", "0", "4294967295"]


class _SetupError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    args, command = _parse(sys.argv[1:] if argv is None else argv)
    try:
        _check_sandboxed()
        zone = load_zone(args.zone)
        log = args.log.open("a", encoding="utf-8")
        bring_up_loopback()
        _mount_etc(args.hosts.read_text(encoding="utf-8"))
        if _NSCD_DIR.is_dir():
            mask_directory(_NSCD_DIR)
        StubServer(zone, log).start()
    except (_SetupError, KitUsageError, OSError) as exc:
        return _fail(EXIT_SETUP_FAILED, f"cannot set up the resolver sandbox: {exc}")
    # CPython installs a SIGINT handler; as PID 1 with none, Ctrl-C meant for the command spares us.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    env = {key: value for key, value in os.environ.items() if key not in _RESOLVER_ENV}
    try:
        # Not through sockspec.process, which gives every child its own process group: the command
        # must stay in ours, so that the kit's signals to the group reach it.  Restore what CPython
        # ignores at start-up, as subprocess does.
        child = os.posix_spawnp(command[0], command, env, setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
    except FileNotFoundError as exc:
        return _fail(EXIT_NOT_FOUND, f"cannot run {command[0]!r}: {exc.strerror}")
    except OSError as exc:
        return _fail(EXIT_NOT_EXECUTABLE, f"cannot run {command[0]!r}: {exc.strerror}")
    return _wait_for(child)


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m sockspec.sandbox.launcher",
        description="Run CMD with the kit's stub DNS server as its only resolver (see ResolverSandbox).",
        usage="%(prog)s --zone ZONE --hosts HOSTS --log LOG -- CMD [ARG...]",
    )
    parser.add_argument("--zone", type=Path, required=True, help="zone file (zone.schema.json)")
    parser.add_argument("--hosts", type=Path, required=True, help="file to show as /etc/hosts")
    parser.add_argument("--log", type=Path, required=True, help="query log, appended as JSON lines")
    argv = list(argv)
    split = argv.index("--") if "--" in argv else len(argv)
    if split >= len(argv) - 1:
        parser.error("give the command to run after '--'")
    return parser.parse_args(argv[:split]), argv[split + 1 :]


def _check_sandboxed() -> None:
    where = []
    if os.getpid() != 1:
        where.append(f"it is PID {os.getpid()}, not PID 1 of a new PID namespace")
    if Path("/proc/self/uid_map").read_text().split() == _INITIAL_USERNS_MAP:
        where.append("it is in the initial user namespace")
    if (names := interfaces()) != ["lo"]:
        where.append(f"its network namespace has interfaces {names}, not just ['lo']")
    if where:
        raise _SetupError(
            f"the launcher runs only inside the namespaces that ResolverSandbox.wrap() creates, but {'; '.join(where)}"
        )


def _mount_etc(hosts: str) -> None:
    files = {"resolv.conf": resolv_conf(), "nsswitch.conf": NSSWITCH_CONF, "hosts": hosts}
    with tempfile.TemporaryDirectory(prefix="sockspec-etc-") as tmp:
        for name, text in files.items():
            target = Path("/etc", name)
            if name == "nsswitch.conf" and not target.exists():
                continue  # musl systems have none, and musl reads none
            source = Path(tmp, name)
            source.write_text(text, encoding="utf-8")
            bind_mount(source, target)


def _wait_for(child: int) -> int:
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code


def _fail(code: int, message: str) -> int:
    print(f"sockspec sandbox: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
