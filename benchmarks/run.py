"""Benchmarks, run by hand: ``make bench`` (or ``python benchmarks/run.py [--quick]``).

Prints a Markdown table: each row is a median over repeats, next to a naive baseline where one
makes sense, the ratio between them, and the goal from the issue that asked for it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@dataclass
class Row:
    name: str
    median: float
    baseline_name: str = ""
    baseline: float | None = None
    goal: str = ""
    shown: str = ""  # printed instead of the median when set (e.g. a rate)

    def cells(self) -> list[str]:
        ratio = f"{self.median / self.baseline:.2f}x" if self.baseline else ""
        baseline = f"{self.baseline_name} {_ms(self.baseline)}" if self.baseline else ""
        return [self.name, self.shown or _ms(self.median), baseline, ratio, self.goal]


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-4 else f"{seconds * 1e6:.3g} µs"



def median_time(action: Callable[[], object], repeats: int = 21, inner: int = 1) -> float:
    """Median seconds per call of ``action`` over ``repeats`` timings of ``inner`` calls."""
    action()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            action()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def cold_import(module: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(times)


def bench_imports(quick: bool) -> list[Row]:
    repeats = 5 if quick else 11
    baseline = cold_import("ipywidgets", repeats)
    ours = cold_import("widgets", repeats)
    return [Row("cold `import widgets`", ours, "`import ipywidgets`", baseline, "<= 1.5x")]


def bench_expressions(quick: bool) -> list[Row]:
    import sympy

    from widgets import compile_expression, parse_expression

    text = "sin(x^2) + exp(-x)/3"  # 20 characters
    ours = median_time(lambda: parse_expression(text), inner=20)
    naive = median_time(lambda: sympy.sympify(text.replace("^", "**")), inner=20)
    expression = parse_expression(text)
    compile_time = median_time(lambda: compile_expression(expression, ("x",)), repeats=11)
    compiled = compile_expression(expression, ("x",))
    import numpy as np

    xs = np.linspace(0, 1, 10_000)
    evaluate = median_time(lambda: compiled(xs), inner=10)
    return [
        Row("parse a 20-character expression", ours, "`sympy.sympify` (unsafe)", naive,
            "< 1 ms"),
        Row("compile it to NumPy (lambdify)", compile_time),
        Row("evaluate it on 10^4 points", evaluate),
    ]


def bench_matrix(quick: bool) -> list[Row]:
    import numpy as np

    from widgets import MatrixInspector
    from widgets.core.linalg import matrix_report

    rng = np.random.default_rng(0)
    panel = MatrixInspector(rng.standard_normal((4, 4)))
    small = [rng.standard_normal((4, 4)) for _ in range(8)]
    counter = iter(range(10**9))

    def update() -> None:
        panel.matrix = small[next(counter) % 8]

    big = rng.standard_normal((500, 500))

    def raw_needed() -> None:  # the factorisations the report needs, each once
        with np.errstate(all="ignore"):  # a 500×500 determinant overflows a float
            np.linalg.svd(big, compute_uv=False)
            np.linalg.det(big)
            np.linalg.inv(big)
            np.linalg.eig(big)

    def naive() -> None:  # one numpy call per quantity, as a notebook would write them
        raw_needed()
        np.linalg.matrix_rank(big)
        np.linalg.cond(big)
        np.linalg.norm(big, 2)

    repeats = 3 if quick else 7
    report = median_time(lambda: matrix_report(big), repeats=repeats)
    return [
        Row("matrix inspector: 4×4 update (report + readouts + artists)",
            median_time(update, repeats=31), goal="< 16 ms"),
        Row("matrix report, 500×500", report, "its raw numpy calls", median_time(
            raw_needed, repeats=repeats), "<= 1.3x"),
        Row("matrix report, 500×500 (again)", report, "one call per quantity",
            median_time(naive, repeats=repeats)),
    ]


def bench_optimizer(quick: bool) -> list[Row]:
    from widgets import OptimizerStepper

    panel = OptimizerStepper("rosenbrock", "momentum", learning_rate=2e-4)
    step = median_time(lambda: panel.step(1), repeats=51)
    render = median_time(panel.contour_figure.canvas.draw, repeats=5)
    functions = iter(["himmelblau", "booth", "beale", "rastrigin", "saddle", "rosenbrock"] * 20)
    build = median_time(lambda: setattr(panel, "function", next(functions)), repeats=11)
    return [
        Row("optimizer: one Step (state + artists, contours kept)", step, goal="< 16 ms"),
        Row("optimizer: Play rate (kernel side)", step, goal=">= 30 steps/s",
            shown=f"{1 / step:,.0f} steps/s"),
        Row("optimizer: full Agg render of the contour figure", render),
        Row("optimizer: switch to a new function (compile + contours)", build,
            goal="< 200 ms"),
    ]


def bench_integration(quick: bool) -> list[Row]:
    import numpy as np

    from widgets import IntegrationComparer
    from widgets.core import quadrature

    panel = IntegrationComparer(n=1000)
    values = iter(list(range(900, 1001)) * 50)
    change = median_time(lambda: setattr(panel, "n", next(values)), repeats=31)
    f = lambda x: np.sin(x**2)  # noqa: E731
    study = median_time(lambda: quadrature.convergence_study(f, 0.0, np.sqrt(np.pi),
                                                             0.8948314694841449), repeats=7)
    return [
        Row("integration: n change near n = 1000 (all rules, table, artists)", change,
            goal="< 16 ms"),
        Row("integration: convergence study, all rules, n = 2 … 2^16", study, goal="< 150 ms"),
    ]


def bench_differentiator(quick: bool) -> list[Row]:
    import sympy

    from widgets.core import calculus
    from widgets.core.expressions import symbol
    from widgets.panels.differentiator import PRESETS

    def full_update(text: str, variable: str) -> None:  # everything but simplification
        expression, names = calculus.parse_with_variables(text)
        derivative, steps = calculus.derivative_steps(expression, variable)
        sympy.latex(derivative)
        [sympy.latex(s["result"]) for s in steps]
        calculus.recognise(derivative, variable)
        calculus.finite_difference_check(expression, derivative, variable, names or (variable,))

    times = {name: median_time(lambda t=text, v=var: full_update(t, v), repeats=5)
             for name, (text, var) in PRESETS.items()}
    slowest = max(times, key=times.get)
    expression, _ = calculus.parse_with_variables(PRESETS["Gaussian density"][0])
    derivative = sympy.diff(expression, symbol("x"))
    simplify = median_time(lambda: calculus.simplify_within_budget(derivative), repeats=5)
    return [
        Row("differentiator: full update, median over presets (no simplify)",
            sorted(times.values())[len(times) // 2], goal="< 100 ms"),
        Row(f"differentiator: slowest preset ({slowest})", times[slowest], goal="< 100 ms"),
        Row("differentiator: simplify the Gaussian's derivative (worker)", simplify,
            goal="<= 2 s budget"),
    ]


def bench_monte_carlo(quick: bool) -> list[Row]:
    import numpy as np

    from widgets.core import montecarlo

    data = np.random.default_rng(1).lognormal(0, 0.5, 50)
    boot = median_time(lambda: montecarlo.bootstrap(data, "median", 5000, 1), repeats=11)
    loop = median_time(lambda: montecarlo.bootstrap_loop(data, 5000, 1), repeats=3)
    return [
        Row("Monte Carlo: pi with n = 10^6", median_time(
            lambda: montecarlo.estimate_pi(1_000_000, 42), repeats=11), goal="< 100 ms"),
        Row("bootstrap: B = 5000 on n = 50 (median)", boot,
            "the chapter's list comprehension", loop, "< 100 ms"),
    ]


def bench_chapter_panels(quick: bool) -> list[Row]:
    from widgets import BroadcastingExplorer, VectorizationRace

    panel = BroadcastingExplorer()
    shapes = iter([("(4, 3)", "(3,)"), ("(3, 1)", "(1, 2)"), ("(4, 3)", "(4,)"),
                   ("(2, 1, 3)", "(4, 1)")] * 50)

    def update() -> None:
        a, b = next(shapes)
        with panel.hold():
            panel.shape_a, panel.shape_b = a, b

    race = VectorizationRace("multiply", n=100_000)
    overheads = []
    for _ in range(5):
        race.run()
        overheads.append(race.overhead)
    return [
        Row("broadcasting: update (rule, grids, values)", median_time(update, repeats=31),
            goal="< 16 ms"),
        Row("vectorization race: its own overhead per Run, n = 10^5",
            statistics.median(overheads)),
    ]


SECTIONS: list[Callable[[bool], list[Row]]] = [
    bench_imports, bench_expressions, bench_matrix, bench_optimizer, bench_integration,
    bench_differentiator, bench_monte_carlo, bench_chapter_panels,
]
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    rows = [row for section in SECTIONS for row in section(args.quick)]
    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}.\n")
    print("| what | median | baseline | ratio | goal |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")


if __name__ == "__main__":
    main()
