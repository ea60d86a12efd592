"""The workbook in JupyterLab and as a Voila app: every panel renders and responds."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port, screenshot, serving
from tests.browser.lab import open_notebook, output_problems, run_all

pytestmark = pytest.mark.browser

PANELS = 18  # ten panels, the Hessian's inspector, and eight exercise cards


def _panel(page, title: str):
    return page.locator(".wb-panel", has=page.get_by_text(title, exact=True)).first


def _changed(page, locator, before: str, timeout: float = 30_000) -> None:
    handle = locator.element_handle()
    page.wait_for_function("([el, before]) => el.textContent !== before",
                           arg=[handle, before], timeout=timeout)


def _set_text(box, value: str) -> None:
    box.fill(value)
    box.press("Enter")


@pytest.fixture(scope="module")
def workbook_page(browser, lab_url):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    page = context.new_page()
    open_notebook(page, lab_url, "workbook.ipynb")
    run_all(page, timeout=240)
    page.locator(".wb-panel").nth(PANELS - 1).wait_for(timeout=120_000)
    yield page
    context.close()


def test_every_panel_renders_without_errors(workbook_page):
    page = workbook_page
    assert page.locator(".wb-panel").count() == PANELS
    assert output_problems(page) == []
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                        ).count() == 0


def test_each_panel_responds_on_the_page(workbook_page):
    page = workbook_page

    broadcasting = _panel(page, "Broadcasting explorer")
    _set_text(broadcasting.locator(".widget-text input").nth(1), "(4,)")
    broadcasting.get_by_text("do not broadcast").wait_for(timeout=30_000)
    screenshot(page, "workbook-broadcasting", broadcasting)

    inspector = _panel(page, "Matrix inspector")
    report = inspector.locator(".wb-report")
    before = report.text_content()
    _set_text(inspector.locator(".wb-cell input").first, "20")
    _changed(page, report, before)
    screenshot(page, "workbook-matrix", inspector)

    optimizer = _panel(page, "Optimizer stepper")
    optimizer.get_by_role("button", name="Step ×10").click()
    optimizer.locator(".wb-readout td:nth-child(2)", has_text="10").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    screenshot(page, "workbook-optimizer", optimizer)

    hessian = page.locator(".wb-panel", has=page.get_by_text("Matrix inspector", exact=True)
                           ).nth(1)
    hessian_report = hessian.locator(".wb-report")
    before = hessian_report.text_content()
    page.get_by_role("button", name="Inspect the Hessian at x_k").click()
    _changed(page, hessian_report, before)
    assert "scales areas by 1" not in hessian_report.text_content()
    screenshot(page, "workbook-hessian", hessian)

    roots = _panel(page, "Root finder")
    roots.get_by_role("button", name="Step", exact=True).click()
    roots.get_by_text("bisection: 1 of 33 iterations").wait_for(timeout=30_000)
    screenshot(page, "workbook-roots", roots)

    t_test = _panel(page, "Hypothesis test explorer")
    _set_text(t_test.locator(".widget-text input").nth(7), "0.01")
    t_test.get_by_text("do not reject H0").wait_for(timeout=30_000)
    screenshot(page, "workbook-t-test", t_test)

    differentiator = _panel(page, "Symbolic differentiator")
    _set_text(differentiator.locator(".widget-text input").first, "x^2 + 10*y^2")
    differentiator.locator(".wb-preview").get_by_text("you typed").wait_for(timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.wb-derivative')].some("
        "r => r.textContent.includes('= 2x'))", timeout=30_000)  # MathJax's assistive text
    page.get_by_role("button", name="Send f(x, y) to the optimizer").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.wb-panel select')].some("
        "s => s.value === 'custom f(x, y)' || "
        "s.options[s.selectedIndex]?.text === 'custom f(x, y)')", timeout=30_000)
    screenshot(page, "workbook-differentiator", differentiator)

    monte_carlo = _panel(page, "Monte Carlo lab")
    readout = monte_carlo.locator(".wb-readout")
    before = readout.text_content()
    monte_carlo.get_by_role("button", name="Sample again (new seed)").click()
    _changed(page, readout, before)
    page.wait_for_timeout(1500)
    screenshot(page, "workbook-monte-carlo", monte_carlo)

    integrator = _panel(page, "Integration rule comparer")
    _set_text(differentiator.locator(".widget-text input").first, "x^2*sin(x)")
    differentiator.locator(".wb-preview").get_by_text("you typed").wait_for(timeout=30_000)
    page.get_by_role("button", name="Send f(x) to the integrator").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.wb-panel input')].some("
        "i => i.value === 'x^2*sin(x)' && i.closest('.wb-panel').innerText"
        ".includes('Integration rule comparer'))", timeout=30_000)
    integrator.locator(".wb-table").get_by_text("Simpson 1/3").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    screenshot(page, "workbook-integration", integrator)

    race = _panel(page, "Vectorization race")
    race.get_by_role("button", name="Run").click()
    race.locator(".wb-readout").get_by_text("speedup").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    screenshot(page, "workbook-race", race)

    card = page.locator(".wb-panel", has=page.get_by_text("Monte Carlo: E[X²] for a standard "
                                                          "normal", exact=True)).first
    _set_text(card.locator(".widget-text input").first, "1")
    card.get_by_role("button", name="Check").click()
    card.locator(".wb-feedback").get_by_text("correct").wait_for(timeout=30_000)
    screenshot(page, "workbook-exercise", card)
    assert output_problems(page) == []


def test_voila_app_renders_every_panel(browser, served_root):
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or shutil.which("voila")
    if voila is None:
        if os.environ.get("WIDGETS_REQUIRE_BROWSER"):
            pytest.fail("voila is not installed (pip install -e '.[app]')")
        pytest.skip("voila is not installed (pip install -e '.[app]')")
    port = _free_port()
    command = [voila, "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
               "--strip_sources=True", "workbook.ipynb"]
    with serving(command, served_root, "/", port) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 2400})
        page = context.new_page()
        page.goto(f"{url}/", wait_until="domcontentloaded", timeout=180_000)
        page.locator(".wb-panel").nth(PANELS - 1).wait_for(timeout=180_000)
        assert page.locator(".wb-panel").count() == PANELS
        text = page.locator("body").inner_text()
        assert "Error displaying widget" not in text and "Traceback" not in text
        assert "import numpy as np" not in text  # code is hidden
        page.wait_for_timeout(2000)
        screenshot(page, "voila-app")
        context.close()
