"""Derivatives with their steps, answer checking and numeric gradient checks.

:func:`derivative_steps` differentiates by the textbook rules (constant, sum, constant multiple,
power, product, quotient, chain, exp, log, trig, inverse trig, hyperbolic, ...) and records one
step per rule applied; every step's result is checked against ``sympy.diff`` (symbolically,
then at random points), so steps and result never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from .budget import run_with_budget
from .expressions import ExpressionError, compile_expression, parse_expression, symbol

__all__ = [
    "VARIABLES",
    "Step",
    "compare_expressions",
    "derivative_steps",
    "finite_difference_check",
    "parse_with_variables",
    "recognise",
    "simplify_within_budget",
]

VARIABLES = (
    "x", "y", "z", "t", "u", "v", "w", "a", "b", "c", "k", "n", "p", "q", "r", "s",
    "x1", "x2", "x3", "y1", "y2", "z1", "z2", "z3", "w1", "w2", "b1", "b2",
    "mu", "sigma", "theta", "alpha", "beta", "lam", "omega", "phi",
)
"""Names the differentiator accepts as variables (``e`` is Euler's number, not a variable)."""

_CHECK_POINTS = 6


def parse_with_variables(text: str) -> tuple[sympy.Expr, tuple[str, ...]]:
    """Parse ``text`` allowing any of :data:`VARIABLES`; return it and the names it uses."""
    expression = parse_expression(text, VARIABLES)
    names = tuple(sorted(s.name for s in expression.free_symbols))
    return expression, names


# ----------------------------------------------------------------------------------------------
# Steps


@dataclass
class Step:
    """One rule applied: d/dvar of ``expression`` is ``result``."""

    rule: str
    expression: sympy.Expr
    result: sympy.Expr
    detail: str = ""
    verified: bool = field(default=False)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "expression": self.expression, "result": self.result,
                "detail": self.detail, "verified": self.verified}


_TRIG = {
    sympy.sin: ("trig", lambda g: sympy.cos(g)),
    sympy.cos: ("trig", lambda g: -sympy.sin(g)),
    sympy.tan: ("trig", lambda g: 1 + sympy.tan(g) ** 2),
    sympy.asin: ("inverse trig", lambda g: 1 / sympy.sqrt(1 - g**2)),
    sympy.acos: ("inverse trig", lambda g: -1 / sympy.sqrt(1 - g**2)),
    sympy.atan: ("inverse trig", lambda g: 1 / (1 + g**2)),
    sympy.sinh: ("hyperbolic", lambda g: sympy.cosh(g)),
    sympy.cosh: ("hyperbolic", lambda g: sympy.sinh(g)),
    sympy.tanh: ("hyperbolic", lambda g: 1 - sympy.tanh(g) ** 2),
    sympy.exp: ("exp", lambda g: sympy.exp(g)),
    sympy.log: ("log", lambda g: 1 / g),
    sympy.Abs: ("absolute value", lambda g: sympy.sign(g)),
    sympy.erf: ("erf", lambda g: 2 / sympy.sqrt(sympy.pi) * sympy.exp(-(g**2))),
    sympy.gamma: ("gamma", lambda g: sympy.gamma(g) * sympy.polygamma(0, g)),
}
_PIECEWISE_CONSTANT = (sympy.sign, sympy.floor, sympy.ceiling)


class _Differentiator:
    def __init__(self, variable: sympy.Symbol):
        self.variable = variable
        self.steps: list[Step] = []
        self.memo: dict[sympy.Expr, sympy.Expr] = {}

    def d(self, expr: sympy.Expr) -> sympy.Expr:
        if expr in self.memo:  # repeated sub-derivatives are worked out once
            return self.memo[expr]
        result, rule, detail = self._rule(expr)
        if rule is not None:
            self.steps.append(Step(rule, expr, result, detail))
        self.memo[expr] = result
        return result

    def _rule(self, expr: sympy.Expr) -> tuple[sympy.Expr, str | None, str]:
        x = self.variable
        if not expr.has(x):
            return sympy.Integer(0), "constant", "does not depend on the variable"
        if expr == x:
            return sympy.Integer(1), "power", "d/dx x = 1"
        if isinstance(expr, sympy.Add):
            return sympy.Add(*[self.d(t) for t in expr.args]), "sum", "differentiate term by term"
        if isinstance(expr, sympy.Mul):
            return self._product(expr)
        if isinstance(expr, sympy.Pow):
            return self._power(expr)
        if isinstance(expr, sympy.Function) and len(expr.args) == 1:
            return self._function(expr)
        return diff(expr, x), "SymPy", f"{type(expr).__name__}: SymPy's own rule"

    def _product(self, expr: sympy.Mul) -> tuple[sympy.Expr, str, str]:
        x = self.variable
        constant, rest = expr.as_independent(x, as_Add=False)
        if constant != 1:
            return constant * self.d(rest), "constant multiple", f"pull out the constant {constant}"
        numerator, denominator = expr.as_numer_denom()
        if denominator.has(x) and denominator != 1 and numerator.has(x):
            top, bottom = self.d(numerator), self.d(denominator)
            result = (top * denominator - numerator * bottom) / denominator**2
            return result, "quotient", "(f/g)' = (f'g − f g')/g²"
        factors = expr.args
        terms = []
        for i in range(len(factors)):
            others = sympy.Mul(*(factors[:i] + factors[i + 1:]))
            terms.append(self.d(factors[i]) * others)
        return sympy.Add(*terms), "product", "(fg)' = f'g + fg'"

    def _power(self, expr: sympy.Pow) -> tuple[sympy.Expr, str, str]:
        x = self.variable
        base, exponent = expr.args
        if not exponent.has(x):
            outer = exponent * base ** (exponent - 1)
            if base == x:
                return outer, "power", f"d/dx x^n = n x^(n−1) with n = {exponent}"
            return outer * self.d(base), "chain", f"power rule outside, times d/dx ({base})"
        if not base.has(x):
            outer = expr * sympy.log(base)
            if exponent == x:
                return outer, "exp", "d/dx a^x = a^x ln a"
            return outer * self.d(exponent), "chain", "a^g: a^g ln a, times g'"
        inner = self.d(exponent * sympy.log(base))
        return expr * inner, "chain", "f^g = exp(g ln f): logarithmic differentiation"

    def _function(self, expr: sympy.Function) -> tuple[sympy.Expr, str, str]:
        argument = expr.args[0]
        func = expr.func
        if func in _PIECEWISE_CONSTANT:
            return sympy.Integer(0), "piecewise constant", "0 away from its jumps"
        if func not in _TRIG:
            return diff(expr, self.variable), "SymPy", f"{func.__name__}: SymPy's own rule"
        rule, outer = _TRIG[func]
        derivative = outer(argument)
        if argument == self.variable:
            return derivative, rule, f"d/dx {func.__name__}(x)"
        return derivative * self.d(argument), "chain", (
            f"{rule} rule on {func.__name__}(u), times du/dx with u = {argument}"
        )


def _away_from_jumps(expression: sympy.Expr) -> sympy.Expr:
    """0 for the derivatives of floor, ceiling and sign (and their Dirac deltas): their value
    away from the jumps, which is what can be plotted and evaluated."""
    expression = expression.replace(
        lambda e: isinstance(e, sympy.Derivative) and isinstance(e.expr, _PIECEWISE_CONSTANT),
        lambda e: sympy.Integer(0),
    )
    return expression.replace(lambda e: isinstance(e, sympy.DiracDelta),
                              lambda e: sympy.Integer(0))


def diff(expression: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """``sympy.diff``, with piecewise-constant parts differentiated away from their jumps."""
    return _away_from_jumps(sympy.diff(expression, variable))


def derivative_steps(expression: sympy.Expr, variable: str, order: int = 1
                     ) -> tuple[sympy.Expr, list[dict[str, Any]]]:
    """Differentiate ``order`` times by the textbook rules.

    Returns the derivative as SymPy's ``diff`` gives it (floor, ceiling and sign count as 0
    away from their jumps) and the list of steps (dicts with
    ``rule, expression, result, detail, verified, level``); each step's result is checked
    against ``sympy.diff`` of its expression.
    """
    x = symbol(variable)
    steps: list[dict[str, Any]] = []
    current = expression
    for level in range(1, order + 1):
        worker = _Differentiator(x)
        worker.d(current)
        for step in worker.steps:
            step.verified = equal(step.result, diff(step.expression, x), (variable,))
            steps.append({**step.as_dict(), "level": level})
        current = diff(current, x)
    return current, steps


# ----------------------------------------------------------------------------------------------
# Equality and comparison


def _sample_points(names: Sequence[str], count: int, seed: int) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    # Positive points away from 0 and 1 keep log, sqrt and friends inside their domains.
    return [{n: float(v) for n, v in zip(names, rng.uniform(0.2, 1.9, len(names)), strict=True)}
            for _ in range(count)]


def _values(expression: sympy.Expr, names: Sequence[str], points: list[dict[str, float]]
            ) -> np.ndarray:
    if not names:
        return np.full(len(points), _constant(expression))
    compiled = compile_expression(expression, names)
    return compiled(*[np.array([p[n] for p in points]) for n in names])


def _constant(expression: sympy.Expr) -> float:
    try:
        return float(expression.evalf())
    except (TypeError, ValueError):
        return math.nan


def _numerically_equal(a: sympy.Expr, b: sympy.Expr, names: Sequence[str], seed: int = 0
                       ) -> tuple[bool, dict[str, float] | None, float, float]:
    names = tuple(sorted(set(names) | {s.name for s in (a - b).free_symbols}))
    points = _sample_points(names, _CHECK_POINTS, seed)
    first, second = _values(a, names, points), _values(b, names, points)
    both = np.isfinite(first) & np.isfinite(second)
    for i in range(len(points)):
        if not both[i]:
            continue
        if not math.isclose(first[i], second[i], rel_tol=1e-8, abs_tol=1e-10):
            return False, points[i], float(first[i]), float(second[i])
    return bool(both.any()), None, math.nan, math.nan


def equal(a: sympy.Expr, b: sympy.Expr, names: Sequence[str] = ()) -> bool:
    """Whether two expressions are equal: cheap symbolic checks, then random points."""
    difference = a - b
    if difference == 0 or sympy.expand(difference) == 0:
        return True
    return _numerically_equal(a, b, names)[0]


def compare_expressions(candidate: sympy.Expr, target: sympy.Expr, names: Sequence[str],
                        seconds: float = 2.0) -> dict[str, Any]:
    """Compare a student's expression with the right one.

    Returns ``{equal, how, point, yours, expected, hint}``: ``how`` says whether symbolic
    simplification or random points decided; when not equal, ``point`` is where they differ
    and ``hint`` names a common slip (a constant factor, a flipped sign, an added constant).
    """
    difference = candidate - target
    symbolic = None
    if difference == 0 or sympy.expand(difference) == 0:
        symbolic = True
    else:
        try:
            symbolic = run_with_budget(sympy.simplify, difference, seconds=seconds) == 0 or None
        except ExpressionError:
            symbolic = None
    if symbolic:
        return {"equal": True, "how": "symbolically", "point": None, "yours": None,
                "expected": None, "hint": ""}
    same, point, yours, expected = _numerically_equal(candidate, target, names)
    if same:
        return {"equal": True, "how": "at random points", "point": None, "yours": None,
                "expected": None, "hint": ""}
    return {"equal": False, "how": "at random points", "point": point, "yours": yours,
            "expected": expected, "hint": _hint(candidate, target, names)}


def _hint(candidate: sympy.Expr, target: sympy.Expr, names: Sequence[str]) -> str:
    names = tuple(sorted(set(names) | {s.name for s in (candidate - target).free_symbols}))
    points = _sample_points(names, _CHECK_POINTS, seed=1)
    yours, right = _values(candidate, names, points), _values(target, names, points)
    ok = np.isfinite(yours) & np.isfinite(right) & (np.abs(right) > 1e-12)
    if not ok.any():
        return ""
    ratios = yours[ok] / right[ok]
    if np.allclose(ratios, ratios[0], rtol=1e-8):
        ratio = float(ratios[0])
        if math.isclose(ratio, -1.0, rel_tol=1e-9):
            return "the sign is flipped"
        if math.isclose(ratio, 0.0, abs_tol=1e-12):
            return "your answer is 0 here"
        return f"your answer is off by a factor of {_nice(ratio)}"
    shifts = yours[ok] - right[ok]
    if np.allclose(shifts, shifts[0], rtol=1e-8, atol=1e-10):
        return f"your answer is off by a constant {_nice(float(shifts[0]))}"
    return ""


def _nice(value: float) -> str:
    fraction = sympy.nsimplify(value, rational=True, tolerance=1e-9)
    if isinstance(fraction, sympy.Rational) and fraction.q <= 100:
        return str(fraction)
    return f"{value:.4g}"


# ----------------------------------------------------------------------------------------------
# Simplification, recognised forms, numeric checks


def simplify_within_budget(expression: sympy.Expr, form: str = "simplify",
                           seconds: float = 2.0) -> sympy.Expr:
    """``form`` in simplify, factor, expand, trigsimp, exp (rewrite in exp), under the budget.

    Raises
    ------
    ExpressionError
        Past the budget ("took longer than ...").
    """
    if form == "exp":
        return run_with_budget(_rewrite_exp, expression, seconds=seconds)
    function = {"simplify": sympy.simplify, "factor": sympy.factor, "expand": sympy.expand,
                "trigsimp": sympy.trigsimp}[form]
    return run_with_budget(function, expression, seconds=seconds)


def _rewrite_exp(expression: sympy.Expr) -> sympy.Expr:
    return expression.rewrite(sympy.exp)


def _sigma(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def recognise(derivative: sympy.Expr, variable: str) -> str:
    """A recognisable ML form of the derivative, in LaTeX, or "".

    Knows the sigmoid's σ(x)(1 − σ(x)) and the two-class softmax cross-entropy gradients
    p₁ − 1 and p₂ (with p_i = e^{z_i}/(e^{z_1} + e^{z_2})).
    """
    names = tuple(sorted(s.name for s in derivative.free_symbols))
    x = symbol(variable)
    candidates: list[tuple[sympy.Expr, str]] = [
        (_sigma(x) * (1 - _sigma(x)),
         rf"\sigma({variable})\,(1 - \sigma({variable})),\ \sigma(t) = \frac{{1}}{{1 + e^{{-t}}}}"),
    ]
    if set(names) <= {"z1", "z2"}:
        z1, z2 = symbol("z1"), symbol("z2")
        p1 = sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2))
        softmax = r",\ p_i = \frac{e^{z_i}}{e^{z_1} + e^{z_2}}"
        candidates += [(p1 - 1, "p_1 - 1" + softmax), (1 - p1, "p_2 = 1 - p_1" + softmax),
                       (p1, "p_1" + softmax)]
    for form, latex in candidates:
        if equal(derivative, form, names or (variable,)):
            return latex
    return ""


def finite_difference_check(expression: sympy.Expr, derivative: sympy.Expr, variable: str,
                            names: Sequence[str], at: float = 1.0, count: int = 7
                            ) -> dict[str, Any]:
    """Central differences (h = 1e-5·max(1, |x|)) of f against the symbolic derivative.

    The other variables are held at ``at``; the points are spread over [-2, 2].
    Returns ``{points, symbolic, numeric, max_difference}``.
    """
    names = tuple(names) or (variable,)
    f = compile_expression(expression, names)
    df = compile_expression(derivative, names)
    xs = np.linspace(-1.9, 2.1, count)
    h = 1e-5 * np.maximum(1.0, np.abs(xs))
    args = {n: np.full(count, at) for n in names}

    def at_points(function: Any, values: np.ndarray) -> np.ndarray:
        return function(*[values if n == variable else args[n] for n in names])

    numeric = (at_points(f, xs + h) - at_points(f, xs - h)) / (2 * h)
    symbolic = at_points(df, xs)
    finite = np.isfinite(numeric) & np.isfinite(symbolic)
    gap = float(np.max(np.abs(numeric[finite] - symbolic[finite]))) if finite.any() else math.nan
    return {"points": xs, "symbolic": symbolic, "numeric": numeric, "max_difference": gap}
