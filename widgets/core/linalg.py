"""Everything ``numpy.linalg`` can tell about a matrix, and what it means.

:func:`matrix_report` computes the report of :class:`~widgets.MatrixInspector` with as few
factorisations as possible: one SVD gives rank, condition number and 2-norm; one LU gives the
determinant and the inverse; one eigen-decomposition (``eigh`` when symmetric) the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.linalg
import sympy

from .budget import run_with_budget
from .expressions import ExpressionError, expression_to_float, parse_expression
from .format import fmt

__all__ = [
    "MAX_TEXT_ENTRIES",
    "decomposition",
    "exact_report",
    "matrix_report",
    "parse_matrix",
    "parse_vector",
    "presets",
    "solve",
]

MAX_TEXT_ENTRIES = 400
"""Most entries a typed matrix may have (20 x 20)."""
MAX_SIZE = 2000
"""Largest dimension :func:`matrix_report` accepts (a 2000 x 2000 SVD takes about a second)."""
_TOL_SYMMETRIC = 1e-10


# ----------------------------------------------------------------------------------------------
# Reading matrices from text


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split at separator characters that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


_OPERATOR_EDGE = re.compile(r"^(\*\*|[*/^+\-])|(\*\*|[*/^+\-])$")


def _row_entries(row: str) -> list[str]:
    """Entries of one row: commas if any, else spaces (``1 - 2`` is one entry, ``1 -2`` two)."""
    if "," in row and _split_top_level(row, ",") != [row.strip()]:
        return _split_top_level(row, ",")
    tokens = _split_top_level(row, " \t")
    entries: list[str] = []
    for token in tokens:
        binary_start = re.match(r"^(\*\*|[*/^])", token) or token in ("+", "-")
        if entries and (binary_start or re.search(r"(\*\*|[*/^+\-])$", entries[-1])):
            entries[-1] = f"{entries[-1]} {token}"
        else:
            entries.append(token)
    return entries


def _rows(text: str) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("["):
        inner = stripped
        if inner.startswith("[[") and inner.endswith("]]"):
            inner = inner[1:-1]
        rows = re.split(r"\]\s*,?\s*\[", inner.strip())
        return [r.strip().strip("[]").strip() for r in rows if r.strip().strip("[]").strip()]
    return [r.strip() for r in re.split(r"[;\n]", stripped) if r.strip()]


def parse_matrix(text: str) -> tuple[np.ndarray, sympy.Matrix]:
    """Read a matrix typed as ``1 2; 3 4``, ``[[1, 2], [3, 4]]`` or rows on lines.

    Entries may be safe expressions (``sqrt(2)/2``, ``cos(pi/6)``). Returns the float array and
    the exact SymPy matrix of the same entries.

    Raises
    ------
    ExpressionError
        Naming the row (and entry) that is wrong: empty text, ragged rows, bad entries, or more
        than :data:`MAX_TEXT_ENTRIES` entries.
    """
    if not text or not text.strip():
        raise ExpressionError("the matrix is empty: type rows like 1 2; 3 4")
    if len(text) > 20 * MAX_TEXT_ENTRIES:
        raise ExpressionError("the text is too long for a typed matrix")
    rows = [_row_entries(row) for row in _rows(text)]
    if not rows:
        raise ExpressionError("the matrix is empty: type rows like 1 2; 3 4")
    width = len(rows[0])
    if sum(len(r) for r in rows) > MAX_TEXT_ENTRIES:
        raise ExpressionError(f"at most {MAX_TEXT_ENTRIES} entries may be typed")
    exact = []
    for i, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ExpressionError(f"row {i} has {len(row)} entries but row 1 has {width}")
        exact.append([_entry(entry, i, j) for j, entry in enumerate(row, start=1)])
    values = np.array([[expression_to_float(e) for e in row] for row in exact], dtype=float)
    return values, sympy.Matrix(exact)


def _entry(text: str, row: int, column: int) -> sympy.Expr:
    try:
        value = parse_expression(text, variables=())
        expression_to_float(value)
    except ExpressionError as error:
        raise ExpressionError(f"row {row}, entry {column} ({text!r}): {error}") from None
    return value


def parse_vector(text: str, length: int) -> np.ndarray:
    """Read a vector of ``length`` entries (spaces, commas or semicolons between them)."""
    flat = " ".join(_rows(text.replace(";", " ")))
    entries = _row_entries(flat) if flat.strip() else []
    if len(entries) != length:
        raise ExpressionError(f"b needs {length} entries, got {len(entries)}")
    values = []
    for j, entry in enumerate(entries, start=1):
        try:
            values.append(expression_to_float(parse_expression(entry, variables=())))
        except ExpressionError as error:
            raise ExpressionError(f"b, entry {j} ({entry!r}): {error}") from None
    return np.array(values)


def check_finite(matrix: np.ndarray) -> None:
    """Raise an :class:`ExpressionError` naming the first entry that is not a finite number."""
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        i, j = bad[0]
        raise ExpressionError(f"entry ({i + 1}, {j + 1}) is not a finite number")


def as_matrix(value: Any) -> np.ndarray:
    """A real 2-D float array from any array-like, with clear errors."""
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ExpressionError(f"this is not a real numeric matrix ({error})") from None
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2 or 0 in array.shape:
        raise ExpressionError(f"a matrix needs two non-empty dimensions, got shape {array.shape}")
    if max(array.shape) > MAX_SIZE:
        raise ExpressionError(f"at most {MAX_SIZE} rows and columns, got {array.shape}")
    check_finite(array)
    return array


# ----------------------------------------------------------------------------------------------
# The report


def _readings(report: Mapping[str, Any], n_rows: int, n_cols: int) -> dict[str, str]:
    square = n_rows == n_cols
    rank, smallest = report["rank"], min(n_rows, n_cols)
    readings = {
        "shape": f"{n_rows}×{n_cols}" + (" square matrix" if square else ": not square"),
        "rank": (
            f"full rank {rank}: the columns are independent"
            if rank == smallest
            else f"rank {rank} < {smallest}: "
            + ("columns are dependent, no inverse" if square else "rows or columns are dependent")
        ),
    }
    cond = report["cond"]
    if math.isinf(cond):
        readings["cond"] = "cond = ∞: singular; Ax = b has no unique solution"
    else:
        lost = math.log10(cond)
        readings["cond"] = (
            f"cond = {fmt(cond, 3)}: well-conditioned, solving loses almost no accuracy"
            if lost < 1
            else f"cond = {fmt(cond, 3)}: about {lost:.0f} digits may be lost solving with "
            "this matrix"
        )
    if not square:
        for key in ("det", "inverse", "eigenvalues"):
            readings[key] = "needs a square matrix"
        return readings
    det = report["det"]
    space = {1: "lengths", 2: "areas", 3: "volumes"}.get(n_rows, "volumes")
    if report["rank"] < n_rows:
        readings["det"] = (
            "det = 0: the matrix squashes space into a lower dimension"
            if det == 0
            else f"det ≈ {fmt(det, 2)} is round-off: rank {rank} < {n_rows}, so the true det is 0"
        )
        readings["inverse"] = "no inverse: the matrix is singular"
    elif math.isinf(det):
        readings["det"] = (f"|det| ≈ 10^{report['log10_abs_det']:.0f} overflows a float: "
                           f"{space} scale enormously")
    else:
        flip = "flips orientation and " if det < 0 else ""
        readings["det"] = f"det = {fmt(det)}: {flip}scales {space} by {fmt(abs(det))}"
        readings["inverse"] = "exists: A⁻¹A = I"
    values = report["eigenvalues"]
    if np.iscomplexobj(values) and np.any(np.abs(np.imag(values)) > 1e-12):
        readings["eigenvalues"] = "complex pairs: A rotates some directions"
    else:
        readings["eigenvalues"] = "all real: A stretches along its eigenvectors"
    if report["positive_definite"]:
        readings["positive_definite"] = "symmetric positive definite: a bowl-shaped quadratic"
    return readings


def _rank_and_cond(singular_values: np.ndarray, shape: tuple[int, int]) -> tuple[int, float]:
    """Numerical rank (NumPy's default tolerance) and condition number from the SVD."""
    top, smallest = singular_values[0], singular_values[-1]
    rank = int(np.sum(singular_values > top * max(shape) * np.finfo(float).eps))
    cond = math.inf if rank < min(shape) or smallest == 0 else float(top / smallest)
    return rank, cond


def matrix_report(matrix: Any) -> dict[str, Any]:
    """Everything about ``matrix``: the keys of ``MatrixInspector.report``.

    Keys: ``shape, rank, trace, det, cond, eigenvalues, eigenvectors, singular_values, norms,
    inverse, symmetric, orthogonal, positive_definite, diagonalizable, eigen_method, readings``.
    Values that need a square matrix are ``None`` for non-square input.
    """
    a = as_matrix(matrix)
    n_rows, n_cols = a.shape
    square = n_rows == n_cols
    singular_values = np.linalg.svd(a, compute_uv=False)
    top = float(singular_values[0])
    rank, cond = _rank_and_cond(singular_values, a.shape)
    norms = {
        "1": float(np.abs(a).sum(axis=0).max()),
        "2": float(top),
        "inf": float(np.abs(a).sum(axis=1).max()),
        "fro": float(np.sqrt(np.sum(singular_values**2))),
    }
    report: dict[str, Any] = {
        "shape": a.shape,
        "rank": rank,
        "trace": float(np.trace(a)) if square else None,
        "det": None,
        "log10_abs_det": None,
        "cond": cond,
        "eigenvalues": None,
        "eigenvectors": None,
        "singular_values": singular_values,
        "norms": norms,
        "inverse": None,
        "symmetric": False,
        "orthogonal": False,
        "positive_definite": False,
        "diagonalizable": None,
        "eigen_method": None,
    }
    if square:
        report.update(_square_report(a, rank, top))
    report["readings"] = _readings(report, n_rows, n_cols)
    return report


def _square_report(a: np.ndarray, rank: int, top: float) -> dict[str, Any]:
    n = a.shape[0]
    scale = max(top, 1.0)
    symmetric = bool(np.allclose(a, a.T, rtol=0, atol=_TOL_SYMMETRIC * scale))
    # One LU for the determinant (as sign and log, so a huge one is not lost to overflow) and
    # one for the inverse: the same calls np.linalg.det and np.linalg.inv make.
    sign, log_abs = np.linalg.slogdet(a)
    with np.errstate(over="ignore", under="ignore"):
        det = float(sign * np.exp(log_abs)) if sign != 0 else 0.0
    inverse = np.linalg.inv(a) if rank == n else None
    if symmetric:
        values, vectors = np.linalg.eigh(a)
        diagonalizable, method = True, "eigh"
    else:
        values, vectors = np.linalg.eig(a)
        if np.all(np.abs(values.imag) == 0):
            values, vectors = values.real, vectors.real
        diagonalizable = bool(np.linalg.cond(vectors) < 1e8) if n <= 200 else None
        method = "eig"
    orthogonal = bool(np.allclose(a.T @ a, np.eye(n), atol=1e-10)) if n <= 500 else False
    return {
        "trace": float(np.trace(a)),
        "det": det,
        "log10_abs_det": float(log_abs / math.log(10)) if sign != 0 else -math.inf,
        "inverse": inverse,
        "eigenvalues": values,
        "eigenvectors": vectors,
        "symmetric": symmetric,
        "orthogonal": orthogonal,
        "positive_definite": bool(symmetric and values[0] > _TOL_SYMMETRIC * scale),
        "diagonalizable": diagonalizable,
        "eigen_method": method,
    }


# ----------------------------------------------------------------------------------------------
# On demand: decompositions, solving, exact arithmetic


def decomposition(matrix: Any, kind: str) -> dict[str, np.ndarray]:
    """Factors of ``kind`` in ``{"LU", "QR", "Cholesky", "SVD"}``, with their residual.

    The returned mapping holds the named factors and ``"residual"``: the largest entry of the
    product of the factors minus the matrix.
    """
    a = as_matrix(matrix)
    if kind == "LU":
        p, lower, upper = scipy.linalg.lu(a)
        factors = {"P": p, "L": lower, "U": upper}
        product = p @ lower @ upper
    elif kind == "QR":
        q, r = np.linalg.qr(a)
        factors, product = {"Q": q, "R": r}, q @ r
    elif kind == "Cholesky":
        if a.shape[0] != a.shape[1]:
            raise ExpressionError("Cholesky needs a square matrix")
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise ExpressionError(
                "Cholesky needs a symmetric positive definite matrix; this one is not"
            ) from None
        if not np.allclose(a, a.T):
            raise ExpressionError("Cholesky needs a symmetric matrix; this one is not")
        factors, product = {"L": lower}, lower @ lower.T
    elif kind == "SVD":
        u, s, vt = np.linalg.svd(a)
        sigma = np.zeros(a.shape)
        np.fill_diagonal(sigma, s)
        factors, product = {"U": u, "Σ": sigma, "Vᵀ": vt}, u @ sigma @ vt
    else:
        raise ExpressionError(f"unknown decomposition {kind!r}")
    factors["residual"] = np.array(float(np.max(np.abs(product - a))))
    return factors


def solve(matrix: Any, b: Any, singular_values: np.ndarray | None = None) -> dict[str, Any]:
    """Solve ``A x = b``: ``numpy.linalg.solve`` when square and invertible, else ``lstsq``.

    ``singular_values`` (from :func:`matrix_report`) saves a second SVD. Returns ``x``,
    ``residual`` (``||Ax - b||``), ``method`` and ``warning`` ("" when none).
    """
    a = as_matrix(matrix)
    vector = np.asarray(b, dtype=float).ravel()
    if vector.shape[0] != a.shape[0]:
        raise ExpressionError(f"b needs {a.shape[0]} entries, got {vector.shape[0]}")
    if singular_values is None:
        singular_values = np.linalg.svd(a, compute_uv=False)
    rank, cond = _rank_and_cond(singular_values, a.shape)
    warning = ""
    if a.shape[0] == a.shape[1] and rank == a.shape[0]:
        x, method = np.linalg.solve(a, vector), "numpy.linalg.solve"
        if cond > 1e10:
            warning = f"ill-conditioned (cond = {fmt(cond, 2)}): x may be inaccurate"
    else:
        x = np.linalg.lstsq(a, vector, rcond=None)[0]
        method = "numpy.linalg.lstsq (least squares)"
        if a.shape[0] == a.shape[1]:
            warning = "singular matrix: no unique solution, showing the least-squares one"
        else:
            warning = "not square: showing the least-squares solution"
    residual = float(np.linalg.norm(a @ x - vector))
    return {"x": x, "residual": residual, "method": method, "warning": warning}


EXACT_MAX = 6
"""Largest size exact mode accepts."""


def _exact(matrix: sympy.Matrix) -> dict[str, Any]:
    """Runs in the budget worker: exact determinant, inverse, characteristic polynomial and
    eigenvalues (with numeric values of each, computed from the exact forms)."""
    det = sympy.simplify(matrix.det())
    inverse = matrix.inv().applyfunc(sympy.simplify) if det != 0 else None
    lam = sympy.Symbol("lambda")
    charpoly = sympy.factor(matrix.charpoly(lam).as_expr())
    eigenvalues = [sympy.simplify(v) for v in matrix.eigenvals(multiple=True)]
    numeric = [complex(v.evalf(20)) for v in eigenvalues]
    return {
        "det": det, "inverse": inverse, "charpoly": charpoly, "eigenvalues": eigenvalues,
        "eigenvalues_numeric": numeric,
    }


def exact_report(matrix: sympy.Matrix, seconds: float = 2.0) -> dict[str, Any]:
    """Exact determinant, inverse and eigenvalues from SymPy, within the time budget."""
    check_exact_size(matrix.rows, matrix.cols)
    return run_with_budget(_exact, matrix, seconds=seconds)


def check_exact_size(rows: int, cols: int) -> None:
    """Raise unless exact mode can take a matrix of this shape."""
    if rows != cols:
        raise ExpressionError("exact mode needs a square matrix")
    if rows > EXACT_MAX:
        raise ExpressionError(f"exact mode is for matrices up to {EXACT_MAX}×{EXACT_MAX}")


def exact_matrix(matrix: np.ndarray) -> sympy.Matrix:
    """SymPy matrix of the entries as fractions with denominators up to 1000.

    Raises
    ------
    ExpressionError
        When an entry is not such a fraction (e.g. a random float): exact arithmetic on
        the float's 53-bit rational would be slow and meaningless.
    """
    from fractions import Fraction

    rows = []
    for i, row in enumerate(np.asarray(matrix, dtype=float)):
        entries = []
        for j, value in enumerate(row):
            fraction = Fraction(float(value)).limit_denominator(1000)
            if abs(float(fraction) - value) > 1e-12 * max(1.0, abs(value)):
                raise ExpressionError(
                    f"exact mode needs integers, fractions or typed expressions; entry "
                    f"({i + 1}, {j + 1}) = {value:.6g} is neither (type it in the grid)"
                )
            entries.append(sympy.Rational(fraction.numerator, fraction.denominator))
        rows.append(entries)
    return sympy.Matrix(rows)


# ----------------------------------------------------------------------------------------------
# Presets


def presets(name: str, parameter: float = 0.0, seed: int = 0) -> np.ndarray:
    """A named example matrix; ``parameter`` is the angle (degrees), size or factor it takes."""
    if name == "identity":
        return np.eye(int(parameter) if parameter >= 1 else 3)
    if name == "rotation":
        t = math.radians(parameter)
        return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    if name == "shear":
        return np.array([[1.0, parameter], [0.0, 1.0]])
    if name == "scaling":
        return np.array([[parameter, 0.0], [0.0, 1.0 / parameter if parameter else 0.0]])
    if name == "projection":
        t = math.radians(parameter)
        u = np.array([math.cos(t), math.sin(t)])
        return np.outer(u, u)
    if name == "reflection":
        t = math.radians(parameter)
        return np.array([[math.cos(2 * t), math.sin(2 * t)], [math.sin(2 * t), -math.cos(2 * t)]])
    if name == "singular":
        return np.array([[1.0, 2.0], [2.0, 4.0]])
    if name == "chapter 3×3":
        return np.arange(1.0, 10.0).reshape(3, 3)
    if name == "hilbert":
        return scipy.linalg.hilbert(max(1, int(parameter)))
    if name == "random SPD":
        rng = np.random.default_rng(seed)
        raw = rng.standard_normal((4, 4))
        return raw @ raw.T + 4 * np.eye(4)
    if name == "random":
        return np.random.default_rng(seed).standard_normal((3, 3)).round(2)
    raise ExpressionError(f"unknown preset {name!r}")


PRESETS: dict[str, tuple[str, float, float, float, float]] = {
    # name: (parameter label, min, max, step, default)
    "identity": ("size", 1, 8, 1, 3),
    "rotation": ("angle °", -180, 180, 5, 30),
    "shear": ("shear k", -3, 3, 0.1, 1),
    "scaling": ("scale s", 0.1, 4, 0.1, 2),
    "projection": ("line angle °", 0, 180, 5, 30),
    "reflection": ("mirror angle °", 0, 180, 5, 30),
    "singular": ("", 0, 1, 1, 0),
    "chapter 3×3": ("", 0, 1, 1, 0),
    "hilbert": ("size", 2, 8, 1, 5),
    "random SPD": ("seed", 0, 100, 1, 42),
    "random": ("seed", 0, 100, 1, 0),
}
"""Presets and their parameter slider: label, min, max, step, default."""
