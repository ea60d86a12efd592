from __future__ import annotations

import time

import pytest
import sympy

from widgets import ExpressionError, parse_expression, run_with_budget
from widgets.core.budget import warm_up


@pytest.fixture(scope="module", autouse=True)
def _worker_ready():
    warm_up()
    run_with_budget(abs, -1, seconds=60)  # waits for the first spawn


def test_result_comes_back():
    expression = parse_expression("sin(x)^2 + cos(x)^2")
    assert run_with_budget(sympy.simplify, expression) == 1


def test_python_level_overrun_is_stopped_and_worker_recovers():
    start = time.perf_counter()
    with pytest.raises(ExpressionError, match=r"longer than 0\.5 s"):
        run_with_budget(time.sleep, 30, seconds=0.5)
    assert time.perf_counter() - start < 5
    assert run_with_budget(abs, -3, seconds=30) == 3


def test_long_c_call_is_stopped():
    # A huge integer power runs inside one C call, where a signal alarm could not interrupt it.
    start = time.perf_counter()
    with pytest.raises(ExpressionError, match="longer than"):
        run_with_budget(pow, 3, 10**9, seconds=0.5)
    assert time.perf_counter() - start < 5


def test_memory_is_bounded():
    with pytest.raises(ExpressionError, match="memory"):
        run_with_budget(bytearray, 16 * 2**30, seconds=20)
    assert run_with_budget(abs, -2, seconds=30) == 2


def test_errors_inside_become_expression_errors():
    with pytest.raises(ExpressionError, match="ZeroDivisionError"):
        run_with_budget(divmod, 1, 0)


def test_fallback_in_process_is_bounded_on_the_main_thread():
    from widgets.core.budget import _run_in_process

    assert _run_in_process(abs, (-4,), {}, 1.0) == 4

    def spin() -> None:
        while True:
            pass

    start = time.perf_counter()
    with pytest.raises(ExpressionError, match=r"longer than 0\.3 s"):
        _run_in_process(spin, (), {}, 0.3)
    assert time.perf_counter() - start < 3
