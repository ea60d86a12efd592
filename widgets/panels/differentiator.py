"""SymbolicDifferentiator: a derivative calculator that shows its steps and checks answers."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets
import numpy as np
import sympy
from traitlets import Float, Int, Unicode, observe, validate

from widgets.core import calculus
from widgets.core.expressions import ExpressionError, compile_expression, symbol
from widgets.core.format import fmt, html_table
from widgets.panels.base import Choice, Panel, note_html, section

__all__ = ["SymbolicDifferentiator"]

PRESETS: dict[str, tuple[str, str]] = {
    "sigmoid": ("1/(1 + exp(-x))", "x"),
    "x² sin x (product)": ("x^2*sin(x)", "x"),
    "sin(x² + 1) (chain)": ("sin(x^2 + 1)", "x"),
    "the chapter's quartic (x − 1)⁴": ("x^4 - 4*x^3 + 6*x^2 - 4*x + 1", "x"),
    "Gaussian density": ("exp(-(x - mu)^2/(2*sigma^2))/(sigma*sqrt(2*pi))", "x"),
    "log-sum-exp": ("log(exp(x) + exp(y))", "x"),
    "softmax cross-entropy": ("-log(exp(z1)/(exp(z1) + exp(z2)))", "z1"),
}
"""Preset expressions and the variable to differentiate by."""
MODES = ("derivative", "gradient", "hessian")
FORMS = ("simplify", "factor", "expand", "trigsimp", "exp")
_RANGE = (-4.0, 4.0)
_POINTS = 400


class SymbolicDifferentiator(Panel):
    """Differentiate typed expressions, with the rules applied, answer checking and plots.

    Variables may be any of ``widgets.core.calculus.VARIABLES`` (x, y, z, t, z1, z2, mu,
    sigma, theta, ...); the box detects which ones the expression uses.

    Attributes
    ----------
    expression : str
        f as text.
    variable : str
        The variable to differentiate by (absent from f: the derivative is 0, with a note).
    order : int
        1 to 5.
    mode : str
        ``"derivative"`` (∂ⁿf/∂varⁿ), ``"gradient"`` or ``"hessian"`` (over every variable of f).
    form : str
        The alternative form shown: simplify, factor, expand, trigsimp, exp.
    x0 : float
        Where the tangent line touches f in the plot.
    derivative : sympy.Expr or sympy.Matrix
        As SymPy's ``diff`` returns it (a Matrix in gradient and Hessian modes).
    simplified : sympy.Expr
        Simplified within the time budget (the unsimplified derivative, with a note, past it).
    latex : str
        LaTeX of the derivative.
    steps : list of dict
        ``rule, expression, result, detail, verified, level`` per rule applied.
    note : str
        Remarks on the result (absent variable, simplification stopped).
    error : str
    """

    expression = Unicode("x**2", help="f as text.")
    variable = Unicode("x", help="The variable to differentiate by.")
    order = Int(1, help="How many times to differentiate (1 to 5).")
    mode = Choice(MODES, "derivative", help="derivative, gradient or hessian.")
    form = Choice(FORMS, "simplify", help="Alternative form shown.")
    x0 = Float(1.0, help="Where the tangent line touches f in the plot.")

    def __init__(self, expression: str = "x**2", variable: str = "x", order: int = 1,
                 **kwargs: Any):
        super().__init__("Symbolic differentiator")
        from widgets.core.budget import warm_up

        warm_up()  # simplification runs in the worker: start it while we build
        self.derivative: Any = sympy.Integer(0)
        self.simplified: Any = sympy.Integer(0)
        self.alternative: Any = sympy.Integer(0)
        self.latex = ""
        self.steps: list[dict[str, Any]] = []
        self.note = ""
        self.recognised = ""
        self.gradient_check: dict[str, Any] = {}
        self._parsed: sympy.Expr = sympy.Integer(0)
        self._names: tuple[str, ...] = ()
        self._cache: dict[tuple, dict[str, Any]] = {}
        with self.hold():
            self._build_controls()
            self._build_figure()
            self._layout()
            self._start(expression=expression, variable=variable, order=order, **kwargs)

    # -- public verbs --------------------------------------------------------------------------

    def check(self, answer_text: str) -> bool:
        """Whether ``answer_text`` equals the derivative; the feedback is shown in the panel."""
        try:  # the answer box has its own feedback line; the panel's banner stays as it is
            return self._check(answer_text)
        except ExpressionError as error:
            self.check_html.value = note_html(f"your answer: {error}")
            return False

    # -- validation ----------------------------------------------------------------------------

    @validate("order")
    def _check_order(self, proposal: dict) -> int:
        if not 1 <= proposal["value"] <= 5:
            raise ValueError("order must be from 1 to 5")
        return proposal["value"]

    # -- building ------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        style = {"description_width": "70px"}
        self.preset = ipywidgets.Dropdown(options=["(custom)", *PRESETS], description="preset",
                                          style=style, layout=ipywidgets.Layout(width="420px"))
        self.preset.observe(self._on_preset, "value")
        self.text = ipywidgets.Text(description="f =", style=style,
                                    layout=ipywidgets.Layout(width="420px"),
                                    placeholder="e.g. x^2*sin(x)  (^ means power)")
        self.text.observe(self._on_typing, "value")
        self.preview = ipywidgets.HTMLMath()
        self.preview.add_class("wb-preview")
        self.variable_picker = ipywidgets.Dropdown(description="by", style=style,
                                                   layout=ipywidgets.Layout(width="200px"))
        self.variable_picker.observe(self._on_variable_picker, "value")
        self.order_slider = ipywidgets.IntSlider(min=1, max=5, description="order",
                                                 style=style,
                                                 layout=ipywidgets.Layout(width="260px"))
        ipywidgets.link((self, "order"), (self.order_slider, "value"))
        self.mode_picker = ipywidgets.ToggleButtons(
            options=[("∂ⁿf/∂varⁿ", "derivative"), ("gradient ∇f", "gradient"),
                     ("Hessian", "hessian")], style={"button_width": "110px"})
        ipywidgets.link((self, "mode"), (self.mode_picker, "value"))
        self.form_picker = ipywidgets.Dropdown(
            options=[("simplified", "simplify"), ("factored", "factor"), ("expanded", "expand"),
                     ("trig-simplified", "trigsimp"), ("rewritten in exp", "exp")],
            description="form", style=style, layout=ipywidgets.Layout(width="260px"))
        ipywidgets.link((self, "form"), (self.form_picker, "value"))
        self.result_html = ipywidgets.HTMLMath()
        self.result_html.add_class("wb-derivative")
        self.steps_html = ipywidgets.HTMLMath()
        self.answer = ipywidgets.Text(description="your f′ =", style=style,
                                      layout=ipywidgets.Layout(width="420px"),
                                      continuous_update=False)
        self.check_button = ipywidgets.Button(description="Check", icon="check")
        self.check_button.on_click(lambda _: self.check(self.answer.value))
        self.answer.observe(lambda c: self.check(c["new"]) if c["new"].strip() else None,
                            "value")
        self.check_html = ipywidgets.HTML()
        self.numeric_html = ipywidgets.HTML()
        self.x0_slider = ipywidgets.FloatSlider(min=_RANGE[0], max=_RANGE[1], step=0.05,
                                                description="tangent at", style=style,
                                                layout=ipywidgets.Layout(width="420px"))
        ipywidgets.link((self, "x0"), (self.x0_slider, "value"))
        self.latex_source = ipywidgets.Textarea(layout=ipywidgets.Layout(width="98%",
                                                                         height="48px"))
        self.numpy_source = ipywidgets.Textarea(layout=ipywidgets.Layout(width="98%",
                                                                         height="64px"))

    def _build_figure(self) -> None:
        self.plot_figure = self.figure(5.4, 3.3)
        axes = self.plot_figure.add_subplot()
        self._axes = axes
        axes.axhline(0, color="#999", lw=0.6)
        (self._f_line,) = axes.plot([], [], color="k", lw=1.8, label="f")
        (self._d1_line,) = axes.plot([], [], color="#d62728", lw=1.3, label="f′")
        (self._d2_line,) = axes.plot([], [], color="#1f77b4", lw=1.0, ls="--", label="f″")
        (self._tangent,) = axes.plot([], [], color="#2ca02c", lw=1.2, label="tangent")
        (self._touch,) = axes.plot([], [], "o", color="#2ca02c", zorder=5)
        axes.legend(loc="upper left", fontsize=8)
        self._slope_text = axes.text(0.98, 0.03, "", transform=axes.transAxes, ha="right",
                                     fontsize=8, color="#2ca02c")
        axes.set_xlim(*_RANGE)

    def _layout(self) -> None:
        inputs = ipywidgets.VBox([
            self.preset, self.text, self.preview,
            ipywidgets.HBox([self.variable_picker, self.order_slider]),
            self.mode_picker, self.form_picker,
        ])
        self._set_body(
            ipywidgets.HBox([inputs, ipywidgets.VBox([self.plot_figure.canvas, self.x0_slider])],
                            layout=ipywidgets.Layout(flex_flow="row wrap")),
            section("Result", self.result_html),
            section("Steps", self.steps_html),
            section("Check your answer", ipywidgets.HBox([self.answer, self.check_button]),
                    self.check_html),
            section("Numeric gradient check (central differences)", self.numeric_html),
            section("Copy: LaTeX and NumPy code of the result", self.latex_source,
                    self.numpy_source),
        )

    # -- inputs --------------------------------------------------------------------------------

    def _on_preset(self, change: dict) -> None:
        if change["new"] in PRESETS:
            text, variable = PRESETS[change["new"]]
            with self.hold():
                self.expression, self.variable, self.mode = text, variable, "derivative"

    def _on_typing(self, change: dict) -> None:
        """Every keystroke: show how the text was read; take it when it parses."""
        text = change["new"]
        if text == self.expression or self.is_syncing:
            return
        try:
            _, names = calculus.parse_with_variables(text)
        except ExpressionError as error:
            self.preview.value = (
                f"<span style='color:#a15c00;font-size:12px'>{html.escape(str(error))}</span>"
            )
            return
        with self.hold():
            self.expression = text
            if names and self.variable not in names:
                self.variable = names[0]

    def _on_variable_picker(self, change: dict) -> None:
        if change["new"] and change["new"] != self.variable and not self.is_syncing:
            self.variable = change["new"]

    @observe("expression", "variable", "order", "mode", "form")
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    @observe("x0")
    def _on_x0(self, _change: dict) -> None:
        self.attempt(self._draw_tangent)

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        if self.variable not in calculus.VARIABLES:
            raise ExpressionError(
                f"'{self.variable}' cannot be a variable here; use one of x, y, z, t, z1, ..."
            )
        parsed, names = calculus.parse_with_variables(self.expression)
        computed = self._compute(parsed, names)
        # Computed: commit, then show.
        self._parsed, self._names = parsed, names
        self.derivative, self.steps = computed["derivative"], computed["steps"]
        self.simplified, self.alternative = computed["simplified"], computed["alternative"]
        self.note, self.recognised = computed["note"], computed["recognised"]
        self.gradient_check = computed["gradient_check"]
        self.latex = sympy.latex(self.derivative)
        self._sync_controls(names)
        self.preview.value = f"you typed: $\\displaystyle f = {sympy.latex(parsed)}$"
        self._show_result()
        self._show_steps()
        self._show_gradient_check()
        self._show_sources()
        self.check_html.value = ""
        self._draw(parsed, names)
        self.status = f"{len(self.steps)} steps, all verified" if self.steps and all(
            s["verified"] for s in self.steps) else self.note or "ready"

    def _compute(self, parsed: sympy.Expr, names: tuple[str, ...]) -> dict[str, Any]:
        key = (str(parsed), self.variable, self.order, self.mode, self.form)
        if key in self._cache:
            return self._cache[key]
        note = ""
        steps: list[dict[str, Any]] = []
        recognised = ""
        gradient_check: dict[str, Any] = {}
        if self.mode == "derivative":
            derivative, steps = calculus.derivative_steps(parsed, self.variable, self.order)
            if self.variable not in names:
                note = f"f does not depend on {self.variable}, so its derivative is 0"
            if self.order == 1:
                try:  # numeric extras: a derivative NumPy cannot evaluate still shows
                    recognised = calculus.recognise(derivative, self.variable)
                    gradient_check = calculus.finite_difference_check(
                        parsed, derivative, self.variable, names or (self.variable,))
                except ExpressionError as error:
                    note = f"no numeric check: {error}"
        else:
            variables = [symbol(n) for n in (names or (self.variable,))]
            if self.mode == "gradient":
                derivative = sympy.Matrix([calculus.diff(parsed, v) for v in variables])
            else:
                derivative = sympy.hessian(parsed, variables)
        simplified, simplify_note = self._simplify(derivative, "simplify")
        alternative, form_note = (simplified, "") if self.form == "simplify" else \
            self._simplify(derivative, self.form)
        note = "; ".join(n for n in (note, simplify_note or form_note) if n)
        computed = {"derivative": derivative, "steps": steps, "simplified": simplified,
                    "alternative": alternative, "note": note, "recognised": recognised,
                    "gradient_check": gradient_check}
        if len(self._cache) > 200:
            self._cache.clear()
        self._cache[key] = computed
        return computed

    def _simplify(self, derivative: Any, form: str) -> tuple[Any, str]:
        try:
            if isinstance(derivative, sympy.MatrixBase):
                return derivative.applyfunc(
                    lambda e: calculus.simplify_within_budget(e, form)), ""
            return calculus.simplify_within_budget(derivative, form), ""
        except ExpressionError as error:
            return derivative, f"{form}: {error}; showing the unsimplified derivative"

    def _check(self, answer_text: str) -> bool:
        if self.mode != "derivative":
            raise ExpressionError("answer checking works in the ∂ⁿf/∂varⁿ mode")
        answer, _ = calculus.parse_with_variables(answer_text)
        names = tuple(sorted({*self._names, self.variable}))
        verdict = calculus.compare_expressions(answer, self.derivative, names)
        if verdict["equal"]:
            self.check_html.value = note_html(
                f"correct: equal to the derivative ({verdict['how']})", "good")
            return True
        where = ", ".join(f"{n} = {v:.4g}" for n, v in (verdict["point"] or {}).items())
        hint = f"; {verdict['hint']}" if verdict["hint"] else ""
        self.check_html.value = note_html(
            f"not equal: at {where} yours gives {fmt(verdict['yours'], 6)} but the derivative "
            f"is {fmt(verdict['expected'], 6)}{hint}", "bad")
        return False

    # -- views ---------------------------------------------------------------------------------

    def _sync_controls(self, names: tuple[str, ...]) -> None:
        with self.syncing():
            self._sync_control_values(names)

    def _sync_control_values(self, names: tuple[str, ...]) -> None:
        options = sorted({*names, self.variable})
        if tuple(self.variable_picker.options) != tuple(options):
            self.variable_picker.options = options
        self.variable_picker.value = self.variable
        if self.text.value != self.expression:
            self.text.value = self.expression
        derivative_mode = self.mode == "derivative"
        self.order_slider.disabled = not derivative_mode
        self.variable_picker.disabled = not derivative_mode

    def _show_result(self) -> None:
        label = self._result_label()
        rows = [f"{label} = $\\displaystyle {self.latex}$"]
        if sympy.latex(self.simplified) != self.latex:
            rows.append(f"simplified: $\\displaystyle {sympy.latex(self.simplified)}$")
        if self.form != "simplify":
            rows.append(f"{self.form}: $\\displaystyle {sympy.latex(self.alternative)}$")
        if self.recognised:
            rows.append(f"recognised form: $\\displaystyle {self.recognised}$")
        if self.note:
            rows.append(note_html(self.note))
        self.result_html.value = "<br>".join(rows)

    def _result_label(self) -> str:
        v = self.variable
        if self.mode == "gradient":
            return "$\\nabla f$"
        if self.mode == "hessian":
            return "$\\nabla^2 f$"
        power = "" if self.order == 1 else f"^{{{self.order}}}"
        return f"$\\dfrac{{\\partial{power} f}}{{\\partial {sympy.latex(symbol(v))}{power}}}$"

    def _show_steps(self) -> None:
        if not self.steps:
            self.steps_html.value = "<i>steps are shown in the ∂ⁿf/∂varⁿ mode</i>"
            return
        v = sympy.latex(symbol(self.variable))
        items = []
        for number, step in enumerate(self.steps[:80], start=1):
            mark = "✔" if step["verified"] else "✘ (does not match SymPy)"
            level = f" [derivative {step['level']}]" if self.order > 1 else ""
            items.append(
                f"<div style='margin:2px 0'>{number}. <b>{step['rule']}</b>{level}: "
                f"$\\frac{{d}}{{d{v}}}\\left[{sympy.latex(step['expression'])}\\right] = "
                f"{sympy.latex(step['result'])}$ "
                f"<span style='color:#666;font-size:12px'>{html.escape(step['detail'])} "
                f"{mark}</span></div>")
        if len(self.steps) > 80:
            items.append(f"<i>… and {len(self.steps) - 80} more</i>")
        self.steps_html.value = "".join(items)

    def _show_gradient_check(self) -> None:
        check = self.gradient_check
        if not check:
            self.numeric_html.value = "<i>shown for first derivatives</i>"
            return
        rows = [(fmt(x, 3), fmt(s, 8), fmt(n, 8), fmt(abs(s - n), 2))
                for x, s, n in zip(check["points"], check["symbolic"], check["numeric"],
                                   strict=True)]
        others = [n for n in self._names if n != self.variable]
        held = f" (other variables held at 1: {', '.join(others)})" if others else ""
        self.numeric_html.value = html_table(
            rows, [self.variable, "symbolic f′", "(f(x+h) − f(x−h)) / 2h", "|difference|"]
        ) + f"<div>max difference: <b>{fmt(check['max_difference'], 2)}</b>{held}</div>"

    def _show_sources(self) -> None:
        from sympy.printing.numpy import SciPyPrinter

        self.latex_source.value = self.latex
        arguments = ", ".join(self._names) or self.variable
        try:
            body = SciPyPrinter({"fully_qualified_modules": True}).doprint(self.simplified)
        except (NotImplementedError, TypeError, ValueError):
            self.numpy_source.value = "# this result has no NumPy/SciPy equivalent to print"
            return
        imports = "import numpy\nimport scipy.special\n" if "scipy" in body else "import numpy\n"
        self.numpy_source.value = (
            f"{imports}\ndef derivative({arguments}):\n    return {body}\n"
        )

    def _draw(self, parsed: sympy.Expr, names: tuple[str, ...]) -> None:
        if self.mode != "derivative":
            self._clear_plot("plots are for the ∂ⁿf/∂varⁿ mode")
            return
        try:
            self._draw_curves(parsed, names)
        except ExpressionError as error:
            self._clear_plot(f"cannot plot: {error}")

    def _clear_plot(self, title: str) -> None:
        for line in (self._f_line, self._d1_line, self._d2_line, self._tangent, self._touch):
            line.set_data([], [])
        self._slope_text.set_text("")
        self._compiled_f = None
        self._axes.set_title(title, fontsize=9)
        self.plot_figure.canvas.draw_idle()

    def _draw_curves(self, parsed: sympy.Expr, names: tuple[str, ...]) -> None:
        axes = self._axes
        others = [n for n in names if n != self.variable]
        x = symbol(self.variable)
        held = {symbol(n): 1 for n in others}
        f = parsed.subs(held)
        d1 = calculus.diff(f, x)
        d2 = calculus.diff(d1, x)
        xs = np.linspace(*_RANGE, _POINTS)
        compiled = [compile_expression(expr, (self.variable,)) for expr in (f, d1, d2)]
        values = []
        for line, function in zip((self._f_line, self._d1_line, self._d2_line), compiled,
                                  strict=True):
            ys = function(xs)
            line.set_data(xs, ys)
            values.append(ys)
        self._compiled_f, self._compiled_d1 = compiled[0], compiled[1]
        stacked = np.concatenate(values)
        finite = stacked[np.isfinite(stacked)]
        if finite.size:
            low, high = np.percentile(finite, [2, 98])
            pad = 0.1 * (high - low or 1.0)
            axes.set_ylim(low - pad, high + pad)
        held_text = f" ({', '.join(others)} = 1)" if others else ""
        axes.set_title(f"f, f′, f″ against {self.variable}{held_text}", fontsize=9)
        axes.set_xlabel(self.variable)
        self._draw_tangent()

    def _draw_tangent(self) -> None:
        if self.mode != "derivative" or getattr(self, "_compiled_f", None) is None:
            return
        x0 = self.x0
        y0 = float(self._compiled_f(x0))
        slope = float(self._compiled_d1(x0))
        if np.isfinite(y0) and np.isfinite(slope):
            xs = np.array(_RANGE)
            self._tangent.set_data(xs, y0 + slope * (xs - x0))
            self._touch.set_data([x0], [y0])
            self._slope_text.set_text(f"tangent at {x0:.2f}: slope f′ = {slope:.4g}")
        else:
            self._tangent.set_data([], [])
            self._touch.set_data([], [])
            self._slope_text.set_text(f"f or f′ is not finite at {x0:.2f}")
        self.plot_figure.canvas.draw_idle()
