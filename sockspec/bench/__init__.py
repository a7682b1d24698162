"""``python -m sockspec bench``: how fast an implementation's servers are, beside baselines.

The bench starts the implementation's ``echo-server`` (and with ``--sntp``
its ``sntp-server``) and baseline servers, alternating them run by run on
pinned CPUs, drives them with a load generator spread over processes, and
reports medians, ratios to every baseline and the load generator's own
ceiling as a text table, JSON and an HTML section with SVG charts.  See
docs/benchmarks.md for the method and the figures measured with it.

Modules, one job each: ``_options`` (parsing the options), ``_cli`` (the
run, its outputs, exit codes), ``_servers`` (what is measured), ``_runner``
(one run and the A B A B schedule), ``_workers`` (the load-generator
processes the runner speaks to), ``_loadgen`` (the load-generator worker), ``_results`` (medians, ratios, ceiling),
``_report`` (text, JSON, HTML/SVG), ``_document`` (reading a saved
result back), ``_system`` (/proc, pinning, load), ``_pyecho`` and
``epoll_echo.c`` (the baseline servers).
"""

from __future__ import annotations

from sockspec.bench._cli import EXIT_BENCH as EXIT_BENCH
from sockspec.bench._cli import EXIT_IMPLEMENTATION as EXIT_IMPLEMENTATION
from sockspec.bench._cli import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from sockspec.bench._cli import run as run
from sockspec.bench._document import load_document as load_document
from sockspec.bench._options import configure as configure
from sockspec.bench._report import render_section as render_section

__all__ = [
    "EXIT_BENCH",
    "EXIT_IMPLEMENTATION",
    "EXIT_INTERRUPTED",
    "configure",
    "load_document",
    "render_section",
    "run",
]
