"""OptimizerStepper: step any optimizer one iteration at a time over a contour map."""

from __future__ import annotations

from typing import Any

import ipywidgets
import numpy as np
from traitlets import Float, List, Tuple, Unicode, observe, validate

from widgets.core import optimize
from widgets.core.expressions import ExpressionError
from widgets.core.format import fmt, fmt_vector, html_table
from widgets.panels.base import Choice, Panel, note_html, section

__all__ = ["OptimizerStepper"]

_GRID = 160
_COLOURS = dict(zip(optimize.METHODS, [
    "#e6194b", "#f58231", "#911eb4", "#3cb44b", "#4363d8", "#000000", "#f032e6", "#9a6324",
    "#46f0f0", "#808000",
], strict=True))
_CUSTOM = "custom f(x, y)"
_RESET_TRAITS = ("method", "start", "learning_rate", "momentum", "rho", "beta1", "beta2",
                 "epsilon", "damping", "tolerance", "compare")


class OptimizerStepper(Panel):
    """Step an optimizer one iteration at a time over a contour map, or race several.

    Parameters
    ----------
    function
        A preset name (``rosenbrock, himmelblau, beale, booth, rastrigin, saddle, bowl``) or any
        f(x, y) typed as text, e.g. ``"x^2 + 3*y^2"``.
    method
        ``gd, momentum, nesterov, rmsprop, adam, newton, nelder-mead, bfgs, cg, l-bfgs-b``.

    Attributes
    ----------
    function, method : str
    start : tuple of float
        The start point (x0, y0); clicking the contour map sets it too.
    learning_rate, momentum, rho, beta1, beta2, epsilon, damping, tolerance : float
        Hyperparameters (only those of the chosen method are shown).
    kappa : float
        Condition number of the ``bowl`` preset, f = (x² + kappa·y²)/2.
    compare : list of str
        More methods to race from the same start (compare mode when non-empty).
    x_axis : str
        ``"iteration"`` or ``"evaluations"`` for the history plot.
    path : numpy.ndarray
        (k + 1, 2) iterates of the main method, start included.
    values : numpy.ndarray
        f at each point of ``path``.
    converged, diverged : bool
    runs : dict
        method -> :class:`widgets.core.optimize.Run`, the main method and every compared one.
    error : str
        ``""`` when all is well, else the banner message.
    """

    function = Unicode("rosenbrock", help="Preset name or a typed f(x, y).")
    method = Choice(optimize.METHODS, "gd", help="The optimizer stepped.")
    start = Tuple(Float(), Float(), default_value=(-1.5, 2.0), help="Start point (x0, y0).")
    learning_rate = Float(1e-3, help="Step size of the gradient methods.")
    momentum = Float(0.9, help="Momentum beta of heavy ball and Nesterov.")
    rho = Float(0.9, help="Decay of RMSProp's squared-gradient average.")
    beta1 = Float(0.9, help="Adam's first-moment decay.")
    beta2 = Float(0.999, help="Adam's second-moment decay.")
    epsilon = Float(1e-8, help="RMSProp's and Adam's denominator guard.")
    damping = Float(1.0, help="Newton's step fraction (1 = full step).")
    tolerance = Float(1e-6, help="Converged when ||grad f|| falls below this.")
    kappa = Float(10.0, help="Condition number of the bowl preset.")
    compare = List(Unicode(), help="More methods raced from the same start.")
    x_axis = Unicode("iteration", help="History plot against 'iteration' or 'evaluations'.")

    def __init__(self, function: str = "rosenbrock", method: str = "gd",
                 start: tuple[float, float] | None = None, **kwargs: Any):
        super().__init__("Optimizer stepper")
        self.runs: dict[str, optimize.Run] = {}
        self.problem: optimize.Problem | None = None
        self._problem_key: tuple[str, float] | None = None
        self._playing_guard = False
        with self.hold():
            self._build_controls()
            self._build_figures()
            self._layout()
            preset = optimize.PRESETS.get(function)
            inputs: dict[str, Any] = {"function": function, "method": method}
            if start is not None:
                inputs["start"] = tuple(start)
            elif preset is not None:
                inputs["start"] = preset.start
            if preset is not None:
                inputs["learning_rate"] = preset.learning_rate
            self._start(**{**inputs, **kwargs})

    # -- public verbs and results --------------------------------------------------------------

    def step(self, n: int = 1) -> bool:
        """Advance every run by ``n`` iterations; return False if it failed (see ``error``)."""
        return self.attempt(self._advance, int(n))

    def reset(self) -> bool:
        """Restart every run from the start point."""
        return self.recompute()

    @property
    def main_run(self) -> optimize.Run | None:
        return self.runs.get(self.method)

    @property
    def path(self) -> np.ndarray:
        run = self.main_run
        return run.path if run else np.array([self.start], dtype=float)

    @property
    def values(self) -> np.ndarray:
        run = self.main_run
        return run.values if run else np.array([])

    @property
    def converged(self) -> bool:
        return bool(self.main_run and self.main_run.converged)

    @property
    def diverged(self) -> bool:
        return bool(self.main_run and self.main_run.diverged)

    def hessian(self) -> np.ndarray:
        """The exact Hessian of f at the current iterate of the main method."""
        if self.problem is None:
            raise ExpressionError("no function yet")
        return self.problem.hessian(self.path[-1])

    def set_optimal_bowl_parameters(self) -> None:
        """On the bowl: the optimal learning rate (for GD, or momentum and its beta)."""
        tuned = optimize.tuned_bowl_parameters(self.kappa)
        with self.hold():
            self.momentum = tuned["momentum"]
            if self.method in ("momentum", "nesterov"):
                self.learning_rate = tuned["momentum_learning_rate"]
            else:
                self.learning_rate = tuned["gd_learning_rate"]

    # -- validation ----------------------------------------------------------------------------

    @validate("compare")
    def _check_compare(self, proposal: dict) -> list[str]:
        unknown = [m for m in proposal["value"] if m not in optimize.METHODS]
        if unknown:
            raise ValueError(f"unknown method {unknown[0]!r}")
        return list(dict.fromkeys(proposal["value"]))

    @validate("kappa")
    def _check_kappa(self, proposal: dict) -> float:
        return float(min(1000.0, max(1.0, proposal["value"])))

    # -- building ------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        style = {"description_width": "110px"}

        def wide() -> ipywidgets.Layout:  # one Layout per widget: each is hidden on its own
            return ipywidgets.Layout(width="330px")

        self.function_picker = ipywidgets.Dropdown(
            options=[*optimize.PRESETS, _CUSTOM], description="function", layout=wide(),
            style=style,
        )
        self.function_text = ipywidgets.Text(
            value="x^2 + 3*y^2 + x*y", description="f(x, y) =", continuous_update=False,
            layout=wide(), style=style,
        )
        self.function_picker.observe(self._on_function_picker, "value")
        self.function_text.observe(self._on_function_text, "value")
        self.kappa_slider = ipywidgets.FloatLogSlider(
            value=10, base=10, min=0, max=3, step=0.05, description="κ (condition)",
            continuous_update=False, layout=wide(), style=style,
        )
        ipywidgets.link((self, "kappa"), (self.kappa_slider, "value"))
        self.method_picker = ipywidgets.Dropdown(
            options=[(optimize.METHOD_LABELS[m], m) for m in optimize.METHODS],
            description="method", layout=wide(), style=style,
        )
        ipywidgets.link((self, "method"), (self.method_picker, "value"))
        def log_slider(low: float, high: float, step: float, label: str) -> Any:
            return ipywidgets.FloatLogSlider(
                base=10, min=low, max=high, step=step, description=label, readout_format=".1e",
                continuous_update=False, style=style, layout=wide(),
            )

        def slider(low: float, high: float, step: float, label: str, digits: int = 3) -> Any:
            return ipywidgets.FloatSlider(
                min=low, max=high, step=step, description=label, readout_format=f".{digits}f",
                continuous_update=False, style=style, layout=wide(),
            )

        self.parameter_widgets = {
            "learning_rate": log_slider(-5, 0.5, 0.05, "learning rate"),
            "momentum": slider(0, 0.999, 0.001, "momentum β"),
            "rho": slider(0, 0.999, 0.001, "ρ"),
            "beta1": slider(0, 0.999, 0.001, "β₁"),
            "beta2": slider(0.9, 0.9999, 0.0001, "β₂", digits=4),
            "epsilon": log_slider(-10, -2, 0.5, "ε"),
            "damping": slider(0.05, 1, 0.05, "damping"),
            "tolerance": log_slider(-10, -2, 0.5, "tolerance ‖∇f‖"),
        }
        for name, widget in self.parameter_widgets.items():
            ipywidgets.link((self, name), (widget, "value"))
        self.x0 = ipywidgets.FloatText(description="x₀", layout=ipywidgets.Layout(width="160px"),
                                       style={"description_width": "30px"})
        self.y0 = ipywidgets.FloatText(description="y₀", layout=ipywidgets.Layout(width="160px"),
                                       style={"description_width": "30px"})
        self.x0.observe(self._on_start_text, "value")
        self.y0.observe(self._on_start_text, "value")
        button = ipywidgets.Layout(width="90px")
        self.step_button = ipywidgets.Button(description="Step", layout=button)
        self.step10_button = ipywidgets.Button(description="Step ×10", layout=button)
        self.reset_button = ipywidgets.Button(description="Reset", icon="undo", layout=button)
        self.step_button.on_click(lambda _: self.step(1))
        self.step10_button.on_click(lambda _: self.step(10))
        self.reset_button.on_click(lambda _: self.reset())
        self.play = ipywidgets.Play(min=0, max=10**7, step=1, interval=100,
                                    show_repeat=False, description="Play")
        self.play.observe(self._on_play, "value")
        self.speed = ipywidgets.IntSlider(value=10, min=1, max=30, description="steps/s",
                                          continuous_update=False,
                                          layout=ipywidgets.Layout(width="250px"))
        self.speed.observe(lambda c: setattr(self.play, "interval", int(1000 / c["new"])),
                           "value")
        self.compare_picker = ipywidgets.SelectMultiple(
            options=[(optimize.METHOD_LABELS[m], m) for m in optimize.METHODS], rows=5,
            description="race also", layout=wide(), style=style,
        )
        self.compare_picker.observe(lambda c: setattr(self, "compare", list(c["new"])), "value")
        self.x_axis_picker = ipywidgets.ToggleButtons(
            options=[("per iteration", "iteration"), ("per evaluation", "evaluations")],
            style={"button_width": "125px"},
        )
        ipywidgets.link((self, "x_axis"), (self.x_axis_picker, "value"))
        self.optimal_button = ipywidgets.Button(
            description="optimal lr & β for κ", layout=ipywidgets.Layout(width="170px"),
        )
        self.optimal_button.on_click(lambda _: self.attempt(self.set_optimal_bowl_parameters))
        self.bowl_html = ipywidgets.HTML()
        self.readout = ipywidgets.HTML()
        self.readout.add_class("wb-readout")

    def _build_figures(self) -> None:
        self.contour_figure = self.figure(5.0, 4.3, toolbar=True)
        axes = self.contour_figure.add_subplot()
        self._contour_axes = axes
        self._contour_artists: list[Any] = []
        (self._minima,) = axes.plot([], [], "*", color="gold", markersize=14, mec="k",
                                    zorder=5, label="known minima")
        (self._start_marker,) = axes.plot([], [], "o", mfc="white", mec="k", zorder=6)
        self._lines = {
            m: axes.plot([], [], "-o", color=_COLOURS[m], lw=1.4, markersize=2.5, zorder=4,
                         label=optimize.METHOD_LABELS[m], visible=False)[0]
            for m in optimize.METHODS
        }
        (self._current,) = axes.plot([], [], "o", color="white", mec="k", markersize=7, zorder=7)
        self._arrows = axes.quiver([0, 0], [0, 0], [0, 0], [0, 0], color=["#d62728", "#1f77b4"],
                                   angles="xy", scale_units="xy", scale=1, width=0.007, zorder=8)
        from matplotlib.patches import Polygon

        self._simplex = Polygon(np.zeros((3, 2)), closed=True, fill=False, ec="#f032e6", lw=1.5,
                                zorder=6, visible=False)
        axes.add_patch(self._simplex)
        self._legend = None
        self.contour_figure.canvas.mpl_connect("button_press_event", self._on_click)

        self.history_figure = self.figure(4.3, 3.2)
        history = self.history_figure.add_subplot()
        self._history_axes = history
        self._history_lines = {
            m: (history.plot([], [], "-", color=_COLOURS[m], lw=1.4, visible=False)[0],
                history.plot([], [], "--", color=_COLOURS[m], lw=1.0, visible=False)[0])
            for m in optimize.METHODS
        }
        history.set_yscale("log")
        history.grid(True, which="major", alpha=0.3)
        history.set_title("solid: f − f*   dashed: ‖∇f‖", fontsize=9)

    def _layout(self) -> None:
        self._hyper_box = ipywidgets.VBox(list(self.parameter_widgets.values()))
        controls = ipywidgets.VBox([
            self.function_picker, self.function_text, self.kappa_slider, self.method_picker,
            self._hyper_box,
            ipywidgets.HBox([self.x0, self.y0]),
            ipywidgets.HBox([self.step_button, self.step10_button, self.reset_button]),
            ipywidgets.HBox([self.play, self.speed]),
            self.compare_picker,
        ], layout=ipywidgets.Layout(width="350px"))
        self._bowl_box = ipywidgets.HBox([self.optimal_button, self.bowl_html])
        plots = ipywidgets.VBox([
            ipywidgets.HBox([self.contour_figure.canvas,
                             ipywidgets.VBox([self.history_figure.canvas, self.x_axis_picker])]),
        ])
        self._set_body(
            ipywidgets.HBox([controls, plots], layout=ipywidgets.Layout(flex_flow="row wrap")),
            self._bowl_box,
            section("Where the runs are", self.readout),
        )

    # -- input handlers ------------------------------------------------------------------------

    def _on_function_picker(self, change: dict) -> None:
        if self.is_syncing:
            return
        custom = change["new"] == _CUSTOM
        self.function_text.layout.display = "flex" if custom else "none"
        chosen = self.function_text.value if custom else change["new"]
        self._choose_function(chosen)

    def _on_function_text(self, change: dict) -> None:
        if self.function_picker.value == _CUSTOM and not self.is_syncing:
            self._choose_function(change["new"])

    def _choose_function(self, function: str) -> None:
        preset = optimize.PRESETS.get(function)
        with self.hold():
            self.function = function
            if preset is not None:
                self.start = preset.start
                self.learning_rate = preset.learning_rate

    def _on_start_text(self, _change: dict) -> None:
        if self.is_syncing:
            return
        start = (float(self.x0.value), float(self.y0.value))
        if start != tuple(self.start):
            self.start = start

    def _on_click(self, event: Any) -> None:
        if event.inaxes is not self._contour_axes or event.button != 1:
            return
        toolbar = getattr(self.contour_figure.canvas, "toolbar", None)
        if toolbar is not None and getattr(toolbar, "mode", ""):
            return  # panning or zooming, not choosing a start
        self.start = (round(float(event.xdata), 4), round(float(event.ydata), 4))

    def _on_play(self, change: dict) -> None:
        if self._playing_guard or change["new"] == 0:
            return
        if not self.step(1) or all(run.finished for run in self.runs.values()):
            self.play.playing = False

    @observe("function", "kappa", *_RESET_TRAITS)
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    @observe("x_axis")
    def _on_x_axis(self, _change: dict) -> None:
        self.attempt(self._draw_history)

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        problem = self.problem
        key = (self.function, self.kappa if self.function == "bowl" else 0.0)
        if key != self._problem_key:
            problem = optimize.make_problem(self.function, self.kappa)
        parameters = optimize.Hyperparameters(
            learning_rate=self.learning_rate, momentum=self.momentum, rho=self.rho,
            beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon, damping=self.damping,
            tolerance=self.tolerance,
        )
        methods = [self.method, *[m for m in self.compare if m != self.method]]
        runs = {m: optimize.Run(problem, m, self.start, parameters) for m in methods}
        # All built without error: commit.
        if problem is not self.problem:
            self.problem, self._problem_key = problem, key
            self._draw_contours(problem)
        self.runs = runs
        self._sync_controls()
        self._playing_guard = True
        try:
            self.play.playing = False
            self.play.value = 0
        finally:
            self._playing_guard = False
        self._draw_runs(new_set=True)

    def _advance(self, n: int) -> None:
        if self.method not in self.runs:  # the inputs changed but could not be used
            raise ExpressionError(self.error or "nothing to step: fix the inputs first")
        for run in self.runs.values():
            run.step(n)
        self._draw_runs()

    def _sync_controls(self) -> None:
        with self.syncing():
            self._sync_control_values()

    def _sync_control_values(self) -> None:
        used = set(optimize.PARAMETERS[self.method]) | {"tolerance"}
        for m in self.compare:
            used |= set(optimize.PARAMETERS[m])
        for name, widget in self.parameter_widgets.items():
            widget.layout.display = "flex" if name in used else "none"
        is_bowl = self.function == "bowl"
        self.kappa_slider.layout.display = "flex" if is_bowl else "none"
        self._bowl_box.layout.display = "flex" if is_bowl else "none"
        self.x0.value, self.y0.value = self.start
        if self.function in optimize.PRESETS and self.function_picker.value != self.function:
            self.function_picker.value = self.function
        elif self.function not in optimize.PRESETS:
            if self.function_picker.value != _CUSTOM:
                self.function_picker.value = _CUSTOM
            self.function_text.value = self.function
        self.function_text.layout.display = (
            "flex" if self.function_picker.value == _CUSTOM else "none"
        )

    # -- drawing -------------------------------------------------------------------------------

    def _draw_contours(self, problem: optimize.Problem) -> None:
        axes = self._contour_axes
        for artist in self._contour_artists:
            artist.remove()
        xs = np.linspace(*problem.xlim, _GRID)
        ys = np.linspace(*problem.ylim, _GRID)
        grid_x, grid_y = np.meshgrid(xs, ys)
        values = problem.f_grid(grid_x, grid_y)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            raise ExpressionError("f is not finite anywhere in the plotted window")
        low, high = float(finite.min()), float(finite.max())
        span = max(high - low, 1e-12)
        levels = low + np.geomspace(span * 1e-5, span, 24)  # log-spaced above the lowest value
        levels = np.unique(np.concatenate([[low], levels]))
        filled = axes.contourf(grid_x, grid_y, values, levels=levels, cmap="viridis", alpha=0.85,
                               zorder=1)
        lines = axes.contour(grid_x, grid_y, values, levels=levels, colors="white",
                             linewidths=0.4, alpha=0.6, zorder=2)
        self._contour_artists = [filled, lines]
        axes.set_xlim(*problem.xlim)
        axes.set_ylim(*problem.ylim)
        minima = np.array(problem.minima, dtype=float).reshape(-1, 2)
        self._minima.set_data(minima[:, 0], minima[:, 1])
        axes.set_title(f"f(x, y) = {_short(problem)}  (click to set the start)", fontsize=9)
        self._arrow_scale = 0.12 * max(problem.xlim[1] - problem.xlim[0],
                                       problem.ylim[1] - problem.ylim[0])
        use_log = bool(problem.minima) or low > 0
        self._history_axes.set_yscale("log" if use_log else "symlog")
        title = "solid: f − f*   dashed: ‖∇f‖" if problem.minima else "solid: f   dashed: ‖∇f‖"
        self._history_axes.set_title(title, fontsize=9)

    def _draw_runs(self, new_set: bool = False) -> None:
        axes = self._contour_axes
        for method, line in self._lines.items():
            run = self.runs.get(method)
            line.set_visible(run is not None)
            if run is not None:
                path = run.path
                line.set_data(path[:, 0], path[:, 1])
        main = self.main_run
        self._start_marker.set_data([self.start[0]], [self.start[1]])
        here = main.path[-1]
        self._current.set_data([here[0]], [here[1]])
        self._draw_arrows(main, here)
        simplex = main.simplex()
        self._simplex.set_visible(simplex is not None)
        if simplex is not None:
            self._simplex.set_xy(simplex)
        if new_set:
            visible = [self._lines[m] for m in self.runs]
            handles = [*visible, self._minima] if self.problem.minima else visible
            if self._legend is not None:
                self._legend.remove()
            self._legend = axes.legend(handles=handles, loc="upper right", fontsize=7,
                                       framealpha=0.85)
        self.contour_figure.canvas.draw_idle()
        self._draw_history()
        self._show_readout()

    def _draw_arrows(self, main: optimize.Run, here: np.ndarray) -> None:
        gradient = main._gradients[-1]
        norm = float(np.linalg.norm(gradient))
        downhill = -gradient / norm * self._arrow_scale if norm > 0 else np.zeros(2)
        velocity = main.velocity if main.velocity is not None else np.zeros(2)
        v_norm = float(np.linalg.norm(velocity))
        velocity = velocity / v_norm * self._arrow_scale * 0.8 if v_norm > 0 else np.zeros(2)
        self._arrows.set_offsets(np.array([here, here]))
        self._arrows.set_UVC([downhill[0], velocity[0]], [downhill[1], velocity[1]])

    def _draw_history(self) -> None:
        axes = self._history_axes
        f_star = self.problem.minimum_value if self.problem else None
        for method, (f_line, g_line) in self._history_lines.items():
            run = self.runs.get(method)
            f_line.set_visible(run is not None)
            g_line.set_visible(run is not None)
            if run is None:
                continue
            xs = run.evaluations if self.x_axis == "evaluations" else np.arange(run.iteration + 1)
            values = run.values - f_star if f_star is not None else run.values
            floor = 1e-16
            f_line.set_data(xs, np.maximum(values, floor) if f_star is not None else values)
            g_line.set_data(xs, np.maximum(run.gradient_norms, floor))
        axes.set_xlabel("function + gradient evaluations" if self.x_axis == "evaluations"
                        else "iteration k")
        axes.relim()
        axes.autoscale_view()
        self.history_figure.canvas.draw_idle()

    def _show_readout(self) -> None:
        rows = []
        for method, run in self.runs.items():
            k = run.iteration
            step = float(np.linalg.norm(run.path[-1] - run.path[-2])) if k else 0.0
            reach = run.iterations_to_tolerance()
            state = ("diverged" if run.diverged else "converged" if run.converged
                     else "finished" if run.finished else "running")
            rows.append((
                optimize.METHOD_LABELS[method], k, fmt_vector(run.path[-1], 6),
                fmt(run.values[-1], 6), fmt(run.gradient_norms[-1], 3), fmt(step, 3),
                int(run.evaluations[-1]), "—" if reach is None else reach, state,
            ))
        header = ["method", "k", "x_k", "f(x_k)", "‖∇f‖", "step length", "evaluations",
                  f"iterations to ‖∇f‖ < {self.tolerance:g}", "state"]
        notes = "".join(
            note_html(f"{optimize.METHOD_LABELS[m]}: {run.message}")
            for m, run in self.runs.items() if run.diverged
        )
        self.readout.value = html_table(rows, header) + notes
        main = self.main_run
        self.status = main.message or f"{optimize.METHOD_LABELS[self.method]}: k = {main.iteration}"
        if self.function == "bowl":
            self._show_bowl_rates()

    def _show_bowl_rates(self) -> None:
        rates = optimize.bowl_rates(self.kappa)
        measured = [
            f"{optimize.METHOD_LABELS[m]} {fmt(rate, 4)}"
            for m, run in self.runs.items()
            if (rate := optimize.measured_rate(run.path, (0, 0))) is not None
        ]
        self.bowl_html.value = (
            f"<span style='font-size:13px'>κ = {fmt(self.kappa, 3)}: predicted rate per step, "
            f"tuned GD (κ−1)/(κ+1) = <b>{fmt(rates['gd'], 4)}</b>, tuned momentum "
            f"(√κ−1)/(√κ+1) = <b>{fmt(rates['momentum'], 4)}</b>; measured "
            f"‖x_k − x*‖ ratio: {', '.join(measured) or 'step first'}</span>"
        )


def _short(problem: optimize.Problem) -> str:
    text = problem.name if problem.name in optimize.PRESETS else str(problem.expression)
    return text if len(text) <= 40 else text[:37] + "…"

