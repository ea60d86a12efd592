from __future__ import annotations

import math

import numpy as np
import pytest

from widgets import HypothesisTestExplorer, MonteCarloLab
from widgets.panels.montecarlo import INTEGRAL_PRESETS


def test_pi_mode_results_and_picture():
    lab = MonteCarloLab(n=100_000, seed=1)
    assert lab.error == ""
    assert lab.estimate == pytest.approx(math.pi, abs=0.03)
    assert lab.interval[0] < lab.estimate < lab.interval[1]
    artists = lab._figures_by_mode["pi"]
    assert len(artists["points"].get_offsets()) == 3000
    assert "interval covers the reference" in lab.readout.value
    first = lab.estimate
    lab.sample_button.click()
    assert lab.seed == 2 and lab.estimate != first
    lab.seed = 1
    assert lab.estimate == first


def test_only_the_shown_modes_figure_is_built():
    lab = MonteCarloLab()
    assert set(lab._figures_by_mode) == {"pi"}
    lab.mode = "bootstrap"
    assert set(lab._figures_by_mode) == {"pi", "bootstrap"}
    assert lab._figure_box.children == (lab._figures_by_mode["bootstrap"]["figure"].canvas,)


def test_integral_mode_presets_against_exact_values():
    lab = MonteCarloLab(mode="integral", n=200_000)
    for name in INTEGRAL_PRESETS:
        lab.preset.value = name
        assert lab.error == "", name
        assert lab.reference is not None
        assert abs(lab.estimate - lab.reference) < 5 * lab.standard_error, name
    lab.preset.value = "E[X²], X ~ N(0, 1) (the chapter's exercise)"
    assert lab.reference == pytest.approx(1.0)


def test_integral_mode_bad_inputs_keep_last_state():
    lab = MonteCarloLab(mode="integral", n=10_000)
    good = lab.estimate
    lab.expression = "sine(x)"
    assert "did you mean sin" in lab.error
    assert lab.estimate == good
    lab.expression = "x^2"
    lab.distribution, lab.b = "normal", -1.0
    assert "standard deviation must be positive" in lab.error
    lab.b = 1.0
    lab.n = 10**8
    assert "capped at 10,000,000" in lab.error
    lab.n = 1000
    assert lab.error == ""


def test_bootstrap_mode_generated_and_pasted():
    lab = MonteCarloLab(mode="bootstrap", resamples=2000, seed=1)
    assert lab.error == ""
    low, high = lab.interval
    assert low < lab.estimate < high
    lab.data = "3 1 4 1 5 9 2 6 5 3 5"
    assert lab.estimate == 4.0
    lab.statistic = "mean"
    assert lab.estimate == pytest.approx(np.mean([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]))
    lab.data = "1 2 x"
    assert "entry 3 ('x') is not a number" in lab.error
    lab.data = ""
    lab.resamples = 20_000
    assert "B is capped" in lab.error
    lab.resamples = 100
    lab.sample_size = 1
    assert "at least 2" in lab.error


def test_hypothesis_default_is_the_chapter_example():
    explorer = HypothesisTestExplorer()
    np.random.seed(42)
    a, b = np.random.normal(5.0, 1.0, 30), np.random.normal(5.5, 1.0, 30)
    import scipy.stats

    expected = scipy.stats.ttest_ind(a, b)
    assert explorer.statistic == pytest.approx(expected.statistic)
    assert explorer.pvalue == pytest.approx(expected.pvalue)
    assert explorer.df == 58
    assert explorer.reject
    assert "reject H0: the means differ at alpha = 0.05" in explorer.decision_html.value


def test_hypothesis_welch_alpha_power_and_pasted_samples():
    explorer = HypothesisTestExplorer()
    explorer.test_picker.value = "welch"
    assert explorer.df < 58
    explorer.alpha = 0.01
    assert not explorer.reject
    assert "do not reject H0" in explorer.decision
    explorer.test = "student"
    explorer.power_button.click()
    assert explorer.power["simulated"] == pytest.approx(explorer.power["analytic"], abs=0.05)
    assert "power by simulation" in explorer.power_html.value
    explorer.data_a, explorer.data_b = "1 2 3 4", "5 6 7 8"
    assert explorer.statistic == pytest.approx(-4.381780460041329)
    explorer.power_button.click()
    assert "clear the pasted ones" in explorer.error


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"n_a": 1}, "at least 2"),
        ({"alpha": 0.0}, "strictly between 0 and 1"),
        ({"data_a": "1 1 1", "data_b": "2 2 2"}, "zero variance"),
        ({"data_a": "1 2 y", "data_b": "1 2 3"}, "sample A, entry 3"),
        ({"sd_b": -1.0}, "cannot be negative"),
    ],
)
def test_hypothesis_bad_inputs_keep_last_good_state(settings, fragment):
    explorer = HypothesisTestExplorer()
    good = explorer.statistic
    for name, value in settings.items():
        setattr(explorer, name, value)
    assert fragment in explorer.error
    assert explorer.statistic == good
