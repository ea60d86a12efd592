"""Python loops against NumPy, timed like ``timeit``: repeat and take the median."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LOOP_CAP", "OPERATIONS", "race"]

LOOP_CAP = 200_000
"""Most elements the Python loop runs on; beyond it the loop's time is measured on this many
and scaled linearly to n (the loop's cost is linear), so one run stays under about 2 s."""
MAX_N = 10_000_000


def _multiply_loop(a: list[float], b: list[float]) -> list[float]:
    return [a[i] * b[i] for i in range(len(a))]


def _multiply_numpy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * b


def _softmax_loop(z: list[float], _unused: Any = None) -> list[float]:
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [e / total for e in exps]


def _softmax_numpy(z: np.ndarray, _unused: Any = None) -> np.ndarray:
    shifted = np.exp(z - z.max())
    return shifted / shifted.sum()


def _dot_loop(a: list[float], b: list[float]) -> float:
    total = 0.0
    for x, y in zip(a, b, strict=True):
        total += x * y
    return total


def _dot_numpy(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


@dataclass(frozen=True)
class Operation:
    label: str
    loop: Callable[..., Any]
    vectorised: Callable[..., Any]
    code_loop: str
    code_numpy: str


OPERATIONS: dict[str, Operation] = {
    "multiply": Operation("element-wise multiply", _multiply_loop, _multiply_numpy,
                          "[a[i] * b[i] for i in range(n)]", "a * b"),
    "softmax": Operation("softmax", _softmax_loop, _softmax_numpy,
                         "exps = [exp(v - max(z)) for v in z]; [e / sum(exps) for e in exps]",
                         "e = np.exp(z - z.max()); e / e.sum()"),
    "dot": Operation("dot product", _dot_loop, _dot_numpy,
                     "total = 0; for x, y in zip(a, b): total += x * y", "np.dot(a, b)"),
}


def _median_time(function: Callable[..., Any], args: tuple, repeats: int,
                 spent: list[float]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    spent.extend(times)
    return statistics.median(times)


def _repeats(estimate: float, budget: float = 0.6) -> int:
    """As many repeats (1 to 7) as fit the budget, at least one."""
    return int(max(1, min(7, budget // max(estimate, 1e-9))))


def race(operation: str, n: int, seed: int = 0) -> dict[str, Any]:
    """Time the loop and the vectorised version of ``operation`` on n elements.

    Returns ``loop_time``, ``numpy_time`` (median seconds), ``speedup``, ``loop_n`` (elements
    the loop actually ran on), ``scaled`` (whether the loop time was scaled to n) and
    ``agree`` (whether both versions give the same numbers, on the loop's elements) and
    ``timed`` (seconds spent inside the timed calls, repeats included).
    """
    spec = OPERATIONS[operation]
    if not 1 <= n <= MAX_N:
        raise ValueError(f"n must be from 1 to {MAX_N:,}")
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    loop_n = min(n, LOOP_CAP)
    a_list, b_list = a[:loop_n].tolist(), b[:loop_n].tolist()
    spent: list[float] = []  # every timed call, so the caller can tell its own overhead
    first = _median_time(spec.loop, (a_list, b_list), 1, spent)
    loop_time = min(first, _median_time(spec.loop, (a_list, b_list), _repeats(first), spent))
    loop_result = spec.loop(a_list, b_list)
    numpy_once = _median_time(spec.vectorised, (a, b), 1, spent)
    numpy_time = _median_time(spec.vectorised, (a, b), max(3, _repeats(numpy_once)), spent)
    vector_result = spec.vectorised(a[:loop_n], b[:loop_n])
    agree = bool(np.allclose(np.asarray(loop_result), np.asarray(vector_result),
                             rtol=1e-9, atol=1e-12))
    scaled = loop_n < n
    if scaled:
        loop_time *= n / loop_n
    return {"operation": operation, "n": n, "loop_time": loop_time, "numpy_time": numpy_time,
            "speedup": loop_time / numpy_time if numpy_time > 0 else math.inf,
            "loop_n": loop_n, "scaled": scaled, "agree": agree, "timed": sum(spent)}
