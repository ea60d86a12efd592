from __future__ import annotations

import numpy as np
import pytest

from widgets import MatrixInspector


def test_default_is_the_chapter_matrix():
    panel = MatrixInspector()
    np.testing.assert_allclose(panel.matrix, np.arange(1.0, 10.0).reshape(3, 3))
    assert panel.report["rank"] == 2
    assert panel.error == ""
    assert "rank 2 &lt; 3" in panel.report_html.value or "rank 2 < 3" in panel.report_html.value


def test_matrix_from_code_and_setting_it_afterwards():
    panel = MatrixInspector([[2, 1], [1, 3]])
    assert panel.report["det"] == pytest.approx(5)
    panel.matrix = np.eye(3) * 2
    assert panel.report["det"] == pytest.approx(8)
    assert [c.value for c in panel.grid.children] == ["2", "0", "0", "0", "2", "0", "0", "0", "2"]


def test_editing_a_cell_updates_everything_and_keeps_the_typed_form():
    panel = MatrixInspector([[1, 0], [0, 1]])
    panel.cells[0][1].value = "sqrt(2)/2"
    assert panel.matrix[0, 1] == pytest.approx(2**0.5 / 2)
    assert panel.cells[0][1].value == "sqrt(2)/2"
    assert panel.report["det"] == pytest.approx(1)
    panel.exact = True
    assert str(panel.exact_results["inverse"][0, 1]) == "-sqrt(2)/2"


def test_bad_cell_shows_message_and_keeps_last_good_state():
    panel = MatrixInspector([[1, 2], [3, 4]])
    good = panel.report
    panel.cells[1][0].value = "sine(1)"
    assert panel.error.startswith("entry (2, 1): unknown name 'sine'; did you mean sin?")
    assert panel.report is good
    np.testing.assert_allclose(panel.matrix, [[1, 2], [3, 4]])
    panel.cells[1][0].value = "5"
    assert panel.error == ""
    assert panel.report["det"] == pytest.approx(-6)


def test_nonfinite_matrix_from_code_is_refused_with_the_entry():
    panel = MatrixInspector([[1, 2], [3, 4]])
    good = panel.report
    panel.matrix = [[1, 2, 3], [4, 5, 6], [7, 8, np.inf]]
    assert panel.error == "entry (3, 3) is not a finite number"
    assert panel.report is good


def test_typed_matrix_text():
    panel = MatrixInspector()
    panel.text.value = "[[4, 1], [2, 3]]"
    panel.apply_text.click()
    np.testing.assert_allclose(panel.matrix, [[4, 1], [2, 3]])
    panel.text.value = "1 2 3\n4 5"
    panel.apply_text.click()
    assert panel.error == "row 2 has 2 entries but row 1 has 3"
    np.testing.assert_allclose(panel.matrix, [[4, 1], [2, 3]])
    panel.text.value = ""
    panel.apply_text.click()
    assert "empty" in panel.error


def test_resize_buttons():
    panel = MatrixInspector(np.eye(2))
    panel.resize_buttons["+ row"].click()
    assert panel.matrix.shape == (3, 2)
    assert panel.report["det"] is None
    assert "needs a square matrix" in panel.report_html.value
    assert panel.report["rank"] == 2
    panel.resize_buttons["+ col"].click()
    assert panel.matrix.shape == (3, 3)
    panel.resize_buttons["− row"].click()
    panel.resize_buttons["− col"].click()
    assert panel.matrix.shape == (2, 2)
    for _ in range(2):
        panel.resize_buttons["− row"].click()
    assert "at least 1" in panel.error
    assert panel.matrix.shape == (1, 2)


def test_presets_and_parameter_slider():
    panel = MatrixInspector()
    panel.preset.value = "rotation"
    assert panel.parameter.description == "angle °"
    panel.parameter.value = 90
    np.testing.assert_allclose(panel.matrix, [[0, -1], [1, 0]], atol=1e-12)
    assert panel.report["orthogonal"]
    assert panel.transform_figure.canvas.layout.display == "block"
    panel.preset.value = "hilbert"
    panel.parameter.value = 6
    assert panel.matrix.shape == (6, 6)
    assert panel.report["cond"] > 1e7
    assert panel.transform_figure.canvas.layout.display == "none"
    panel.preset.value = "random SPD"
    first = panel.matrix.copy()
    panel.parameter.value = 43
    panel.parameter.value = 42
    np.testing.assert_allclose(panel.matrix, first)
    assert panel.report["positive_definite"]
    for name in ("identity", "shear", "scaling", "projection", "reflection", "singular",
                 "chapter 3×3", "random"):
        panel.preset.value = name
        assert panel.error == "", name


def test_solve_and_bad_b():
    panel = MatrixInspector([[2, 0], [0, 4]])
    np.testing.assert_allclose(panel.solution["x"], [0.5, 0.25])
    panel.b_text.value = "2 8"
    np.testing.assert_allclose(panel.solution["x"], [1, 2])
    assert panel.solution["method"] == "numpy.linalg.solve"
    panel.b_text.value = "1 2 3"
    assert panel.error == "b needs 2 entries, got 3"
    np.testing.assert_allclose(panel.solution["x"], [1, 2])
    panel.b_text.value = ""
    panel.matrix = [[1, 2], [2, 4]]
    assert "singular" in panel.solution["warning"]
    assert "lstsq" in panel.solve_html.value


def test_decompositions_on_demand():
    panel = MatrixInspector([[4, 2], [2, 3]])
    assert panel.factors == {}
    for kind in ("LU", "QR", "Cholesky", "SVD"):
        panel.decomposition_picker.value = kind
        assert float(panel.factors["residual"]) < 1e-12
    panel.decomposition_picker.value = "Cholesky"
    panel.matrix = [[1, 2], [3, 4]]
    assert panel.factors == {}
    assert "positive definite" in panel.decomposition_html.value or "symmetric" in (
        panel.decomposition_html.value
    )
    assert panel.error == ""


def test_exact_mode_side_by_side():
    panel = MatrixInspector()
    panel.exact = True
    assert panel.exact_results["det"] == 0
    assert "exact (SymPy)" in panel.exact_html.value
    panel.matrix = np.random.default_rng(0).random((3, 3))
    assert "exact mode needs" in panel.exact_html.value
    assert panel.error == ""


def test_large_matrix_heatmap_only():
    panel = MatrixInspector(np.random.default_rng(1).standard_normal((300, 300)))
    assert panel._grid_box.layout.display == "none"
    assert panel.report["shape"] == (300, 300)
    assert not any(t.get_visible() for row in panel._annotations for t in row)
    panel.matrix = np.eye(3)
    assert panel._grid_box.layout.display == "flex"


def test_editing_a_cell_of_a_float_matrix_works_outside_exact_mode():
    panel = MatrixInspector()
    panel.preset.value = "random SPD"
    panel.cells[0][0].value = "20"
    assert panel.error == ""
    assert panel.matrix[0, 0] == 20
    panel.exact = True
    assert "exact mode needs" in panel.exact_html.value
