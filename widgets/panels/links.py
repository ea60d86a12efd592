"""Links between panels: what no single panel offers.

Each link is a button that moves one panel's state into another, so the link is explicit,
works without a browser (``button.click()``), and leaves both panels usable on their own.
"""

from __future__ import annotations

from typing import Any

import ipywidgets
import numpy as np

from widgets.core.calculus import parse_with_variables
from widgets.core.expressions import ExpressionError

__all__ = ["hessian_link", "send_function_link", "show_all"]


def _button(description: str, tooltip: str) -> ipywidgets.Button:
    return ipywidgets.Button(description=description, tooltip=tooltip, icon="share",
                             layout=ipywidgets.Layout(width="auto"))


def hessian_link(optimizer: Any, inspector: Any) -> ipywidgets.Button:
    """A button that sends the optimizer's exact Hessian at x_k to the matrix inspector.

    Its eigenvalues and condition number explain the zig-zag: the ratio of the largest to
    the smallest curvature is what slows gradient descent down.
    """
    button = _button("Inspect the Hessian at x_k", "send the Hessian to the matrix inspector")

    def send(_: Any = None) -> None:
        def move() -> None:
            hessian = optimizer.hessian()
            if not np.all(np.isfinite(hessian)):
                raise ExpressionError("the Hessian is not finite at x_k")
            with inspector.hold():
                inspector.preset.value = "(custom)"
                inspector.matrix = hessian

        optimizer.attempt(move)

    button.on_click(send)
    return button


def send_function_link(differentiator: Any, target: Any, variables: tuple[str, ...]
                       ) -> ipywidgets.Button:
    """A button that sends the differentiator's f to a panel that takes f(x) or f(x, y).

    ``target`` is an OptimizerStepper (``variables=("x", "y")``: its ``function``) or an
    IntegrationComparer (``("x",)``: its ``expression``).
    """
    name = "function" if variables == ("x", "y") else "expression"
    label = "f(x, y) to the optimizer" if name == "function" else "f(x) to the integrator"
    button = _button(f"Send {label}", f"use the differentiator's f as the {name}")

    def send(_: Any = None) -> None:
        def move() -> None:
            _, names = parse_with_variables(differentiator.expression)
            extra = sorted(set(names) - set(variables))
            if extra:
                raise ExpressionError(
                    f"the {'optimizer' if name == 'function' else 'integrator'} takes "
                    f"f({', '.join(variables)}); this f also uses {', '.join(extra)}")
            setattr(target, name, differentiator.expression)
            if target.error:
                raise ExpressionError(f"the target panel says: {target.error}")

        differentiator.attempt(move)

    button.on_click(send)
    return button


def show_all() -> ipywidgets.Tab:
    """One tabbed widget holding every panel, for embedding in a page or notebook."""
    import widgets

    panels = {
        "Matrix": widgets.MatrixInspector(),
        "Optimizer": widgets.OptimizerStepper(),
        "Integration": widgets.IntegrationComparer(),
        "Derivatives": widgets.SymbolicDifferentiator("1/(1 + exp(-x))"),
        "Monte Carlo": widgets.MonteCarloLab(),
        "t-test": widgets.HypothesisTestExplorer(),
        "Broadcasting": widgets.BroadcastingExplorer(),
        "Loops vs NumPy": widgets.VectorizationRace(),
        "Roots": widgets.RootFinder(),
        "Exercises": widgets.Exercises(),
    }
    tab = ipywidgets.Tab(children=list(panels.values()))
    tab.titles = tuple(panels)
    return tab
