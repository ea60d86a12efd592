"""NumPy's broadcasting rule, dimension by dimension, in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .expressions import ExpressionError

__all__ = [
    "PRESETS", "Broadcast", "as_grid", "broadcast", "describe", "example_arrays", "parse_shape",
    "stretched",
]

MAX_DIMENSIONS = 6
MAX_SIZE = 10**6
_SHAPE = re.compile(r"^\(?\s*(\d+\s*(,\s*\d+\s*)*,?)?\s*\)?$")

PRESETS: dict[str, tuple[str, str]] = {
    "feature normalisation: X (4, 3) − μ (3,)": ("(4, 3)", "(3,)"),
    "outer product: u (3, 1) × v (1, 2)": ("(3, 1)", "(1, 2)"),
    "scalar: () + (2, 3)": ("()", "(2, 3)"),
    "row means: X (4, 3) − m (4,)  ✘": ("(4, 3)", "(4,)"),
    "fix: X (4, 3) − m (4, 1)": ("(4, 3)", "(4, 1)"),
    "3-D: (2, 1, 3) + (4, 1)": ("(2, 1, 3)", "(4, 1)"),
}
"""Example pairs of shapes, from the chapter and common mistakes."""


def parse_shape(text: str, name: str = "shape") -> tuple[int, ...]:
    """Read ``(4, 3)``, ``4, 3``, ``(3,)``, ``3`` or ``()`` as a tuple of sizes."""
    cleaned = text.strip()
    if len(cleaned) > 80 or not _SHAPE.match(cleaned):
        raise ExpressionError(f"{name}: type a shape like (4, 3), (3,) or ()")
    sizes = tuple(int(part) for part in re.findall(r"\d+", cleaned))
    if len(sizes) > MAX_DIMENSIONS:
        raise ExpressionError(f"{name}: at most {MAX_DIMENSIONS} dimensions")
    if int(np.prod(sizes, dtype=np.int64)) > MAX_SIZE:
        raise ExpressionError(f"{name}: at most {MAX_SIZE:,} elements")
    return sizes


@dataclass(frozen=True)
class Broadcast:
    """The rule applied to two shapes.

    ``rows`` has one entry per aligned dimension (left to right): ``(size_a, size_b, rule)``
    with None for a missing dimension; ``shape`` is the result, or None with NumPy's own
    ``message``.
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    rows: tuple[tuple[int | None, int | None, str], ...]
    shape: tuple[int, ...] | None
    message: str

    @property
    def compatible(self) -> bool:
        return self.shape is not None


def _rule(size_a: int | None, size_b: int | None) -> str:
    if size_a is None:
        return f"A has no dimension here: treated as 1, stretched to {size_b}"
    if size_b is None:
        return f"B has no dimension here: treated as 1, stretched to {size_a}"
    if size_a == size_b:
        return "equal"
    if size_a == 1:
        return f"A is 1: stretched to {size_b}"
    if size_b == 1:
        return f"B is 1: stretched to {size_a}"
    return f"incompatible: {size_a} ≠ {size_b} and neither is 1"


def broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> Broadcast:
    """Align ``a`` and ``b`` from the right and apply the rule to each dimension."""
    width = max(len(a), len(b))
    padded_a = (None,) * (width - len(a)) + tuple(a)
    padded_b = (None,) * (width - len(b)) + tuple(b)
    rows = tuple((x, y, _rule(x, y)) for x, y in zip(padded_a, padded_b, strict=True))
    try:
        shape = tuple(int(s) for s in np.broadcast_shapes(a, b))
        message = f"result shape {shape}"
    except ValueError as error:  # NumPy's own words
        shape, message = None, str(error)
    return Broadcast(tuple(a), tuple(b), rows, shape, message)


def example_arrays(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Small arrays of these shapes with readable values: A = 1, 2, 3, ...; B = 10, 20, ..."""
    first = np.arange(1, int(np.prod(a, dtype=np.int64)) + 1).reshape(a)
    second = 10 * np.arange(1, int(np.prod(b, dtype=np.int64)) + 1).reshape(b)
    return first, second


def as_grid(array: np.ndarray) -> np.ndarray:
    """A 2-D view for drawing: scalars as 1×1, vectors as one row, the last two axes else."""
    array = np.asarray(array)
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array.reshape(1, -1)
    return array.reshape(-1, array.shape[-1]) if array.ndim > 2 else array


def stretched(shape: tuple[int, ...], target: tuple[int, ...]) -> np.ndarray:
    """Boolean grid (as :func:`as_grid` of the target) marking the copies stretching makes.

    A cell of the result is an original element of the operand only at index 0 of every axis
    the operand stretches along; everywhere else it is a copy.
    """
    padded = (1,) * (len(target) - len(shape)) + tuple(shape)
    index = np.indices(target)
    original = np.ones(target, dtype=bool)
    for axis, size in enumerate(padded):
        if size == 1 and target[axis] != 1:
            original &= index[axis] == 0
    return as_grid(~original)


def describe(result: Broadcast) -> list[dict[str, Any]]:
    """Rows for a table: dimension (counted from the right), size in A, in B, the rule."""
    width = len(result.rows)
    return [
        {"dimension": f"-{width - i}", "a": "—" if x is None else x, "b": "—" if y is None else y,
         "rule": rule}
        for i, (x, y, rule) in enumerate(result.rows)
    ]
