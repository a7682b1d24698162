"""Plugin behaviour: requirement enforcement, grading into verdicts, reports, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sockspec.errors import KitUsageError
from sockspec.implementation import RECIPES
from sockspec.profiles import resolve_implementation

pytest_plugins = ["pytester"]

CATALOGUE = {
    "section": 5,
    "title": "Plugin test",
    "requirements": [
        {
            "id": "s05.t.must",
            "level": "MUST",
            "surface": "api",
            "statement": "A MUST requirement for the test",
            "cite": ["tutorial:5"],
        },
        {
            "id": "s05.t.should",
            "level": "SHOULD",
            "surface": "api",
            "statement": "A SHOULD requirement for the test",
            "cite": ["tutorial:5"],
        },
        {
            "id": "s05.t.info",
            "level": "INFO",
            "surface": "api",
            "statement": "An INFO requirement for the test",
            "cite": ["tutorial:5"],
        },
    ],
    "vectors": [
        {"requirement": "s05.t.must", "kind": "returns", "description": "one", "input": 1, "expect": 1},
        {"requirement": "s05.t.must", "kind": "returns", "description": "two", "input": 2, "expect": 3},
    ],
}


@pytest.fixture
def kit(pytester: pytest.Pytester) -> pytest.Pytester:
    data = pytester.mkdir("specs") / "data"
    data.mkdir()
    (data / "s05_t.json").write_text(json.dumps(CATALOGUE))
    pytester.makeconftest('pytest_plugins = ["sockspec.plugin"]')
    return pytester


def run(kit: pytest.Pytester, source: str, *args: str) -> tuple[pytest.RunResult, dict]:
    kit.makepyfile(**{"specs/test_x.py": source})
    result = kit.runpytest("specs", "-p", "no:html", "-p", "no:cacheprovider", "--json-report", "out.json", *args)
    path = kit.path / "out.json"
    return result, (json.loads(path.read_text()) if path.exists() else {})


def verdicts(data: dict) -> dict[str, str]:
    return {c["nodeid"].split("::", 1)[1]: c["verdict"] for c in data["cases"]}


SOURCE = """
import pytest
from sockspec import expect_equal, params, not_applicable, unsupported

@pytest.mark.parametrize("case", params("s05.t.must"))
def test_vectors(case):
    expect_equal("f()", case["input"], case["expect"])

@pytest.mark.req("s05.t.should")
def test_should():
    assert False, "not as recommended"

@pytest.mark.req("s05.t.info")
def test_info(fact):
    fact("answer", 42)

@pytest.mark.req("s05.t.must")
def test_na():
    not_applicable("Linux only")

@pytest.mark.req("s05.t.must")
def test_unsupported():
    unsupported("api.frobnicate")
"""


def test_verdicts_and_exit_code(kit: pytest.Pytester) -> None:
    result, data = run(kit, SOURCE)
    assert verdicts(data) == {
        "test_vectors[t.must:one]": "PASS",
        "test_vectors[t.must:two]": "FAIL",
        "test_should": "NON-STRICT",
        "test_info": "INFO",
        "test_na": "N/A",
        "test_unsupported": "UNSUPPORTED",
    }
    assert result.ret == 1
    assert data["conforms"] is False
    failed = next(c for c in data["cases"] if c["verdict"] == "FAIL")
    assert failed["message"] == "AssertionError: f() returned 2; expected 3"
    assert failed["checks"] == [{"check": "f()", "expected": "3", "actual": "2"}]
    info = next(c for c in data["cases"] if c["verdict"] == "INFO")
    assert info["facts"] == [{"label": "answer", "value": 42}]
    summary = result.stdout.lines[-1]  # the order of the counts follows the (possibly random) order of the cases
    for count in ("1 failed", "1 passed", "1 non-strict", "1 info", "1 n/a", "1 unsupported"):
        assert count in summary, summary


SHOULD_BROKEN = """
import pytest
@pytest.mark.req('s05.t.should')
def test_should():
    assert False
@pytest.mark.req('s05.t.must')
def test_must():
    pass
@pytest.mark.req('s05.t.info')
def test_info():
    pass
"""


def test_broken_should_conforms_unless_strict(kit: pytest.Pytester) -> None:
    result, data = run(kit, SHOULD_BROKEN)
    assert result.ret == 0 and data["conforms"] is True
    result.stdout.fnmatch_lines(["reference conforms: no case FAILs, all 3 requirements run"])
    kit.makepyfile(**{"specs/test_x.py": SHOULD_BROKEN})
    strict = kit.runpytest("specs", "-p", "no:html", "--strict", "--json-report", "strict.json")
    assert strict.ret == 1
    assert verdicts(json.loads((kit.path / "strict.json").read_text()))["test_should"] == "FAIL"


def test_case_without_requirement_is_refused(kit: pytest.Pytester) -> None:
    result, _ = run(kit, "def test_orphan():\n    pass\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_orphan: spec case declares no requirement" in result.stderr.str()


def test_unknown_requirement_is_refused(kit: pytest.Pytester) -> None:
    result, _ = run(kit, "import pytest\n@pytest.mark.req('s05.t.nope')\ndef test_x():\n    pass\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown requirement 's05.t.nope'" in result.stderr.str()


def test_iut_error_in_a_fixture_is_a_fail(kit: pytest.Pytester) -> None:
    source = """
import pytest
from sockspec.errors import IUTCrashed

@pytest.fixture
def server():
    raise IUTCrashed("echo-server exited with status 1", stderr="Traceback ...")

@pytest.mark.req("s05.t.must")
def test_x(server):
    pass
"""
    result, data = run(kit, source)
    assert verdicts(data) == {"test_x": "FAIL"}
    assert data["cases"][0]["message"].startswith("sockspec.errors.IUTCrashed: echo-server exited with status 1")
    assert result.ret == 1


def test_req_option_selects_by_id(kit: pytest.Pytester) -> None:
    result, data = run(kit, SOURCE, "--req", "s05.t.i*")
    assert verdicts(data) == {"test_info": "INFO"}
    assert result.ret == 0


def test_a_req_glob_that_matches_no_requirement_is_a_usage_error(kit: pytest.Pytester) -> None:
    result, data = run(kit, SOURCE, "--req", "s99.*")
    assert result.ret == pytest.ExitCode.USAGE_ERROR and data == {}
    assert "--req 's99.*' matches no requirement of the catalogue" in result.stderr.str()


def test_a_run_with_no_spec_case_keeps_the_last_report(kit: pytest.Pytester) -> None:
    (kit.path / "out.json").write_text('{"the": "last report"}')
    result, data = run(kit, SOURCE, "--req", "s05.t.must", "-k", "info")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert data == {"the": "last report"}
    result.stdout.fnmatch_lines(["sockspec: no spec case was selected, so no report was written (the last ones stay)"])


def test_bad_impl_module_is_a_usage_error(kit: pytest.Pytester) -> None:
    result, _ = run(kit, SOURCE, "--impl-module", "no_such_module_xyz")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--impl-module: cannot import 'no_such_module_xyz'" in result.stderr.str()


def test_broken_data_file_names_file_and_field(kit: pytest.Pytester) -> None:
    bad = dict(CATALOGUE, requirements=[dict(CATALOGUE["requirements"][0], level="MAY")])
    (kit.path / "specs" / "data" / "s05_t.json").write_text(json.dumps(bad))
    result, _ = run(kit, SOURCE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "s05_t.json: /requirements/0/level: 'MAY' is not one of ['MUST', 'SHOULD', 'INFO']" in result.stderr.str()


PROFILE = """
name = "fake"
[api]
module = "socket"
[programs]
only = []
[expectations]
"%s" = { reason = "known bug", link = "https://example.invalid/bug/1" }
"""


def test_expectation_turns_failures_into_expected_fail(kit: pytest.Pytester) -> None:
    (kit.path / "fake.toml").write_text(PROFILE % "s05.t.must")
    result, data = run(kit, SOURCE, "--impl", "fake.toml", "-k", "vectors")
    assert verdicts(data) == {"test_vectors[t.must:one]": "PASS", "test_vectors[t.must:two]": "EXPECTED-FAIL"}
    assert result.ret == 0 and data["stale_expectations"] == []
    expected_fail = next(c for c in data["cases"] if c["verdict"] == "EXPECTED-FAIL")
    assert "known bug (https://example.invalid/bug/1)" in expected_fail["message"]


def test_a_kit_usage_error_in_a_case_is_never_an_expected_fail(kit: pytest.Pytester) -> None:
    (kit.path / "fake.toml").write_text(PROFILE % "s05.t.must")
    source = "import pytest\nfrom sockspec.errors import KitUsageError\n@pytest.mark.req('s05.t.must')\n"
    source += "def test_x():\n    raise KitUsageError('the harness command: cannot start')\n"
    result, data = run(kit, source, "--impl", "fake.toml")
    assert not data.get("cases") and result.ret == pytest.ExitCode.TESTS_FAILED
    assert "expected-fail" not in result.stdout.str().lower()


def test_stale_expectation_fails_the_run_loudly(kit: pytest.Pytester) -> None:
    (kit.path / "fake.toml").write_text(PROFILE % "s05.t.info")
    result, data = run(kit, SOURCE, "--impl", "fake.toml", "-k", "info")
    assert verdicts(data) == {"test_info": "INFO"}
    assert result.ret == 1
    assert data["stale_expectations"] == ["s05.t.info"] and data["exitstatus"] == 1
    result.stdout.fnmatch_lines(["STALE EXPECTATION: s05.t.info passed every case but fake.toml lists it*"])


def test_an_intermittent_expectation_that_passes_is_not_stale(kit: pytest.Pytester) -> None:
    profile = PROFILE.replace('link = "', 'intermittent = true, link = "')
    (kit.path / "fake.toml").write_text(profile % "s05.t.info")
    result, data = run(kit, SOURCE, "--impl", "fake.toml", "-k", "info")
    assert verdicts(data) == {"test_info": "INFO"}
    assert result.ret == 0 and data["stale_expectations"] == []


def test_declared_lack_is_unsupported(kit: pytest.Pytester) -> None:
    (kit.path / "lacks.toml").write_text('name = "lacks"\nlacks = ["api"]\n')
    result, data = run(kit, SOURCE, "--impl", "lacks.toml", "-k", "vectors")
    assert set(verdicts(data).values()) == {"UNSUPPORTED"}
    assert data["cases"][0]["message"] == "the implementation declares no support for 'api'"
    assert result.ret == 0


def test_a_declared_lack_of_one_function_makes_its_cases_unsupported(kit: pytest.Pytester) -> None:
    (kit.path / "lacks.toml").write_text('name = "lacks"\nlacks = ["api.htonl"]\n[programs]\nonly = []\n')
    source = "import pytest\n@pytest.mark.req('s05.t.must')\ndef test_htonl(api):\n    api.htonl(1)\n"
    source += "@pytest.mark.req('s05.t.must')\ndef test_htons(api):\n    api.htons(1)\n"
    result, data = run(kit, source, "--impl", "lacks.toml")
    assert verdicts(data) == {"test_htonl": "UNSUPPORTED", "test_htons": "PASS"} and result.ret == 0
    lacked = next(c for c in data["cases"] if c["verdict"] == "UNSUPPORTED")
    assert lacked["message"] == "the implementation declares no support for 'api.htonl'"


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ('name = "x"\nbogus = 1\n', "profile bad.toml: (top): Additional properties are not allowed ('bogus' was"),
        (
            'name = "x"\n[programs]\nlacks = ["api"]\n',
            "bad.toml: /programs: Additional properties are not allowed ('lacks'",
        ),
        (
            'name = "x"\n[programs]\nonly = ["echo-srv"]\n',
            "only: unknown recipe 'echo-srv'; did you mean 'echo-server'?",
        ),
        (
            'name = "x"\n[expectations]\n"s05.t.must" = {}\n',
            "bad.toml: /expectations/s05.t.must: 'reason' is a required property",
        ),
        ('name = "x y"\n', "bad.toml: /name: 'x y' does not match"),
        ("name = [", "cannot read profile"),
    ],
)
def test_bad_profile_is_a_usage_error(kit: pytest.Pytester, profile: str, message: str) -> None:
    (kit.path / "bad.toml").write_text(profile)
    result, _ = run(kit, SOURCE, "--impl", "bad.toml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


# --- the name of a run given by shorthands (it names reports/<name>.html) ---------------------


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    for name in ("naive.py", "impl"):
        (tmp_path / name).write_text("")
    return tmp_path


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("{python} {dir}/naive.py", "naive.py"),  # the script, not the interpreter
        ("{python} -X dev -u {dir}/naive.py", "naive.py"),
        ("{python} -m sockspec_reference", "sockspec_reference"),
        ("{dir}/impl serve --fast", "impl"),  # arguments that are not files are not the script
        ("'/opt/my impl/bin/echo server'", "echo-server"),
        ("{python} {dir}/" + "x" * 300 + ".py", "python"),  # no such file
    ],
)
def test_impl_cmd_names_what_it_runs(scripts: Path, command: str, name: str) -> None:
    assert resolve_implementation(None, None, command.replace("{dir}", str(scripts))).name == name


def test_impl_cmd_with_inline_code_gets_a_short_distinct_name() -> None:
    first = resolve_implementation(None, None, "{python} -c 'import socket, sys; " + "x = 1; " * 200 + "'").name
    second = resolve_implementation(None, None, "{python} -c 'import sys; sys.exit(5)'").name
    assert re.fullmatch(r"python-c-[0-9a-f]{6}", first) and re.fullmatch(r"python-c-[0-9a-f]{6}", second)
    assert first != second


def test_shorthand_names_join_profile_module_and_command(scripts: Path) -> None:
    assert resolve_implementation("reference", "my.mod", f"{{python}} {scripts}/naive.py").name == (
        "reference+my.mod+naive.py"
    )
    assert resolve_implementation(None, "my.mod", None).name == "my.mod"


def test_only_a_named_api_provider_is_judged() -> None:
    assert "api" in resolve_implementation(None, None, "./x").lacks  # --impl-cmd alone: programs only
    assert "api" not in resolve_implementation(None, "socket", "./x").lacks
    assert "api" not in resolve_implementation("reference", None, "./x").lacks  # the profile names one


def test_recipes_replace_what_the_profile_says_the_programs_provide() -> None:
    impl = resolve_implementation("node", None, "./x", "echo-server")
    assert {lack for lack in impl.lacks if lack.startswith("program:")} == {
        f"program:{recipe}" for recipe in RECIPES if recipe != "echo-server"
    }
    with pytest.raises(KitUsageError, match=r"^--recipes says which recipes the --impl-cmd command provides"):
        resolve_implementation("node", None, None, "echo-server")


def test_shorthand_name_is_capped() -> None:
    name = resolve_implementation(None, "m" * 300, None).name
    assert name == "m" * 64
