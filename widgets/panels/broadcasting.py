"""BroadcastingExplorer: NumPy's broadcasting rule, dimension by dimension, with pictures."""

from __future__ import annotations

from typing import Any

import ipywidgets
import numpy as np
from traitlets import Bool, Unicode, observe

from widgets.core import broadcasting
from widgets.core.format import html_table
from widgets.panels.base import Panel, matrix_html, note_html

__all__ = ["BroadcastingExplorer"]

_DRAW_MAX = 12  # largest grid side drawn cell by cell


class BroadcastingExplorer(Panel):
    """Two shapes, aligned from the right; the rule at each dimension; the result or NumPy's
    own error; the arrays drawn as grids with stretched copies faint.

    Attributes
    ----------
    shape_a, shape_b : str
        Shapes as text: ``"(4, 3)"``, ``"(3,)"``, ``"()"``.
    show_values : bool
        Also show small example arrays and their element-wise sum.
    result : widgets.core.broadcasting.Broadcast
        ``shape`` (None when incompatible), ``message`` (NumPy's words), ``rows``.
    error : str
    """

    shape_a = Unicode("(4, 3)", help="Shape of A as text.")
    shape_b = Unicode("(3,)", help="Shape of B as text.")
    show_values = Bool(True, help="Show example arrays and A + B.")

    def __init__(self, shape_a: str = "(4, 3)", shape_b: str = "(3,)", **kwargs: Any):
        super().__init__("Broadcasting explorer")
        self.result: broadcasting.Broadcast | None = None
        with self.hold():
            self._build()
            self._start(shape_a=shape_a, shape_b=shape_b, **kwargs)

    def _build(self) -> None:
        style = {"description_width": "70px"}
        self.preset = ipywidgets.Dropdown(options=["(custom)", *broadcasting.PRESETS],
                                          description="example", style=style,
                                          layout=ipywidgets.Layout(width="420px"))
        self.preset.observe(self._on_preset, "value")
        self.a_text = ipywidgets.Text(description="A shape", style=style,
                                      continuous_update=False,
                                      layout=ipywidgets.Layout(width="200px"))
        self.b_text = ipywidgets.Text(description="B shape", style=style,
                                      continuous_update=False,
                                      layout=ipywidgets.Layout(width="200px"))
        ipywidgets.link((self, "shape_a"), (self.a_text, "value"))
        ipywidgets.link((self, "shape_b"), (self.b_text, "value"))
        self.values_box = ipywidgets.Checkbox(description="show example values", indent=False)
        ipywidgets.link((self, "show_values"), (self.values_box, "value"))
        self.verdict_html = ipywidgets.HTML()
        self.verdict_html.add_class("wb-verdict")
        self.rules_html = ipywidgets.HTML()
        self.values_html = ipywidgets.HTML()
        from matplotlib.collections import PolyCollection

        self.grid_figure = self.figure(7.6, 2.6)
        self._axes = self.grid_figure.subplots(1, 3)
        self._cells = []
        for axes, title in zip(self._axes, ("A", "B", "A + B"), strict=True):
            collection = PolyCollection([], edgecolor="#333", linewidth=0.8)
            axes.add_collection(collection)
            axes.set_title(title, fontsize=10)
            axes.set_aspect("equal")
            axes.axis("off")
            self._cells.append(collection)
        self._set_body(
            self.preset, ipywidgets.HBox([self.a_text, self.b_text, self.values_box]),
            self.verdict_html, self.rules_html, self.grid_figure.canvas, self.values_html,
        )

    def _on_preset(self, change: dict) -> None:
        if change["new"] in broadcasting.PRESETS:
            a, b = broadcasting.PRESETS[change["new"]]
            with self.hold():
                self.shape_a, self.shape_b = a, b

    @observe("shape_a", "shape_b", "show_values")
    def _on_input(self, _change: dict) -> None:
        self.recompute()

    def _update(self) -> None:
        a = broadcasting.parse_shape(self.shape_a, "A shape")
        b = broadcasting.parse_shape(self.shape_b, "B shape")
        result = broadcasting.broadcast(a, b)
        self.result = result
        ok = result.compatible
        text = (f"A{a} and B{b} broadcast to {result.shape}" if ok
                else f"A{a} and B{b} do not broadcast. NumPy says: {result.message}")
        self.verdict_html.value = note_html(text, "good" if ok else "bad", bold=True)
        rows = [(r["dimension"], r["a"], r["b"], r["rule"])
                for r in broadcasting.describe(result)]
        self.rules_html.value = html_table(
            rows, ["dimension (from the right)", "A", "B", "rule"])
        self._draw(result)
        self._show_values(result)
        self.status = "compatible" if ok else "incompatible"

    def _draw(self, result: broadcasting.Broadcast) -> None:
        """Operands at the result's shape with their stretched copies faint (at their own
        shape when incompatible), and the result."""
        target = result.shape
        labels = ("A", "B", "A + B")
        for index, (axes, collection) in enumerate(zip(self._axes, self._cells, strict=True)):
            shape = (result.a, result.b, target)[index]
            if shape is None:
                collection.set_verts([])
                axes.set_title("A + B: no result", fontsize=9, color="#b3261e")
                continue
            drawn = target if target is not None else shape
            faint = (broadcasting.stretched(shape, target) if target is not None and index < 2
                     else broadcasting.as_grid(np.zeros(drawn, dtype=bool)))
            rows, cols = (min(n, _DRAW_MAX) for n in faint.shape)
            cells = [(i, j) for i in range(rows) for j in range(cols)]
            collection.set_verts([[(j, -i), (j + 1, -i), (j + 1, -i - 1), (j, -i - 1)]
                                  for i, j in cells])
            base = ("#4a90d9", "#f5a623", "#7ed321")[index]
            collection.set_facecolor(["#eeeeee" if faint[i, j] else base for i, j in cells])
            axes.set_xlim(-0.5, cols + 0.5)
            axes.set_ylim(-rows - 0.5, 0.5)
            note = " (faint: stretched copies)" if faint.any() else ""
            axes.set_title(f"{labels[index]} {shape}{note}", fontsize=9, color="black")
        self.grid_figure.canvas.draw_idle()

    def _show_values(self, result: broadcasting.Broadcast) -> None:
        small = all(int(np.prod(s or (1,))) <= 64 for s in (result.a, result.b))
        if not self.show_values or not small or len(result.a) > 2 or len(result.b) > 2:
            self.values_html.value = ("" if not self.show_values else
                                      "<i>example values are shown for 1-D and 2-D shapes of "
                                      "up to 64 elements</i>")
            return
        first, second = broadcasting.example_arrays(result.a, result.b)
        parts = [f"A = {matrix_html(first, max_size=12)}",
                 f"B = {matrix_html(second, max_size=12)}"]
        if result.compatible and int(np.prod(result.shape or (1,))) <= 144:
            parts.append(f"A + B = {matrix_html(first + second, max_size=12)}")
        self.values_html.value = "&nbsp;&nbsp;".join(parts)
