"""Run a command on a stand-in for "the machine": a namespace whose nameserver a test controls.

    unshare --user --map-root-user --net --mount -- \\
        python -m tests.machine_namespace [--zone ZONE --log LOG] -- CMD [ARG...]

Only loopback exists, and /etc/resolv.conf names 127.0.0.1.  With ``--zone``
the kit's stub DNS server answers there from ZONE, logging every query to LOG:
a nameserver that answers.  Without, nothing listens on port 53: a nameserver
that cannot be reached.  tests/test_hermetic_lookups.py runs the §1 specs in
both, so no query can reach a real nameserver either way.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from sockspec.sandbox._dnsstub import StubServer
from sockspec.sandbox._plumbing import bind_mount, bring_up_loopback
from sockspec.sandbox._zone import load_zone


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.machine_namespace")
    parser.add_argument("--zone", type=Path)
    parser.add_argument("--log", type=Path)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    bring_up_loopback()
    with tempfile.TemporaryDirectory(prefix="machine-ns-") as tmp:
        resolv_conf = Path(tmp, "resolv.conf")
        resolv_conf.write_text("nameserver 127.0.0.1\n", encoding="utf-8")
        # A file that outlives the command: the resolver sandbox mounts over it.
        bind_mount(resolv_conf, Path("/etc/resolv.conf"))
        if args.zone is not None and args.log is not None:
            StubServer(load_zone(args.zone), args.log.open("a", encoding="utf-8")).start()
        return subprocess.run(args.command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
