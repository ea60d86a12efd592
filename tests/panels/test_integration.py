from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate

from widgets import IntegrationComparer
from widgets.core import quadrature
from widgets.panels.integration import PRESETS

CHAPTER = 0.8948314694841449


def test_chapter_example_and_api():
    panel = IntegrationComparer("sin(x**2)", a=0, b="sqrt(pi)", n=10)
    assert panel.error == ""
    assert panel.reference["value"] == pytest.approx(CHAPTER, rel=1e-14)
    assert panel.reference["exact"] is not None
    assert panel.reference["source"] == "exact (SymPy)"
    x = np.linspace(0, math.sqrt(math.pi), 11)
    assert panel.results["trapezoid"]["estimate"] == pytest.approx(
        scipy.integrate.trapezoid(np.sin(x**2), x))
    assert panel.results["simpson"]["abs_error"] < panel.results["trapezoid"]["abs_error"] / 30
    assert set(panel.results) == set(quadrature.RULES)
    for key in ("estimate", "abs_error", "evaluations"):
        assert key in panel.results["gauss"]
    assert panel.convergence["trapezoid"]["order"] == pytest.approx(2, abs=0.1)
    assert panel.convergence["simpson"]["order"] == pytest.approx(4, abs=0.1)
    assert "Simpson 1/3" in panel.table_html.value


def test_n_changes_update_table_and_odd_n_is_explained_not_changed():
    panel = IntegrationComparer()
    panel.n_slider.value = 11
    assert panel.n == 11
    simpson = panel.results["simpson"]
    assert simpson["estimate"] is None
    assert "needs n divisible by 2" in simpson["note"] and "n = 10 or 12" in simpson["note"]
    assert panel.results["trapezoid"]["evaluations"] == 12
    panel.n = 12
    assert panel.results["simpson"]["estimate"] is not None
    assert panel.results["boole"]["estimate"] is not None
    assert panel.results["simpson38"]["estimate"] is not None


def test_observed_order_column():
    panel = IntegrationComparer(n=40)
    assert panel.results["trapezoid"]["order"] == pytest.approx(2, abs=0.05)
    assert panel.results["simpson"]["order"] == pytest.approx(4, abs=0.1)


def test_pieces_are_drawn_up_to_64_only():
    panel = IntegrationComparer(n=8)
    panel.rule = "trapezoid"
    assert len(panel._pieces.get_paths()) == 8
    panel.rule = "simpson"
    assert len(panel._pieces.get_paths()) == 4  # one parabolic arc per pair
    panel.rule = "gauss"
    assert len(panel._nodes.get_offsets()) == 8
    sizes = panel._nodes.get_sizes()
    assert sizes.max() > sizes.min()  # sized by weight
    panel.n = 100
    panel.rule = "trapezoid"
    assert len(panel._pieces.get_paths()) == 0
    assert "drawn up to n = 64" in panel._pieces_note.get_text()


def test_quad_subintervals_drawn():
    panel = IntegrationComparer("abs(x - 1/3)", 0, 1, n=10)
    assert len(panel.reference["subintervals"]) > 1
    assert len(panel._quad_ticks.get_segments()) > 2


def test_convergence_plot_switches_to_evaluations():
    panel = IntegrationComparer()
    line = panel._conv_lines["trapezoid"]
    np.testing.assert_array_equal(line.get_xdata(), panel.convergence["trapezoid"]["n"])
    panel.x_axis_picker.value = "evaluations"
    np.testing.assert_array_equal(line.get_xdata(),
                                  panel.convergence["trapezoid"]["evaluations"])
    label = line.get_label()
    assert label.startswith("trapezoid: n^-2.00") and label.endswith("theory 2")


def test_romberg_table_is_shown():
    panel = IntegrationComparer(n=16)
    assert panel.romberg.shape == (5, 5)
    assert panel.romberg[4, 4] == pytest.approx(panel.results["romberg"]["estimate"])
    assert "Richardson" in panel.romberg_html.value


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_load_without_error(name):
    panel = IntegrationComparer()
    panel.preset.value = name
    assert panel.error == ""
    f, a, b = PRESETS[name]
    assert (panel.expression, panel.a, panel.b) == (f, a, b)


def test_periodic_preset_shows_trapezoid_spectral_and_kink_shows_shortfall():
    panel = IntegrationComparer()
    panel.preset.value = "periodic exp(sin x) on [0, 2π]"
    panel.n = 16
    assert panel.results["trapezoid"]["abs_error"] < 1e-12
    panel.preset.value = "step at x = 0.3 on [0, 1]"
    assert "falls short" in panel.convergence["boole"]["note"]
    assert "falls short" in panel.convergence_html.value


def test_bounds_reversed_equal_and_infinite():
    panel = IntegrationComparer("x^2", 2, 1, n=10)
    assert panel.results["simpson"]["estimate"] == pytest.approx(-7 / 3)
    assert any("a > b" in note for note in panel.notes)
    panel.a = 1
    assert panel.results["trapezoid"]["estimate"] == 0
    assert any("a = b" in note for note in panel.notes)
    panel.expression, panel.a, panel.b = "exp(-x^2)", "-inf", "inf"
    assert panel.error == ""
    assert panel.reference["value"] == pytest.approx(math.sqrt(math.pi))
    assert panel.results["gauss"]["estimate"] is None
    assert "finite interval" in panel.results["gauss"]["note"]


def test_nonfinite_integrand_is_refused_and_last_state_kept():
    panel = IntegrationComparer("x^2", -1, 1, n=10)
    good = panel.results
    panel.expression = "1/x"
    assert panel.error == "f is not finite at x = 0 (a singularity)"
    assert panel.results is good
    panel.expression = "sine(x)"
    assert panel.error.startswith("f(x): unknown name 'sine'; did you mean sin?")
    panel.expression = "x^3"
    panel.b = "pie"
    assert panel.error.startswith("b: unknown name 'pie'; did you mean pi?")
    panel.b = "1"
    assert panel.error == ""


def test_n_is_clamped_with_a_message():
    panel = IntegrationComparer(n=10)
    panel.n = 0
    assert any("below 1" in note for note in panel.notes)
    assert panel.results["left"]["evaluations"] == 1
    panel.n = 10**9
    assert any("work cap" in note for note in panel.notes)
    assert panel.results["gauss"]["estimate"] is None


def test_monte_carlo_interval_and_seed():
    panel = IntegrationComparer(n=1000)
    note = panel.results["monte_carlo"]["note"]
    assert note.startswith("95% interval")
    first = panel.results["monte_carlo"]["estimate"]
    panel.seed = 1
    assert panel.results["monte_carlo"]["estimate"] != first
    panel.seed = 0
    assert panel.results["monte_carlo"]["estimate"] == first
