"""The sockspec pytest plugin: wires options, collection, grading and reports.

Loaded wherever sockspec is installed, by its ``pytest11`` entry point
(pyproject.toml), and by the repository's ``conftest.py`` where entry points
are off; both name the module, so pytest registers it once.  Each concern
lives in its own module; this one only builds the run state and registers
the stateful reporters, undoing both in ``pytest_unconfigure``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sockspec import cache_dir, preflight, targets, vectors
from sockspec.destinations import Destinations
from sockspec.errors import KitUsageError
from sockspec.locations import SPECS
from sockspec.profiles import check_names, resolve_implementation
from sockspec.report_json import JsonReport
from sockspec.requirements import Catalogue
from sockspec.results import ResultCollector
from sockspec.state import STATE_KEY, RunState
from sockspec.terminal import TerminalSummary

pytest_plugins = [
    "sockspec.options",
    "sockspec.collection",
    "sockspec.grading",
    "sockspec.fixtures",
    "sockspec.resolver",
]

_REGISTERED = ("sockspec-results", "sockspec-terminal", "sockspec-destinations", "sockspec-json", "sockspec-html")


def _data_dir(config: pytest.Config) -> Path:
    """``--spec-data``, else the rootdir's ``specs/data``, else the installed specs' data (sockspec/locations.py)."""
    given = config.getoption("spec_data")
    if given:
        return Path(given)
    beside = Path(config.rootpath) / "specs" / "data"
    return beside if beside.is_dir() else SPECS / "data"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    try:
        impl = resolve_implementation(
            config.getoption("impl"),
            config.getoption("impl_module"),
            config.getoption("impl_cmd"),
            config.getoption("recipes"),
        )
        impl = targets.scope(
            impl,
            targets.parse_all(config.getoption("target")),
            profile=config.getoption("impl") is not None,
            module=config.getoption("impl_module") is not None,
            command=config.getoption("impl_cmd") is not None,
        )
        absent = impl.absent()
        if not impl.api_command and "api" not in impl.lacks and not absent:
            impl.import_api()
        data_dir = _data_dir(config)
        catalogue = Catalogue.load(data_dir)
        check_names(impl, catalogue)
        performance = _performance(config, impl.name)
    except KitUsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    state = RunState(
        implementation=impl,
        catalogue=catalogue,
        spec_root=data_dir.parent.resolve(),
        strict=bool(config.getoption("strict")),
        io_timeout=config.getoption("io_timeout"),
        online=config.getoption("online"),
        validate_harness=config.getoption("validate_harness"),
        absent=absent,
    )
    config.stash[STATE_KEY] = state
    vectors.activate(catalogue)
    if not _judges_here(config, state.spec_root):
        return
    if _runs_cases(config) and not state.absent:  # only now: a project's own tests never start the implementation
        try:
            preflight.check(impl, timeout=config.getoption("io_timeout"))
            for target in impl.targets:
                targets.reach(target, config.getoption("io_timeout"))
        except KitUsageError as exc:
            raise pytest.UsageError(str(exc)) from None
    cache_dir.separate(config, impl.name)
    manager = config.pluginmanager
    manager.register(ResultCollector(state), "sockspec-results")
    manager.register(TerminalSummary(state), "sockspec-terminal")
    if getattr(config, "workerinput", None) is not None:
        return  # xdist workers send their reports to the controller, which writes the files
    destinations = _destinations(config, state)
    manager.register(destinations, "sockspec-destinations")
    manager.register(JsonReport(state, destinations), "sockspec-json")
    if destinations.html is not None:
        from sockspec.report_html import HtmlReportHooks

        manager.register(HtmlReportHooks(state, Path(config.rootpath), performance), "sockspec-html")


def _destinations(config: pytest.Config, state: RunState) -> Destinations:
    """The default report paths, and which of them the user chose; pytest-html is pointed at its path here."""
    name = state.implementation.name
    chosen_dir = config.getoption("report_dir")
    report_dir = Path(chosen_dir or "reports")
    json_given = config.getoption("json_report")
    html: Path | None = None
    html_given = False
    if config.pluginmanager.hasplugin("html"):
        html_given = config.option.htmlpath is not None
        if not html_given:
            config.option.htmlpath = str(report_dir / f"{name}.html")
            config.option.self_contained_html = True
        html = Path(config.option.htmlpath)
    return Destinations(
        state,
        json=Path(json_given or report_dir / f"{name}.json"),
        html=html,
        json_chosen=bool(json_given or chosen_dir),
        html_chosen=bool(html and (html_given or chosen_dir)),
    )


def _runs_cases(config: pytest.Config) -> bool:
    """Whether this process is about to run cases: not an xdist worker (the controller checked), not --help."""
    worker = getattr(config, "workerinput", None) is not None
    return not (worker or config.getoption("help") or config.getoption("collectonly"))


def _judges_here(config: pytest.Config, spec_root: Path) -> bool:
    """Whether this run can hold spec cases: the suite is under the rootdir, or an argument lies in it.

    The entry point loads the plugin into every pytest run where sockspec is
    installed; a project's own tests get neither reports nor a moved cache.
    """
    if config.getoption("spec_data") or (Path(config.rootpath) / "specs" / "data").is_dir():
        return True
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path == spec_root or spec_root in path.parents:
            return True
    return False


def _performance(config: pytest.Config, implementation: str) -> dict[str, Any] | None:
    """The bench result that ``--bench-json`` names, checked to belong to this report."""
    given = config.getoption("bench_json")
    if given is None:
        return None
    if not config.pluginmanager.hasplugin("html"):
        raise KitUsageError("--bench-json adds a section to the HTML report, but pytest-html is disabled here")
    from sockspec.bench import load_document

    doc = load_document(Path(given))
    measured = doc["implementation"]["name"]
    if measured != implementation:
        raise KitUsageError(
            f"--bench-json {given} measured implementation {measured!r}, but this run tests {implementation!r}"
        )
    return doc


def pytest_unconfigure(config: pytest.Config) -> None:
    for name in _REGISTERED:
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin, name)
    if STATE_KEY in config.stash:
        del config.stash[STATE_KEY]
