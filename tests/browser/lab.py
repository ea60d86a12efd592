"""Driving a notebook in JupyterLab: open, run all, wait, check outputs."""

from __future__ import annotations

import time

OUTPUT_PROBLEMS = ("Error displaying widget", "Traceback (most recent call last)")


def open_notebook(page, lab_url: str, name: str) -> None:
    """Open ``name`` in a fresh workspace and wait for its kernel."""
    page.goto(f"{lab_url}/lab/tree/{name}?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=90_000)
    _accept_kernel_dialog(page)
    page.wait_for_selector(
        ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
    )


def _accept_kernel_dialog(page) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            page.locator(".jp-Dialog .jp-mod-accept").first.click()
            return
        if page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count():
            return
        time.sleep(0.2)


def run_all(page, timeout: float = 180) -> None:
    """Run every cell (Run > Run All Cells) and wait until the kernel is idle again."""
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click()
    page.keyboard.press("Escape")
    page.evaluate(
        "() => window.jupyterapp ? window.jupyterapp.commands.execute('notebook:run-all-cells')"
        " : null"
    )
    if not page.evaluate("() => !!window.jupyterapp"):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
    wait_idle(page, timeout)


def wait_idle(page, timeout: float = 120) -> None:
    """Wait until no cell is queued or running and the kernel reports idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = page.evaluate(
            """() => [...document.querySelectorAll('.jp-InputArea-prompt')]
                     .some(p => p.textContent.includes('*'))"""
        )
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count()
        if not busy and idle:
            page.wait_for_timeout(500)  # let widget views render
            return
        time.sleep(0.25)
    raise AssertionError("the notebook did not finish running in time")


def output_problems(page) -> list[str]:
    """Outputs that show a widget that failed to render, or a traceback."""
    texts = page.evaluate(
        """() => [...document.querySelectorAll('.jp-OutputArea-output')]
                 .map(o => o.innerText)"""
    )
    return [t[:300] for t in texts if any(p in t for p in OUTPUT_PROBLEMS)]
