from __future__ import annotations

import contextlib
import math
import time
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from widgets import ExpressionError, compile_expression, parse_expression, parse_number
from widgets.core.expressions import symbol

x, y = symbol("x"), symbol("y")
SENTINEL = Path("/tmp/widgets-expression-sentinel")


def _payloads() -> list[str]:
    s = str(SENTINEL)
    return [
        f"__import__('os').system('touch {s}')",
        f"open('{s}', 'w').write('x')",
        f"eval(\"open('{s}','w')\")",
        f"exec(\"open('{s}','w')\")",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "getattr(x, 'real')",
        "globals()",
        "locals()",
        "vars()",
        "compile('1', 'f', 'eval')",
        "lambda: 1",
        "[c for c in ()]",
        "(y := 1)",
        "x if 1 else 2",
        "'text'",
        "f'{x}'",
        "b'bytes'",
        "*x",
        "sin(*x)",
        "sin(x=1)",
        "x[0]",
        "x.real",
        "sin.__globals__",
        f"__builtins__.open('{s}')",
        "ｅｖａｌ('1')",  # fullwidth look-alike that Python's parser would normalise to eval
        "ℯxp(x)",
        "import os",
        "x = 1",
        "del x",
        "x; open('f')",
        "assert x",
        "x\nimport os",
        "breakpoint()",
        "Symbol('x')",
        "sympify('x')",
        "Integer(1)",
        "S(1)",
        "x and 1",
        "x < 1",
        "{1: 2}",
        "{1}",
        "[1, 2]",
        "(1, 2)",
        "await x",
        "x @ x",
        "x % 2",
        "x // 2",
        "x << 2",
        "~x",
        "not x",
        "True",
        "None",
        "...",
        "1j",
    ]


DENIAL_OF_SERVICE = [
    "10**10**10",
    "9**9**9**9",
    "factorial(10**9)",
    "gamma(10**12)",
    "factorial(factorial(20))",
    "1" * 5000,
    "9" * 100,
    "(3/2)**100000",
    "(10**50)**(10**50)",
    "2**(2**(2**(2**(2**8))))",
    "x**(10**9)",
    "(" * 500 + "x" + ")" * 500,
    "-" * 900 + "x",
    "+".join(["x"] * 300),
    "sin(" * 100 + "x" + ")" * 100,
    "x" + "**x" * 300,
    "10.0**10**10",
    "exp(exp(exp(exp(exp(1000)))))**10**10",
]

MALFORMED = [
    "", "   ", "\t\n", "(", ")", "x)", "(x", "x**", "x +", "* x", "sin(", "sin)", "sin",
    "sin x", "2x", "x y", "3 (x)", "(x)(x)", "1..2", "1e", "x^^2", "$x", "x ? 1", "\\frac{1}{2}",
    "x\x00", "1/0", "0/0", "log(0, 0)", "atan2(x)", "max(x)", "log(x, 2, 3)",
]

UNKNOWN = ["y", "z", "sine(x)", "cosine(x)", "Sin(x)", "ex", "pii", "X", "foo(x)", "__x__"]


def _corpus() -> list[str]:
    return _payloads() + DENIAL_OF_SERVICE + MALFORMED + UNKNOWN


def test_corpus_is_large():
    assert len(_corpus()) >= 60


@pytest.mark.parametrize("text", _corpus())
def test_bad_input_is_refused_quickly_and_runs_nothing(text):
    SENTINEL.unlink(missing_ok=True)
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert time.perf_counter() - start < 1.0
    assert str(info.value).strip()
    assert "\n" not in str(info.value)
    assert not SENTINEL.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^2", x**2),
        ("x**2", x**2),
        ("-x^2", -(x**2)),
        ("2*x + 1", 2 * x + 1),
        ("1/2", sympy.Rational(1, 2)),
        ("0.5", sympy.Float(0.5)),
        ("1e-3", sympy.Float(1e-3)),
        (".5", sympy.Float(0.5)),
        ("sin(x)^2 + cos(x)^2", sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
        ("e^x", sympy.exp(x)),
        ("exp(x)", sympy.exp(x)),
        ("ln(x)", sympy.log(x)),
        ("log10(x)", sympy.log(x) / sympy.log(10)),
        ("log2(x)", sympy.log(x) / sympy.log(2)),
        ("log(x, 3)", sympy.log(x) / sympy.log(3)),
        ("sqrt(2)/2", sympy.sqrt(2) / 2),
        ("abs(x)", sympy.Abs(x)),
        ("sigmoid(x)", 1 / (1 + sympy.exp(-x))),
        ("tau", 2 * sympy.pi),
        ("pi", sympy.pi),
        ("-inf", -sympy.oo),
        ("oo", sympy.oo),
        ("π·x²", sympy.pi * x**2),
        ("3 − x", 3 - x),
        ("6 ÷ 3 × x", 2 * x),
        ("atan2(1, x)", sympy.atan2(1, x)),
        ("min(x, 1)", sympy.Min(x, 1)),
        ("max(x, 0, 1)", sympy.Max(x, 0, 1)),
        ("ceil(x) + ceiling(x) + floor(x)", 2 * sympy.ceiling(x) + sympy.floor(x)),
        ("erf(x) + gamma(x) + factorial(5)", sympy.erf(x) + sympy.gamma(x) + 120),
        ("sinh(x)+cosh(x)+tanh(x)", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
        ("asin(x)+acos(x)+atan(x)", sympy.asin(x) + sympy.acos(x) + sympy.atan(x)),
        ("sign(x)", sympy.sign(x)),
        ("10**100", sympy.Integer(10) ** 100),
        ("  x  ", x),
    ],
)
def test_accepted_forms(text, expected):
    parsed = parse_expression(text)
    assert parsed == expected or sympy.simplify(parsed - expected) == 0


def test_several_variables_and_names():
    expression = parse_expression("x*y + mu", ("x", "y", "mu"))
    assert expression == x * y + symbol("mu")
    assert all(s.is_real for s in expression.free_symbols)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("sine(x)", "did you mean sin?"),
        ("y", "unknown name 'y'; this box takes x"),
        ("2x", "write 2*x"),
        ("3(x+1)", "write 3*(...)"),
        ("(x+1)(x-1)", "'*' is missing before '('"),
        ("x(2)", "x is not a function"),
        ("sin", "sin is a function"),
        ("x +", "ends too early"),
        ("(x", "never closed"),
        ("x)", "without a matching '('"),
        ("atan2(x)", "atan2 takes 2 arguments, got 1"),
        ("x.real", "attribute access"),
        ("x < 1", "comparisons are not allowed"),
        ("10**10**10", "astronomically large"),
        ("", "empty"),
        ("1/0", "undefined"),
        ("Sin(x)", "did you mean sin?"),
        ("x y", "operator such as * missing"),
    ],
)
def test_messages_say_what_is_wrong(text, fragment):
    with pytest.raises(ExpressionError, match=None) as info:
        parse_expression(text)
    assert fragment in str(info.value)


def test_position_and_caret():
    with pytest.raises(ExpressionError) as info:
        parse_expression("x + sine(x)")
    assert info.value.position == 4
    assert info.value.caret().splitlines()[:2] == ["x + sine(x)", "    ^"]


def test_length_cap():
    with pytest.raises(ExpressionError, match="too long"):
        parse_expression("x+" * 600 + "x")


def test_variables_must_be_safe_identifiers():
    for bad in ("__class__", "x.y", "sin", "pi", "1x", "x y"):
        with pytest.raises(ValueError):
            parse_expression("1", (bad,))


def test_parse_number():
    assert parse_number("sqrt(pi)") == pytest.approx(math.sqrt(math.pi))
    assert parse_number("-inf", allow_infinite=True) == -math.inf
    with pytest.raises(ExpressionError, match="finite"):
        parse_number("inf")
    with pytest.raises(ExpressionError, match="not a real number"):
        parse_number("sqrt(-1)")
    with pytest.raises(ExpressionError, match="unknown name 'x'"):
        parse_number("x")


def test_compiled_function_is_vectorised_and_float():
    f = compile_expression(parse_expression("x**2 + 1"), ["x"])
    values = f(np.arange(4))
    assert values.dtype == float
    np.testing.assert_allclose(values, [1, 2, 5, 10])
    constant = compile_expression(parse_expression("3"), ["x"])
    assert constant(np.zeros((2, 3))).shape == (2, 3)
    g = compile_expression(parse_expression("x*y", ("x", "y")), ["x", "y"])
    assert g(np.ones((3, 1)), np.arange(2)).shape == (3, 2)


def test_numerical_trouble_is_nonfinite_with_a_note_and_no_warnings():
    f = compile_expression(parse_expression("1/x + log(x) + exp(1000*x)"), ["x"])
    with _no_warnings():
        values, note = f.evaluate(np.array([-1.0, 0.0, 1.0]))
    assert not np.isfinite(values).any()
    assert note.startswith("not finite at x = -1")
    _ok, note = compile_expression(parse_expression("x"), ["x"]).evaluate([1.0, 2.0])
    assert note == ""


class _no_warnings:
    def __enter__(self):
        import warnings

        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def test_complex_results_become_nan():
    f = compile_expression(parse_expression("sqrt(x)"), ["x"])
    values = f(np.array([-4.0, 4.0]))
    assert np.isnan(values[0]) and values[1] == 2.0


def test_typical_parse_is_fast():
    text = "sin(x^2) + exp(-x)/3"
    parse_expression(text)
    start = time.perf_counter()
    for _ in range(50):
        parse_expression(text)
    assert (time.perf_counter() - start) / 50 < 0.01  # the benchmark holds the 1 ms goal


# -- property-based ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_arbitrary_text_only_ever_raises_expression_error(text):
    start = time.perf_counter()
    try:
        parse_expression(text, ("x", "y"))
    except ExpressionError as error:
        assert str(error)
    assert time.perf_counter() - start < 1.0


_ALPHABET = st.sampled_from([*list("xy0123456789.+-*/^()e, "), "sin", "exp", "**", "pi", "log"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_token_soup_only_ever_raises_expression_error(text):
    start = time.perf_counter()
    with contextlib.suppress(ExpressionError):
        parse_expression(text, ("x", "y"))
    assert time.perf_counter() - start < 1.0


def _expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["x", "y", "pi", "e"]),
        st.integers(0, 50).map(str),
        st.floats(0.1, 9.5, allow_nan=False).map(lambda v: f"{v:.3g}"),
    )

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(children, st.integers(0, 3)).map(lambda t: f"({t[0]})^{t[1]}"),
            st.tuples(st.sampled_from(["sin", "cos", "exp", "atan", "tanh"]), children).map(
                lambda t: f"{t[0]}({t[1]})"
            ),
            children.map(lambda c: f"-({c})"),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(_expressions())
def test_generated_expressions_round_trip(text):
    try:
        expression = parse_expression(text, ("x", "y"))
    except ExpressionError as error:
        assert "undefined" in str(error)  # e.g. a generated 1/0
        return
    printed = _FloatReprPrinter().doprint(expression)
    reparsed = parse_expression(printed, ("x", "y"))
    # SymPy may rebuild a printed form differently (-(x + y) becomes -x - y): equal as math.
    assert reparsed == expression or sympy.expand(reparsed - expression) == 0 or (
        sympy.simplify(reparsed - expression) == 0
    ), (text, printed)


class _FloatReprPrinter(sympy.printing.str.StrPrinter):
    """Prints floats with all their digits, so printing and parsing back is exact."""

    def _print_Float(self, expr):
        return repr(float(expr))


@settings(max_examples=150, deadline=None)
@given(_expressions(), st.floats(-2, 2), st.floats(-2, 2))
def test_compiled_functions_agree_with_sympy(text, a, b):
    try:
        expression = parse_expression(text, ("x", "y"))
    except ExpressionError:
        return
    compiled = float(compile_expression(expression, ("x", "y"))(a, b))
    exact = _reference(expression, a, b)
    if exact is None or not np.isfinite(compiled):
        return
    # Compare only where the value is well conditioned: a relative nudge of the inputs far
    # below float precision must not move it (sin(x/y) at y = 1e-98 is no test of the code).
    nudged = _reference(expression, a * (1 + 1e-13), b * (1 + 1e-13))
    if nudged is None or abs(nudged - exact) > 1e-9 * max(1.0, abs(exact)):
        return
    assert compiled == pytest.approx(exact, rel=1e-7, abs=1e-9)


def _reference(expression, a: float, b: float) -> float | None:
    """SymPy's 30-digit value at (a, b), or None where it is undefined, complex or infinite."""
    try:
        value = complex(expression.evalf(30, subs={x: a, y: b}))
    except (ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    if abs(value.imag) > 1e-9 or not np.isfinite(value.real):
        return None
    return value.real
