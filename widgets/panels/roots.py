"""RootFinder: bisection, Newton, secant and regula falsi, one step at a time."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets
import numpy as np
from traitlets import Float, Int, Unicode, observe

from widgets.core import roots
from widgets.core.expressions import parse_number
from widgets.core.format import fmt, html_table
from widgets.panels.base import Choice, Panel, section

__all__ = ["RootFinder"]

_COLUMNS = {
    "bisection": ("k", "a", "b", "x", "f(x)", "width"),
    "regula_falsi": ("k", "a", "b", "x", "f(x)", "width"),
    "newton": ("k", "x_prev", "f(x_prev)", "f'(x_prev)", "x", "f(x)"),
    "secant": ("k", "x_prev", "x_cur", "x", "f(x)"),
}


class RootFinder(Panel):
    """Find a root of a typed f(x) by four methods, revealing one iteration per Step.

    Attributes
    ----------
    expression : str
        f(x) as text (default: the chapter's x³ − x − 2).
    a, b : str
        The bracket, as numbers or expressions; the secant starts from a and b.
    x0 : float
        Newton's start.
    method : str
        The method drawn: ``bisection``, ``newton``, ``secant`` or ``regula_falsi``.
    tolerance : float
        Stop when |f(x)| or the step falls below it.
    k : int
        How many iterations are revealed.
    traces : dict
        method -> :class:`widgets.core.roots.Trace` (all iterates, how the run ended).
    reference : float or None
        SciPy's brentq root in [a, b] (None without a sign change).
    error : str
    """

    expression = Unicode("x^3 - x - 2", help="f(x) as text.")
    a = Unicode("1", help="Left end of the bracket.")
    b = Unicode("2", help="Right end of the bracket.")
    x0 = Float(2.0, help="Newton's start.")
    method = Choice(tuple(roots.METHODS), "bisection", help="The method drawn.")
    tolerance = Float(1e-10, help="Stopping tolerance.")
    k = Int(0, help="Iterations revealed.")

    def __init__(self, expression: str = "x^3 - x - 2", a: Any = 1, b: Any = 2, **kwargs: Any):
        super().__init__("Root finder")
        self.traces: dict[str, roots.Trace] = {}
        self.reference: float | None = None
        self.problem: roots.RootProblem | None = None
        self._bounds = (1.0, 2.0)
        with self.hold():
            self._build()
            self._start(expression=expression, a=str(a), b=str(b), **kwargs)

    def step(self, count: int = 1) -> None:
        """Reveal ``count`` more iterations of the drawn method."""
        trace = self.traces.get(self.method)
        if trace is not None:
            self.k = min(self.k + count, len(trace.points))

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        style = {"description_width": "50px"}
        self.f_text = ipywidgets.Text(description="f(x) =", style=style, continuous_update=False,
                                      layout=ipywidgets.Layout(width="300px"))
        self.a_text = ipywidgets.Text(description="a =", style=style, continuous_update=False,
                                      layout=ipywidgets.Layout(width="140px"))
        self.b_text = ipywidgets.Text(description="b =", style=style, continuous_update=False,
                                      layout=ipywidgets.Layout(width="140px"))
        self.x0_box = ipywidgets.FloatText(description="x₀ =", style=style,
                                           layout=ipywidgets.Layout(width="140px"))
        for widget, name in ((self.f_text, "expression"), (self.a_text, "a"),
                             (self.b_text, "b"), (self.x0_box, "x0")):
            ipywidgets.link((self, name), (widget, "value"))
        self.method_picker = ipywidgets.ToggleButtons(
            options=[(label, key) for key, label in roots.METHODS.items()],
            style={"button_width": "110px"})
        ipywidgets.link((self, "method"), (self.method_picker, "value"))
        self.step_button = ipywidgets.Button(description="Step")
        self.step_all_button = ipywidgets.Button(description="Run to the end")
        self.reset_button = ipywidgets.Button(description="Reset", icon="undo")
        self.step_button.on_click(lambda _: self.step())
        self.step_all_button.on_click(lambda _: self.step(roots.MAX_ITERATIONS))
        self.reset_button.on_click(lambda _: setattr(self, "k", 0))
        self.summary_html = ipywidgets.HTML()
        self.summary_html.add_class("wb-summary")
        self.table_html = ipywidgets.HTML()
        self.plot_figure = self.figure(6.0, 3.4)
        axes = self.plot_figure.add_subplot()
        self._axes = axes
        axes.axhline(0, color="#999", lw=0.7)
        (self._curve,) = axes.plot([], [], color="k", lw=1.6, label="f")
        self._bracket = axes.axvspan(0, 1, color="#4a90d9", alpha=0.18, label="bracket")
        (self._construction,) = axes.plot([], [], color="#d62728", lw=1.3,
                                          label="tangent / secant / chord")
        (self._iterates,) = axes.plot([], [], "o", color="#d62728", markersize=4,
                                      label="iterates")
        (self._current,) = axes.plot([], [], "o", mfc="white", mec="#d62728", markersize=8)
        axes.legend(fontsize=7, loc="upper left")
        self._set_body(
            ipywidgets.HBox([self.f_text, self.a_text, self.b_text, self.x0_box],
                            layout=ipywidgets.Layout(flex_flow="row wrap")),
            self.method_picker,
            ipywidgets.HBox([self.step_button, self.step_all_button, self.reset_button]),
            self.plot_figure.canvas,
            section("All four methods against scipy.optimize.brentq", self.summary_html),
            section("Iterates of the drawn method", self.table_html),
        )

    @observe("expression", "a", "b", "x0", "tolerance")
    def _on_problem(self, _change: dict) -> None:
        self.recompute()

    @observe("method")
    def _on_method(self, _change: dict) -> None:
        if self.k:
            self.k = 0
        else:
            self.attempt(self._show_progress)

    @observe("k")
    def _on_k(self, _change: dict) -> None:
        if not self.is_syncing:
            self.attempt(self._show_progress)

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        problem = roots.RootProblem(self.expression)
        a, b = parse_number(self.a), parse_number(self.b)
        if a >= b:
            raise ValueError("the bracket needs a < b")
        traces = {m: roots.run_method(problem, m, a, b, self.x0, self.tolerance)
                  for m in roots.METHODS}
        self.problem, self.traces, self._bounds = problem, traces, (a, b)
        self.reference = problem.brentq(a, b)
        with self.syncing():
            self.k = 0
        self._draw_curve()
        self._show_summary()
        self._show_progress()

    # -- views ---------------------------------------------------------------------------------

    def _window(self) -> tuple[float, float]:
        a, b = self._bounds
        points = [p for t in self.traces.values() for p in t.points[:8] if math.isfinite(p)]
        low = min([a, self.x0, *points])
        high = max([b, self.x0, *points])
        pad = 0.15 * (high - low or 1.0)
        return max(low - pad, a - 3 * (b - a)), min(high + pad, b + 3 * (b - a))

    def _draw_curve(self) -> None:
        low, high = self._window()
        xs = np.linspace(low, high, 400)
        ys = self.problem.f_array(xs)
        self._curve.set_data(xs, ys)
        self._axes.set_xlim(low, high)
        finite = ys[np.isfinite(ys)]
        if finite.size:
            bottom, top = np.percentile(finite, [1, 99])
            pad = 0.1 * (top - bottom or 1.0)
            self._axes.set_ylim(min(bottom, 0) - pad, max(top, 0) + pad)
        self._axes.set_title(f"f(x) = {self.problem.expression}", fontsize=9)

    def _show_summary(self) -> None:
        rows = [(row["method"], fmt(row["root"], 12),
                 "—" if row["iterations"] is None else row["iterations"],
                 fmt(row["difference"], 2), row["message"])
                for row in roots.summary(self.traces, self.reference)]
        reference = ("brentq: " + fmt(self.reference, 14) if self.reference is not None else
                     "brentq needs a sign change on [a, b]: no reference root")
        self.summary_html.value = html_table(
            rows, ["method", "root", f"iterations to tolerance {self.tolerance:g}",
                   "|root − brentq|", "how it ended"]) + f"<div>{reference}</div>"

    def _show_progress(self) -> None:
        trace = self.traces.get(self.method)
        if trace is None:
            return
        k = min(self.k, len(trace.points))
        rows = trace.rows[:k]
        columns = _COLUMNS[self.method]
        self.table_html.value = html_table(
            [[r["k"] if c == "k" else fmt(r[c], 10) for c in columns] for r in rows[-15:]],
            list(columns)) + (f"<i>showing the last 15 of {k}</i>" if k > 15 else "")
        self._draw_construction(trace, k)
        ended = f" — {trace.message}" if k == len(trace.points) and trace.message else ""
        self.status = f"{roots.METHODS[self.method]}: {k} of {len(trace.points)} iterations{ended}"

    def _draw_construction(self, trace: roots.Trace, k: int) -> None:
        points = np.array(trace.points[:k])
        self._iterates.set_data(points, np.zeros_like(points))
        bracketing = self.method in ("bisection", "regula_falsi")
        self._bracket.set_visible(bracketing and bool(trace.rows))
        self._construction.set_data([], [])
        self._current.set_data([], [])
        if k < len(trace.rows) or (k and k == len(trace.rows)):
            row = trace.rows[min(k, len(trace.rows) - 1)] if trace.rows else None
            if row is not None:
                self._draw_row(row, bracketing)
        self.plot_figure.canvas.draw_idle()

    def _draw_row(self, row: dict[str, float], bracketing: bool) -> None:
        """The construction that makes the next iterate from ``row``."""
        f = self.problem.f
        if bracketing:
            self._bracket.set_x(row["a"])
            self._bracket.set_width(row["b"] - row["a"])
            if self.method == "regula_falsi":
                self._construction.set_data([row["a"], row["b"]], [f(row["a"]), f(row["b"])])
            self._current.set_data([row["x"]], [row["f(x)"]])
        elif self.method == "newton":
            x, fx, slope = row["x_prev"], row["f(x_prev)"], row["f'(x_prev)"]
            self._construction.set_data([x, row["x"]], [fx, fx + slope * (row["x"] - x)])
            self._current.set_data([x], [fx])
        else:
            x0, x1 = row["x_prev"], row["x_cur"]
            self._construction.set_data([x0, x1, row["x"]], [f(x0), f(x1), 0.0])
            self._current.set_data([x1], [f(x1)])
