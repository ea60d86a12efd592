from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from widgets import OptimizerStepper
from widgets.core import optimize


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosenbrock_gradient(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def test_gradient_descent_step_is_the_update_rule():
    panel = OptimizerStepper("rosenbrock", "gd", start=(-1.5, 2.0), learning_rate=1e-3)
    x0 = np.array([-1.5, 2.0])
    panel.step()
    np.testing.assert_allclose(panel.path[1], x0 - 1e-3 * rosenbrock_gradient(x0))
    assert panel.path.shape == (2, 2)
    assert panel.values[1] == pytest.approx(rosenbrock(panel.path[1]))


def test_momentum_nesterov_rmsprop_adam_by_hand():
    x0 = np.array([-1.5, 2.0])
    lr, beta = 1e-4, 0.9
    panel = OptimizerStepper("rosenbrock", "momentum", start=tuple(x0), learning_rate=lr,
                             momentum=beta)
    panel.step(2)
    v1 = -lr * rosenbrock_gradient(x0)
    x1 = x0 + v1
    v2 = beta * v1 - lr * rosenbrock_gradient(x1)
    np.testing.assert_allclose(panel.path[2], x1 + v2)

    panel.method = "nesterov"
    panel.step(2)
    v1 = -lr * rosenbrock_gradient(x0)
    x1 = x0 + v1
    v2 = beta * v1 - lr * rosenbrock_gradient(x1 + beta * v1)
    np.testing.assert_allclose(panel.path[2], x1 + v2)

    panel.method = "rmsprop"
    panel.learning_rate, panel.rho, panel.epsilon = 1e-2, 0.9, 1e-8
    panel.step()
    g = rosenbrock_gradient(x0)
    s = 0.1 * g**2
    np.testing.assert_allclose(panel.path[1], x0 - 1e-2 * g / (np.sqrt(s) + 1e-8))

    panel.method = "adam"
    panel.step()
    m_hat, v_hat = g, g**2  # bias-corrected moments after one step
    np.testing.assert_allclose(panel.path[1], x0 - 1e-2 * m_hat / (np.sqrt(v_hat) + 1e-8))


def test_newton_solves_a_quadratic_in_one_step_and_damping_scales_it():
    panel = OptimizerStepper("booth", "newton", start=(-8.0, -8.0))
    panel.step()
    np.testing.assert_allclose(panel.path[1], [1, 3], atol=1e-10)
    panel.damping = 0.5
    panel.step()
    np.testing.assert_allclose(panel.path[1], [(-8 + 1) / 2, (-8 + 3) / 2], atol=1e-10)


def test_newton_at_singular_hessian_says_so():
    panel = OptimizerStepper("x^4 + y^2", "newton", start=(0.0, 1.0))
    assert panel.error == ""
    panel.step()
    assert "Hessian is singular at (0, 1)" in panel.error
    assert panel.path.shape == (1, 2)


def test_bfgs_matches_scipy_and_reaches_the_minimum():
    panel = OptimizerStepper("rosenbrock", "bfgs", start=(0.0, 0.0))
    panel.step(500)
    np.testing.assert_allclose(panel.path[-1], [1, 1], atol=1e-5)
    assert panel.converged
    iterates = [np.zeros(2)]
    scipy.optimize.minimize(rosenbrock, np.zeros(2), method="BFGS", jac=rosenbrock_gradient,
                            options={"gtol": 1e-6},
                            callback=lambda xk: iterates.append(np.array(xk)))
    np.testing.assert_allclose(panel.path, np.array(iterates), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("method", ["cg", "l-bfgs-b"])
def test_other_scipy_methods_converge(method):
    panel = OptimizerStepper("rosenbrock", method, start=(0.0, 0.0))
    panel.step(2000)
    np.testing.assert_allclose(panel.path[-1], [1, 1], atol=1e-3)
    assert np.all(np.diff(panel.runs[method].evaluations) > 0)


def test_nelder_mead_simplex_matches_scipy_iterates():
    panel = OptimizerStepper("rosenbrock", "nelder-mead", start=(0.0, 0.0))
    run = panel.main_run
    initial = run.simplex()
    # SciPy's initial simplex: x0 and 0.00025 along each axis where x0 is 0, best first
    np.testing.assert_allclose(initial, [[0.00025, 0], [0, 0], [0, 0.00025]])
    for k in (1, 5, 17):
        panel.step(k - run.iteration)
        simplex = run.simplex()
        assert simplex.shape == (3, 2)
        np.testing.assert_allclose(simplex[0], panel.path[k])  # best vertex = SciPy's iterate
        assert panel._simplex.get_visible()
    panel.step(5000)
    np.testing.assert_allclose(panel.path[-1], [1, 1], atol=1e-4)


@pytest.mark.parametrize("method", ["adam", "momentum", "gd", "nesterov", "rmsprop"])
def test_first_order_methods_decrease_f_on_the_bowl(method):
    panel = OptimizerStepper("bowl", method, kappa=10, learning_rate=0.05)
    panel.step(200)
    assert panel.values[-1] < 1e-2 * panel.values[0]


def test_divergence_stops_at_last_finite_point_without_warnings():
    panel = OptimizerStepper("rosenbrock", "gd", learning_rate=0.5)
    panel.step(100)
    assert panel.diverged
    assert np.all(np.isfinite(panel.path))
    k = panel.path.shape[0]
    assert f"diverged at step {k}: |f| exceeded 1e+12 — try a smaller learning rate" in (
        panel.readout.value
    )
    panel.step(10)
    assert panel.path.shape[0] == k


def test_typed_function_and_bad_typed_functions_keep_the_previous_one():
    panel = OptimizerStepper("x^2 + 3*y^2", "gd", start=(1.0, 1.0), learning_rate=0.1)
    assert panel.error == ""
    np.testing.assert_allclose(panel.hessian(), [[2, 0], [0, 6]])
    panel.step()
    np.testing.assert_allclose(panel.path[1], [0.8, 0.4])
    for bad, fragment in [("sine(x) + y", "did you mean sin"), ("x + z", "unknown name 'z'"),
                          ("3", "must depend on x or y"), ("x^2 + ", "ends too early")]:
        panel.function = bad
        assert fragment in panel.error
        assert str(panel.problem.expression) == "x**2 + 3*y**2"
    panel.function = "log(x) + y^2"
    panel.start = (-1.0, 1.0)
    assert "undefined at the start" in panel.error


def test_widget_controls_choose_function_method_and_start():
    panel = OptimizerStepper()
    panel.function_picker.value = "himmelblau"
    assert panel.function == "himmelblau"
    assert panel.start == optimize.PRESETS["himmelblau"].start
    panel.function_picker.value = "custom f(x, y)"
    panel.function_text.value = "x^2 + y^2"
    assert panel.function == "x^2 + y^2"
    panel.method_picker.value = "adam"
    assert panel.method == "adam"
    visible = {n for n, w in panel.parameter_widgets.items() if w.layout.display != "none"}
    assert visible == {"learning_rate", "beta1", "beta2", "epsilon", "tolerance"}
    panel.method_picker.value = "bfgs"
    visible = {n for n, w in panel.parameter_widgets.items() if w.layout.display != "none"}
    assert visible == {"tolerance"}
    panel.x0.value = 0.5
    assert panel.start == (0.5, panel.start[1])
    panel.step_button.click()
    panel.step10_button.click()
    assert panel.path.shape[0] > 2
    panel.reset_button.click()
    assert panel.path.shape == (1, 2)


def test_click_on_contour_sets_start():
    from matplotlib.backend_bases import MouseEvent

    panel = OptimizerStepper("booth")
    axes = panel._contour_axes
    panel.contour_figure.canvas.draw()
    x_pixel, y_pixel = axes.transData.transform((2.0, -3.0))
    MouseEvent("button_press_event", panel.contour_figure.canvas, x_pixel, y_pixel,
               button=1)._process()
    assert panel.start == pytest.approx((2.0, -3.0), abs=0.01)
    assert panel.path.shape == (1, 2)


def test_play_steps_and_stops_when_finished():
    panel = OptimizerStepper("booth", "newton")
    panel.play.playing = True
    panel.play.value = 1
    assert panel.path.shape[0] == 2
    panel.play.value = 2
    assert panel.converged
    assert panel.play.playing is False


def test_compare_mode_races_methods_from_the_same_start():
    panel = OptimizerStepper("rosenbrock", "bfgs", start=(-1.5, 2.0), tolerance=1e-5)
    panel.compare_picker.value = ("gd", "newton", "nelder-mead")
    assert set(panel.runs) == {"bfgs", "gd", "newton", "nelder-mead"}
    panel.step(300)
    for run in panel.runs.values():
        np.testing.assert_allclose(run.path[0], [-1.5, 2.0])
    assert panel.runs["newton"].iterations_to_tolerance() is not None
    assert panel.runs["gd"].iterations_to_tolerance() is None
    assert "iterations to ‖∇f‖ &lt; 1e-05" in panel.readout.value
    legend = [t.get_text() for t in panel._legend.get_texts()]
    assert legend[:4] == ["BFGS", "gradient descent", "Newton", "Nelder-Mead"]
    panel.x_axis = "evaluations"
    line = panel._history_lines["bfgs"][0]
    np.testing.assert_allclose(line.get_xdata(), panel.runs["bfgs"].evaluations)


def test_bowl_rates_and_optimal_button():
    panel = OptimizerStepper("bowl", "gd", kappa=100)
    assert panel.kappa_slider.layout.display == "flex"
    panel.optimal_button.click()
    assert panel.learning_rate == pytest.approx(2 / 101)
    panel.step(60)
    measured = optimize.measured_rate(panel.path, (0, 0))
    assert measured == pytest.approx(99 / 101, abs=1e-3)
    assert "0.9802" in panel.bowl_html.value
    panel.method = "momentum"
    panel.optimal_button.click()
    tuned = optimize.tuned_bowl_parameters(100)
    assert panel.learning_rate == pytest.approx(tuned["momentum_learning_rate"])
    assert panel.momentum == pytest.approx(tuned["momentum"])
    panel.step(150)
    assert optimize.measured_rate(panel.path, (0, 0)) < 0.9


def test_bad_method_name_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        OptimizerStepper(method="sgd-with-vibes")
