from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from widgets import ExpressionError
from widgets.core import montecarlo


def test_pi_estimate_standard_error_and_reproducibility():
    first = montecarlo.estimate_pi(1_000_000, seed=42)
    assert first["estimate"] == pytest.approx(math.pi, abs=0.01)
    p = math.pi / 4
    assert first["standard_error"] == pytest.approx(4 * math.sqrt(p * (1 - p) / 1e6), rel=0.01)
    again = montecarlo.estimate_pi(1_000_000, seed=42)
    assert again["estimate"] == first["estimate"]
    assert len(first["points"]) == 3000
    assert first["checkpoints"][-1] == 1_000_000
    assert first["running"][-1] == pytest.approx(first["estimate"])


def test_pi_counts_every_point_across_chunks():
    small = montecarlo.estimate_pi(1_200_000, seed=3)  # more than one chunk
    rng = np.random.default_rng(3)
    inside = 0
    for size in (500_000, 500_000, 200_000):
        xy = rng.uniform(-1, 1, (size, 2))
        inside += int(((xy * xy).sum(axis=1) <= 1).sum())
    assert small["estimate"] == 4 * inside / 1_200_000


def test_integration_and_expectation_against_closed_forms():
    uniform = montecarlo.integrate_uniform(lambda x: x**2, 0, 1, 200_000, seed=0)
    assert uniform["estimate"] == pytest.approx(1 / 3, abs=4 * uniform["standard_error"])
    normal = montecarlo.expectation(lambda x: x**2, "normal", 100_000, (0, 1), seed=42)
    assert normal["estimate"] == pytest.approx(1.0, abs=4 * normal["standard_error"])
    assert normal["standard_error"] == pytest.approx(math.sqrt(2 / 100_000), rel=0.05)


def test_intervals_cover_the_truth_at_the_nominal_rate():
    # 400 fixed seeds: coverage ~ Binomial(400, 0.95)/400, sd 0.011; the band is 4 sd wide.
    covered = 0
    for seed in range(400):
        low, high = montecarlo.expectation(lambda x: x**2, "normal", 2000, (0, 1), seed)[
            "interval"]
        covered += low <= 1.0 <= high
    assert 0.905 <= covered / 400 <= 0.99


def test_bootstrap_percentile_interval_and_statistics():
    data = np.random.default_rng(1).lognormal(0, 0.5, 50)
    result = montecarlo.bootstrap(data, "median", 5000, seed=1)
    assert result["estimate"] == np.median(data)
    low, high = result["interval"]
    assert low < result["estimate"] < high
    assert np.percentile(result["replicates"], 2.5) == low
    assert montecarlo.bootstrap(data, "mean", 2000)["estimate"] == pytest.approx(data.mean())
    trimmed = montecarlo.bootstrap(data, "trimmed mean (10%)", 100)["estimate"]
    assert trimmed == pytest.approx(scipy.stats.trim_mean(data, 0.1))
    std = montecarlo.bootstrap(data, "std", 100)["estimate"]
    assert std == pytest.approx(data.std(ddof=1))
    # The bootstrap SE of the mean approaches s/sqrt(n).
    mean_se = montecarlo.bootstrap(data, "mean", 10_000, seed=2)["standard_error"]
    assert mean_se == pytest.approx(data.std(ddof=0) / math.sqrt(50), rel=0.05)


def test_t_test_matches_scipy_and_words():
    rng = np.random.RandomState(42)
    a, b = rng.normal(5, 1, 30), rng.normal(5.5, 1, 30)
    for equal in (True, False):
        ours = montecarlo.t_test(a, b, equal, 0.05)
        theirs = scipy.stats.ttest_ind(a, b, equal_var=equal)
        assert ours["statistic"] == pytest.approx(theirs.statistic)
        assert ours["pvalue"] == pytest.approx(theirs.pvalue)
        assert ours["df"] == pytest.approx(theirs.df)
    assert ours["decision"].startswith("reject H0: the means differ at alpha = 0.05")
    assert montecarlo.t_test(a, b, True, 0.01)["decision"].startswith("do not reject H0")


def test_power_simulated_agrees_with_analytic():
    power = montecarlo.t_test_power(0.5, 1.0, (30, 30), 0.05, True, repeats=4000, seed=0)
    assert power["simulated"] == pytest.approx(power["analytic"], abs=4 * power["standard_error"])
    null = montecarlo.t_test_power(0.0, 1.0, (20, 20), 0.05, True, repeats=4000, seed=1)
    assert null["simulated"] == pytest.approx(0.05, abs=0.015)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: montecarlo.estimate_pi(10**8), "capped"),
        (lambda: montecarlo.estimate_pi(5), "at least 10"),
        (lambda: montecarlo.bootstrap(np.ones(1), "median", 100), "at least 2"),
        (lambda: montecarlo.bootstrap(np.ones(5), "median", 10**6), "capped"),
        (lambda: montecarlo.t_test(np.ones(1), np.ones(3), True, 0.05), "at least 2"),
        (lambda: montecarlo.t_test(np.ones(3), np.ones(3), True, 0.05), "zero variance"),
        (lambda: montecarlo.t_test(np.arange(3), np.arange(3), True, 1.0), "alpha"),
        (lambda: montecarlo.parse_numbers("1 2 three"), "entry 3"),
        (lambda: montecarlo.parse_numbers("1 nan"), "not finite"),
        (lambda: montecarlo.parse_numbers("  "), "no numbers"),
        (lambda: montecarlo.expectation(lambda x: x, "normal", 100, (0, -1)), "positive"),
    ],
)
def test_bad_inputs(call, fragment):
    with pytest.raises(ExpressionError, match=fragment):
        call()


def test_parse_numbers_accepts_separators():
    np.testing.assert_array_equal(montecarlo.parse_numbers("1, 2 3;4\n−5"), [1, 2, 3, 4, -5])
