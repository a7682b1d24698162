"""The HTML report: its performance section (``--bench-json``) and what it does with broken spec files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

pytest_plugins = ["pytester"]

SPEC = """
import sys
import jsonschema
import pytest
from sockspec import expect_equal, params

@pytest.mark.parametrize("case", params("s05.htonl.value"))
def test_htonl(api, case):
    expect_equal("htonl", api.htonl(case["input"]), case["expect"][sys.byteorder])
"""


def bench_doc(name: str = "reference") -> dict[str, Any]:
    """The smallest result ``bench --json`` writes: one echo cell, the implementation and one baseline."""
    medians = {
        server: {
            "rps": rps,
            "mib_s": rps / 1024,
            "p50_us": 50.0,
            "p90_us": 80.0,
            "p99_us": p99,
            "max_us": 900.0,
            "server_cpu_us": 6.0,
            "runs": 3,
        }
        for server, rps, p99 in ((name, 123456.0, 97.0), ("asyncio", 111111.0, 131.0))
    }
    return {
        "format": 1,
        "tool": "sockspec bench",
        "command": "python -m sockspec bench --sizes 1024 --conns 10",
        "implementation": {"name": name, "command": ["python", "-m", "sockspec_reference"]},
        "machine": {"cpus": 2, "pinning": "server pinned to CPU 0, load generator to CPU 1"},
        "settings": {"warmup": 1.0, "duration": 5.0, "repeat": 3},
        "notes": [],
        "echo": {
            "servers": [
                {
                    "name": name,
                    "role": "implementation",
                    "command": ["python", "-m", "sockspec_reference", "echo-server"],
                },
                {"name": "asyncio", "role": "baseline", "command": ["python", "-m", "asyncio-echo"]},
            ],
            "results": [
                {
                    "size": 1024,
                    "conns": 10,
                    "medians": medians,
                    "ratios": {name: {"asyncio": {"rps": 1.11, "server_cpu_us": 0.9, "p99_us": 0.74}}},
                    "ceiling": {"rps": 111111.0, "by": "asyncio", "implementation_share": 1.11},
                    "client_bound": True,
                }
            ],
        },
        "sntp": None,
    }


@pytest.fixture
def kit(pytester: pytest.Pytester) -> pytest.Pytester:
    root = Path(__file__).resolve().parent.parent
    pytester.makeconftest('pytest_plugins = ["sockspec.plugin"]')
    pytester.makepyfile(**{"specs/test_x.py": SPEC})
    pytester.mkdir("specs/data")
    source = root / "specs" / "data" / "s05_byte_order.json"
    (pytester.path / "specs" / "data" / source.name).write_text(source.read_text())
    return pytester


def run(kit: pytest.Pytester, doc: Any, *args: str) -> pytest.RunResult:
    path = kit.path / "bench.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return kit.runpytest_subprocess(
        "specs", "-p", "no:cacheprovider", "--report-dir", "out", "--bench-json", str(path), *args
    )


def test_the_section_with_its_charts_follows_the_verdict_table(kit: pytest.Pytester) -> None:
    result = run(kit, bench_doc())
    assert result.ret == 0
    page = (kit.path / "out" / "reference.html").read_text()
    section = page[page.index("<section class='sockspec-performance'>") :]
    assert page.index("<table class='sockspec-summary'>") < page.index("<section class='sockspec-performance'>")
    # The filter buttons stay next to the table they filter, after the charts.
    assert page.index("<section class='sockspec-performance'>") < page.index("<div class='sockspec-filters'>")
    assert section.count("<svg") == 2
    assert "Echo server: requests/s (median)" in section and "Echo server: p99 latency (median)" in section
    assert "123.5k" in section and "111.1k" in section


def test_without_the_option_there_is_no_section(kit: pytest.Pytester) -> None:
    result = kit.runpytest_subprocess("specs", "-p", "no:cacheprovider", "--report-dir", "out")
    assert result.ret == 0
    assert "sockspec-performance" not in (kit.path / "out" / "reference.html").read_text()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{not json", "is not JSON"),
        (json.dumps({"format": 1}), ": not a result of 'python -m sockspec bench --json': (top): 'tool'"),
        (json.dumps({**bench_doc(), "echo": {"servers": []}}), ": /echo: "),
        (bench_doc("node"), "measured implementation 'node', but this run tests 'reference'"),
    ],
    ids=["not-json", "not-a-bench-result", "truncated", "other-implementation"],
)
def test_a_wrong_file_is_a_usage_error_naming_it(kit: pytest.Pytester, doc: Any, message: str) -> None:
    result = run(kit, doc)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "bench.json" in err and message in err
    assert "Traceback" not in err
    assert not (kit.path / "out").exists()


def test_a_missing_file_is_a_usage_error(kit: pytest.Pytester) -> None:
    result = kit.runpytest_subprocess("specs", "--bench-json", "nowhere.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "cannot read bench result nowhere.json: No such file or directory" in result.stderr.str()


def test_the_section_needs_the_html_report(kit: pytest.Pytester) -> None:
    result = run(kit, bench_doc(), "-p", "no:html")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "pytest-html is disabled" in result.stderr.str()


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    schema_path = Path(__file__).resolve().parent.parent / "sockspec" / "schemas" / "bench.schema.json"
    jsonschema.Draft202012Validator.check_schema(json.loads(schema_path.read_text()))


def test_a_collection_error_is_reported_not_an_internal_error(kit: pytest.Pytester) -> None:
    kit.makepyfile(**{"specs/test_broken.py": "import no_such_module_anywhere\n"})
    result = kit.runpytest_subprocess("specs", "-p", "no:cacheprovider", "--report-dir", "out")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "ERROR collecting specs/test_broken.py" in result.stdout.str()
    # pytest stops before any case runs: there is nothing to report, and the terminal says so.
    result.stdout.fnmatch_lines(["sockspec: no spec case got a verdict, so no report was written (the last ones stay)"])
    assert list((kit.path / "out").glob("*")) == []
