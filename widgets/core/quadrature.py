"""Quadrature rules, reference values and convergence studies, all vectorised.

Every rule takes a vectorised ``f``, finite ``a < b`` and ``n`` and returns
``(estimate, evaluations)``; none loops over points in Python. ``n`` is the number of
subintervals for the Newton-Cotes rules, the number of nodes for Gauss-Legendre, the number of
samples for Monte Carlo, and for Romberg the finest trapezoid has the smallest power of two
>= n subintervals.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.integrate
import sympy

from .budget import run_with_budget
from .expressions import ExpressionError, symbol

__all__ = [
    "MAX_EVALUATIONS",
    "RULES",
    "convergence_study",
    "exact_integral",
    "gauss_nodes",
    "quad_reference",
    "romberg_table",
    "run_rule",
    "singular_points",
]

Function = Callable[[np.ndarray], np.ndarray]
MAX_EVALUATIONS = 10_000_000
"""The most function evaluations one rule may use; larger n is clamped."""
MAX_GAUSS_NODES = 256
"""Most Gauss-Legendre nodes offered: far past the point where its error is at round-off."""


@dataclass(frozen=True)
class Rule:
    label: str
    multiple: int  # n must be a multiple of this
    theory: float | None  # order p of error ~ n^-p; None for spectral/exponential
    theory_text: str


RULES: dict[str, Rule] = {
    "left": Rule("left Riemann", 1, 1, "1"),
    "right": Rule("right Riemann", 1, 1, "1"),
    "midpoint": Rule("midpoint", 1, 2, "2"),
    "trapezoid": Rule("trapezoid", 1, 2, "2"),
    "simpson": Rule("Simpson 1/3", 2, 4, "4"),
    "simpson38": Rule("Simpson 3/8", 3, 4, "4"),
    "boole": Rule("Boole", 4, 6, "6"),
    "gauss": Rule("Gauss-Legendre", 1, None, "exponential (exact to degree 2n−1)"),
    "romberg": Rule("Romberg", 1, None, "exponential (Richardson on trapezoid)"),
    "monte_carlo": Rule("Monte Carlo", 1, 0.5, "1/2 (random)"),
}
"""The rules, their n constraint and theoretical order of convergence."""


# ----------------------------------------------------------------------------------------------
# The rules


def _grid(a: float, b: float, n: int) -> tuple[np.ndarray, float]:
    return np.linspace(a, b, n + 1), (b - a) / n


def _newton_cotes(weights: np.ndarray, f: Function, a: float, b: float, n: int) -> float:
    """Composite closed Newton-Cotes rule with panel weights (len m + 1) over n = k·m pieces."""
    m = len(weights) - 1
    x, h = _grid(a, b, n)
    y = f(x)
    panels = y[:-1].reshape(-1, m)  # each row: a panel's first m points
    ends = y[m::m]  # each panel's last point
    return float(h * (panels @ weights[:-1] + ends * weights[-1]).sum())


_SIMPSON = np.array([1, 4, 1]) / 3
_SIMPSON38 = np.array([1, 3, 3, 1]) * 3 / 8
_BOOLE = np.array([7, 32, 12, 32, 7]) * 2 / 45


@functools.lru_cache(maxsize=64)
def gauss_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (cached)."""
    import scipy.special

    nodes, weights = scipy.special.roots_legendre(n)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def _gauss_points(a: float, b: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = gauss_nodes(n)
    return (b - a) / 2 * nodes + (a + b) / 2, (b - a) / 2 * weights


def romberg_table(f: Function, a: float, b: float, levels: int) -> np.ndarray:
    """Romberg's triangle R[k, j] (k = 0..levels) built from trapezoids with 2^k intervals.

    R[k, 0] is the trapezoid rule with 2^k subintervals; each column removes the next even
    power of h: R[k, j] = R[k, j-1] + (R[k, j-1] - R[k-1, j-1]) / (4^j - 1).
    """
    x = np.linspace(a, b, 2**levels + 1)
    y = f(x)
    table = np.full((levels + 1, levels + 1), np.nan)
    for k in range(levels + 1):
        stride = 2 ** (levels - k)
        ys = y[::stride]
        h = (b - a) / 2**k
        table[k, 0] = h * (ys.sum() - (ys[0] + ys[-1]) / 2)
        for j in range(1, k + 1):
            table[k, j] = table[k, j - 1] + (table[k, j - 1] - table[k - 1, j - 1]) / (4**j - 1)
    return table


def romberg_levels(n: int) -> int:
    """Levels of the Romberg table whose finest trapezoid has at least n subintervals."""
    return max(1, math.ceil(math.log2(max(n, 2))))


def monte_carlo(f: Function, a: float, b: float, n: int, seed: int = 0) -> dict[str, float]:
    """Plain Monte Carlo: (b - a) times the mean of f at n uniform points, with its 95% CI."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(a, b, n)
    y = f(x) * (b - a)
    estimate = float(y.mean())
    standard_error = float(y.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    return {"estimate": estimate, "standard_error": standard_error,
            "interval": (estimate - 1.96 * standard_error, estimate + 1.96 * standard_error),
            "points": x}


def run_rule(
    rule: str, f: Function, a: float, b: float, n: int, seed: int = 0
) -> tuple[float, int]:
    """``(estimate, evaluations)`` of ``rule`` with ``n`` on finite ``a < b``.

    Raises
    ------
    ExpressionError
        When ``n`` does not fit the rule (Simpson needs an even n, ...), with the reason.
    """
    spec = RULES[rule]
    if n % spec.multiple:
        raise ExpressionError(
            f"{spec.label} needs n to be a multiple of {spec.multiple}"
            + (" (it pairs up subintervals)" if spec.multiple == 2 else "")
        )
    if rule == "left":
        x, h = _grid(a, b, n)
        return float(h * f(x[:-1]).sum()), n
    if rule == "right":
        x, h = _grid(a, b, n)
        return float(h * f(x[1:]).sum()), n
    if rule == "midpoint":
        h = (b - a) / n
        return float(h * f(a + h * (np.arange(n) + 0.5)).sum()), n
    if rule == "trapezoid":
        x, h = _grid(a, b, n)
        y = f(x)
        return float(h * (y.sum() - (y[0] + y[-1]) / 2)), n + 1
    if rule == "simpson":
        return _newton_cotes(_SIMPSON, f, a, b, n), n + 1
    if rule == "simpson38":
        return _newton_cotes(_SIMPSON38, f, a, b, n), n + 1
    if rule == "boole":
        return _newton_cotes(_BOOLE, f, a, b, n), n + 1
    if rule == "gauss":
        if n > MAX_GAUSS_NODES:
            raise ExpressionError(f"Gauss-Legendre is offered up to {MAX_GAUSS_NODES} nodes")
        x, w = _gauss_points(a, b, n)
        return float(w @ f(x)), n
    if rule == "romberg":
        levels = romberg_levels(n)
        return float(romberg_table(f, a, b, levels)[levels, levels]), 2**levels + 1
    if rule == "monte_carlo":
        return monte_carlo(f, a, b, n, seed)["estimate"], n
    raise ExpressionError(f"unknown rule {rule!r}")


def evaluations_for(rule: str, n: int) -> int:
    """Function evaluations ``rule`` uses at ``n`` (without running it)."""
    if rule in ("trapezoid", "simpson", "simpson38", "boole"):
        return n + 1
    if rule == "romberg":
        return 2 ** romberg_levels(n) + 1
    return n


# ----------------------------------------------------------------------------------------------
# References


def quad_reference(f_scalar: Callable[[float], float], a: float, b: float) -> dict[str, Any]:
    """``scipy.integrate.quad`` with its error estimate and the subintervals it used."""
    value, error, info = scipy.integrate.quad(f_scalar, a, b, full_output=1, limit=200)[:3]
    last = int(info.get("last", 0))
    alist = np.asarray(info.get("alist", []))[:last]
    blist = np.asarray(info.get("blist", []))[:last]
    return {"value": float(value), "error_estimate": float(error),
            "subintervals": np.column_stack([alist, blist]) if last else np.zeros((0, 2)),
            "evaluations": int(info.get("neval", 0))}


def _integrate(expression: sympy.Expr, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr | None:
    """Runs in the budget worker: a closed form of the integral, or None."""
    result = sympy.integrate(expression, (symbol("x"), a, b))
    if result.has(sympy.Integral) or not result.is_finite:
        return None
    return result


def exact_integral(expression: sympy.Expr, a: sympy.Expr, b: sympy.Expr,
                   seconds: float = 2.0) -> sympy.Expr | None:
    """The exact value from SymPy when it finds one within the budget, else None."""
    try:
        return run_with_budget(_integrate, expression, a, b, seconds=seconds)
    except ExpressionError:
        return None


def _singular_points(expression: sympy.Expr, lo: float, hi: float) -> list[float]:
    """Runs in the budget worker: points of [lo, hi] where SymPy finds f singular."""
    from sympy.calculus.singularities import singularities

    points = singularities(expression, symbol("x"), sympy.Interval(lo, hi))
    if not isinstance(points, sympy.FiniteSet):
        return []
    return [float(p) for p in points if p.is_real]


def singular_points(expression: sympy.Expr, lo: float, hi: float) -> list[float]:
    """Points of [lo, hi] where f has a singularity (poles, log(0), ...), within the budget.

    An empty list when SymPy finds none, or cannot tell in time.
    """
    try:
        return run_with_budget(_singular_points, expression, lo, hi, seconds=2.0)
    except ExpressionError:
        return []


# ----------------------------------------------------------------------------------------------
# Convergence


def _study_ns(rule: str, largest: int) -> np.ndarray:
    spec = RULES[rule]
    ns = spec.multiple * 2 ** np.arange(0, 17)
    if rule == "gauss":
        ns = np.arange(1, 41)
    return ns[ns <= largest]


def fitted_order(
    ns: np.ndarray, errors: np.ndarray, reference: float, finest: int | None = 3
) -> tuple[float | None, bool]:
    """Least-squares slope of log(error) against log(n) above the round-off floor.

    Returns ``(order, hit_floor)``: order p with error ~ n^-p (None with fewer than 3 usable
    points), and whether the error reached the round-off floor.
    """
    floor = 1e3 * np.finfo(float).eps * max(abs(reference), 1e-300)
    above = errors > floor
    # The floor is reached when every error from some n on is below it; an isolated tiny error
    # earlier on is a lucky cancellation, left out of the fit but not called a floor.
    trailing = np.flatnonzero(above)
    first_floor = int(trailing[-1]) + 1 if trailing.size else 0
    hit_floor = first_floor < len(errors)
    usable = np.flatnonzero(above[:first_floor])
    if usable.size < 3:
        return None, hit_floor
    if finest is not None:  # the finest points before the floor: the asymptotic regime
        usable = usable[-finest:]
    slope = np.polyfit(np.log(ns[usable]), np.log(errors[usable]), 1)[0]
    return float(-slope), hit_floor


def convergence_study(f: Function, a: float, b: float, reference: float,
                      rules: tuple[str, ...] = tuple(RULES), largest: int = 2**16,
                      seed: int = 0) -> dict[str, dict[str, Any]]:
    """Errors of each rule for n from its smallest valid value to ``largest`` (doubling).

    Returns rule -> ``{n, evaluations, errors, order, theory, hit_floor, note}``.
    """
    study = {}
    for rule in rules:
        ns = _study_ns(rule, largest)
        estimates = np.array([run_rule(rule, f, a, b, int(n), seed)[0] for n in ns])
        errors = np.abs(estimates - reference)
        # Monte Carlo's errors are random and Gauss's oscillate with n: fit all their points;
        # the others in their asymptotic regime, the finest n before the floor.
        finest = None if rule in ("monte_carlo", "gauss") else 3
        order, hit_floor = fitted_order(ns, errors, reference, finest)
        theory = RULES[rule].theory
        note = ""
        if hit_floor:
            note = "reaches the round-off floor"
        if order is not None and theory is not None and rule != "monte_carlo" \
                and order < theory - 0.3:
            note = (f"order {order:.2f} falls short of theory {theory:g}: "
                    "the integrand is not smooth enough here")
        elif order is not None and theory is None and not hit_floor and order < 6:
            note = (f"only algebraic convergence (n^-{order:.2f}), not exponential: "
                    "the integrand is not smooth enough here")
        study[rule] = {
            "n": ns, "evaluations": np.array([evaluations_for(rule, int(n)) for n in ns]),
            "errors": errors, "order": order, "theory": theory, "hit_floor": hit_floor,
            "note": note,
        }
    return study
