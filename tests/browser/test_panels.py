"""Each panel in a real JupyterLab: it renders, responds on the page, and is screenshotted."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, write_notebook
from tests.browser.lab import open_notebook, output_problems, run_all

pytestmark = pytest.mark.browser


def _show(page, lab_url, served_root, name, *sources):
    notebook = write_notebook(served_root, f"{name}.ipynb", *sources)
    open_notebook(page, lab_url, notebook)
    run_all(page)
    panel = page.locator(".wb-panel").first
    panel.wait_for(timeout=60_000)
    assert output_problems(page) == []
    return panel


_CANVAS_PIXELS = (
    "(() => { const c = document.querySelector('.jupyter-matplotlib-canvas-div canvas');"
    " if (!c) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height)"
    ".data; let s = 0; for (let i = 0; i < d.length; i += 3) s = (s * 31 + d[i]) % 1e9;"
    " return s; })()"
)


def _canvas_pixels(page) -> int:
    """A checksum of the first ipympl canvas's pixels."""
    return page.evaluate(f"() => {_CANVAS_PIXELS}")


def test_matrix_inspector_cell_edit_updates_determinant(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "matrix",
        "from widgets import MatrixInspector\npanel = MatrixInspector([[2, 1], [1, 3]])\npanel",
    )
    report = panel.locator(".wb-report")
    report.get_by_text("scales areas by 5").wait_for(timeout=20_000)
    cell = panel.locator(".wb-cell input").first
    cell.fill("4")
    cell.press("Enter")
    report.get_by_text("scales areas by 11").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)  # let the canvases draw
    screenshot(page, "matrix-inspector", panel)


def test_optimizer_steps_and_click_sets_start(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "optimizer",
        "from widgets import OptimizerStepper\n"
        "panel = OptimizerStepper('rosenbrock', 'momentum', learning_rate=2e-4)\npanel",
    )
    readout = panel.locator(".wb-readout")
    readout.get_by_text("running").wait_for(timeout=20_000)
    assert readout.locator("td").nth(1).inner_text() == "0"
    before = _canvas_pixels(page)
    panel.get_by_role("button", name="Step ×10").click()
    page.wait_for_function(
        "() => document.querySelector('.wb-readout td:nth-child(2)').innerText === '10'",
        timeout=20_000,
    )
    # The path is drawn in the figure: its pixels change once the new frame arrives.
    page.wait_for_function(f"() => ({_CANVAS_PIXELS}) !== {before}", timeout=20_000)
    canvas = panel.locator(".jupyter-matplotlib-canvas-div").first
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    page.wait_for_function(
        "() => document.querySelector('.wb-readout td:nth-child(2)').innerText === '0'",
        timeout=20_000,
    )
    start = page.evaluate("() => document.querySelector('.wb-readout td:nth-child(3)').innerText")
    assert start != "[−1.5, 2]"
    panel.get_by_role("button", name="Step ×10").click()
    page.wait_for_function(
        "() => document.querySelector('.wb-readout td:nth-child(2)').innerText === '10'",
        timeout=20_000,
    )
    page.wait_for_timeout(2000)
    screenshot(page, "optimizer-stepper", panel)


def test_integration_comparer_n_slider_updates_table(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "integration",
        "from widgets import IntegrationComparer\npanel = IntegrationComparer(n=10)\npanel",
    )
    table = panel.locator(".wb-table")
    table.get_by_text("needs n divisible by 3: try n = 9 or 12").wait_for(timeout=30_000)
    slider = panel.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
    slider.focus()
    slider.press("ArrowRight")
    table.get_by_text("try n = 10 or 12").first.wait_for(timeout=20_000)  # n = 11: Simpson
    slider.press("ArrowRight")
    page.wait_for_function(
        "() => !document.querySelector('.wb-table').innerText.includes('needs n divisible')",
        timeout=20_000,
    )  # n = 12 suits every rule
    page.wait_for_timeout(2000)
    screenshot(page, "integration-comparer", panel)


def test_differentiator_typing_updates_rendered_derivative(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "differentiator",
        "from widgets import SymbolicDifferentiator\n"
        "panel = SymbolicDifferentiator('x^3')\npanel",
    )
    result = panel.locator(".wb-derivative")
    result.locator("mjx-container, .MathJax").first.wait_for(timeout=30_000)
    box = panel.locator(".widget-text input").first
    box.fill("x^2*sin(x)")
    page.wait_for_function(
        """() => {
            const r = document.querySelector('.wb-derivative');
            return r && r.innerText.includes('cos') && r.innerText.includes('sin');
        }""",
        timeout=30_000,
    )
    assert "x^3" not in panel.locator(".wb-preview").inner_text()
    page.wait_for_timeout(2000)
    screenshot(page, "symbolic-differentiator", panel)


def test_monte_carlo_lab_new_seed_changes_estimate(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "montecarlo",
        "from widgets import MonteCarloLab\npanel = MonteCarloLab(n=200000, seed=7)\npanel",
    )
    readout = panel.locator(".wb-readout")
    readout.get_by_text("standard error", exact=True).wait_for(timeout=30_000)
    first = readout.inner_text()
    panel.get_by_role("button", name="Sample again (new seed)").click()
    page.wait_for_function(
        "(before) => document.querySelector('.wb-readout').innerText !== before",
        arg=first, timeout=20_000,
    )
    page.wait_for_timeout(2000)
    screenshot(page, "monte-carlo-lab", panel)


def test_hypothesis_explorer_alpha_changes_decision(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "hypothesis",
        "from widgets import HypothesisTestExplorer\npanel = HypothesisTestExplorer()\npanel",
    )
    decision = panel.locator(".wb-decision")
    decision.get_by_text("reject H0: the means differ at alpha = 0.05").wait_for(timeout=30_000)
    alpha = panel.locator(".widget-text input").nth(7)
    alpha.fill("0.01")
    alpha.press("Enter")
    decision.get_by_text("do not reject H0").wait_for(timeout=20_000)
    panel.get_by_role("button", name="Simulate power").click()
    panel.get_by_text("power by simulation").wait_for(timeout=30_000)
    page.wait_for_timeout(2000)
    screenshot(page, "hypothesis-test-explorer", panel)


def test_broadcasting_explorer_shape_edit(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "broadcasting",
        "from widgets import BroadcastingExplorer\npanel = BroadcastingExplorer()\npanel",
    )
    verdict = panel.locator(".wb-verdict")
    verdict.get_by_text("broadcast to (4, 3)").wait_for(timeout=30_000)
    box = panel.locator(".widget-text input").nth(1)
    box.fill("(4,)")
    box.press("Enter")
    verdict.get_by_text("do not broadcast").wait_for(timeout=20_000)
    box.fill("(4, 1)")
    box.press("Enter")
    verdict.get_by_text("broadcast to (4, 3)").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)
    screenshot(page, "broadcasting-explorer", panel)


def test_vectorization_race_runs(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "race",
        "from widgets import VectorizationRace\npanel = VectorizationRace(n=100000)\npanel",
    )
    panel.get_by_role("button", name="Run").click()
    panel.locator(".wb-readout").get_by_text("speedup").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    screenshot(page, "vectorization-race", panel)


def test_root_finder_steps(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "roots",
        "from widgets import RootFinder\npanel = RootFinder()\npanel",
    )
    panel.locator(".wb-summary").get_by_text("brentq: 1.5213797068").wait_for(timeout=30_000)
    for _ in range(3):
        panel.get_by_role("button", name="Step", exact=True).click()
    panel.get_by_text("bisection: 3 of 33 iterations").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)
    screenshot(page, "root-finder", panel)


def test_exercise_card_checks_an_answer(page, lab_url, served_root):
    panel = _show(
        page, lab_url, served_root, "exercise",
        "from widgets import ExerciseCard\npanel = ExerciseCard('gd_step')\npanel",
    )
    box = panel.locator(".widget-text input").first
    box.fill("4.8")
    box.press("Enter")
    panel.get_by_role("button", name="Check").click()
    panel.locator(".wb-feedback").get_by_text("off by a factor of 2").wait_for(timeout=20_000)
    box.fill("2.4")
    box.press("Enter")
    panel.get_by_role("button", name="Check").click()
    panel.locator(".wb-feedback").get_by_text("correct").wait_for(timeout=20_000)
    screenshot(page, "exercise-card", panel)


def test_symbolic_time_budget_from_a_widget_callback(page, lab_url, served_root):
    """A simplification that would run for minutes is stopped at the budget; the kernel
    answers the next change at once."""
    panel = _show(
        page, lab_url, served_root, "budget",
        "from widgets import SymbolicDifferentiator\n"
        "panel = SymbolicDifferentiator('x^2')\npanel",
    )
    box = panel.locator(".widget-text input").first
    box.fill("(sin(x) + cos(x) + tan(x) + exp(x) + log(x))^12")
    panel.locator(".wb-derivative").get_by_text("took longer than 2 s").wait_for(
        timeout=60_000)
    box.fill("x^3")
    page.wait_for_function(
        "() => document.querySelector('.wb-derivative').textContent.includes('= 3x2')",
        timeout=15_000,
    )
    assert output_problems(page) == []
