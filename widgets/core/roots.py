"""Root finding step by step: bisection, Newton, secant and regula falsi.

Each method records every iterate up front (cheap: at most :data:`MAX_ITERATIONS`) so a view
can reveal them one step at a time; problems (no sign change, a flat tangent, divergence) end
a method's run with a message instead of an exception, so the other methods still run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.optimize
import sympy

from .calculus import diff
from .expressions import ExpressionError, compile_expression, parse_expression, symbol

__all__ = ["MAX_ITERATIONS", "METHODS", "RootProblem", "Trace", "run_method"]

MAX_ITERATIONS = 100
DIVERGENCE_LIMIT = 1e12
METHODS = {"bisection": "bisection", "newton": "Newton", "secant": "secant",
           "regula_falsi": "regula falsi"}


@dataclass
class RootProblem:
    """f(x) typed as text, its exact derivative, compiled once."""

    text: str
    expression: sympy.Expr = field(init=False)
    derivative: sympy.Expr = field(init=False)

    def __post_init__(self) -> None:
        self.expression = parse_expression(self.text, ("x",))
        if not self.expression.has(symbol("x")):
            raise ExpressionError("f must depend on x")
        self.derivative = diff(self.expression, symbol("x"))
        self._f = compile_expression(self.expression, ("x",))
        self._df = compile_expression(self.derivative, ("x",))

    def f(self, x: float) -> float:
        return float(self._f(x))

    def df(self, x: float) -> float:
        return float(self._df(x))

    def f_array(self, xs: np.ndarray) -> np.ndarray:
        return self._f(xs)

    def brentq(self, a: float, b: float) -> float | None:
        """SciPy's brentq root in [a, b], or None without a sign change."""
        fa, fb = self.f(a), self.f(b)
        if not (math.isfinite(fa) and math.isfinite(fb)) or fa * fb > 0:
            return None
        return float(scipy.optimize.brentq(self.f, a, b, xtol=1e-14))


@dataclass
class Trace:
    """A method's iterates: ``rows`` (dicts for the table), ``points`` (x_k), and how it ended."""

    method: str
    rows: list[dict[str, float]] = field(default_factory=list)
    points: list[float] = field(default_factory=list)
    converged_at: int | None = None
    message: str = ""

    @property
    def root(self) -> float | None:
        return self.points[-1] if self.points else None


def _finished(trace: Trace, x: float, fx: float, step: float, tolerance: float) -> bool:
    if abs(fx) < tolerance or abs(step) < tolerance:
        trace.converged_at = len(trace.points)
        trace.message = f"converged in {trace.converged_at} iterations"
        return True
    return False


def _bracket(problem: RootProblem, a: float, b: float) -> tuple[float, float]:
    fa, fb = problem.f(a), problem.f(b)
    if not (math.isfinite(fa) and math.isfinite(fb)):
        raise ExpressionError(f"f is not finite at an end of the bracket [{a:g}, {b:g}]")
    if fa * fb > 0:
        raise ExpressionError(
            f"f({a:g}) = {fa:.4g} and f({b:g}) = {fb:.4g} have the same sign: no sign change, "
            "so the bracket may hold no root"
        )
    return fa, fb


def _bisection(problem: RootProblem, a: float, b: float, tolerance: float, trace: Trace) -> None:
    fa, _ = _bracket(problem, a, b)
    for k in range(1, MAX_ITERATIONS + 1):
        c = (a + b) / 2
        fc = problem.f(c)
        trace.rows.append({"k": k, "a": a, "b": b, "x": c, "f(x)": fc, "width": b - a})
        trace.points.append(c)
        if fc == 0 or _finished(trace, c, fc, (b - a) / 2, tolerance):
            trace.converged_at = k
            trace.message = f"converged in {k} iterations"
            return
        if fa * fc < 0:
            b = c
        else:
            a, fa = c, fc


def _regula_falsi(problem: RootProblem, a: float, b: float, tolerance: float,
                  trace: Trace) -> None:
    fa, fb = _bracket(problem, a, b)
    previous = None
    for k in range(1, MAX_ITERATIONS + 1):
        c = b - fb * (b - a) / (fb - fa)
        fc = problem.f(c)
        trace.rows.append({"k": k, "a": a, "b": b, "x": c, "f(x)": fc, "width": b - a})
        trace.points.append(c)
        step = c - previous if previous is not None else b - a
        if fc == 0 or _finished(trace, c, fc, step, tolerance):
            trace.converged_at = k
            trace.message = f"converged in {k} iterations"
            return
        previous = c
        if fa * fc < 0:
            b, fb = c, fc
        else:
            a, fa = c, fc
    trace.message = f"no convergence in {MAX_ITERATIONS} iterations"


def _newton(problem: RootProblem, x: float, tolerance: float, trace: Trace) -> None:
    for k in range(1, MAX_ITERATIONS + 1):
        fx, dfx = problem.f(x), problem.df(x)
        if not (math.isfinite(fx) and math.isfinite(dfx)):
            trace.message = f"f or f′ is not finite at x = {x:.6g}: Newton stops"
            return
        if dfx == 0:
            trace.message = (f"f′({x:.6g}) = 0: the tangent is flat and never meets the axis; "
                             "Newton stops (try another start)")
            return
        new = x - fx / dfx
        trace.rows.append({"k": k, "x_prev": x, "f(x_prev)": fx, "f'(x_prev)": dfx, "x": new,
                           "f(x)": problem.f(new)})
        trace.points.append(new)
        if not math.isfinite(new) or abs(new) > DIVERGENCE_LIMIT:
            trace.message = f"diverged at step {k}: |x| exceeded {DIVERGENCE_LIMIT:.0e}"
            return
        if _finished(trace, new, problem.f(new), new - x, tolerance):
            return
        x = new
    trace.message = f"no convergence in {MAX_ITERATIONS} iterations (cycling or diverging?)"


def _secant(problem: RootProblem, x0: float, x1: float, tolerance: float, trace: Trace) -> None:
    f0, f1 = problem.f(x0), problem.f(x1)
    for k in range(1, MAX_ITERATIONS + 1):
        if f1 == f0:
            trace.message = f"f(x_k) = f(x_k−1) at step {k}: the secant is flat; secant stops"
            return
        new = x1 - f1 * (x1 - x0) / (f1 - f0)
        f_new = problem.f(new)
        trace.rows.append({"k": k, "x_prev": x0, "x_cur": x1, "x": new, "f(x)": f_new})
        trace.points.append(new)
        if not math.isfinite(new) or abs(new) > DIVERGENCE_LIMIT or not math.isfinite(f_new):
            trace.message = f"diverged at step {k}: |x| exceeded {DIVERGENCE_LIMIT:.0e}"
            return
        if _finished(trace, new, f_new, new - x1, tolerance):
            return
        x0, f0, x1, f1 = x1, f1, new, f_new
    trace.message = f"no convergence in {MAX_ITERATIONS} iterations"


def run_method(problem: RootProblem, method: str, a: float, b: float, x0: float,
               tolerance: float = 1e-10) -> Trace:
    """All iterates of ``method`` (bracket [a, b]; Newton starts at x0, secant at a and b)."""
    trace = Trace(method)
    try:
        if method == "bisection":
            _bisection(problem, a, b, tolerance, trace)
        elif method == "regula_falsi":
            _regula_falsi(problem, a, b, tolerance, trace)
        elif method == "newton":
            _newton(problem, x0, tolerance, trace)
        elif method == "secant":
            _secant(problem, a, b, tolerance, trace)
        else:
            raise ExpressionError(f"unknown method {method!r}")
    except ExpressionError as error:
        trace.message = str(error)
    return trace


def summary(traces: dict[str, Trace], reference: float | None) -> list[dict[str, Any]]:
    """One row per method: root, iterations to tolerance, |root − brentq|, how it ended."""
    rows = []
    for method, trace in traces.items():
        root = trace.root
        rows.append({
            "method": METHODS[method], "root": root, "iterations": trace.converged_at,
            "difference": None if root is None or reference is None else abs(root - reference),
            "message": trace.message,
        })
    return rows
