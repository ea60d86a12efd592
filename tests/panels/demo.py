"""A tiny panel used only by the tests to exercise the base class."""

from __future__ import annotations

import ipywidgets
import numpy as np
from traitlets import Float, Int

from widgets.core.expressions import compile_expression, parse_expression
from widgets.panels.base import Panel


class DemoPanel(Panel):
    """Scales sin(k x); shows the integral of the typed function on [0, 1].

    Attributes
    ----------
    k : float
        Frequency of the plotted sine.
    clicks : int
        How many times the button was clicked.
    """

    k = Float(1.0, help="Frequency of the plotted sine.")
    clicks = Int(0, help="Times the button was clicked.")

    def __init__(self, expression: str = "x**2", **kwargs):
        super().__init__("Demo panel", **kwargs)
        self.updates = 0
        self.value = 0.0
        self.text = ipywidgets.Text(expression, description="f(x) =", continuous_update=False)
        self.button = ipywidgets.Button(description="Click me")
        self.readout = ipywidgets.HTML()
        self.button.on_click(lambda _: self._click())
        self.text.observe(lambda _: self.recompute(), "value")
        self.observe(lambda _: self.recompute(), "k")
        figure = self.figure(4, 2.5)
        self.axes = figure.add_subplot()
        self.xs = np.linspace(0, 1, 201)
        (self.line,) = self.axes.plot(self.xs, np.sin(self.xs))
        self.axes.set_ylim(-1.1, 1.1)
        self._set_body(self.text, self.button, self.readout, figure.canvas)
        self.recompute()

    def _click(self) -> None:
        self.clicks += 1
        self.readout.value = f"clicked {self.clicks} times; integral = {self.value:.6f}"

    def _update(self) -> None:
        f = compile_expression(parse_expression(self.text.value), ["x"])
        values, note = f.evaluate(self.xs)
        if note:
            raise ValueError(f"f is {note}")
        self.value = float(np.trapezoid(values, self.xs))
        self.updates += 1
        self.line.set_ydata(np.sin(self.k * self.xs))
        self.line.figure.canvas.draw_idle()
        self.readout.value = f"clicked {self.clicks} times; integral = {self.value:.6f}"
        self.status = f"{self.updates} updates"
