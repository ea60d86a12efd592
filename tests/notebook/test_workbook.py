"""workbook.ipynb runs top to bottom with a real kernel, and is committed without outputs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

WORKBOOK = Path(__file__).resolve().parents[2] / "workbook.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.notebook


def test_committed_without_outputs():
    notebook = nbformat.read(WORKBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.source[:40]!r} has outputs"
            assert cell.execution_count is None


@pytest.fixture(scope="module")
def executed():
    from nbclient import NotebookClient

    notebook = nbformat.read(WORKBOOK, as_version=4)
    env_backend = os.environ.pop("MPLBACKEND", None)  # the notebook runs as a user's would
    try:
        start = time.perf_counter()
        NotebookClient(
            notebook, timeout=120, kernel_name="python3",
            resources={"metadata": {"path": str(WORKBOOK.parent)}},
        ).execute()
        elapsed = time.perf_counter() - start
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    return notebook, elapsed


def test_runs_top_to_bottom_without_errors_or_warnings(executed):
    notebook, elapsed = executed
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", output.get("evalue")
            if output.output_type == "stream":
                assert output.name != "stderr", f"stderr in {cell.source[:60]!r}: {output.text}"
    assert elapsed < 60, f"Run All took {elapsed:.1f} s"


def test_every_panel_cell_shows_a_widget(executed):
    notebook, _ = executed
    panel_cells = [c for c in notebook.cells if c.metadata.get("tags", []) == ["panel"]]
    for cell in panel_cells:
        kinds = {k for o in cell.outputs for k in o.get("data", {})}
        assert WIDGET_VIEW in kinds, f"no widget from {cell.source[:60]!r}"
