"""The base every panel is built on: title, error banner, status line, figures, batching.

A panel subclass declares its inputs as traitlets, implements :meth:`Panel._update` (compute
everything first, then refresh the views), and calls :meth:`Panel.recompute` when an input
changes. :meth:`Panel.recompute` is the one place where failures become the banner message:
``_update`` raises, the banner shows one line, and the panel keeps its last good results
because nothing was assigned before the raise.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import ipywidgets
import numpy as np
from traitlets import Enum, Unicode, observe

from widgets.core.expressions import ExpressionError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "Choice", "Panel", "error_message", "make_figure", "matrix_html", "note_html", "section",
]

_BANNER_STYLE = (
    "background:#fdecea;color:#8a1c1c;border-left:4px solid #d93025;"
    "padding:4px 8px;border-radius:3px;font-size:13px"
)
_STATUS_STYLE = "color:#555;font-size:12px"


def error_message(error: BaseException) -> str:
    """The one-line text a panel shows for a failure."""
    if isinstance(error, ExpressionError):
        return str(error)
    if isinstance(error, np.linalg.LinAlgError):
        return f"linear algebra failed: {error}"
    if isinstance(error, (OverflowError, FloatingPointError)):
        return "the numbers overflowed: try smaller values"
    if isinstance(error, ZeroDivisionError):
        return "division by zero"
    if isinstance(error, MemoryError):
        return "this needs too much memory: try a smaller size"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


_SHOWN_ERRORS = (
    ExpressionError,
    ValueError,
    ArithmeticError,
    np.linalg.LinAlgError,
    MemoryError,
)


def make_figure(width: float = 5.0, height: float = 3.6, *, toolbar: bool = False) -> Figure:
    """A Matplotlib figure drawn by ipympl's canvas widget (``figure.canvas``), without pyplot.

    It works in a notebook that never ran ``%matplotlib widget``, is never registered with
    pyplot (so it is shown only where the panel puts it, and never leaks), and hides ipympl's
    "Figure 0" header and footer. ``toolbar`` shows ipympl's pan/zoom toolbar on hover.
    """
    from ipympl.backend_nbagg import Canvas, FigureManager
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    canvas = Canvas(figure)
    FigureManager(canvas, 0)  # gives the canvas its toolbar and the webagg message handling
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.resizable = False
    canvas.toolbar_visible = "fade-in-fade-out" if toolbar else False
    canvas.toolbar_position = "right"
    canvas.layout.width = f"{width * 100 + 4:.0f}px"
    return figure


class Choice(Enum):
    """A trait that takes one of ``values``; anything else raises a ValueError naming them."""

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> None:
        choices = ", ".join(str(v) for v in self.values)
        raise ValueError(f"{self.name} must be one of {choices}; got {value!r}")


_TONES = {"warning": ("#a15c00", "⚠"), "good": ("#1b7f3b", "✔"), "bad": ("#b3261e", "✘"),
          "info": ("#1a4f8b", "→")}


def note_html(text: str, tone: str = "warning", *, bold: bool = False) -> str:
    """One line of feedback in the panels' shared colours: warning, good, bad or info."""
    colour, mark = _TONES[tone]
    body = f"<b>{html.escape(text)}</b>" if bold else html.escape(text)
    return f"<div style='color:{colour};font-size:13px'>{mark} {body}</div>"


def section(title: str, *children: ipywidgets.Widget) -> ipywidgets.VBox:
    """A titled group of widgets inside a panel."""
    heading = ipywidgets.HTML(
        f"<div style='font-weight:600;font-size:13px;margin-top:6px'>{html.escape(title)}</div>"
    )
    return ipywidgets.VBox([heading, *children])


def matrix_html(matrix: Any, digits: int = 4, max_size: int = 8) -> str:
    """A small numeric matrix as an HTML table with brackets (larger ones as their shape)."""
    from widgets.core.format import fmt

    array = np.atleast_2d(np.asarray(matrix))
    if max(array.shape) > max_size:
        return f"<i>{array.shape[0]}×{array.shape[1]} (too large to list)</i>"
    style = "border-left:2px solid #444;border-right:2px solid #444;border-collapse:collapse"
    cell = "padding:1px 6px;text-align:right;font-family:monospace;font-size:12px"
    rows = "".join(
        "<tr>" + "".join(f"<td style='{cell}'>{fmt(v, digits)}</td>" for v in row) + "</tr>"
        for row in array
    )
    return f"<table style='{style};display:inline-table'>{rows}</table>"


class Panel(ipywidgets.VBox):
    """Base class of every panel.

    Attributes
    ----------
    error : str
        ``""`` when all is well, else the one-line message shown in the red banner.
    status : str
        A one-line status shown at the foot of the panel.
    """

    error = Unicode("", help="One-line message of the last failure; empty when all is well.")
    status = Unicode("", help="One-line status shown at the foot of the panel.")

    def __init__(self, title: str, **kwargs: Any):
        self._title = ipywidgets.HTML(
            f"<div style='font-weight:600;font-size:15px'>{html.escape(title)}</div>"
        )
        self._banner = ipywidgets.HTML(layout=ipywidgets.Layout(display="none"))
        self._banner.add_class("wb-error")
        self._status_line = ipywidgets.HTML()
        self._status_line.add_class("wb-status")
        self._figures: list[Figure] = []
        self._held = 0
        self._pending = False
        self._syncing = False
        super().__init__(children=[self._title, self._banner, self._status_line], **kwargs)
        self.add_class("wb-panel")
        self.layout.padding = "6px"

    # -- composition ---------------------------------------------------------------------------

    def _set_body(self, *children: ipywidgets.Widget) -> None:
        """Place the panel's own widgets between the banner and the status line."""
        self.children = (self._title, self._banner, *children, self._status_line)

    def figure(self, width: float = 5.0, height: float = 3.6, *, toolbar: bool = False) -> Figure:
        """Build one of this panel's figures (closed with the panel); see :func:`make_figure`."""
        figure = make_figure(width, height, toolbar=toolbar)
        self._figures.append(figure)
        return figure

    def _start(self, **inputs: Any) -> None:
        """Set the constructor's inputs, then compute once (call inside :meth:`hold`)."""
        with self.hold():
            for name, value in inputs.items():
                if not self.has_trait(name):
                    raise TypeError(f"{type(self).__name__} has no input {name!r}")
                setattr(self, name, value)
            self.recompute()

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        """Recompute results and refresh views; raise to report a failure (subclasses)."""

    def recompute(self) -> bool:
        """Run :meth:`_update` now (or at the end of :meth:`hold`); return whether it worked."""
        if self._held:
            self._pending = True
            return True
        return self.attempt(self._update)

    def attempt(self, action: Callable[..., Any], *args: Any) -> bool:
        """Run ``action``; on a failure show its message in the banner and return False."""
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                action(*args)
        except _SHOWN_ERRORS as failure:
            self.error = error_message(failure)
            return False
        self.error = ""
        return True

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Batch changes: inputs set inside recompute once, on leaving the outermost block."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held and self._pending:
            self._pending = False
            self.recompute()

    @contextmanager
    def syncing(self) -> Iterator[None]:
        """Set controls from the panel's traits; control handlers check :attr:`is_syncing`
        and stay quiet, so a control echoing the value back triggers no second update."""
        previous, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = previous

    @property
    def is_syncing(self) -> bool:
        """Whether controls are being set from the traits (see :meth:`syncing`)."""
        return self._syncing

    # -- views of error and status -------------------------------------------------------------

    @observe("error")
    def _show_error(self, change: dict) -> None:
        message = change["new"]
        self._banner.value = (
            f"<div style='{_BANNER_STYLE}'>⚠ {html.escape(message)}</div>" if message else ""
        )
        self._banner.layout.display = "block" if message else "none"

    @observe("status")
    def _show_status(self, change: dict) -> None:
        self._status_line.value = (
            f"<div style='{_STATUS_STYLE}'>{html.escape(change['new'])}</div>"
        )

    # -- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the panel, its figures and every widget inside it."""
        for figure in self._figures:
            canvas = figure.canvas
            toolbar = getattr(canvas, "toolbar", None)
            if toolbar is not None:
                toolbar.close()
            canvas.close()
        self._figures.clear()
        for widget in _owned_widgets(self):
            if widget is not self:
                widget.close()
        super().close()


def _widget_values(value: Any) -> Iterator[ipywidgets.Widget]:
    if isinstance(value, ipywidgets.Widget):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _widget_values(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _widget_values(item)


def _owned_widgets(panel: Panel) -> list[ipywidgets.Widget]:
    """Every widget reachable from the panel: its attributes, children, layouts and styles.

    Attributes count too, so controls a panel swaps in and out of view are closed as well.
    """
    seen: dict[int, ipywidgets.Widget] = {}
    stack = list(_widget_values(list(vars(panel).values())))
    stack.append(panel)
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen[id(widget)] = widget
        for name in widget.keys:
            stack.extend(_widget_values(getattr(widget, name, None)))
    return list(seen.values())
