from __future__ import annotations

import numpy as np
import pytest

import widgets


def test_hessian_link_sends_the_hessian_at_x_k():
    optimizer = widgets.OptimizerStepper("bowl", "gd", kappa=100, learning_rate=0.01)
    inspector = widgets.MatrixInspector()
    button = widgets.hessian_link(optimizer, inspector)
    optimizer.step(5)
    button.click()
    np.testing.assert_allclose(inspector.matrix, [[1, 0], [0, 100]])
    assert inspector.report["cond"] == pytest.approx(100)
    optimizer.function = "rosenbrock"
    optimizer.start = (1.0, 1.0)
    button.click()
    np.testing.assert_allclose(inspector.matrix, [[802, -400], [-400, 200]])


def test_function_links_to_optimizer_and_integrator():
    differentiator = widgets.SymbolicDifferentiator("x^2 + 3*y^2")
    optimizer = widgets.OptimizerStepper()
    integrator = widgets.IntegrationComparer()
    to_optimizer = widgets.send_function_link(differentiator, optimizer, ("x", "y"))
    to_integrator = widgets.send_function_link(differentiator, integrator, ("x",))
    to_optimizer.click()
    assert optimizer.function == "x^2 + 3*y^2"
    assert optimizer.error == ""
    to_integrator.click()
    assert "takes f(x); this f also uses y" in differentiator.error
    assert integrator.expression == "sin(x**2)"
    differentiator.expression = "exp(-x^2)"
    to_integrator.click()
    assert differentiator.error == ""
    assert integrator.expression == "exp(-x^2)"
    assert integrator.results["gauss"]["estimate"] is not None
    differentiator.expression = "z1 + x"
    to_optimizer.click()
    assert "also uses z1" in differentiator.error
    assert optimizer.function == "x^2 + 3*y^2"


def test_show_all_tabs_every_panel():
    tab = widgets.show_all()
    assert len(tab.children) == 10
    assert tab.titles[0] == "Matrix"
    assert all(getattr(child, "error", "") == "" for child in tab.children)
