"""Test functions and optimizers that can be stepped one iteration at a time.

Hand-written methods (gradient descent, momentum, Nesterov, RMSProp, Adam, Newton) keep their
state and take one step per :meth:`Run.step`. SciPy's methods (Nelder-Mead, BFGS, CG, L-BFGS-B)
are SciPy's own code: :func:`scipy.optimize.minimize` runs once with a callback that records
every iterate, and stepping walks through that record. SciPy's callback does not expose the
Nelder-Mead simplex, so the simplex after iteration k is ``final_simplex`` of the same
``minimize`` call stopped at ``maxiter=k + 1`` (SciPy counts the initial simplex as iteration
1); it is computed on demand, and the tests check its best vertex against the record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.optimize
import sympy

from .calculus import diff
from .expressions import ExpressionError, compile_expression, parse_expression, symbol

__all__ = [
    "DIVERGENCE_LIMIT",
    "HAND_METHODS",
    "METHODS",
    "PRESETS",
    "SCIPY_METHODS",
    "Problem",
    "Run",
    "bowl_rates",
    "make_problem",
    "measured_rate",
    "tuned_bowl_parameters",
]

DIVERGENCE_LIMIT = 1e12
"""A run whose |f| exceeds this (or leaves the finite numbers) has diverged."""
SCIPY_MAX_ITERATIONS = 2000

HAND_METHODS = ("gd", "momentum", "nesterov", "rmsprop", "adam", "newton")
SCIPY_METHODS = ("nelder-mead", "bfgs", "cg", "l-bfgs-b")
METHODS = HAND_METHODS + SCIPY_METHODS
METHOD_LABELS = {
    "gd": "gradient descent", "momentum": "momentum (heavy ball)", "nesterov": "Nesterov",
    "rmsprop": "RMSProp", "adam": "Adam", "newton": "Newton", "nelder-mead": "Nelder-Mead",
    "bfgs": "BFGS", "cg": "CG", "l-bfgs-b": "L-BFGS-B",
}
PARAMETERS = {
    "gd": ("learning_rate",),
    "momentum": ("learning_rate", "momentum"),
    "nesterov": ("learning_rate", "momentum"),
    "rmsprop": ("learning_rate", "rho", "epsilon"),
    "adam": ("learning_rate", "beta1", "beta2", "epsilon"),
    "newton": ("damping",),
    "nelder-mead": (),
    "bfgs": (),
    "cg": (),
    "l-bfgs-b": (),
}
"""The hyperparameters each method uses (the panel shows only these)."""


@dataclass(frozen=True)
class Preset:
    text: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    learning_rate: float


PRESETS: dict[str, Preset] = {
    "rosenbrock": Preset("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2), (-1, 3), ((1, 1),),
                         (-1.5, 2.0), 1e-3),
    "himmelblau": Preset("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (-5, 5), (-5, 5),
                         ((3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186),
                          (3.584428, -1.848126)), (0.0, 0.0), 1e-2),
    "beale": Preset("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
                    (-4.5, 4.5), (-4.5, 4.5), ((3, 0.5),), (1.0, 1.5), 1e-3),
    "booth": Preset("(x + 2*y - 7)^2 + (2*x + y - 5)^2", (-10, 10), (-10, 10), ((1, 3),),
                    (-8.0, -8.0), 5e-2),
    "rastrigin": Preset("20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", (-5.12, 5.12),
                        (-5.12, 5.12), ((0, 0),), (2.2, -3.1), 1e-3),
    "saddle": Preset("x^2 - y^2", (-2, 2), (-2, 2), (), (-1.5, 0.01), 5e-2),
    "bowl": Preset("(x^2 + kappa*y^2)/2", (-2, 2), (-2, 2), ((0, 0),), (-1.8, 1.2), 0.1),
}
"""Named test functions: the formula, the plotted window, known minima and a default start."""


@dataclass
class Problem:
    """A function of (x, y) with its exact gradient and Hessian, compiled once.

    ``f``, ``gradient`` and ``hessian`` take a point (length-2 array) and return a float, a
    length-2 array and a 2×2 array.
    """

    name: str
    expression: sympy.Expr
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    learning_rate: float
    _f: Any = field(repr=False, default=None)
    _gradient: list[Any] = field(repr=False, default_factory=list)
    _hessian: list[list[Any]] = field(repr=False, default_factory=list)

    def __post_init__(self) -> None:
        x, y = symbol("x"), symbol("y")
        variables = ("x", "y")
        self._f = compile_expression(self.expression, variables)
        partials = [diff(self.expression, v) for v in (x, y)]
        self._gradient = [compile_expression(p, variables) for p in partials]
        self._hessian = [
            [compile_expression(diff(p, v), variables) for v in (x, y)] for p in partials
        ]
        self.gradient_expressions = partials

    def f(self, point: Sequence[float]) -> float:
        return float(self._f(point[0], point[1]))

    def f_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        return self._f(xs, ys)

    def gradient(self, point: Sequence[float]) -> np.ndarray:
        return np.array([float(g(point[0], point[1])) for g in self._gradient])

    def hessian(self, point: Sequence[float]) -> np.ndarray:
        return np.array([[float(h(point[0], point[1])) for h in row] for row in self._hessian])

    @property
    def minimum_value(self) -> float | None:
        """f at the known minima, or None when none is known."""
        return self.f(self.minima[0]) if self.minima else None


def make_problem(function: str, kappa: float = 10.0) -> Problem:
    """A :class:`Problem` from a preset name or a typed f(x, y).

    Raises
    ------
    ExpressionError
        When the text is not an expression in x and y, or does not depend on them.
    """
    preset = PRESETS.get(function)
    if preset is not None:
        expression = parse_expression(preset.text, ("x", "y", "kappa"))
        expression = expression.subs(symbol("kappa"), sympy.Float(kappa))
        return Problem(function, expression, preset.xlim, preset.ylim, preset.minima,
                       preset.start, preset.learning_rate)
    expression = parse_expression(function, ("x", "y"))
    if not expression.free_symbols:
        raise ExpressionError("f must depend on x or y; a constant has nothing to minimise")
    return Problem(function, expression, (-3, 3), (-3, 3), (), (-2.0, 2.0), 1e-2)


# ----------------------------------------------------------------------------------------------
# Runs


@dataclass
class Hyperparameters:
    learning_rate: float = 1e-3
    momentum: float = 0.9
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    damping: float = 1.0
    tolerance: float = 1e-6


class Run:
    """One optimizer started from one point, stepped one iteration at a time.

    Attributes
    ----------
    path : numpy.ndarray
        Shape (k + 1, 2): the start and every iterate so far.
    values, gradient_norms, evaluations : numpy.ndarray
        f, ||grad f|| at each point of ``path``, and the function + gradient evaluations the
        method had used when it reached that point.
    velocity : numpy.ndarray or None
        The momentum / first-moment vector of methods that have one.
    converged, diverged : bool
    message : str
        Why the run stopped, or "".
    """

    def __init__(self, problem: Problem, method: str, start: Sequence[float],
                 parameters: Hyperparameters):
        if method not in METHODS:
            raise ExpressionError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
        self.problem, self.method, self.parameters = problem, method, parameters
        start_point = np.asarray(start, dtype=float)
        value = problem.f(start_point)
        gradient = problem.gradient(start_point)
        if not (math.isfinite(value) and np.all(np.isfinite(gradient))):
            raise ExpressionError(
                f"f or its gradient is undefined at the start ({start_point[0]:.4g}, "
                f"{start_point[1]:.4g}); pick another start"
            )
        self._points = [start_point]
        self._values = [value]
        self._gradients = [gradient]
        self._evaluations = [0]
        self.velocity: np.ndarray | None = None
        self.converged = bool(np.linalg.norm(gradient) < parameters.tolerance)
        self.diverged = False
        self.message = ""
        self._state: dict[str, Any] = {"velocity": np.zeros(2), "second": np.zeros(2), "t": 0}
        self._record: dict[str, Any] | None = None
        self._simplices: dict[int, np.ndarray] = {}
        if method in SCIPY_METHODS:
            self._record = self._scipy_record(start_point)

    # -- results -------------------------------------------------------------------------------

    @property
    def path(self) -> np.ndarray:
        return np.array(self._points)

    @property
    def values(self) -> np.ndarray:
        return np.array(self._values)

    @property
    def gradient_norms(self) -> np.ndarray:
        return np.linalg.norm(np.array(self._gradients), axis=1)

    @property
    def evaluations(self) -> np.ndarray:
        return np.array(self._evaluations)

    @property
    def iteration(self) -> int:
        return len(self._points) - 1

    @property
    def finished(self) -> bool:
        return self.converged or self.diverged or (
            self._record is not None and self.iteration >= len(self._record["points"]) - 1
        )

    def iterations_to_tolerance(self) -> int | None:
        """The first iteration at which ||grad f|| < tolerance, or None if not yet."""
        below = np.nonzero(self.gradient_norms < self.parameters.tolerance)[0]
        return int(below[0]) if below.size else None

    def simplex(self) -> np.ndarray | None:
        """Nelder-Mead's simplex (3 × 2) after the current iteration; None for other methods."""
        if self.method != "nelder-mead":
            return None
        k = self.iteration
        if k not in self._simplices:
            # SciPy counts the initial simplex as iteration 1, so the simplex after the k-th
            # callback is the final simplex of the same call stopped at maxiter = k + 1.
            result = scipy.optimize.minimize(self._safe_f, self._points[0], method="Nelder-Mead",
                                             options={"maxiter": k + 1})
            self._simplices[k] = result.final_simplex[0]
        return self._simplices[k]

    # -- stepping ------------------------------------------------------------------------------

    def step(self, count: int = 1) -> None:
        """Take up to ``count`` iterations (fewer when the run converges or diverges)."""
        for _ in range(count):
            if self.finished:
                return
            if self._record is not None:
                self._replay()
            else:
                self._hand_step()

    def _replay(self) -> None:
        k = self.iteration + 1
        record = self._record
        point = record["points"][k]
        self._append(point, self.problem.f(point), self.problem.gradient(point),
                     record["evaluations"][k])
        if k == len(record["points"]) - 1:
            self.converged = bool(record["success"])
            self.message = record["message"]

    def _append(self, point: np.ndarray, value: float, gradient: np.ndarray, evals: int) -> None:
        self._points.append(point)
        self._values.append(value)
        self._gradients.append(gradient)
        self._evaluations.append(evals)
        if np.linalg.norm(gradient) < self.parameters.tolerance:
            self.converged = True
            self.message = f"converged: ||grad f|| < {self.parameters.tolerance:g}"

    def _hand_step(self) -> None:
        p, state = self.parameters, self._state
        x, g = self._points[-1], self._gradients[-1]
        evals = self._evaluations[-1]
        velocity = None
        if self.method == "gd":
            new = x - p.learning_rate * g
        elif self.method == "momentum":
            velocity = p.momentum * state["velocity"] - p.learning_rate * g
            new = x + velocity
        elif self.method == "nesterov":
            ahead = x + p.momentum * state["velocity"]
            g_ahead = self.problem.gradient(ahead)
            velocity = p.momentum * state["velocity"] - p.learning_rate * g_ahead
            new = x + velocity
        elif self.method == "rmsprop":
            state["second"] = p.rho * state["second"] + (1 - p.rho) * g**2
            new = x - p.learning_rate * g / (np.sqrt(state["second"]) + p.epsilon)
        elif self.method == "adam":
            state["t"] += 1
            t = state["t"]
            velocity = p.beta1 * state["velocity"] + (1 - p.beta1) * g
            state["second"] = p.beta2 * state["second"] + (1 - p.beta2) * g**2
            m_hat = velocity / (1 - p.beta1**t)
            v_hat = state["second"] / (1 - p.beta2**t)
            new = x - p.learning_rate * m_hat / (np.sqrt(v_hat) + p.epsilon)
        else:  # newton
            new = x - p.damping * self._newton_direction(x, g)
            evals += 1  # the Hessian
        with np.errstate(all="ignore"):
            value = self.problem.f(new) if np.all(np.isfinite(new)) else math.inf
            gradient = self.problem.gradient(new) if math.isfinite(value) else np.full(2, np.nan)
        k = self.iteration + 1
        if not (math.isfinite(value) and abs(value) <= DIVERGENCE_LIMIT
                and np.all(np.isfinite(gradient))):
            self.diverged = True
            self.message = (
                f"diverged at step {k}: |f| exceeded {DIVERGENCE_LIMIT:.0e} — try a smaller "
                "learning rate" if self.method != "newton" else
                f"diverged at step {k}: |f| exceeded {DIVERGENCE_LIMIT:.0e} — try more damping"
            )
            return
        if velocity is not None:
            state["velocity"] = velocity
            self.velocity = velocity
        self._append(new, value, gradient, evals + 1)

    def _newton_direction(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        hessian = self.problem.hessian(x)
        if not np.all(np.isfinite(hessian)) or abs(np.linalg.det(hessian)) < 1e-12 * max(
            1.0, float(np.max(np.abs(hessian)))
        ) ** 2:
            raise ExpressionError(
                f"the Hessian is singular at ({x[0]:.4g}, {x[1]:.4g}): Newton's step is "
                "undefined there; move the start or use another method"
            )
        return np.linalg.solve(hessian, g)

    # -- SciPy's methods -----------------------------------------------------------------------

    def _safe_f(self, point: np.ndarray) -> float:
        value = self.problem.f(point)
        return value if math.isfinite(value) else 1e300

    def _scipy_record(self, start: np.ndarray) -> dict[str, Any]:
        counts = {"f": 0, "g": 0}

        def f(point: np.ndarray) -> float:
            counts["f"] += 1
            return self._safe_f(point)

        def gradient(point: np.ndarray) -> np.ndarray:
            counts["g"] += 1
            value = self.problem.gradient(point)
            return value if np.all(np.isfinite(value)) else np.zeros(2)

        points, evaluations = [start], [0]

        def callback(intermediate_result: scipy.optimize.OptimizeResult) -> None:
            points.append(np.array(intermediate_result.x, dtype=float))
            evaluations.append(counts["f"] + counts["g"])

        names = {"nelder-mead": "Nelder-Mead", "bfgs": "BFGS", "cg": "CG",
                 "l-bfgs-b": "L-BFGS-B"}
        options: dict[str, Any] = {"maxiter": SCIPY_MAX_ITERATIONS}
        if self.method == "nelder-mead":
            options.update(xatol=1e-10, fatol=1e-14)
        else:
            options["gtol"] = self.parameters.tolerance
        jac = None if self.method == "nelder-mead" else gradient
        with np.errstate(all="ignore"):
            result = scipy.optimize.minimize(f, start, method=names[self.method], jac=jac,
                                             callback=callback, options=options)
        return {"points": points, "evaluations": evaluations, "success": bool(result.success),
                "message": f"SciPy: {result.message}", "result": result}


# ----------------------------------------------------------------------------------------------
# Theory on the quadratic bowl f = (x^2 + kappa y^2) / 2


def bowl_rates(kappa: float) -> dict[str, float]:
    """Predicted linear rates of tuned GD and tuned heavy-ball momentum on the bowl."""
    root = math.sqrt(kappa)
    return {"gd": (kappa - 1) / (kappa + 1), "momentum": (root - 1) / (root + 1)}


def tuned_bowl_parameters(kappa: float) -> dict[str, float]:
    """The learning rate of optimal GD, and the learning rate and beta of optimal momentum.

    With Hessian eigenvalues mu = 1 and L = kappa: GD takes 2 / (L + mu); heavy ball takes
    4 / (sqrt(L) + sqrt(mu))^2 and beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2.
    """
    root = math.sqrt(kappa)
    return {
        "gd_learning_rate": 2 / (kappa + 1),
        "momentum_learning_rate": 4 / (root + 1) ** 2,
        "momentum": ((root - 1) / (root + 1)) ** 2,
    }


def measured_rate(path: np.ndarray, minimum: Sequence[float]) -> float | None:
    """Geometric mean contraction of the distance to the minimum over the path, or None."""
    distances = np.linalg.norm(path - np.asarray(minimum, dtype=float), axis=1)
    usable = distances[distances > 1e-12]
    if usable.size < 3:
        return None
    steps = usable.size - 1
    return float((usable[-1] / usable[0]) ** (1 / steps))

