from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate

from widgets.core import quadrature


def f(x):
    return np.sin(x**2)


A, B = 0.0, math.sqrt(math.pi)


@pytest.mark.parametrize("n", [6, 12, 60])
def test_rules_match_scipy(n):
    x = np.linspace(A, B, n + 1)
    assert quadrature.run_rule("trapezoid", f, A, B, n)[0] == pytest.approx(
        scipy.integrate.trapezoid(f(x), x), rel=1e-13)
    assert quadrature.run_rule("simpson", f, A, B, n)[0] == pytest.approx(
        scipy.integrate.simpson(f(x), x=x), rel=1e-13)
    assert quadrature.run_rule("gauss", f, A, B, n)[0] == pytest.approx(
        scipy.integrate.fixed_quad(f, A, B, n=n)[0], rel=1e-13)


def test_hand_values_on_x_squared():
    g = lambda x: x**2  # noqa: E731
    assert quadrature.run_rule("left", g, 0, 1, 2) == (0.125, 2)
    assert quadrature.run_rule("right", g, 0, 1, 2) == (0.625, 2)
    assert quadrature.run_rule("midpoint", g, 0, 1, 2) == (pytest.approx(0.3125), 2)
    assert quadrature.run_rule("trapezoid", g, 0, 1, 2) == (pytest.approx(0.375), 3)
    assert quadrature.run_rule("simpson", g, 0, 1, 2)[0] == pytest.approx(1 / 3, abs=1e-15)
    assert quadrature.run_rule("romberg", g, 0, 1, 2) == (pytest.approx(1 / 3), 3)


@pytest.mark.parametrize(("rule", "degree"), [("simpson", 3), ("simpson38", 3), ("boole", 5)])
def test_newton_cotes_exactness(rule, degree):
    rng = np.random.default_rng(degree)
    coefficients = rng.standard_normal(degree + 1)
    poly = np.polynomial.Polynomial(coefficients)
    exact = poly.integ()(2.0) - poly.integ()(-1.0)
    n = quadrature.RULES[rule].multiple
    assert quadrature.run_rule(rule, poly, -1.0, 2.0, n)[0] == pytest.approx(exact, rel=1e-12)
    higher = np.polynomial.Polynomial([0] * (degree + 1) + [1])
    exact_higher = higher.integ()(2.0) - higher.integ()(-1.0)
    assert abs(quadrature.run_rule(rule, higher, -1.0, 2.0, n)[0] - exact_higher) > 1e-6


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_gauss_exact_to_degree_2n_minus_1(n):
    rng = np.random.default_rng(n)
    poly = np.polynomial.Polynomial(rng.standard_normal(2 * n))
    exact = poly.integ()(1.5) - poly.integ()(-0.5)
    assert quadrature.run_rule("gauss", poly, -0.5, 1.5, n)[0] == pytest.approx(exact, rel=1e-11)
    too_high = np.polynomial.Polynomial([0] * (2 * n) + [1])
    exact_high = too_high.integ()(1.5) - too_high.integ()(-0.5)
    assert abs(quadrature.run_rule("gauss", too_high, -0.5, 1.5, n)[0] - exact_high) > 1e-8


def test_odd_n_for_simpson_is_refused_with_the_reason():
    with pytest.raises(quadrature.ExpressionError, match="pairs up subintervals"):
        quadrature.run_rule("simpson", f, A, B, 7)


def test_fitted_orders_on_smooth_integrand_within_a_tenth_of_theory():
    reference = scipy.integrate.quad(lambda x: math.exp(math.cos(x)) * x, 0, 1.3)[0]
    study = quadrature.convergence_study(lambda x: np.exp(np.cos(x)) * x, 0, 1.3, reference)
    for rule in ("left", "right", "midpoint", "trapezoid", "simpson", "simpson38", "boole"):
        assert study[rule]["order"] == pytest.approx(quadrature.RULES[rule].theory, abs=0.1)
    assert study["gauss"]["hit_floor"] and study["romberg"]["hit_floor"]
    assert 0.3 < study["monte_carlo"]["order"] < 0.8


def test_kink_falls_short_and_says_so():
    study = quadrature.convergence_study(lambda x: np.abs(x - 0.3), 0, 1, 0.29)
    assert study["boole"]["order"] == pytest.approx(2, abs=0.15)
    assert "falls short of theory 6" in study["boole"]["note"]
    assert "not exponential" in study["gauss"]["note"]


def test_periodic_trapezoid_is_spectral():
    reference = scipy.integrate.quad(lambda x: math.exp(math.sin(x)), 0, 2 * math.pi)[0]
    estimate = quadrature.run_rule("trapezoid", lambda x: np.exp(np.sin(x)), 0, 2 * np.pi, 16)[0]
    assert abs(estimate - reference) < 1e-12


def test_romberg_table_first_column_is_trapezoid_and_second_is_simpson():
    table = quadrature.romberg_table(f, A, B, 4)
    for k in range(5):
        assert table[k, 0] == pytest.approx(quadrature.run_rule("trapezoid", f, A, B, 2**k)[0])
    for k in range(1, 5):
        assert table[k, 1] == pytest.approx(quadrature.run_rule("simpson", f, A, B, 2**k)[0])


def test_monte_carlo_interval_is_reproducible():
    first = quadrature.monte_carlo(f, A, B, 1000, seed=3)
    second = quadrature.monte_carlo(f, A, B, 1000, seed=3)
    assert first["estimate"] == second["estimate"]
    low, high = first["interval"]
    assert low < 0.8948314694841449 < high


def test_quad_reference_reports_subintervals():
    reference = quadrature.quad_reference(lambda x: abs(x - 1 / 3), 0, 1)
    assert reference["value"] == pytest.approx(5 / 18)
    assert reference["subintervals"].shape[1] == 2 and len(reference["subintervals"]) > 1


def test_singular_points():
    x = quadrature.symbol("x")
    assert quadrature.singular_points(1 / x, -1, 1) == [0.0]
    assert quadrature.singular_points(x**2, -1, 1) == []
