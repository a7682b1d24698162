"""Command-line options of the kit, all in one ``sockspec`` group.

pytest's own ``--strict`` doubles as the kit's: with it a broken SHOULD
requirement (NON-STRICT) fails the run (docs/architecture.md).

Values are checked here, at parse time, so a typo stops the run with a
one-line usage error instead of a confusing verdict later.
"""

from __future__ import annotations

import argparse

import pytest

__all__ = ["pytest_addoption"]


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sockspec", "sockspec conformance kit")
    group.addoption(
        "--impl",
        metavar="PROFILE",
        default=None,
        help="implementation profile: a TOML file, or the name of a shipped one (default: reference).",
    )
    group.addoption(
        "--impl-module",
        metavar="NAME",
        default=None,
        help="Python module that provides the socket API under test; overrides the profile's [api].",
    )
    group.addoption(
        "--impl-cmd",
        metavar="PREFIX",
        default=None,
        help="command prefix that runs the recipe programs under test, '{python}' standing for this "
        "interpreter; overrides the profile's [programs] (reference: '{python} -m sockspec_reference'). "
        "Without --impl or --impl-module it judges the program surface alone.",
    )
    group.addoption(
        "--recipes",
        metavar="LIST",
        default=None,
        help="comma-separated recipes the --impl-cmd command provides, e.g. 'echo-server,echo-client'; "
        "every other recipe is UNSUPPORTED (default: all).",
    )
    group.addoption(
        "--target",
        metavar="RECIPE=HOST:PORT",
        action="append",
        default=[],
        help="judge a server that runs elsewhere instead of starting it: echo-server or sntp-server at an IP "
        "address (traffic goes only there and to loopback); repeatable. Cases that need the process (options, "
        "output, signals) are N/A; without --impl/--impl-cmd/--impl-module nothing else is judged.",
    )
    group.addoption(
        "--req",
        metavar="PATTERN",
        action="append",
        default=[],
        help="run only requirements whose ID matches this glob (e.g. 's03.*'); repeatable.",
    )
    group.addoption(
        "--report-dir",
        metavar="DIR",
        default=None,
        help="where the HTML and JSON reports go unless --html / --json-report say otherwise (default: reports; "
        "a partial run writes <implementation>.partial.html and .json there, unless this option is given).",
    )
    group.addoption(
        "--json-report",
        metavar="FILE",
        default=None,
        help="where the JSON results go (default: <report-dir>/<implementation>.json).",
    )
    group.addoption(
        "--spec-data",
        metavar="DIR",
        default=None,
        help="directory of requirement files sNN_*.json (default: the rootdir's specs/data, else the installed one).",
    )
    group.addoption(
        "--bench-json",
        metavar="FILE",
        default=None,
        help="add a performance section with charts to the HTML report, from a result saved by "
        "'python -m sockspec bench --json FILE' for the same implementation.",
    )
    group.addoption(
        "--online",
        action="store_true",
        default=False,
        help="also run the tutorial's own Internet examples with the real resolver (off by default).",
    )
    group.addoption(
        "--io-timeout",
        metavar="SECONDS",
        type=_positive_float,
        default=5.0,
        help="longest wait for any single action of the implementation (default: 5).",
    )
    group.addoption(
        "--validate-harness",
        action="store_true",
        default=False,
        help="check every harness message, both ways, against the protocol's JSON Schema.",
    )
    group.addoption(
        "--sockspec-audit",
        metavar="FILE",
        default=None,
        help="after collection, write each requirement's test IDs to FILE as JSON (for the kit's own checks).",
    )
