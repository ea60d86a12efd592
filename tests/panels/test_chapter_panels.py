"""Broadcasting explorer, vectorization race, root finder and exercises."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from widgets import BroadcastingExplorer, ExerciseCard, Exercises, RootFinder, VectorizationRace
from widgets.core import broadcasting, exercises, race, roots

# -- broadcasting -----------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), list(broadcasting.PRESETS.values()))
def test_broadcast_agrees_with_numpy(a, b):
    shape_a, shape_b = broadcasting.parse_shape(a), broadcasting.parse_shape(b)
    result = broadcasting.broadcast(shape_a, shape_b)
    try:
        expected = np.broadcast_shapes(shape_a, shape_b)
    except ValueError as error:
        assert result.shape is None and result.message == str(error)
    else:
        assert result.shape == expected
        first, second = broadcasting.example_arrays(shape_a, shape_b)
        assert (first + second).shape == expected


def test_broadcast_rules_in_words():
    result = broadcasting.broadcast((4, 3), (3,))
    assert [r[2] for r in result.rows] == [
        "B has no dimension here: treated as 1, stretched to 4", "equal"]
    bad = broadcasting.broadcast((4, 3), (4,))
    assert bad.rows[1][2] == "incompatible: 3 ≠ 4 and neither is 1"
    assert "shape mismatch" in bad.message


def test_stretched_marks_copies():
    np.testing.assert_array_equal(broadcasting.stretched((3, 1), (3, 2)),
                                  [[False, True], [False, True], [False, True]])


def test_broadcasting_panel_presets_and_bad_shapes():
    panel = BroadcastingExplorer()
    assert panel.result.shape == (4, 3)
    assert "broadcast to (4, 3)" in panel.verdict_html.value
    panel.preset.value = "row means: X (4, 3) − m (4,)  ✘"
    assert panel.result.shape is None
    assert "NumPy says: shape mismatch" in panel.verdict_html.value
    assert panel.error == ""
    panel.preset.value = "outer product: u (3, 1) × v (1, 2)"
    assert "A + B =" in panel.values_html.value
    assert len(panel._cells[2].get_paths()) == 6
    panel.shape_a = "(4, three)"
    assert panel.error == "A shape: type a shape like (4, 3), (3,) or ()"
    assert panel.result.shape == (3, 2)
    panel.shape_a = "(10000, 10000)"
    assert "at most 1,000,000 elements" in panel.error


# -- vectorization race -----------------------------------------------------------------------


@pytest.mark.parametrize("operation", list(race.OPERATIONS))
def test_race_versions_agree_and_numpy_wins(operation):
    result = race.race(operation, 20_000)
    assert result["agree"]
    assert result["speedup"] > 1
    assert not result["scaled"]


def test_race_caps_the_loop_and_says_so():
    panel = VectorizationRace("dot", n=1_000_000)
    assert "press Run" in panel.readout.value
    panel.run_button.click()
    assert panel.result["scaled"] and panel.result["loop_n"] == race.LOOP_CAP
    assert "scaled to n" in panel.readout.value
    assert panel.history["dot"][0] == (1_000_000, panel.result["speedup"])
    assert sorted(dict(panel.history["dot"])) == [10, 100, 1000, 10_000, 1_000_000]
    assert panel.overhead >= 0
    panel.n_slider.value = 5
    assert panel.n == 100_000
    panel.run()
    assert len(panel._growth["dot"].get_xdata()) == 6


def test_race_bad_n():
    panel = VectorizationRace()
    panel.n = 0
    assert "n must be from 1" in panel.error


# -- root finder ------------------------------------------------------------------------------


def test_root_finder_defaults_match_brentq():
    panel = RootFinder()
    expected = scipy.optimize.brentq(lambda x: x**3 - x - 2, 1, 2)
    assert panel.reference == pytest.approx(expected)
    for trace in panel.traces.values():
        assert trace.root == pytest.approx(expected, abs=1e-9)
        assert trace.converged_at is not None
    iterations = {m: t.converged_at for m, t in panel.traces.items()}
    assert iterations["newton"] < iterations["secant"] < iterations["bisection"]


def test_bisection_and_newton_steps_by_hand():
    problem = roots.RootProblem("x^3 - x - 2")
    bisection = roots.run_method(problem, "bisection", 1, 2, 2)
    assert bisection.points[:3] == [1.5, 1.75, 1.625]
    newton = roots.run_method(problem, "newton", 1, 2, 2)
    assert newton.points[0] == pytest.approx(2 - 4 / 11)


def test_stepping_reveals_iterates_and_draws_the_construction():
    panel = RootFinder()
    panel.step_button.click()
    panel.step_button.click()
    assert panel.k == 2
    assert "<td" in panel.table_html.value
    assert len(panel._iterates.get_xdata()) == 2
    panel.method_picker.value = "newton"
    assert panel.k == 0
    panel.step()
    assert len(panel._construction.get_xdata()) == 2  # the tangent
    panel.step_all_button.click()
    assert panel.k == len(panel.traces["newton"].points)
    panel.reset_button.click()
    assert panel.k == 0


def test_root_finder_explains_problems():
    panel = RootFinder("x^2 + 1", a=-1, b=1)
    assert panel.error == ""
    assert "same sign" in panel.traces["bisection"].message
    assert panel.reference is None
    panel.expression, panel.x0 = "x^2 - 2", 0.0
    assert "f′(0) = 0" in panel.traces["newton"].message
    panel.expression, panel.x0 = "atan(x)", 2.0
    assert "diverged" in panel.traces["newton"].message
    panel.b = "-3"
    assert panel.error == "the bracket needs a < b"
    panel.b = "1"
    panel.expression = "sine(x)"
    assert "did you mean sin" in panel.error


# -- exercises --------------------------------------------------------------------------------


def test_every_exercise_accepts_its_answer_and_explains_typical_mistakes():
    exercises.validate_exercises()
    assert len(exercises.EXERCISES) >= 6
    sections = {e.section for e in exercises.EXERCISES}
    assert {"Monte Carlo", "SymPy", "NumPy", "Broadcasting", "Linear algebra",
            "Optimization", "Numerical integration"} <= sections
    for exercise in exercises.EXERCISES:
        card = ExerciseCard(exercise)
        assert card.check(exercise.answer), exercise.key
        for wrong, feedback in exercise.mistakes.items():
            assert not card.check(wrong)
            assert card.feedback == feedback


def test_number_feedback_factor_close_and_unreadable():
    card = ExerciseCard("gd_step")
    assert not card.check("4.8")
    assert card.feedback == "your answer is off by a factor of 2"
    assert not card.check("-2.4")
    assert "sign error" in card.feedback
    assert not card.check("2.41")
    assert card.feedback.startswith("close")
    assert card.check("2.4")
    assert not card.check("2.4 +")
    assert "ends too early" in card.error
    assert card.check("12/5")


def test_expression_feedback_and_buttons():
    card = ExerciseCard("softmax_gradient")
    assert card.check("-exp(z2)/(exp(z1) + exp(z2))")  # an equivalent form
    assert not card.check("2*(exp(z1)/(exp(z1) + exp(z2)) - 1)")
    assert "factor of 2" in card.feedback
    card.hint_button.click()
    assert "hint 1 of 2" in card.feedback_html.value
    card.solution_button.click()
    assert "p_1 - 1" in card.feedback_html.value
    card.answer_box.value = "exp(z1)/(exp(z1) + exp(z2)) - 1"
    card.check_button.click()
    assert card.correct


def test_exercises_collection():
    collection = Exercises()
    assert len(collection.children) == len(exercises.EXERCISES)
    assert set(collection.cards) == {e.key for e in exercises.EXERCISES}
