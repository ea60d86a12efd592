"""Inputs a fuzz run over the panels found to escape as exceptions; each now gives a message."""

from __future__ import annotations

import pytest

import widgets
from widgets import ExpressionError, compile_expression, parse_expression


def test_optimizer_step_after_a_refused_function_and_a_method_change():
    panel = widgets.OptimizerStepper("booth", "bfgs")
    panel.function = "10"
    assert "must depend on x or y" in panel.error
    panel.method = "newton"
    assert panel.step(5) is False
    assert "must depend on x or y" in panel.error


def test_piecewise_constant_functions_have_zero_derivative_away_from_jumps():
    optimizer = widgets.OptimizerStepper("sign(x)*2 + y^2", "gd", start=(0.5, 1.0),
                                         learning_rate=0.1)
    assert optimizer.step(3)
    assert optimizer.path[-1][0] == 0.5  # no gradient in x away from the jump
    roots = widgets.RootFinder("sign(x)", -1, 2)
    roots.method = "newton"
    roots.step(3)
    assert roots.error == ""
    assert "f′" in roots.traces["newton"].message


def test_derivative_with_complex_infinity_still_shows_the_symbolic_result():
    panel = widgets.SymbolicDifferentiator("log10(log10(y))", variable="y")
    assert panel.error == ""
    panel.expression = "((0.5) + ((0) ^ ((10) - (x)))) / (exp((0) - (x)))"
    assert panel.error == "" or "cannot" in panel.error


def test_numpy_source_for_special_functions():
    panel = widgets.SymbolicDifferentiator("tan(factorial(ln(x)))")
    assert panel.error == ""
    assert "scipy.special" in panel.numpy_source.value or "no NumPy" in panel.numpy_source.value


def test_unevaluable_numeric_input_is_an_expression_error():
    compiled = compile_expression(parse_expression("atan(ceiling(erf(log10(-1))))"), ("x",))
    with pytest.raises(ExpressionError, match="cannot be evaluated numerically"):
        compiled([1.0, 2.0])
