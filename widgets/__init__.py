"""Interactive ipywidgets panels for the computational math behind machine learning.

Every panel is an ``ipywidgets.VBox``: display it, or nest it in any ``HBox``/``VBox``/``Tab``::

    from widgets import MatrixInspector
    MatrixInspector([[2, 1], [1, 3]])

Names are imported lazily (PEP 562), so ``import widgets`` stays cheap: SymPy, SciPy and
Matplotlib load only when a panel or the expression parser is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "parse_expression": "widgets.core.expressions",
    "compile_expression": "widgets.core.expressions",
    "parse_number": "widgets.core.expressions",
    "ExpressionError": "widgets.core.expressions",
    "run_with_budget": "widgets.core.budget",
    "Panel": "widgets.panels.base",
    "MatrixInspector": "widgets.panels.matrix",
    "OptimizerStepper": "widgets.panels.optimizer",
    "IntegrationComparer": "widgets.panels.integration",
    "SymbolicDifferentiator": "widgets.panels.differentiator",
    "MonteCarloLab": "widgets.panels.montecarlo",
    "HypothesisTestExplorer": "widgets.panels.hypothesis",
    "BroadcastingExplorer": "widgets.panels.broadcasting",
    "VectorizationRace": "widgets.panels.race",
    "RootFinder": "widgets.panels.roots",
    "ExerciseCard": "widgets.panels.exercises",
    "Exercises": "widgets.panels.exercises",
    "hessian_link": "widgets.panels.links",
    "send_function_link": "widgets.panels.links",
    "show_all": "widgets.panels.links",
}

__all__ = [
    "BroadcastingExplorer",
    "ExerciseCard",
    "Exercises",
    "ExpressionError",
    "HypothesisTestExplorer",
    "IntegrationComparer",
    "MatrixInspector",
    "MonteCarloLab",
    "OptimizerStepper",
    "Panel",
    "RootFinder",
    "SymbolicDifferentiator",
    "VectorizationRace",
    "compile_expression",
    "hessian_link",
    "parse_expression",
    "parse_number",
    "run_with_budget",
    "send_function_link",
    "show_all",
]

if TYPE_CHECKING:  # pragma: no cover
    from widgets.core.budget import run_with_budget
    from widgets.core.expressions import (
        ExpressionError,
        compile_expression,
        parse_expression,
        parse_number,
    )
    from widgets.panels.base import Panel
    from widgets.panels.broadcasting import BroadcastingExplorer
    from widgets.panels.differentiator import SymbolicDifferentiator
    from widgets.panels.exercises import ExerciseCard, Exercises
    from widgets.panels.hypothesis import HypothesisTestExplorer
    from widgets.panels.integration import IntegrationComparer
    from widgets.panels.links import hessian_link, send_function_link, show_all
    from widgets.panels.matrix import MatrixInspector
    from widgets.panels.montecarlo import MonteCarloLab
    from widgets.panels.optimizer import OptimizerStepper
    from widgets.panels.race import VectorizationRace
    from widgets.panels.roots import RootFinder


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
