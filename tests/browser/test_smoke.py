"""The harness proves itself: a demo panel renders, responds to a click, shows one figure."""

from __future__ import annotations

import nbformat
import pytest

from tests.browser.conftest import screenshot
from tests.browser.lab import open_notebook, output_problems, run_all

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def smoke_notebook(served_root):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Smoke test"),
        nbformat.v4.new_code_cell(
            "from tests.panels.demo import DemoPanel\npanel = DemoPanel()\npanel"
        ),
    ]
    nbformat.write(notebook, served_root / "smoke.ipynb")
    return "smoke.ipynb"


def test_demo_panel_renders_clicks_and_shows_one_figure(page, lab_url, smoke_notebook):
    open_notebook(page, lab_url, smoke_notebook)
    run_all(page)
    panel = page.locator(".wb-panel").first
    panel.wait_for(timeout=60_000)
    assert output_problems(page) == []
    button = panel.get_by_role("button", name="Click me")
    button.click()
    page.get_by_text("clicked 1 times").wait_for(timeout=10_000)
    figures = page.locator(".jupyter-matplotlib-figure")
    assert figures.count() == 1
    canvas = page.locator(".jupyter-matplotlib-canvas-div canvas").first
    canvas.wait_for(timeout=20_000)
    page.wait_for_function(
        """() => {
            const c = document.querySelector('.jupyter-matplotlib-canvas-div canvas');
            if (!c || c.width < 50) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let dark = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 3] > 0) dark++;
            return dark > 200;
        }""",
        timeout=20_000,
    )
    screenshot(page, "smoke-demo-panel", panel)
