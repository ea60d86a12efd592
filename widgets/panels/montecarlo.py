"""MonteCarloLab: estimate pi, integrate by sampling, and bootstrap a statistic."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets
import numpy as np
from traitlets import Float, Int, Unicode, observe

from widgets.core import montecarlo
from widgets.core.expressions import (
    compile_expression,
    parse_expression,
)
from widgets.core.format import fmt, html_table
from widgets.panels.base import Choice, Panel

__all__ = ["MonteCarloLab"]

MODES = ("pi", "integral", "bootstrap")
DISTRIBUTIONS = ("uniform on [a, b]", "normal", "uniform")
INTEGRAL_PRESETS: dict[str, tuple[str, str, float, float]] = {
    "E[X²], X ~ N(0, 1) (the chapter's exercise)": ("x^2", "normal", 0.0, 1.0),
    "∫₀¹ x² dx": ("x^2", "uniform on [a, b]", 0.0, 1.0),
    "∫₀^π sin x dx": ("sin(x)", "uniform on [a, b]", 0.0, math.pi),
    "E[exp(X)], X ~ N(0, 1)": ("exp(x)", "normal", 0.0, 1.0),
    "E[X⁴], X ~ U(0, 1)": ("x^4", "uniform", 0.0, 1.0),
}


class MonteCarloLab(Panel):
    """Monte Carlo estimates with their standard errors and 95% intervals.

    Sampling runs when an input settles (sliders report on release) or on the Sample
    button, never for intermediate slider values. Memory stays bounded: samples are drawn
    in chunks of at most ``montecarlo.CHUNK`` (10⁶) floats, so n up to 10⁷ and B up to 10⁴
    use at most about 16 MB at a time.

    Attributes
    ----------
    mode : str
        ``"pi"``, ``"integral"`` or ``"bootstrap"``.
    n : int
        Samples for pi and the integral (10 to 10⁷).
    seed : int
        Same seed, same picture.
    expression : str
        f (or g) for the integral mode.
    distribution : str
        ``"uniform on [a, b]"`` (∫ₐᵇ f dx), ``"normal"`` (E[g(X)], X ~ N(a, b)) or
        ``"uniform"`` (E[g(X)], X ~ U(a, b)).
    a, b : float
        Bounds, or the distribution's mean and sd / low and high.
    data : str
        Pasted numbers for the bootstrap; empty means a lognormal sample of ``sample_size``.
    sample_size, resamples : int
        The generated sample's size and the bootstrap's B (10 to 10⁴).
    statistic : str
        ``median``, ``mean``, ``std`` or ``trimmed mean (10%)``.
    estimate, standard_error : float
    interval : tuple of float
        The 95% interval (percentile interval for the bootstrap).
    reference : float or None
        The exact or quad value the estimate is compared with (pi mode: pi).
    result : dict
        Everything the last computation returned.
    error : str
    """

    mode = Choice(MODES, "pi", help="pi, integral or bootstrap.")
    n = Int(100_000, help="Samples (10 to 10^7).")
    seed = Int(42, help="Random seed.")
    expression = Unicode("x^2", help="f or g for the integral mode.")
    distribution = Unicode("normal", help="uniform on [a, b], normal or uniform.")
    a = Float(0.0, help="Lower bound, or the mean / low of the distribution.")
    b = Float(1.0, help="Upper bound, or the sd / high of the distribution.")
    data = Unicode("", help="Pasted sample for the bootstrap (empty: lognormal sample).")
    sample_size = Int(50, help="Size of the generated bootstrap sample.")
    resamples = Int(5000, help="Bootstrap resamples B (10 to 10^4).")
    statistic = Unicode("median", help="Bootstrapped statistic.")

    def __init__(self, mode: str = "pi", **kwargs: Any):
        super().__init__("Monte Carlo lab")
        self.estimate = math.nan
        self.standard_error = math.nan
        self.interval = (math.nan, math.nan)
        self.reference: float | None = None
        self.result: dict[str, Any] = {}
        self._figures_by_mode: dict[str, Any] = {}
        self._reference_cache: dict[tuple, float | None] = {}
        with self.hold():
            self._build_controls()
            self._layout()
            self._start(mode=mode, **kwargs)

    # -- validation ----------------------------------------------------------------------------

    # -- building ------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        style = {"description_width": "90px"}
        wide = {"style": style, "layout": ipywidgets.Layout(width="330px")}
        self.mode_picker = ipywidgets.ToggleButtons(
            options=[("estimate π", "pi"), ("integrate / E[g(X)]", "integral"),
                     ("bootstrap", "bootstrap")], style={"button_width": "150px"})
        ipywidgets.link((self, "mode"), (self.mode_picker, "value"))
        # Plain number boxes, not sliders: a slider would silently clamp a value beyond the
        # caps, where the panel should say why it refuses it.
        self.n_box = ipywidgets.IntText(description="n samples", **wide)
        ipywidgets.link((self, "n"), (self.n_box, "value"))
        self.seed_box = ipywidgets.IntText(description="seed", style=style,
                                           layout=ipywidgets.Layout(width="180px"))
        ipywidgets.link((self, "seed"), (self.seed_box, "value"))
        self.sample_button = ipywidgets.Button(description="Sample again (new seed)",
                                               icon="random",
                                               layout=ipywidgets.Layout(width="240px"))
        self.sample_button.on_click(lambda _: setattr(self, "seed", self.seed + 1))
        self.preset = ipywidgets.Dropdown(options=["(custom)", *INTEGRAL_PRESETS],
                                          description="preset", **wide)
        self.preset.observe(self._on_preset, "value")
        self.f_text = ipywidgets.Text(description="f(x) or g(x)", continuous_update=False,
                                      **wide)
        ipywidgets.link((self, "expression"), (self.f_text, "value"))
        self.distribution_picker = ipywidgets.Dropdown(
            options=[("∫ₐᵇ f dx, U ~ U(a, b)", "uniform on [a, b]"),
                     ("E[g(X)], X ~ N(a, b²)", "normal"), ("E[g(X)], X ~ U(a, b)", "uniform")],
            description="quantity", **wide)
        ipywidgets.link((self, "distribution"), (self.distribution_picker, "value"))
        self.a_box = ipywidgets.FloatText(description="a", style=style,
                                          layout=ipywidgets.Layout(width="180px"))
        self.b_box = ipywidgets.FloatText(description="b", style=style,
                                          layout=ipywidgets.Layout(width="180px"))
        ipywidgets.link((self, "a"), (self.a_box, "value"))
        ipywidgets.link((self, "b"), (self.b_box, "value"))
        self.data_text = ipywidgets.Textarea(
            placeholder="paste numbers here (spaces, commas or lines); empty = lognormal sample",
            continuous_update=False, layout=ipywidgets.Layout(width="330px", height="60px"))
        ipywidgets.link((self, "data"), (self.data_text, "value"))
        self.size_box = ipywidgets.IntText(description="sample size", **wide)
        ipywidgets.link((self, "sample_size"), (self.size_box, "value"))
        self.resamples_box = ipywidgets.IntText(description="B resamples", **wide)
        ipywidgets.link((self, "resamples"), (self.resamples_box, "value"))
        self.statistic_picker = ipywidgets.Dropdown(options=list(montecarlo.STATISTICS),
                                                    description="statistic", **wide)
        ipywidgets.link((self, "statistic"), (self.statistic_picker, "value"))
        self.readout = ipywidgets.HTML()
        self.readout.add_class("wb-readout")

    def _layout(self) -> None:
        self._integral_box = ipywidgets.VBox([
            self.preset, self.f_text, self.distribution_picker,
            ipywidgets.HBox([self.a_box, self.b_box]),
        ])
        self._bootstrap_box = ipywidgets.VBox([
            self.data_text, self.size_box, self.resamples_box, self.statistic_picker,
        ])
        self._figure_box = ipywidgets.Box()
        self._set_body(
            self.mode_picker,
            ipywidgets.HBox([self.n_box, self.seed_box, self.sample_button],
                            layout=ipywidgets.Layout(flex_flow="row wrap")),
            self._integral_box, self._bootstrap_box, self.readout, self._figure_box,
        )

    def _figure_for(self, mode: str) -> dict[str, Any]:
        """The mode's figure and artists, built the first time the mode is shown."""
        if mode in self._figures_by_mode:
            return self._figures_by_mode[mode]
        if mode == "pi":
            figure = self.figure(9.3, 3.3)
            scatter, running, errors = figure.subplots(1, 3)
            theta = np.linspace(0, np.pi / 2 * 4, 200)
            scatter.plot(np.cos(theta), np.sin(theta), color="k", lw=1)
            scatter.set_aspect("equal")
            scatter.set_xlim(-1, 1)
            scatter.set_ylim(-1, 1)
            artists = {
                "points": scatter.scatter([], [], s=2),
                "running": running.plot([], [], color="#1f77b4", lw=1.3, label="estimate")[0],
                "band": running.fill_between([1, 2], [0, 0], [0, 0], alpha=0.25,
                                             color="#1f77b4", label="95% band"),
                "errors": errors.plot([], [], color="#d62728", lw=1.2, label="|estimate − π|")[0],
                "rate": errors.plot([], [], "k--", lw=1, label="1.64/√n (1 s.e.)")[0],
            }
            running.axhline(np.pi, color="k", lw=0.8, ls=":", label="π")
            running.set_xscale("log")
            running.set_xlabel("n")
            running.legend(fontsize=7, loc="upper right")
            running.set_title("running estimate", fontsize=9)
            errors.set_xscale("log")
            errors.set_yscale("log")
            errors.set_xlabel("n")
            errors.legend(fontsize=7, loc="lower left")
            errors.set_title("|error| against n", fontsize=9)
            artists["axes"] = (scatter, running, errors)
            artists["running_axes"] = running
        elif mode == "integral":
            figure = self.figure(6.0, 3.2)
            axes = figure.add_subplot()
            artists = {
                "running": axes.plot([], [], color="#1f77b4", lw=1.3, label="estimate")[0],
                "band": axes.fill_between([1, 2], [0, 0], [0, 0], alpha=0.25, color="#1f77b4",
                                          label="95% band"),
                "reference": axes.axhline(0, color="k", lw=0.9, ls=":", label="reference"),
                "axes": (axes,), "running_axes": axes,
            }
            axes.set_xscale("log")
            axes.set_xlabel("n")
            axes.legend(fontsize=7, loc="upper right")
            axes.set_title("running estimate with its 95% band", fontsize=9)
        else:
            figure = self.figure(6.0, 3.2)
            axes = figure.add_subplot()
            artists = {
                "histogram": axes.stairs([0], [0, 1], fill=True, alpha=0.5, color="#1f77b4",
                                         label="replicates"),
                "low": axes.axvline(0, color="#d62728", ls="--", lw=1.2, label="95% interval"),
                "high": axes.axvline(0, color="#d62728", ls="--", lw=1.2),
                "sample": axes.axvline(0, color="k", lw=1.5, label="sample statistic"),
                "axes": (axes,),
            }
            axes.legend(fontsize=7, loc="upper right")
            axes.set_ylabel("count")
        self._figures_by_mode[mode] = {"figure": figure, **artists}
        return self._figures_by_mode[mode]

    # -- inputs --------------------------------------------------------------------------------

    def _on_preset(self, change: dict) -> None:
        if change["new"] in INTEGRAL_PRESETS:
            text, distribution, a, b = INTEGRAL_PRESETS[change["new"]]
            with self.hold():
                self.expression, self.distribution, self.a, self.b = text, distribution, a, b

    @observe("mode", "n", "seed", "expression", "distribution", "a", "b", "data",
             "sample_size", "resamples", "statistic")
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        if self.mode == "pi":
            result = montecarlo.estimate_pi(self.n, self.seed)
            reference = math.pi
        elif self.mode == "integral":
            result, reference = self._integral()
        else:
            sample = self._sample()
            result = montecarlo.bootstrap(sample, self.statistic, self.resamples, self.seed)
            result["sample_size"] = sample.size
            reference = None
        # Computed: commit and draw.
        self.result, self.reference = result, reference
        self.estimate, self.standard_error = result["estimate"], result["standard_error"]
        self.interval = tuple(result["interval"])
        self._show_mode()
        getattr(self, f"_draw_{self.mode}")(result, reference)
        self._show_readout()

    def _integral(self) -> tuple[dict[str, Any], float | None]:
        expression = parse_expression(self.expression, ("x",))
        g = compile_expression(expression, ("x",))
        if self.distribution == "uniform on [a, b]":
            result = montecarlo.integrate_uniform(g, self.a, self.b, self.n, self.seed)
        else:
            result = montecarlo.expectation(g, self.distribution, self.n, (self.a, self.b),
                                            self.seed)
        return result, self._reference_value(expression)

    def _reference_value(self, expression: Any) -> float | None:
        key = (str(expression), self.distribution, self.a, self.b)
        if key not in self._reference_cache:
            self._reference_cache[key] = montecarlo.reference_value(
                expression, self.distribution, self.a, self.b)
        return self._reference_cache[key]

    def _sample(self) -> np.ndarray:
        if self.data.strip():
            return montecarlo.parse_numbers(self.data, "the pasted sample")
        montecarlo.check_count("the sample size", self.sample_size, 2, montecarlo.MAX_DATA)
        return np.random.default_rng(self.seed).lognormal(0.0, 0.5, self.sample_size)

    # -- views ---------------------------------------------------------------------------------

    def _show_mode(self) -> None:
        self._integral_box.layout.display = "flex" if self.mode == "integral" else "none"
        self._bootstrap_box.layout.display = "flex" if self.mode == "bootstrap" else "none"
        self.n_box.layout.display = "none" if self.mode == "bootstrap" else "flex"
        canvas = self._figure_for(self.mode)["figure"].canvas
        if self._figure_box.children != (canvas,):
            self._figure_box.children = (canvas,)

    def _show_readout(self) -> None:
        low, high = self.interval
        rows = [("estimate", fmt(self.estimate, 8)),
                ("standard error", fmt(self.standard_error, 3)),
                ("95% interval", f"[{fmt(low, 7)}, {fmt(high, 7)}]")]
        if self.reference is not None:
            error = abs(self.estimate - self.reference)
            inside = low <= self.reference <= high
            rows += [("reference", fmt(self.reference, 10)),
                     ("|error|", f"{fmt(error, 3)} = {error / self.standard_error:.2f} "
                                 "standard errors"),
                     ("interval covers the reference", "yes" if inside else "no (it happens "
                                                                            "5% of the time)")]
        if self.mode == "bootstrap":
            rows.insert(0, ("sample", f"{self.result['sample_size']} values, "
                                      f"B = {self.resamples}"))
        self.readout.value = html_table(rows)
        self.status = f"seed {self.seed}"

    def _draw_running(self, artists: dict[str, Any], result: dict[str, Any]) -> None:
        checkpoints, running = result["checkpoints"], result["running"]
        se = result.get("running_se")
        if se is None:  # the band from the final standard error, scaled as 1/sqrt(n)
            se = result["standard_error"] * np.sqrt(result["n"] / checkpoints)
        artists["running"].set_data(checkpoints, running)
        upper, lower = running + Z * se, running - Z * se
        polygon = np.column_stack([np.concatenate([checkpoints, checkpoints[::-1]]),
                                   np.concatenate([upper, lower[::-1]])])
        artists["band"].set_verts([polygon])
        axes = artists["running_axes"]
        axes.set_xlim(checkpoints[0], checkpoints[-1])
        finite = np.concatenate([upper[len(upper) // 10:], lower[len(lower) // 10:]])
        low, high = float(np.min(finite)), float(np.max(finite))
        pad = 0.1 * (high - low or 1.0)
        axes.set_ylim(low - pad, high + pad)

    def _draw_pi(self, result: dict[str, Any], reference: float | None) -> None:
        artists = self._figure_for("pi")
        scatter, _, errors = artists["axes"]
        colours = np.where(result["inside"][:, None], [[0.12, 0.47, 0.71, 1.0]],
                           [[0.84, 0.15, 0.16, 1.0]])
        artists["points"].set_offsets(result["points"])
        artists["points"].set_facecolor(colours)
        scatter.set_title(f"first {len(result['points'])} of {result['n']:,} points", fontsize=9)
        self._draw_running(artists, result)
        checkpoints = result["checkpoints"]
        artists["errors"].set_data(checkpoints, np.maximum(np.abs(result["running"] - np.pi),
                                                           1e-12))
        artists["rate"].set_data(checkpoints, 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4))
                                 / np.sqrt(checkpoints))
        errors.relim()
        errors.autoscale_view()
        artists["figure"].canvas.draw_idle()

    def _draw_integral(self, result: dict[str, Any], reference: float | None) -> None:
        artists = self._figure_for("integral")
        self._draw_running(artists, result)
        line = artists["reference"]
        line.set_visible(reference is not None)
        if reference is not None:
            line.set_ydata([reference, reference])
        artists["figure"].canvas.draw_idle()

    def _draw_bootstrap(self, result: dict[str, Any], reference: float | None) -> None:
        artists = self._figure_for("bootstrap")
        (axes,) = artists["axes"]
        counts, edges = np.histogram(result["replicates"], bins=40)
        artists["histogram"].set_data(counts, edges)
        low, high = result["interval"]
        artists["low"].set_xdata([low, low])
        artists["high"].set_xdata([high, high])
        artists["sample"].set_xdata([result["estimate"], result["estimate"]])
        axes.set_xlim(edges[0], edges[-1])
        axes.set_ylim(0, counts.max() * 1.1)
        axes.set_title(f"{result['resamples']} bootstrap replicates of the {self.statistic}",
                       fontsize=9)
        artists["figure"].canvas.draw_idle()


Z = montecarlo.Z95
