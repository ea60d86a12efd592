from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from widgets import ExpressionError
from widgets.core import linalg

RNG = np.random.default_rng(7)
RANDOM = RNG.standard_normal((5, 5))
SYMMETRIC = RANDOM + RANDOM.T
SPD = RANDOM @ RANDOM.T + 5 * np.eye(5)
SINGULAR = np.arange(1.0, 10.0).reshape(3, 3)
NON_SQUARE = RNG.standard_normal((3, 5))
ROTATION = linalg.presets("rotation", 40)
HILBERT = linalg.presets("hilbert", 8)
CASES = {
    "random": RANDOM, "symmetric": SYMMETRIC, "spd": SPD, "singular": SINGULAR,
    "non-square": NON_SQUARE, "complex eigenvalues": ROTATION, "ill-conditioned": HILBERT,
}


@pytest.mark.parametrize("name", list(CASES))
def test_report_matches_numpy(name):
    a = CASES[name]
    report = linalg.matrix_report(a)
    assert report["shape"] == a.shape
    assert report["rank"] == np.linalg.matrix_rank(a)
    np.testing.assert_allclose(report["singular_values"], np.linalg.svd(a, compute_uv=False))
    assert report["norms"]["1"] == pytest.approx(np.linalg.norm(a, 1))
    assert report["norms"]["2"] == pytest.approx(np.linalg.norm(a, 2))
    assert report["norms"]["inf"] == pytest.approx(np.linalg.norm(a, np.inf))
    assert report["norms"]["fro"] == pytest.approx(np.linalg.norm(a, "fro"))
    if report["rank"] < min(a.shape):
        assert math.isinf(report["cond"])
    else:
        assert report["cond"] == pytest.approx(np.linalg.cond(a), rel=1e-6)
    if a.shape[0] != a.shape[1]:
        for key in ("det", "inverse", "eigenvalues", "eigenvectors", "trace"):
            assert report[key] is None
        assert report["readings"]["det"] == "needs a square matrix"
        return
    assert report["trace"] == pytest.approx(np.trace(a))
    det = np.linalg.det(a)
    assert report["det"] == pytest.approx(det, abs=1e-12 * max(1, abs(det)))
    if report["rank"] == a.shape[0]:
        np.testing.assert_allclose(report["inverse"] @ a, np.eye(a.shape[0]), atol=1e-6)
    else:
        assert report["inverse"] is None
    expected = np.linalg.eigvals(a)
    np.testing.assert_allclose(
        np.sort_complex(np.asarray(report["eigenvalues"], dtype=complex)),
        np.sort_complex(expected), atol=1e-8,
    )
    values, vectors = report["eigenvalues"], report["eigenvectors"]
    np.testing.assert_allclose(a @ vectors, vectors * values, atol=1e-8)


def test_flags_and_methods():
    assert linalg.matrix_report(SYMMETRIC)["eigen_method"] == "eigh"
    assert linalg.matrix_report(RANDOM)["eigen_method"] == "eig"
    assert linalg.matrix_report(SPD)["positive_definite"] is True
    assert linalg.matrix_report(SYMMETRIC)["positive_definite"] is False
    assert linalg.matrix_report(ROTATION)["orthogonal"] is True
    assert linalg.matrix_report(RANDOM)["orthogonal"] is False
    assert linalg.matrix_report(np.array([[1.0, 1.0], [0.0, 1.0]]))["diagonalizable"] is False
    assert linalg.matrix_report(RANDOM)["diagonalizable"] is True
    assert np.iscomplexobj(linalg.matrix_report(ROTATION)["eigenvalues"])


def test_readings_in_plain_language():
    readings = linalg.matrix_report(SINGULAR)["readings"]
    assert readings["rank"] == "rank 2 < 3: columns are dependent, no inverse"
    assert readings["cond"].startswith("cond = ∞")
    hilbert = linalg.matrix_report(HILBERT)["readings"]["cond"]
    assert "digits may be lost" in hilbert and "about 10 digits" in hilbert
    assert "flips orientation" in linalg.matrix_report(np.diag([1.0, -2.0]))["readings"]["det"]


@pytest.mark.parametrize("kind", ["LU", "QR", "SVD", "Cholesky"])
def test_decompositions_reconstruct(kind):
    factors = linalg.decomposition(SPD, kind)
    assert float(factors["residual"]) < 1e-10
    if kind == "Cholesky":
        np.testing.assert_allclose(factors["L"], np.linalg.cholesky(SPD))


def test_cholesky_refuses_non_spd():
    with pytest.raises(ExpressionError, match="positive definite"):
        linalg.decomposition(SYMMETRIC, "Cholesky")


def test_solve_square_singular_and_rectangular():
    b = np.arange(1.0, 6.0)
    result = linalg.solve(SPD, b)
    np.testing.assert_allclose(result["x"], np.linalg.solve(SPD, b))
    assert result["method"] == "numpy.linalg.solve" and result["warning"] == ""
    assert result["residual"] < 1e-10
    singular = linalg.solve(SINGULAR, np.ones(3))
    assert singular["method"].startswith("numpy.linalg.lstsq")
    assert "singular" in singular["warning"]
    np.testing.assert_allclose(singular["x"], np.linalg.lstsq(SINGULAR, np.ones(3))[0])
    rectangular = linalg.solve(NON_SQUARE, np.ones(3))
    assert "not square" in rectangular["warning"]
    assert "ill-conditioned" in linalg.solve(linalg.presets("hilbert", 9), np.ones(9))["warning"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 2; 3 4", [[1, 2], [3, 4]]),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("1 2\n3 4", [[1, 2], [3, 4]]),
        ("1, 2\n3, 4", [[1, 2], [3, 4]]),
        ("sqrt(2)/2 -sqrt(2)/2; sqrt(2)/2 sqrt(2)/2", [[0.5**0.5, -(0.5**0.5)], [0.5**0.5] * 2]),
        ("1 - 2 3", [[-1, 3]]),
        ("atan2(1, 1) 2", [[math.pi / 4, 2]]),
        ("[1, 2, 3]", [[1, 2, 3]]),
    ],
)
def test_parse_matrix(text, expected):
    values, exact = linalg.parse_matrix(text)
    np.testing.assert_allclose(values, expected)
    assert exact.shape == values.shape


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("1 2; 3", "row 2 has 1 entries but row 1 has 2"),
        ("1 2; 3 y", "row 2, entry 2"),
        ("1 2; 3 1/0", "row 2, entry 2"),
        (" ".join(["1"] * 500), "at most 400 entries"),
        ("1 inf", "row 1, entry 2"),
    ],
)
def test_parse_matrix_errors(text, fragment):
    with pytest.raises(ExpressionError) as info:
        linalg.parse_matrix(text)
    assert fragment in str(info.value)


def test_as_matrix_refuses_nonfinite_and_bad_shapes():
    with pytest.raises(ExpressionError, match=r"entry \(2, 3\) is not a finite number"):
        linalg.as_matrix([[1, 2, 3], [4, 5, np.nan]])
    with pytest.raises(ExpressionError):
        linalg.as_matrix(np.zeros((2, 2, 2)))
    with pytest.raises(ExpressionError):
        linalg.as_matrix([["a"]])


def test_exact_report_on_integer_matrix():
    exact = linalg.exact_report(sympy.Matrix([[2, 1], [1, 3]]))
    assert exact["det"] == 5
    assert exact["inverse"] == sympy.Matrix([[3, -1], [-1, 2]]) / 5
    assert set(exact["eigenvalues"]) == {sympy.Rational(5, 2) - sympy.sqrt(5) / 2,
                                        sympy.Rational(5, 2) + sympy.sqrt(5) / 2}
    singular = linalg.exact_report(linalg.exact_matrix(SINGULAR))
    assert singular["det"] == 0 and singular["inverse"] is None


def test_exact_matrix_refuses_arbitrary_floats():
    assert linalg.exact_matrix(np.array([[0.5, 2.0]]))[0, 0] == sympy.Rational(1, 2)
    with pytest.raises(ExpressionError, match="exact mode needs"):
        linalg.exact_matrix(np.array([[0.123456789123]]))


def test_presets():
    np.testing.assert_allclose(linalg.presets("chapter 3×3"), SINGULAR)
    rng = np.random.default_rng(42)
    raw = rng.standard_normal((4, 4))
    np.testing.assert_allclose(linalg.presets("random SPD", seed=42), raw @ raw.T + 4 * np.eye(4))
    np.testing.assert_allclose(linalg.presets("random", seed=3), linalg.presets("random", seed=3))
    for name, (_, _, _, _, default) in linalg.PRESETS.items():
        assert np.isfinite(linalg.presets(name, default, seed=1)).all()
    assert linalg.matrix_report(linalg.presets("projection", 30))["rank"] == 1
    assert linalg.matrix_report(linalg.presets("reflection", 30))["det"] == pytest.approx(-1)
