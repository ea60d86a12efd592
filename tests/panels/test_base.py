from __future__ import annotations

import gc
import tracemalloc

import ipywidgets
import pytest
from matplotlib import pyplot

from tests.conftest import live_widgets
from tests.panels.demo import DemoPanel
from widgets.panels.base import Panel


def test_panel_is_a_vbox_and_nests():
    panel = DemoPanel()
    assert isinstance(panel, ipywidgets.VBox)
    box = ipywidgets.Tab(children=[ipywidgets.HBox([panel])])
    assert box.children[0].children[0] is panel


def test_error_banner_shows_and_keeps_last_good_state():
    panel = DemoPanel("x")
    assert panel.error == ""
    assert panel.value == pytest.approx(0.5)
    assert panel._banner.layout.display == "none"
    panel.text.value = "sine(x)"
    assert "did you mean sin" in panel.error
    assert panel._banner.layout.display == "block"
    assert "did you mean sin" in panel._banner.value
    assert panel.value == pytest.approx(0.5)  # last good result kept
    panel.text.value = "1/(x - 0.5)"
    assert "not finite at x = 0.5" in panel.error
    panel.text.value = "3*x**2"
    assert panel.error == ""
    assert panel._banner.layout.display == "none"
    assert panel.value == pytest.approx(1.0, abs=1e-4)


def test_button_click_updates_readout():
    panel = DemoPanel()
    panel.button.click()
    panel.button.click()
    assert panel.clicks == 2
    assert "clicked 2 times" in panel.readout.value


def test_hold_coalesces_a_burst_into_one_update():
    panel = DemoPanel()
    before = panel.updates
    with panel.hold():
        for k in range(1, 50):
            panel.k = float(k)
        panel.text.value = "x**3"
    assert panel.updates == before + 1
    assert panel.value == pytest.approx(0.25, abs=1e-4)


def test_figure_uses_ipympl_canvas_without_pyplot():
    from ipympl.backend_nbagg import Canvas

    panel = DemoPanel()
    canvas = panel.line.figure.canvas
    assert isinstance(canvas, Canvas)
    assert canvas in panel.children
    assert canvas.header_visible is False
    assert pyplot.get_fignums() == []


def test_close_closes_every_owned_widget():
    baseline = live_widgets()
    panel = DemoPanel()
    assert live_widgets() > baseline
    panel.close()
    assert live_widgets() == baseline


def test_hundred_panels_and_thousand_updates_do_not_leak():
    def cycle(count: int) -> None:
        for _ in range(count):
            DemoPanel().close()

    cycle(5)  # warm caches (sympy, lambdify, matplotlib fonts)
    gc.collect()
    baseline_widgets = live_widgets()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cycle(100)
        gc.collect()
        after_panels = tracemalloc.get_traced_memory()[0]
        panel = DemoPanel()
        for i in range(1000):
            panel.k = 1.0 + i % 7
        panel.close()
        gc.collect()
        after_updates = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert live_widgets() == baseline_widgets
    assert pyplot.get_fignums() == []
    assert after_panels - before < 2_000_000, after_panels - before
    assert after_updates - before < 2_000_000, after_updates - before


def test_base_panel_alone_has_no_figure_and_no_error():
    panel = Panel("Empty")
    assert panel.recompute() is True
    assert panel.error == ""
