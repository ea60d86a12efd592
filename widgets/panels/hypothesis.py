"""HypothesisTestExplorer: two-sample t-tests, their rejection region, and power."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets
import numpy as np
import scipy.stats
from traitlets import Float, Int, Unicode, observe

from widgets.core import montecarlo
from widgets.core.expressions import ExpressionError
from widgets.core.format import fmt, html_table
from widgets.panels.base import Choice, Panel, note_html

__all__ = ["HypothesisTestExplorer"]

TESTS = {"student": "Student's t (equal variances)", "welch": "Welch's t (unequal variances)"}


class HypothesisTestExplorer(Panel):
    """Two samples, Student's or Welch's t-test, the decision in words, and power.

    The default reproduces the chapter's example: A ~ N(5, 1), B ~ N(5.5, 1), 30 values each,
    drawn with ``numpy.random.seed(42)`` semantics (one ``RandomState`` stream, A then B).

    Attributes
    ----------
    mean_a, sd_a, mean_b, sd_b : float
    n_a, n_b : int
        The generated samples' parameters.
    seed : int
    data_a, data_b : str
        Pasted samples; when both are non-empty they replace the generated ones.
    test : str
        ``"student"`` or ``"welch"``.
    alpha : float
        Significance level, strictly between 0 and 1.
    repeats : int
        Experiments simulated for the power.
    statistic, pvalue, df : float
    reject : bool
    decision : str
        The decision in words.
    power : dict
        ``simulated, standard_error, analytic`` after :meth:`simulate_power`.
    error : str
    """

    mean_a = Float(5.0, help="Mean of the generated sample A.")
    sd_a = Float(1.0, help="Standard deviation of sample A.")
    n_a = Int(30, help="Size of sample A.")
    mean_b = Float(5.5, help="Mean of the generated sample B.")
    sd_b = Float(1.0, help="Standard deviation of sample B.")
    n_b = Int(30, help="Size of sample B.")
    seed = Int(42, help="Random seed.")
    data_a = Unicode("", help="Pasted sample A (replaces the generated one with data_b).")
    data_b = Unicode("", help="Pasted sample B.")
    test = Choice(tuple(TESTS), "student", help="student or welch.")
    alpha = Float(0.05, help="Significance level.")
    repeats = Int(2000, help="Experiments simulated for the power.")

    def __init__(self, **kwargs: Any):
        super().__init__("Hypothesis test explorer")
        self.statistic = math.nan
        self.pvalue = math.nan
        self.df = math.nan
        self.reject = False
        self.decision = ""
        self.power: dict[str, Any] = {}
        self.samples: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))
        with self.hold():
            self._build_controls()
            self._build_figure()
            self._layout()
            self._start(**kwargs)

    # -- public verbs --------------------------------------------------------------------------

    def simulate_power(self) -> bool:
        """Repeat the experiment ``repeats`` times at the current effect; show the power."""
        return self.attempt(self._simulate_power)

    # -- building ------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        style = {"description_width": "70px"}

        def number(name: str, label: str, integer: bool = False) -> Any:
            box = (ipywidgets.IntText if integer else ipywidgets.FloatText)(
                description=label, style=style, layout=ipywidgets.Layout(width="170px"))
            ipywidgets.link((self, name), (box, "value"))
            return box

        self.sample_a_controls = [number("mean_a", "A: mean"), number("sd_a", "sd"),
                                  number("n_a", "size", True)]
        self.sample_b_controls = [number("mean_b", "B: mean"), number("sd_b", "sd"),
                                  number("n_b", "size", True)]
        self.seed_box = number("seed", "seed", True)
        self.paste_a = ipywidgets.Textarea(placeholder="or paste sample A", layout=ipywidgets
                                           .Layout(width="260px", height="48px"),
                                           continuous_update=False)
        self.paste_b = ipywidgets.Textarea(placeholder="and sample B", layout=ipywidgets
                                           .Layout(width="260px", height="48px"),
                                           continuous_update=False)
        ipywidgets.link((self, "data_a"), (self.paste_a, "value"))
        ipywidgets.link((self, "data_b"), (self.paste_b, "value"))
        self.test_picker = ipywidgets.ToggleButtons(
            options=[(label, key) for key, label in TESTS.items()],
            style={"button_width": "220px"})
        ipywidgets.link((self, "test"), (self.test_picker, "value"))
        self.alpha_box = ipywidgets.FloatText(description="alpha", style=style,
                                              layout=ipywidgets.Layout(width="170px"))
        ipywidgets.link((self, "alpha"), (self.alpha_box, "value"))
        self.power_button = ipywidgets.Button(description="Simulate power", icon="play",
                                              layout=ipywidgets.Layout(width="170px"))
        self.power_button.on_click(lambda _: self.simulate_power())
        self.decision_html = ipywidgets.HTML()
        self.decision_html.add_class("wb-decision")
        self.power_html = ipywidgets.HTML()

    def _build_figure(self) -> None:
        self.plot_figure = self.figure(9.6, 3.2)
        t_axes, samples_axes = self.plot_figure.subplots(1, 2)
        self._t_axes, self._samples_axes = t_axes, samples_axes
        (self._pdf,) = t_axes.plot([], [], color="k", lw=1.3, label="t density under H0")
        self._rejection = t_axes.fill_between([0, 1], [0, 0], alpha=0.35, color="#d62728",
                                              label="rejection region")
        self._observed = t_axes.axvline(0, color="#1f77b4", lw=2, label="observed t")
        t_axes.legend(fontsize=7, loc="upper right")
        t_axes.set_xlabel("t")
        self._dots = samples_axes.scatter([], [], s=14, alpha=0.7)
        self._mean_lines = [samples_axes.plot([], [], color=c, lw=2.5)[0]
                            for c in ("#1f77b4", "#ff7f0e")]
        samples_axes.set_xticks([0, 1], ["sample A", "sample B"])
        samples_axes.set_xlim(-0.6, 1.6)
        samples_axes.set_title("the samples (bars: means)", fontsize=9)

    def _layout(self) -> None:
        self._set_body(
            ipywidgets.HBox(self.sample_a_controls), ipywidgets.HBox(self.sample_b_controls),
            ipywidgets.HBox([self.seed_box, self.paste_a, self.paste_b],
                            layout=ipywidgets.Layout(flex_flow="row wrap")),
            ipywidgets.HBox([self.test_picker, self.alpha_box]),
            self.decision_html, self.plot_figure.canvas,
            ipywidgets.HBox([self.power_button, self.power_html]),
        )

    @observe("mean_a", "sd_a", "n_a", "mean_b", "sd_b", "n_b", "seed", "data_a", "data_b",
             "test", "alpha")
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    # -- recomputation -------------------------------------------------------------------------

    def _samples(self) -> tuple[np.ndarray, np.ndarray]:
        if self.data_a.strip() or self.data_b.strip():
            return (montecarlo.parse_numbers(self.data_a, "sample A"),
                    montecarlo.parse_numbers(self.data_b, "sample B"))
        for name, size in (("sample A", self.n_a), ("sample B", self.n_b)):
            montecarlo.check_count(f"the size of {name}", size, 2, montecarlo.MAX_DATA)
        for name, sd in (("A", self.sd_a), ("B", self.sd_b)):
            if sd < 0:
                raise ExpressionError(f"the sd of sample {name} cannot be negative")
        stream = np.random.RandomState(self.seed)  # the chapter's np.random.seed semantics
        return (stream.normal(self.mean_a, self.sd_a, self.n_a),
                stream.normal(self.mean_b, self.sd_b, self.n_b))

    def _update(self) -> None:
        first, second = self._samples()
        result = montecarlo.t_test(first, second, self.test == "student", self.alpha)
        self.samples = (first, second)
        self.statistic, self.pvalue, self.df = result["statistic"], result["pvalue"], result["df"]
        self.reject, self.decision = result["reject"], result["decision"]
        self.power = {}
        self._show(result)

    def _simulate_power(self) -> None:
        if self.data_a.strip() or self.data_b.strip():
            raise ExpressionError("power is simulated for generated samples: clear the pasted ones")
        self.power = montecarlo.t_test_power(
            self.mean_b - self.mean_a, self.sd_a, (self.n_a, self.n_b), self.alpha,
            self.test == "student", self.repeats, self.seed)
        self._show_power()

    # -- views ---------------------------------------------------------------------------------

    def _show(self, result: dict[str, Any]) -> None:
        mean_a, mean_b = result["means"]
        self.decision_html.value = (
            note_html(result["decision"], "info", bold=True)
            + html_table([(
                TESTS[self.test], fmt(result["statistic"], 4), fmt(result["df"], 4),
                fmt(result["pvalue"], 4), f"±{fmt(result['critical'], 4)}",
                f"{fmt(mean_a, 4)} / {fmt(mean_b, 4)}",
            )], ["test", "t", "degrees of freedom", "p-value", "critical t", "means A / B"]))
        self._draw(result)
        self._show_power()
        self.status = f"{len(self.samples[0])} + {len(self.samples[1])} values"

    def _draw(self, result: dict[str, Any]) -> None:
        df, critical, t = result["df"], result["critical"], result["statistic"]
        reach = max(4.0, abs(t) * 1.2, critical * 1.3)
        xs = np.linspace(-reach, reach, 400)
        density = scipy.stats.t.pdf(xs, df)
        self._pdf.set_data(xs, density)
        polygons = []
        for side in (-1, 1):
            tail = xs[side * xs >= critical]
            if tail.size:
                top = scipy.stats.t.pdf(tail, df)
                polygons.append(np.column_stack([np.concatenate([tail, tail[::-1]]),
                                                 np.concatenate([top, np.zeros_like(top)])]))
        self._rejection.set_verts(polygons)
        self._observed.set_xdata([t, t])
        self._t_axes.set_xlim(-reach, reach)
        self._t_axes.set_ylim(0, density.max() * 1.15)
        self._t_axes.set_title(f"t({fmt(df, 3)}) under H0, alpha = {self.alpha:g} (two-sided)",
                               fontsize=9)
        first, second = self.samples
        jitter = np.random.default_rng(0)
        xs_a = jitter.uniform(-0.15, 0.15, first.size)
        xs_b = 1 + jitter.uniform(-0.15, 0.15, second.size)
        self._dots.set_offsets(np.column_stack([np.concatenate([xs_a, xs_b]),
                                                np.concatenate([first, second])]))
        self._dots.set_facecolor(["#1f77b4"] * first.size + ["#ff7f0e"] * second.size)
        for index, (line, sample) in enumerate(zip(self._mean_lines, (first, second),
                                                   strict=True)):
            line.set_data([index - 0.3, index + 0.3], [sample.mean()] * 2)
        values = np.concatenate([first, second])
        pad = 0.1 * (np.ptp(values) or 1.0)
        self._samples_axes.set_ylim(values.min() - pad, values.max() + pad)
        self.plot_figure.canvas.draw_idle()

    def _show_power(self) -> None:
        if not self.power:
            effect = self.mean_b - self.mean_a
            self.power_html.value = (
                f"<span style='font-size:13px'>power: the chance this test rejects H0 when the "
                f"true difference is {fmt(effect, 3)}; click to simulate</span>")
            return
        power = self.power
        analytic = "" if self.test != "student" else (
            f"; analytic (noncentral t): <b>{fmt(power['analytic'], 3)}</b>")
        self.power_html.value = (
            f"<span style='font-size:13px'>power by simulation: <b>{fmt(power['simulated'], 3)}"
            f"</b> ± {fmt(power['standard_error'], 2)} ({power['repeats']} experiments)"
            f"{analytic}</span>")
