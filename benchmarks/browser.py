"""Responsiveness in a real browser, run by hand: ``.venv/bin/python benchmarks/browser.py``.

Starts JupyterLab on 127.0.0.1 (as the browser tests do), shows the four core panels, then for
each changes a control 20 times and times how long the page takes to show the updated result
(from the input event to the new text in the DOM, polled every 5 ms). Two runs: one change at a
time (the page settles 400 ms between changes, as when a person reads the result), and back to
back (the next change as soon as the text appears, while the kernel may still be drawing the
figures of the last one). Prints a Markdown table of medians.
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import (
    CHROMIUM_FLAGS,
    find_chromium,
    write_notebook,
)
from tests.browser.lab import open_notebook, run_all

CHANGES = 20


SETTLE_MS = 0  # set by main(): pause between changes, as a person looking at the result


def _timed(page, action, changed_script: str, arg) -> float:
    if SETTLE_MS:
        page.wait_for_timeout(SETTLE_MS)
    start = time.perf_counter()
    action()
    page.wait_for_function(changed_script, arg=arg, timeout=30_000, polling=5)
    return time.perf_counter() - start


def _text_changed(page, selector: str):
    before = page.evaluate(f"() => document.querySelector('{selector}').textContent")
    script = f"(before) => document.querySelector('{selector}').textContent !== before"
    return script, before


def measure(page) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    panels = page.locator(".wb-panel")

    matrix = panels.nth(0)
    cell = matrix.locator(".wb-cell input").first
    samples = []
    for i in range(CHANGES):
        script, before = _text_changed(page, ".wb-report")
        samples.append(_timed(page, lambda i=i: (cell.fill(str(3 + i)), cell.press("Enter")),
                              script, before))
    times["MatrixInspector: edit a cell → report"] = samples

    optimizer = panels.nth(1)
    samples = []
    for _ in range(CHANGES):
        script, before = _text_changed(page, ".wb-readout")
        samples.append(_timed(page, optimizer.get_by_role("button", name="Step", exact=True)
                              .click, script, before))
    times["OptimizerStepper: Step → readout"] = samples

    integrator = panels.nth(2)
    handle = integrator.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle"
                                ).first
    handle.focus()
    samples = []
    for _ in range(CHANGES):
        script, before = _text_changed(page, ".wb-table")
        samples.append(_timed(page, lambda: handle.press("ArrowRight"), script, before))
    times["IntegrationComparer: n slider → table"] = samples

    differentiator = panels.nth(3)
    box = differentiator.locator(".widget-text input").first
    samples = []
    for i in range(CHANGES):
        script, before = _text_changed(page, ".wb-derivative")
        samples.append(_timed(page, lambda i=i: box.fill(f"x^{i + 3}*sin(x)"), script, before))
    times["SymbolicDifferentiator: type f → derivative"] = samples
    return times


def main() -> None:
    import pytest  # noqa: F401 - the harness module imports it
    from playwright.sync_api import sync_playwright

    from tests.browser import conftest

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found (set $CHROMIUM or apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "workbook.ipynb").write_text("{}")
        notebook = write_notebook(
            root, "bench.ipynb",
            "import widgets\n"
            "panels = [widgets.MatrixInspector([[2, 1], [1, 3]]), widgets.OptimizerStepper(),\n"
            "          widgets.IntegrationComparer(n=10),\n"
            "          widgets.SymbolicDifferentiator('x^2*sin(x)')]\n"
            "import ipywidgets\nipywidgets.VBox(panels)",
        )
        server = conftest.lab_url.__wrapped__(root)
        url = next(server)  # the test harness's own fixture, driven by hand
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                     args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1400, "height": 2400})
                open_notebook(page, url, notebook)
                run_all(page)
                page.locator(".wb-panel").nth(3).wait_for(timeout=120_000)
                page.wait_for_timeout(2000)
                global SETTLE_MS
                SETTLE_MS = 0
                back_to_back = measure(page)
                SETTLE_MS = 400
                settled = measure(page)
                browser.close()
        finally:
            server.close()
    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, headless Chromium, "
          f"JupyterLab on 127.0.0.1; {CHANGES} changes each.\n")
    print("| control change → result visible | median, one change at a time | median, "
          "back to back | goal |")
    print("|---|---|---|---|")
    for name in settled:
        print(f"| {name} | {statistics.median(settled[name]) * 1e3:.0f} ms | "
              f"{statistics.median(back_to_back[name]) * 1e3:.0f} ms | < 100 ms |")


if __name__ == "__main__":
    main()
