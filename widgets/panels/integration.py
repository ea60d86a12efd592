"""IntegrationComparer: every classic quadrature rule on any integrand, side by side."""

from __future__ import annotations

import math
import warnings
from typing import Any

import ipywidgets
import numpy as np
from traitlets import Int, List, Unicode, observe, validate

from widgets.core import quadrature
from widgets.core.expressions import (
    ExpressionError,
    compile_expression,
    expression_to_float,
    parse_expression,
)
from widgets.core.format import fmt, html_table
from widgets.panels.base import Choice, Panel, note_html, section

__all__ = ["IntegrationComparer"]

DRAW_MAX = 64
_CURVE_POINTS = 400
_CHECK_POINTS = 2001
_COLOURS = dict(zip(quadrature.RULES, [
    "#9467bd", "#8c564b", "#e377c2", "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#17becf",
    "#bcbd22", "#7f7f7f",
], strict=True))
PRESETS: dict[str, tuple[str, str, str]] = {
    "chapter: sin(x²) on [0, √π]": ("sin(x^2)", "0", "sqrt(pi)"),
    "x² on [0, 1]": ("x^2", "0", "1"),
    "exp(−x²) on [−3, 3]": ("exp(-x^2)", "-3", "3"),
    "Runge 1/(1+25x²) on [−1, 1]": ("1/(1 + 25*x^2)", "-1", "1"),
    "periodic exp(sin x) on [0, 2π]": ("exp(sin(x))", "0", "2*pi"),
    "kink |x − 1/3| on [0, 1]": ("abs(x - 1/3)", "0", "1"),
    "√x on [0, 1]": ("sqrt(x)", "0", "1"),
    "step at x = 0.3 on [0, 1]": ("(1 + sign(x - 0.3))/2", "0", "1"),
    "fast oscillation cos(40x) on [0, 1]": ("cos(40*x)", "0", "1"),
    "exp(−x²) on (−∞, ∞)": ("exp(-x^2)", "-inf", "inf"),
}
"""Preset integrands: (f, a, b)."""


class _BoundText(Unicode):
    """Text of a bound; numbers given from code are turned into their text."""

    def validate(self, obj: Any, value: Any) -> str:
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            value = repr(float(value))
        return super().validate(obj, value)


class IntegrationComparer(Panel):
    """Compare quadrature rules on any integrand: pieces, errors, convergence, Romberg, quad.

    Parameters
    ----------
    expression
        f(x) as text, e.g. ``"sin(x**2)"``.
    a, b
        The bounds, as numbers or text (``"sqrt(pi)"``, ``"-inf"``).
    n
        Subintervals (nodes for Gauss, samples for Monte Carlo).

    Attributes
    ----------
    expression, a, b : str
    n : int
        Clamped to 1 .. the work cap (10⁷ evaluations), with a note.
    rule : str
        The rule whose pieces are drawn (one of ``quadrature.RULES``).
    rules : list of str
        The rules shown in the convergence plot.
    x_axis : str
        ``"n"`` or ``"evaluations"`` for the convergence plot.
    seed : int
        Seed of the Monte Carlo rule.
    results : dict
        rule -> ``{estimate, abs_error, rel_error, evaluations, order, note}`` at ``n``
        (``estimate`` is None, with the reason in ``note``, where the rule cannot run).
    reference : dict
        ``{value, error_estimate, exact, subintervals, evaluations, source}``: SciPy's quad and,
        when SymPy finds it within the time budget, the exact value (``exact``, a SymPy number).
    convergence : dict
        rule -> ``{n, evaluations, errors, order, theory, hit_floor, note}``.
    romberg : numpy.ndarray
        Romberg's triangle at the current n.
    error : str
    """

    expression = Unicode("sin(x**2)", help="f(x) as text.")
    a = _BoundText("0", help="Lower bound (number or expression).")
    b = _BoundText("sqrt(pi)", help="Upper bound (number or expression).")
    n = Int(10, help="Subintervals / nodes / samples.")
    rule = Choice(tuple(quadrature.RULES), "simpson", help="The rule drawn.")
    rules = List(Unicode(), default_value=["left", "trapezoid", "simpson", "boole", "gauss",
                                           "monte_carlo"], help="Rules in the convergence plot.")
    x_axis = Unicode("n", help="Convergence plot against 'n' or 'evaluations'.")
    seed = Int(0, help="Seed of the Monte Carlo rule.")

    def __init__(self, expression: str = "sin(x**2)", a: Any = 0, b: Any = "sqrt(pi)",
                 n: int = 10, **kwargs: Any):
        super().__init__("Integration rule comparer")
        from widgets.core.budget import warm_up

        warm_up()  # SymPy's exact integral runs in the worker: start it while we build
        self.results: dict[str, dict[str, Any]] = {}
        self.reference: dict[str, Any] = {}
        self.convergence: dict[str, dict[str, Any]] = {}
        self.romberg = np.zeros((0, 0))
        self.notes: list[str] = []
        self._setup: dict[str, Any] | None = None
        self._setup_key: tuple | None = None
        self._clamp_note = ""
        with self.hold():
            self._build_controls()
            self._build_figures()
            self._layout()
            self._start(expression=expression, a=a, b=b, n=n, **kwargs)

    # -- validation ----------------------------------------------------------------------------

    @validate("n")
    def _clamp_n(self, proposal: dict) -> int:
        n, self._clamp_note = _clamp(int(proposal["value"]))
        return n

    @validate("rules")
    def _check_rules(self, proposal: dict) -> list[str]:
        unknown = [r for r in proposal["value"] if r not in quadrature.RULES]
        if unknown:
            raise ValueError(f"unknown rule {unknown[0]!r}")
        return list(proposal["value"])

    # -- building ------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        style = {"description_width": "60px"}
        self.preset = ipywidgets.Dropdown(options=["(custom)", *PRESETS], description="preset",
                                          layout=ipywidgets.Layout(width="360px"), style=style)
        self.preset.observe(self._on_preset, "value")
        self.f_text = ipywidgets.Text(description="f(x) =", continuous_update=False, style=style,
                                      layout=ipywidgets.Layout(width="360px"))
        self.a_text = ipywidgets.Text(description="a =", continuous_update=False, style=style,
                                      layout=ipywidgets.Layout(width="178px"))
        self.b_text = ipywidgets.Text(description="b =", continuous_update=False, style=style,
                                      layout=ipywidgets.Layout(width="178px"))
        for widget, name in ((self.f_text, "expression"), (self.a_text, "a"),
                             (self.b_text, "b")):
            ipywidgets.link((self, name), (widget, "value"))
        self.n_slider = ipywidgets.IntSlider(min=1, max=1000, description="n", style=style,
                                             layout=ipywidgets.Layout(width="360px"))
        self.n_slider.observe(lambda c: setattr(self, "n", c["new"]), "value")
        self.rule_picker = ipywidgets.Dropdown(
            options=[(r.label, k) for k, r in quadrature.RULES.items()], description="draw",
            style=style, layout=ipywidgets.Layout(width="360px"),
        )
        ipywidgets.link((self, "rule"), (self.rule_picker, "value"))
        self.rules_picker = ipywidgets.SelectMultiple(
            options=[(r.label, k) for k, r in quadrature.RULES.items()], rows=10,
            description="plot", style=style, layout=ipywidgets.Layout(width="220px"),
        )
        self.rules_picker.observe(lambda c: setattr(self, "rules", list(c["new"])), "value")
        self.x_axis_picker = ipywidgets.ToggleButtons(
            options=[("error vs n", "n"), ("error vs evaluations", "evaluations")],
            style={"button_width": "150px"},
        )
        ipywidgets.link((self, "x_axis"), (self.x_axis_picker, "value"))
        self.table_html = ipywidgets.HTML()
        self.table_html.add_class("wb-table")
        self.reference_html = ipywidgets.HTMLMath()
        self.notes_html = ipywidgets.HTML()
        self.convergence_html = ipywidgets.HTML()
        self.romberg_html = ipywidgets.HTMLMath()

    def _build_figures(self) -> None:
        from matplotlib.collections import LineCollection, PolyCollection

        self.pieces_figure = self.figure(5.0, 3.4)
        axes = self.pieces_figure.add_subplot()
        self._pieces_axes = axes
        axes.axhline(0, color="#999", lw=0.6)
        (self._curve,) = axes.plot([], [], color="k", lw=1.6, zorder=3, label="f(x)")
        self._pieces = PolyCollection([], alpha=0.35, edgecolor="#333", linewidth=0.6, zorder=2)
        axes.add_collection(self._pieces)
        self._stems = LineCollection([], colors="#17becf", linewidths=1.2, zorder=2)
        axes.add_collection(self._stems)
        self._nodes = axes.scatter([], [], s=[], color="#17becf", edgecolor="k", zorder=4)
        self._quad_ticks = LineCollection([], colors="#d62728", linewidths=1.0, zorder=5,
                                          label="quad's subintervals")
        axes.add_collection(self._quad_ticks)
        self._pieces_note = axes.text(0.02, 0.96, "", transform=axes.transAxes, fontsize=8,
                                      va="top", ha="left",
                                      bbox={"fc": "white", "alpha": 0.8, "ec": "none"})
        axes.set_xlabel("x")

        self.convergence_figure = self.figure(4.8, 4.0)
        conv = self.convergence_figure.add_subplot()
        self._conv_axes = conv
        conv.set_xscale("log")
        conv.set_yscale("log")
        conv.grid(True, which="major", alpha=0.3)
        conv.set_ylabel("|error|")
        self._conv_lines = {
            rule: conv.plot([], [], "-o", markersize=2.5, lw=1.3, color=_COLOURS[rule],
                            visible=False)[0]
            for rule in quadrature.RULES
        }
        self._conv_legend = None
        self._conv_legend_key: tuple | None = None
        (self._conv_marker,) = conv.plot([], [], "o", mfc="none", mec="k", markersize=7)

    def _layout(self) -> None:
        controls = ipywidgets.VBox([
            self.preset, self.f_text, ipywidgets.HBox([self.a_text, self.b_text]),
            self.n_slider, self.rule_picker,
        ])
        self._set_body(
            ipywidgets.HBox([controls, self.pieces_figure.canvas],
                            layout=ipywidgets.Layout(flex_flow="row wrap")),
            self.notes_html,
            section("Estimates at n", self.table_html, self.reference_html),
            section("Convergence", ipywidgets.HBox([
                ipywidgets.VBox([self.convergence_figure.canvas, self.x_axis_picker]),
                self.rules_picker,
            ], layout=ipywidgets.Layout(flex_flow="row wrap")), self.convergence_html),
            section("Romberg's table, built from the trapezoid rule", self.romberg_html),
        )

    # -- inputs --------------------------------------------------------------------------------

    def _on_preset(self, change: dict) -> None:
        if change["new"] in PRESETS:
            f, a, b = PRESETS[change["new"]]
            with self.hold():
                self.expression, self.a, self.b = f, a, b

    @observe("expression", "a", "b", "n", "rule", "rules", "x_axis", "seed")
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        key = (self.expression, self.a, self.b, self.seed)
        changed = key != self._setup_key
        setup = _prepare(*key) if changed else self._setup
        n, clamp_note = self.n, self._clamp_note
        results, romberg = _estimates(setup, n, self.seed)
        # Computed without error: commit and draw.
        self._setup, self._setup_key = setup, key
        self.results, self.romberg = results, romberg
        self.reference, self.convergence = setup["reference"], setup["convergence"]
        self.notes = [note for note in (clamp_note, setup["note"]) if note]
        if n <= self.n_slider.max:
            self.n_slider.value = n
        self.rules_picker.value = tuple(self.rules)
        self._show_notes()
        self._show_table(results, n)
        if changed:  # what depends on f, a and b only
            self._show_reference(setup)
            self._show_convergence_table(setup)
        self._draw_pieces(setup, n)
        self._draw_convergence(setup, n)
        self._show_romberg(romberg, setup)
        self.status = f"n = {n}; reference: {setup['reference']['source']}"

    # -- views ---------------------------------------------------------------------------------

    def _show_notes(self) -> None:
        self.notes_html.value = "".join(note_html(note) for note in self.notes)

    def _show_table(self, results: dict[str, dict[str, Any]], n: int) -> None:
        rows = []
        for rule, result in results.items():
            label = quadrature.RULES[rule].label
            if result["estimate"] is None:
                rows.append((label, "—", "—", "—", "—", "—", result["note"]))
                continue
            order = result["order"]
            rows.append((
                label, fmt(result["estimate"], 12), fmt(result["abs_error"], 3),
                fmt(result["rel_error"], 3), result["evaluations"],
                "—" if order is None else f"{order:.2f}", result["note"],
            ))
        self.table_html.value = html_table(
            rows, ["rule", "estimate", "abs error", "rel error", "f evaluations",
                   "observed order (n → 2n)", "note"],
        )

    def _show_reference(self, setup: dict[str, Any]) -> None:
        import sympy

        reference = setup["reference"]
        parts = [
            f"scipy.integrate.quad: {fmt(reference['quad'], 15)} "
            f"(its error estimate {fmt(reference['error_estimate'], 2)}, "
            f"{reference['evaluations']} evaluations)"
        ]
        if reference["exact"] is not None:
            parts.append(
                f"exact (SymPy): $\\displaystyle {sympy.latex(reference['exact'])}$ = "
                f"{fmt(reference['value'], 15)}"
            )
        else:
            parts.append("exact: SymPy found no closed form within the time budget")
        self.reference_html.value = "<br>".join(parts)

    def _draw_pieces(self, setup: dict[str, Any], n: int) -> None:
        axes = self._pieces_axes
        lo, hi = setup["plot_window"]
        xs = np.linspace(lo, hi, _CURVE_POINTS)
        ys = setup["f"](xs)
        self._curve.set_data(xs, ys)
        verts, stems, nodes, sizes, note = _pieces(setup, self.rule, n, self.seed)
        self._pieces.set_verts(verts)
        self._pieces.set_facecolor(_COLOURS[self.rule])
        self._stems.set_segments(stems)
        self._nodes.set_offsets(nodes if len(nodes) else np.zeros((0, 2)))
        self._nodes.set_sizes(sizes)
        finite = ys[np.isfinite(ys)]
        low = min(0.0, float(finite.min())) if finite.size else -1.0
        high = max(0.0, float(finite.max())) if finite.size else 1.0
        pad = 0.08 * (high - low or 1.0)
        axes.set_xlim(lo, hi)
        axes.set_ylim(low - pad, high + pad)
        subintervals = setup["reference"]["subintervals"]
        tick = low - 0.6 * pad
        edges = np.unique(subintervals.ravel()) if subintervals.size else np.zeros(0)
        edges = edges[np.isfinite(edges)]
        self._quad_ticks.set_segments([[(e, tick - 0.35 * pad), (e, tick + 0.35 * pad)]
                                       for e in edges])
        count = len(subintervals)
        self._pieces_note.set_text(
            f"{quadrature.RULES[self.rule].label}, n = {n}{note}\n"
            f"red ticks: quad's {count} subinterval{'s' if count != 1 else ''}"
        )
        axes.set_title(f"f(x) = {setup['expression_text']}", fontsize=9)
        self.pieces_figure.canvas.draw_idle()

    def _draw_convergence(self, setup: dict[str, Any], n: int) -> None:
        axes = self._conv_axes
        study = setup["convergence"]
        use_evaluations = self.x_axis == "evaluations"
        shown = [r for r in self.rules if r in study]
        for rule, line in self._conv_lines.items():
            visible = rule in shown
            line.set_visible(visible)
            if not visible:
                continue
            data = study[rule]
            xs = data["evaluations"] if use_evaluations else data["n"]
            line.set_data(xs, np.maximum(data["errors"], 1e-17))
            order = data["order"]
            observed = "—" if order is None else f"n^-{order:.2f}"
            line.set_label(f"{quadrature.RULES[rule].label}: {observed}, "
                           f"theory {quadrature.RULES[rule].theory_text.split(' ')[0]}")
        legend_key = (tuple(shown), self._setup_key)
        if legend_key != self._conv_legend_key:  # rebuilt only when its entries change
            self._conv_legend_key = legend_key
            if self._conv_legend is not None:
                self._conv_legend.remove()
            # Below the axes, so it never hides a line (and needs no costly "best" placement).
            self._conv_legend = self.convergence_figure.legend(
                handles=[self._conv_lines[r] for r in shown], fontsize=6.5, ncols=2,
                loc="outside lower center", frameon=False,
            ) if shown else None
        current = self.results.get(self.rule, {})
        if current.get("abs_error") is not None and current["abs_error"] > 0:
            x = current["evaluations"] if use_evaluations else n
            self._conv_marker.set_data([x], [current["abs_error"]])
        else:
            self._conv_marker.set_data([], [])
        axes.set_xlabel("function evaluations" if use_evaluations else "n")
        axes.relim(visible_only=True)
        axes.autoscale_view()
        axes.set_title("|error| against n (log-log); circle: the drawn rule at n", fontsize=9)
        self.convergence_figure.canvas.draw_idle()

    def _show_convergence_table(self, setup: dict[str, Any]) -> None:
        study = setup["convergence"]
        rows = [
            (quadrature.RULES[r].label,
             "—" if study[r]["order"] is None else f"{study[r]['order']:.2f}",
             quadrature.RULES[r].theory_text, study[r]["note"])
            for r in study
        ]
        self.convergence_html.value = html_table(
            rows, ["rule", "fitted order p (error ~ n^-p)", "theory", "note"]
        ) if rows else "<i>no convergence study: the interval is not finite, or empty</i>"

    def _show_romberg(self, romberg: np.ndarray, setup: dict[str, Any]) -> None:
        if romberg.size == 0:
            self.romberg_html.value = "<i>needs a finite interval</i>"
            return
        reference = setup["reference"]["value"]
        levels = romberg.shape[0] - 1
        header = ["k", "2^k intervals"] + [f"R(k, {j})" for j in range(levels + 1)]
        rows = []
        for k in range(levels + 1):
            cells = [k, 2**k]
            for j in range(levels + 1):
                if j > k:
                    cells.append("")
                    continue
                error = abs(romberg[k, j] - reference)
                cells.append(f"{fmt(romberg[k, j], 12)}<br><small style='color:#777'>"
                             f"err {fmt(error, 2)}</small>")
            rows.append(cells)
        explanation = (
            "<div style='font-size:12px;margin-top:4px'>Column 0 is the trapezoid rule with "
            "$2^k$ intervals; its error is a series in $h^2, h^4, \\dots$ Each step right "
            "cancels the next term: $R(k, j) = R(k, j-1) + \\frac{R(k, j-1) - R(k-1, j-1)}"
            "{4^j - 1}$ (Richardson extrapolation). Column 1 equals Simpson's rule.</div>"
        )
        self.romberg_html.value = html_table(rows, header, escape=False) + explanation


# ----------------------------------------------------------------------------------------------
# Pure helpers (no widgets)


def _clamp(n: int) -> tuple[int, str]:
    largest = quadrature.MAX_EVALUATIONS - 1
    if n < 1:
        return 1, f"n = {n} is below 1: using n = 1"
    if n > largest:
        return largest, f"n = {n} exceeds the work cap of {largest:,} evaluations: using that"
    return n, ""


def _prepare(expression_text: str, a_text: str, b_text: str, seed: int) -> dict[str, Any]:
    """Everything that depends on f, a and b only: reference, convergence study, curve."""
    import sympy

    expression = _field("f(x)", lambda: parse_expression(expression_text, ("x",)))
    a_expr = _field("a", lambda: parse_expression(a_text, ()))
    b_expr = _field("b", lambda: parse_expression(b_text, ()))
    a = _field("a", lambda: expression_to_float(a_expr, a_text, allow_infinite=True))
    b = _field("b", lambda: expression_to_float(b_expr, b_text, allow_infinite=True))
    compiled = compile_expression(expression, ("x",))
    sign, lo, hi = (1.0, a, b) if a <= b else (-1.0, b, a)
    finite = math.isfinite(lo) and math.isfinite(hi)
    note = ""
    if a > b:
        note = "a > b: ∫ₐᵇ f = −∫ᵦᵃ f, so every estimate is computed on [b, a] and negated"
    if a == b:
        note = "a = b: the interval is empty, so every integral is 0"
    if finite:
        _check_finite(compiled, expression, lo, hi)
        window = (lo, hi) if hi > lo else (lo - 1, lo + 1)
    else:
        window = (max(lo, -8.0), min(hi, 8.0))
        if window[0] >= window[1]:
            window = (window[1] - 8, window[1]) if math.isinf(lo) else (window[0], window[0] + 8)
        note = "an infinite bound: only quad and SymPy can integrate here; the rules need [a, b]"

    def scalar(x: float) -> float:
        return float(compiled(x))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quad = quadrature.quad_reference(scalar, lo, hi) if hi > lo else {
            "value": 0.0, "error_estimate": 0.0, "subintervals": np.zeros((0, 2)),
            "evaluations": 0}
    if not math.isfinite(quad["value"]):
        raise ExpressionError("quad could not integrate f here: the integral may diverge")
    exact = quadrature.exact_integral(expression, a_expr, b_expr) if hi > lo else sympy.Integer(0)
    exact_value = None
    if exact is not None:
        try:
            exact_value = expression_to_float(exact)
        except ExpressionError:
            exact, exact_value = None, None
    quad_warning = [str(w.message).split("\n")[0] for w in caught]
    if quad_warning and not note:
        note = f"quad warns: {quad_warning[0]}"
    value = exact_value if exact_value is not None else sign * quad["value"]
    reference = {
        "value": value, "quad": sign * quad["value"], "error_estimate": quad["error_estimate"],
        "exact": exact, "subintervals": quad["subintervals"], "evaluations": quad["evaluations"],
        "source": "exact (SymPy)" if exact_value is not None else "scipy.integrate.quad",
    }
    study = {}
    if finite and hi > lo:
        study = quadrature.convergence_study(compiled, lo, hi, sign * value, seed=seed)
    return {
        "f": compiled, "expression_text": str(expression), "lo": lo, "hi": hi, "sign": sign,
        "finite": finite, "reference": reference, "convergence": study, "note": note,
        "plot_window": window,
    }


def _field(name: str, read: Any) -> Any:
    """Run ``read``; name the box in the message when it fails."""
    try:
        return read()
    except ExpressionError as error:
        raise ExpressionError(f"{name}: {error}") from None


def _check_finite(compiled: Any, expression: Any, lo: float, hi: float) -> None:
    """Refuse f when it is not finite on [lo, hi]: at SymPy's singular points or on a grid."""
    points = [p for p in quadrature.singular_points(expression, lo, hi) if lo <= p <= hi]
    if points:  # a pole may still evaluate to a huge finite number (tan at pi/2 in floats)
        raise ExpressionError(f"f is not finite at x = {points[0]:.6g} (a singularity)")
    _, note = compiled.evaluate(np.linspace(lo, hi, _CHECK_POINTS))
    if note:
        raise ExpressionError(f"f is {note}")


def _estimates(setup: dict[str, Any], n: int, seed: int) -> tuple[dict, np.ndarray]:
    reference = setup["reference"]["value"]
    results: dict[str, dict[str, Any]] = {}
    f, lo, hi, sign = setup["f"], setup["lo"], setup["hi"], setup["sign"]
    for rule, spec in quadrature.RULES.items():
        if not setup["finite"]:
            results[rule] = _unavailable("needs a finite interval [a, b]")
            continue
        if hi == lo:
            results[rule] = {"estimate": 0.0, "abs_error": 0.0, "rel_error": 0.0,
                             "evaluations": 0, "order": None, "note": "a = b"}
            continue
        if n % spec.multiple:
            below = n - n % spec.multiple
            options = " or ".join(str(m) for m in (below, below + spec.multiple) if m > 0)
            reason = " (it pairs up subintervals)" if spec.multiple == 2 else ""
            results[rule] = _unavailable(
                f"needs n divisible by {spec.multiple}{reason}: try n = {options}")
            continue
        if rule == "gauss" and n > quadrature.MAX_GAUSS_NODES:
            results[rule] = _unavailable(f"offered up to {quadrature.MAX_GAUSS_NODES} nodes")
            continue
        mc = quadrature.monte_carlo(f, lo, hi, n, seed) if rule == "monte_carlo" else None
        estimate, evaluations = ((mc["estimate"], n) if mc is not None
                                 else quadrature.run_rule(rule, f, lo, hi, n, seed))
        if not math.isfinite(estimate):
            raise ExpressionError(f"f is not finite at a node of the {spec.label} rule")
        estimate *= sign
        error = abs(estimate - reference)
        results[rule] = {
            "estimate": estimate, "abs_error": error,
            "rel_error": error / abs(reference) if reference else math.inf,
            "evaluations": evaluations, "order": _observed_order(rule, setup, n, error, seed),
            "note": _rule_note(rule, setup, n, mc),
        }
    romberg = np.zeros((0, 0))
    if setup["finite"] and hi > lo:
        romberg = sign * quadrature.romberg_table(f, lo, hi, min(quadrature.romberg_levels(n), 6))
    return results, romberg


def _unavailable(note: str) -> dict[str, Any]:
    return {"estimate": None, "abs_error": None, "rel_error": None, "evaluations": 0,
            "order": None, "note": note}


def _observed_order(rule: str, setup: dict[str, Any], n: int, error: float,
                    seed: int) -> float | None:
    if rule in ("gauss", "romberg", "monte_carlo") or 2 * n >= quadrature.MAX_EVALUATIONS:
        return None
    reference = setup["reference"]["value"]
    doubled = quadrature.run_rule(rule, setup["f"], setup["lo"], setup["hi"], 2 * n, seed)[0]
    error2 = abs(setup["sign"] * doubled - reference)
    floor = 1e3 * np.finfo(float).eps * max(abs(reference), 1e-300)
    if error <= floor or error2 <= floor:
        return None
    return math.log2(error / error2)


def _rule_note(rule: str, setup: dict[str, Any], n: int, mc: dict[str, Any] | None) -> str:
    if mc is not None:
        low, high = (setup["sign"] * v for v in mc["interval"])
        low, high = min(low, high), max(low, high)
        if n < 2:
            return "needs n ≥ 2 for an interval"
        return f"95% interval [{fmt(low, 6)}, {fmt(high, 6)}]"
    if rule == "romberg":
        levels = quadrature.romberg_levels(n)
        return f"{levels} Richardson levels on 2^{levels} = {2**levels} intervals"
    return ""


def _pieces(setup: dict[str, Any], rule: str, n: int, seed: int) -> tuple:
    """Polygons, stems, node points and sizes that draw ``rule`` at ``n``, and a note."""
    empty = ([], [], np.zeros((0, 2)), np.zeros(0))
    if not setup["finite"] or setup["hi"] == setup["lo"]:
        return (*empty, " (nothing to draw)")
    f, lo, hi = setup["f"], setup["lo"], setup["hi"]
    if rule == "monte_carlo":
        points = quadrature.monte_carlo(f, lo, hi, min(n, 2000), seed)["points"]
        return [], [], np.column_stack([points, f(points)]), np.full(len(points), 12.0), ""
    if rule == "gauss":
        if n > DRAW_MAX:
            return (*empty, f" (pieces drawn up to n = {DRAW_MAX})")
        nodes, weights = quadrature._gauss_points(lo, hi, n)
        values = f(nodes)
        sizes = 400 * weights / weights.max()
        stems = [[(x, 0.0), (x, y)] for x, y in zip(nodes, values, strict=True)]
        return [], stems, np.column_stack([nodes, values]), sizes, " (marker area ∝ weight)"
    if rule == "romberg":
        levels = quadrature.romberg_levels(n)
        return (*_pieces(setup, "trapezoid", 2**levels, seed)[:4],
                f" (its finest trapezoids, 2^{levels})")
    multiple = quadrature.RULES[rule].multiple
    if n > DRAW_MAX or n % multiple:
        why = f" (pieces drawn up to n = {DRAW_MAX})" if n > DRAW_MAX else " (n does not fit)"
        return (*empty, why)
    x = np.linspace(lo, hi, n + 1)
    y = f(x)
    if rule in ("left", "right", "midpoint"):
        heights = {"left": y[:-1], "right": y[1:], "midpoint": f((x[:-1] + x[1:]) / 2)}[rule]
        verts = [[(x0, 0), (x0, h), (x1, h), (x1, 0)]
                 for x0, x1, h in zip(x[:-1], x[1:], heights, strict=True)]
        return verts, [], np.zeros((0, 2)), np.zeros(0), ""
    if rule == "trapezoid":
        verts = [[(x[i], 0), (x[i], y[i]), (x[i + 1], y[i + 1]), (x[i + 1], 0)] for i in range(n)]
        return verts, [], np.zeros((0, 2)), np.zeros(0), ""
    verts = []
    for start in range(0, n, multiple):  # one interpolating polynomial per panel
        px, py = x[start:start + multiple + 1], y[start:start + multiple + 1]
        coefficients = np.polyfit(px - px[0], py, multiple)
        fine = np.linspace(px[0], px[-1], 6 * multiple + 1)
        curve = np.polyval(coefficients, fine - px[0])
        verts.append([(px[0], 0), *zip(fine, curve, strict=True), (px[-1], 0)])
    kind = {2: "parabolic arcs", 3: "cubic arcs", 4: "quartic arcs"}[multiple]
    return verts, [], np.column_stack([x, y]), np.full(n + 1, 10.0), f" ({kind})"
