"""VectorizationRace: a Python loop against NumPy on the same work, timed."""

from __future__ import annotations

import math
import time
from typing import Any

import ipywidgets
from traitlets import Int, observe

from widgets.core import race
from widgets.core.format import fmt, html_table
from widgets.panels.base import Choice, Panel

__all__ = ["VectorizationRace"]


class VectorizationRace(Panel):
    """Time a Python loop and its NumPy version; show the times, the speedup and its growth.

    Timing runs only on the Run button (it takes up to about two seconds). The loop runs on at
    most ``race.LOOP_CAP`` elements; beyond that its time is scaled linearly to n, and the
    readout says so.

    Attributes
    ----------
    operation : str
        ``"multiply"``, ``"softmax"`` or ``"dot"``.
    n : int
        Elements (1 to 10⁷).
    result : dict
        ``loop_time, numpy_time, speedup, loop_n, scaled, agree`` of the last run.
    history : dict
        operation -> list of (n, speedup), for the growth line: every run's n, and the sizes
        10 to 10⁴ below it, timed alongside.
    overhead : float
        Seconds the last run spent outside the timed calls (making the data, checking that
        the results agree, drawing).
    error : str
    """

    operation = Choice(tuple(race.OPERATIONS), "multiply", help="The work raced.")
    n = Int(100_000, help="Elements.")

    def __init__(self, operation: str = "multiply", n: int = 100_000, **kwargs: Any):
        super().__init__("Vectorization race")
        self.result: dict[str, Any] = {}
        self.history: dict[str, list[tuple[int, float]]] = {k: [] for k in race.OPERATIONS}
        self.overhead = 0.0
        with self.hold():
            self._build()
            self._start(operation=operation, n=n, **kwargs)

    def run(self) -> bool:
        """Time both versions at the current n (up to about two seconds)."""
        return self.attempt(self._run)

    def _build(self) -> None:
        style = {"description_width": "80px"}
        self.operation_picker = ipywidgets.ToggleButtons(
            options=[(op.label, key) for key, op in race.OPERATIONS.items()],
            style={"button_width": "180px"})
        ipywidgets.link((self, "operation"), (self.operation_picker, "value"))
        self.n_slider = ipywidgets.IntSlider(value=5, min=1, max=7, description="n = 10^",
                                             style=style, continuous_update=False,
                                             layout=ipywidgets.Layout(width="300px"))
        self.n_slider.observe(self._on_slider, "value")
        self.run_button = ipywidgets.Button(description="Run", icon="play",
                                            button_style="primary")
        self.run_button.on_click(lambda _: self.run())
        self.code_html = ipywidgets.HTML()
        self.readout = ipywidgets.HTML()
        self.readout.add_class("wb-readout")
        self.race_figure = self.figure(8.4, 3.0)
        bars, growth = self.race_figure.subplots(1, 2)
        self._bars_axes, self._growth_axes = bars, growth
        self._bars = bars.bar(["Python loop", "NumPy"], [1, 1], color=["#d62728", "#2ca02c"])
        bars.set_yscale("log")
        bars.set_ylabel("median time (s)")
        self._bar_labels = [bars.text(i, 1, "", ha="center", va="bottom", fontsize=8)
                            for i in range(2)]
        self._growth = {key: growth.plot([], [], "-o", markersize=4, label=op.label)[0]
                        for key, op in race.OPERATIONS.items()}
        growth.set_xscale("log")
        growth.set_yscale("log")
        growth.set_xlabel("n")
        growth.set_ylabel("speedup (loop / NumPy)")
        growth.legend(fontsize=7, loc="upper left")
        growth.grid(True, alpha=0.3)
        self._set_body(
            self.operation_picker, ipywidgets.HBox([self.n_slider, self.run_button]),
            self.code_html, self.readout, self.race_figure.canvas,
        )

    def _on_slider(self, change: dict) -> None:
        if not self.is_syncing:
            self.n = 10 ** change["new"]

    @observe("operation", "n")
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    def _update(self) -> None:
        if not 1 <= self.n <= race.MAX_N:
            raise ValueError(f"n must be from 1 to {race.MAX_N:,}")
        spec = race.OPERATIONS[self.operation]
        with self.syncing():  # the slider shows the nearest power of ten
            self.n_slider.value = min(7, max(1, round(math.log10(self.n))))
        self.code_html.value = html_table(
            [("Python loop", f"<code>{spec.code_loop}</code>"),
             ("NumPy", f"<code>{spec.code_numpy}</code>")], escape=False)
        if not self.result or self.result["operation"] != self.operation \
                or self.result["n"] != self.n:
            self.readout.value = (f"<i>press Run to time {spec.label} on n = {self.n:,} "
                                  f"elements (the loop runs on at most {race.LOOP_CAP:,})</i>")
        self.status = f"{spec.label}, n = {self.n:,}"

    def _run(self) -> None:
        started = time.perf_counter()
        result = race.race(self.operation, self.n)
        self.overhead = (time.perf_counter() - started) - result["timed"]
        self.result = result
        history = self.history[self.operation]
        history.append((self.n, result["speedup"]))
        # A few small sizes too (milliseconds), so the growth line has a shape from one Run.
        for smaller in (10, 100, 1_000, 10_000):
            if smaller < self.n and smaller not in dict(history):
                history.append((smaller, race.race(self.operation, smaller)["speedup"]))
        self._show()

    def _show(self) -> None:
        result = self.result
        scaled = (f" (timed on {result['loop_n']:,} elements and scaled to n: the loop's cap)"
                  if result["scaled"] else "")
        agree = "yes" if result["agree"] else "NO: the two versions differ"
        self.readout.value = html_table([
            ("Python loop", f"{fmt(result['loop_time'], 3)} s{scaled}"),
            ("NumPy", f"{fmt(result['numpy_time'], 3)} s"),
            ("speedup", f"<b>{result['speedup']:.0f}×</b>"),
            ("same numbers", agree),
        ], escape=False)
        times = [result["loop_time"], result["numpy_time"]]
        for bar, label, value in zip(self._bars, self._bar_labels, times, strict=True):
            bar.set_height(value)
            label.set_position((label.get_position()[0], value))
            label.set_text(f"{fmt(value, 2)} s")
        self._bars_axes.set_ylim(min(times) / 3, max(times) * 5)
        self._bars_axes.set_title(f"{race.OPERATIONS[self.operation].label}, n = {self.n:,}",
                                  fontsize=9)
        for key, line in self._growth.items():
            points = sorted(dict(self.history[key]).items())
            line.set_data([p[0] for p in points], [p[1] for p in points])
        self._growth_axes.relim()
        self._growth_axes.autoscale_view()
        self._growth_axes.set_title("speedup against n (one point per run)", fontsize=9)
        self.race_figure.canvas.draw_idle()
