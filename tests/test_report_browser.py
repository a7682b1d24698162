"""The HTML report in a real browser engine: the verdict filters work, and the page fits a laptop screen.

Headless Chromium (Debian's ``chromium``, which ``.ci/run`` installs) driven
by Playwright (the ``[dev]`` extra) with the system browser; skipped, with
the reason, where either is missing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_plugin import CATALOGUE

pytest_plugins = ["pytester"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

SOURCE = """
import pytest
from sockspec import expect_equal, unsupported

LONG = ["a-very-long-parameter-" + "x" * 150 + str(i) for i in range(3)]

@pytest.mark.req("s05.t.must")
@pytest.mark.parametrize("name", LONG)
def test_must(name):
    expect_equal("f()", 1, 1)

@pytest.mark.req("s05.t.must")
def test_must_fails():
    expect_equal("f()", 2, 3)

@pytest.mark.req("s05.t.should")
def test_should():
    assert False, "not as recommended"

@pytest.mark.req("s05.t.info")
def test_info():
    unsupported("api.frobnicate")
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)")
    with playwright.sync_playwright() as p:
        engine = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield engine
        engine.close()


@pytest.fixture
def page(browser: Any, pytester: pytest.Pytester) -> Iterator[Any]:
    data = pytester.mkdir("specs") / "data"
    data.mkdir()
    (data / "s05_t.json").write_text(json.dumps(CATALOGUE))
    pytester.makeconftest('pytest_plugins = ["sockspec.plugin"]')
    pytester.makepyfile(**{"specs/test_x.py": SOURCE})
    result = pytester.runpytest_subprocess("specs", "-p", "no:cacheprovider", "--report-dir", "out")
    assert result.ret == 1, result.stdout.str()
    tab = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto((pytester.path / "out" / "reference.html").as_uri())
    yield tab
    tab.close()
    assert errors == []


def shown(page: Any, verdict: str) -> int:
    """Rows of ``verdict`` that the reader can see."""
    return int(
        page.evaluate(
            """(verdict) => [...document.querySelectorAll('#results-table td.col-verdict')]
                .filter((td) => td.dataset.verdict === verdict && td.offsetParent !== null).length""",
            verdict,
        )
    )


def test_the_page_does_not_scroll_sideways_at_1280_px(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.click("#show_all_details")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_verdict_filter_buttons_hide_and_show_rows(page: Any) -> None:
    assert (shown(page, "PASS"), shown(page, "FAIL"), shown(page, "NON-STRICT")) == (3, 1, 1)
    assert shown(page, "UNSUPPORTED") == 0  # declared gaps start hidden: they are listed by reason above
    page.click(".sockspec-filters button[data-slug='fail']")
    assert shown(page, "FAIL") == 0 and shown(page, "PASS") == 3
    page.click(".sockspec-filters button[data-slug='pass']")
    assert shown(page, "PASS") == 0 and shown(page, "NON-STRICT") == 1
    page.click(".sockspec-filters button[data-slug='unsupported']")
    assert shown(page, "UNSUPPORTED") == 1
    page.click(".sockspec-filters button[data-slug='fail']")
    assert shown(page, "FAIL") == 1
    page.click("th[data-column-type='requirement']")  # pytest-html redraws the table: the filter stays
    assert shown(page, "FAIL") == 1 and shown(page, "PASS") == 0


def test_the_first_screen_opens_the_fails_first(page: Any) -> None:
    assert page.inner_text(".sockspec-standing").startswith("DOES NOT CONFORM")
    first = page.locator("#results-table tbody").first
    assert first.locator("td.col-verdict").inner_text() == "FAIL"
    assert first.locator(".sockspec-case").is_visible()  # a FAIL opens with its detail
    assert "f(): expected 3; got 2" in first.locator(".sockspec-case").inner_text()
    passing = page.locator("#results-table tbody:has(td.col-verdict[data-verdict='PASS'])").first
    assert not passing.locator(".sockspec-case").is_visible()  # everything else is one line
