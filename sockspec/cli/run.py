"""``sockspec run``: the conformance run on the installed specs, from any folder.

It is pytest on ``sockspec/locations.SPECS`` with the kit's own settings
(``run.ini``) and the suite's folder as rootdir, so node IDs read
``specs/...`` wherever sockspec is installed and a user's own pytest
configuration does not leak in.  Reports (``reports/``) and pytest's cache
(``.pytest_cache/``) go under the current folder, never into the package.
Every other argument is pytest's or the kit's (``sockspec run --help``);
the exit code is pytest's (README, *Exit status*).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from sockspec.locations import RUN_INI, SPECS, SUITE_ROOT

__all__ = ["configure", "main", "pytest_args"]


def configure(sub: Any) -> None:
    sub.add_parser(
        "run",
        add_help=False,
        help="check an implementation against the installed specs: "
        "run [--impl PROFILE | --impl-cmd PREFIX | --impl-module NAME] [pytest options]",
    )


def pytest_args(args: list[str], cwd: Path) -> list[str]:
    """pytest's command line for ``sockspec run ARGS`` started in ``cwd``."""
    return [
        *("-c", str(RUN_INI), "--rootdir", str(SUITE_ROOT)),
        *("-o", f"cache_dir={cwd / '.pytest_cache'}"),
        *("-p", "sockspec.plugin"),  # a no-op where the pytest11 entry point has loaded it already
        *args,
        str(SPECS),
    ]


def main(args: list[str]) -> int:
    """Become ``python -m pytest ...``: pytest then imports the kit itself, so it can rewrite its asserts."""
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *pytest_args(args, Path.cwd())])
