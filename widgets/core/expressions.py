"""The one door from typed text to SymPy and NumPy.

Every box where a person types math goes through :func:`parse_expression`. It never hands user
text to ``eval``, ``exec``, ``sympify`` or ``parse_expr``: the text is parsed by Python's own
:mod:`ast` parser (which only builds a tree and runs nothing), the tree is walked against an
allowlist, and the SymPy expression is built node by node here.

What you can type
-----------------
- numbers: ``3``, ``2.5``, ``1e-3``, ``.5``
- the box's variables (``x``, or ``x`` and ``y`` ...), and the constants ``pi``, ``e`` (= ``E``),
  ``tau`` (= 2 pi), ``inf`` (= ``oo``)
- ``+ - * / **`` and ``^`` as power (``x^2`` means ``x**2``), unary minus, parentheses
- functions by plain name, with the right number of arguments: see :data:`FUNCTIONS`
- the Unicode signs people paste: ``π``, ``−`` (minus), ``×``, ``·``, ``÷``, superscript digits

Implicit multiplication is refused with a hint: ``2x`` says "write 2*x". Guessing would make
``2x`` and ``x2`` (a name) mean different things, and students learn the explicit form anyway.

Everything else is refused with :class:`ExpressionError`, whose message is one sentence naming
the problem and, when there is one, the column (``err.caret()`` draws a caret line).
"""

from __future__ import annotations

import ast
import difflib
import io
import math
import re
import tokenize
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "CompiledExpression",
    "ExpressionError",
    "compile_expression",
    "parse_expression",
    "parse_number",
    "symbol",
]

MAX_LENGTH = 1000
"""Longest text accepted, in characters."""
MAX_NODES = 400
"""Largest syntax tree accepted, in nodes."""
MAX_DEPTH = 40
"""Deepest nesting accepted (parentheses, calls, powers)."""
MAX_INTEGER_DIGITS = 60
"""Longest integer literal accepted."""
MAX_RESULT_DIGITS = 4000
"""Largest exact number a power or factorial may produce, in decimal digits."""
MAX_FACTORIAL = 1000
"""Largest integer accepted by factorial and gamma (factorial(1000) has 2568 digits)."""


class ExpressionError(ValueError):
    """Typed math that was refused.

    Parameters
    ----------
    message
        One sentence a student understands.
    text
        The text that was refused, when known.
    position
        Zero-based column of the problem in ``text``, when known.
    """

    def __init__(self, message: str, text: str | None = None, position: int | None = None):
        if position is not None and text is not None:
            message = f"{message} (column {position + 1})"
        super().__init__(message)
        self.text = text
        self.position = position

    def caret(self) -> str:
        """Return the text with a caret line under the problem, or the message alone."""
        if self.text is None or self.position is None:
            return str(self)
        return f"{self.text}\n{' ' * self.position}^\n{self}"


# ----------------------------------------------------------------------------------------------
# The allowlist


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


@dataclass(frozen=True)
class _Function:
    build: Callable[..., sympy.Expr]
    arities: tuple[int, ...]
    help: str


FUNCTIONS: dict[str, _Function] = {
    "sin": _Function(sympy.sin, (1,), "sine"),
    "cos": _Function(sympy.cos, (1,), "cosine"),
    "tan": _Function(sympy.tan, (1,), "tangent"),
    "asin": _Function(sympy.asin, (1,), "inverse sine"),
    "acos": _Function(sympy.acos, (1,), "inverse cosine"),
    "atan": _Function(sympy.atan, (1,), "inverse tangent"),
    "atan2": _Function(sympy.atan2, (2,), "atan2(y, x), the angle of the point (x, y)"),
    "sinh": _Function(sympy.sinh, (1,), "hyperbolic sine"),
    "cosh": _Function(sympy.cosh, (1,), "hyperbolic cosine"),
    "tanh": _Function(sympy.tanh, (1,), "hyperbolic tangent"),
    "exp": _Function(sympy.exp, (1,), "e to the power"),
    "log": _Function(sympy.log, (1, 2), "natural log; log(x, b) is the log to base b"),
    "ln": _Function(sympy.log, (1,), "natural log"),
    "log10": _Function(lambda z: sympy.log(z, 10), (1,), "log to base 10"),
    "log2": _Function(lambda z: sympy.log(z, 2), (1,), "log to base 2"),
    "sqrt": _Function(sympy.sqrt, (1,), "square root"),
    "abs": _Function(sympy.Abs, (1,), "absolute value"),
    "sign": _Function(sympy.sign, (1,), "sign: -1, 0 or 1"),
    "floor": _Function(sympy.floor, (1,), "round down"),
    "ceiling": _Function(sympy.ceiling, (1,), "round up"),
    "ceil": _Function(sympy.ceiling, (1,), "round up"),
    "min": _Function(sympy.Min, (2, 3, 4), "smallest argument"),
    "max": _Function(sympy.Max, (2, 3, 4), "largest argument"),
    "erf": _Function(sympy.erf, (1,), "error function"),
    "gamma": _Function(sympy.gamma, (1,), "gamma function"),
    "factorial": _Function(sympy.factorial, (1,), "n!"),
    "sigmoid": _Function(_sigmoid, (1,), "logistic sigmoid 1/(1 + exp(-x))"),
}
"""Functions that may be called, by plain name, with their accepted argument counts."""

CONSTANTS: dict[str, sympy.Expr] = {
    "pi": sympy.pi,
    "e": sympy.E,
    "E": sympy.E,
    "tau": 2 * sympy.pi,
    "inf": sympy.oo,
    "oo": sympy.oo,
}
"""Named constants."""

RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS)

_UNICODE_SIGNS = {
    "π": "pi",
    "−": "-",
    "–": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "÷": "/",
    "∞": "inf",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True))
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_NUMBER_THEN_NAME = re.compile(
    r"(?<![A-Za-z_0-9.])(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*"
    r"([A-Za-z_][A-Za-z_0-9]*|\()"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")

_OPERATORS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}

_REFUSED_NODES: dict[type, str] = {
    ast.Attribute: "attribute access with '.' is not allowed",
    ast.Subscript: "indexing with [ ] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.IfExp: "if/else is not allowed",
    ast.Compare: "comparisons are not allowed; type an expression, not an equation",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists [ ] are not allowed here",
    ast.Tuple: "a tuple (a, b) is not allowed here; did you mean a function call?",
    ast.Set: "sets { } are not allowed",
    ast.Dict: "dictionaries { } are not allowed",
    ast.NamedExpr: "assignment with := is not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.JoinedStr: "text in quotes is not allowed",
    ast.FormattedValue: "text in quotes is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


def symbol(name: str) -> sympy.Symbol:
    """Return the SymPy symbol that :func:`parse_expression` uses for a variable (real)."""
    return sympy.Symbol(name, real=True)


# ----------------------------------------------------------------------------------------------
# Text -> tree


def _check_variables(variables: Iterable[str]) -> tuple[str, ...]:
    names = tuple(variables)
    for name in names:
        if not isinstance(name, str) or not _IDENTIFIER.match(name) or name.startswith("_"):
            raise ValueError(f"variable names must be plain identifiers, got {name!r}")
        if name in RESERVED:
            raise ValueError(f"{name!r} is a function or constant name, not a variable")
    return names


def _normalise(text: str) -> str:
    """Replace the Unicode signs people paste, and refuse any other non-ASCII character."""
    text = _SUPERSCRIPT_RUN.sub(
        lambda m: "**" + "".join(_SUPERSCRIPTS[c] for c in m.group()), text
    )
    text = "".join(_UNICODE_SIGNS.get(c, c) for c in text)
    for position, char in enumerate(text):
        if not char.isascii():
            raise ExpressionError(f"the character {char!r} is not allowed", text, position)
        if not char.isprintable() and char not in " \t\n\r":
            raise ExpressionError("a control character is not allowed", text, position)
    return text


def _check_nesting(text: str) -> None:
    depth = 0
    for position, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(
                    f"too deeply nested: at most {MAX_DEPTH} levels of parentheses", text, position
                )
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                raise ExpressionError("there is a ')' without a matching '('", text, position)


def _syntax_error(text: str, error: SyntaxError) -> ExpressionError:
    match = _NUMBER_THEN_NAME.search(text)
    if match:
        number, after = match.group(1), match.group(2)
        hint = f"{number}*{after}" if after != "(" else f"{number}*(...)"
        return ExpressionError(
            f"a '*' is missing between {number} and {after}: write {hint} for a product",
            text,
            match.start(2),
        )
    if text.count("(") > text.count(")"):
        return ExpressionError("a '(' is never closed", text, text.rfind("("))
    position = max(0, min(len(text) - 1, (error.offset or 1) - 1))
    if text.rstrip()[-1:] in tuple("+-*/(,"):
        return ExpressionError("the expression ends too early", text, len(text.rstrip()) - 1)
    adjacent = _adjacent_values(text)
    if adjacent is not None:
        return ExpressionError(
            "two values stand side by side: is an operator such as * missing?", text, adjacent
        )
    return ExpressionError("this is not a valid expression", text, position)


def _adjacent_values(text: str) -> int | None:
    """Column of a value that directly follows another value (``x y``, ``2 pi``), if any."""
    value_end = {tokenize.NAME, tokenize.NUMBER}
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            is_end = token.type in value_end or token.string == ")"
            is_start = token.type in value_end or token.string == "("
            if previous is not None and is_start and previous:
                return token.start[1]
            previous = is_end
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return None


def _parse_tree(text: str) -> ast.expr:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for '1 is 1'
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(text, error) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("this text cannot be read as an expression", text) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ExpressionError(
            f"the expression is too large: at most {MAX_NODES} parts, this has {nodes}", text
        )
    return tree.body


# ----------------------------------------------------------------------------------------------
# Tree -> SymPy


def _digits(value: sympy.Expr) -> float:
    """Decimal digits of the magnitude of a finite real number (0 for |value| <= 1)."""
    if isinstance(value, sympy.Rational):
        p, q = abs(int(value.p)), int(value.q)
        return max(len(str(p)) if p else 0, len(str(q)))
    try:
        magnitude = abs(complex(value.evalf(15)))
    except (TypeError, ValueError, OverflowError):
        return math.inf
    return math.log10(magnitude) if magnitude > 1 else 0.0


class _Builder:
    def __init__(self, text: str, variables: tuple[str, ...]):
        self.text = text
        self.variables = variables
        self.symbols = {name: symbol(name) for name in variables}

    def fail(self, message: str, node: ast.AST | None = None) -> ExpressionError:
        position = getattr(node, "col_offset", None)
        return ExpressionError(message, self.text, position)

    def build(self, node: ast.AST) -> sympy.Expr:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is not None:
            return method(node)
        message = _REFUSED_NODES.get(type(node), f"'{type(node).__name__}' is not allowed")
        raise self.fail(message, node)

    def _Constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"{value!r} is not a number", node)
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INTEGER_DIGITS:
                raise self.fail(f"numbers may have at most {MAX_INTEGER_DIGITS} digits", node)
            return sympy.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail("this number is too large", node)
            return sympy.Float(value)
        if isinstance(value, complex):
            raise self.fail("imaginary numbers (j) are not allowed", node)
        raise self.fail("text in quotes is not allowed", node)

    def _Name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.fail(f"{name} is a function: write {name}(...)", node)
        raise self.fail(self._unknown(name), node)

    def _unknown(self, name: str) -> str:
        takes = ", ".join(self.variables) if self.variables else "no variables"
        candidates = [*self.variables, *FUNCTIONS, *CONSTANTS]
        near = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if name.lower() in candidates:
            near = [name.lower()]
        if near:
            return f"unknown name '{name}'; did you mean {near[0]}?"
        return f"unknown name '{name}'; this box takes {takes}"

    def _UnaryOp(self, node: ast.UnaryOp) -> sympy.Expr:
        if isinstance(node.op, ast.USub):
            return -self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand)
        raise self.fail("only + and - may stand before a value", node)

    def _BinOp(self, node: ast.BinOp) -> sympy.Expr:
        if type(node.op) not in _OPERATORS:
            raise self.fail("only + - * / and ** (or ^) are allowed", node)
        left = self.build(node.left)
        right = self.build(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        return self._power(left, right, node)

    def _power(self, base: sympy.Expr, exponent: sympy.Expr, node: ast.AST) -> sympy.Expr:
        if base.is_number and exponent.is_number:
            digits = _digits(base) * abs(float(exponent)) if exponent.is_real else 0.0
            if exponent.is_real and exponent.is_finite and digits > MAX_RESULT_DIGITS:
                raise self.fail("this power is astronomically large", node)
        elif exponent.is_number and exponent.is_real and abs(float(exponent)) > 10**6:
            raise self.fail("this exponent is too large", node)
        return sympy.Pow(base, exponent)

    def _Call(self, node: ast.Call) -> sympy.Expr:
        if isinstance(node.func, ast.Constant):
            number = ast.get_source_segment(self.text, node.func) or "the number"
            raise self.fail(f"a '*' is missing after {number}: write {number}*(...)", node)
        if not isinstance(node.func, ast.Name):
            raise self.fail(
                "a '*' is missing before '(': write (...)*(...) to multiply", node.func
            )
        name = node.func.id
        if node.keywords:
            raise self.fail(f"{name}() takes no named arguments", node)
        if name not in FUNCTIONS:
            if name in self.symbols or name in CONSTANTS:
                raise self.fail(f"{name} is not a function: write {name}*(...) to multiply", node)
            raise self.fail(self._unknown(name), node.func)
        spec = FUNCTIONS[name]
        if len(node.args) not in spec.arities:
            counts = " or ".join(str(a) for a in spec.arities)
            plural = "" if spec.arities == (1,) else "s"
            raise self.fail(
                f"{name} takes {counts} argument{plural}, got {len(node.args)}", node
            )
        args = [self.build(arg) for arg in node.args]
        if name in ("factorial", "gamma"):
            self._check_factorial(name, args[0], node)
        return spec.build(*args)

    def _check_factorial(self, name: str, arg: sympy.Expr, node: ast.AST) -> None:
        if arg.is_number and arg.is_real and arg.is_finite and float(arg) > MAX_FACTORIAL:
            raise self.fail(f"{name} of a number above {MAX_FACTORIAL} is too large", node)


def parse_expression(text: str, variables: Sequence[str] = ("x",)) -> sympy.Expr:
    """Turn typed math into a SymPy expression, safely.

    Parameters
    ----------
    text
        What the person typed, e.g. ``"sin(x^2) + 1/2"``.
    variables
        The names this box accepts; each becomes a real SymPy symbol (see :func:`symbol`).

    Returns
    -------
    sympy.Expr
        The expression, built node by node from an allowlist; nothing in ``text`` is executed.

    Raises
    ------
    ExpressionError
        For anything that is not an allowed expression; the message is one sentence saying
        what is wrong and where.
    """
    names = _check_variables(variables)
    if not isinstance(text, str):
        raise ExpressionError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the text is too long: at most {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError("the box is empty: type an expression")
    text = _normalise(text.strip()).replace("^", "**")
    _check_nesting(text)
    tree = _parse_tree(text)
    try:
        expression = _Builder(text, names).build(tree)
    except RecursionError:
        raise ExpressionError("the expression is too deeply nested", text) from None
    except (OverflowError, MemoryError, ArithmeticError):
        raise ExpressionError("the numbers in this expression are too large", text) from None
    if expression.has(sympy.zoo, sympy.nan):
        raise ExpressionError("the expression is undefined (division by zero?)", text)
    return expression


def parse_number(text: str, *, allow_infinite: bool = False) -> float:
    """Parse a constant expression such as ``"sqrt(pi)/2"`` to a float.

    Raises
    ------
    ExpressionError
        When the text is not a constant, or not a finite real number (unless
        ``allow_infinite``, which admits ``inf`` and ``-inf``).
    """
    value = parse_expression(text, variables=())
    return expression_to_float(value, text, allow_infinite=allow_infinite)


def expression_to_float(
    value: sympy.Expr, text: str | None = None, *, allow_infinite: bool = False
) -> float:
    """Evaluate a constant SymPy expression to a float, refusing complex or undefined values."""
    if allow_infinite and value in (sympy.oo, -sympy.oo):
        return float(value)
    try:
        number = complex(value.evalf(30))
    except (TypeError, ValueError, OverflowError):
        raise ExpressionError("this is not a number", text) from None
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        raise ExpressionError("this is not a real number", text)
    if not math.isfinite(number.real):
        raise ExpressionError("this is not a finite number", text)
    return number.real


# ----------------------------------------------------------------------------------------------
# SymPy -> NumPy

_NONFINITE_NOTE = "not finite at {where} (division by zero, overflow, or outside the domain)"


class CompiledExpression:
    """A fast NumPy function of an expression's variables.

    Call it with one array-like per variable (broadcast together); it returns a float ndarray of
    the broadcast shape. Numerical trouble gives ``nan`` or ``inf`` silently (no
    RuntimeWarnings); :meth:`evaluate` also returns a readable note naming the first such point.

    Parameters
    ----------
    expression
        A SymPy expression, typically from :func:`parse_expression`.
    variables
        The variable names, in the order the function takes them.
    """

    def __init__(self, expression: sympy.Expr, variables: Sequence[str]):
        self.expression = expression
        self.variables = _check_variables(variables)
        free = {s.name for s in expression.free_symbols}
        missing = sorted(free - set(self.variables))
        if missing:
            raise ExpressionError(
                f"unknown name '{missing[0]}'; this box takes {', '.join(self.variables)}"
            )
        # lambdify prints the tree we built ourselves from the allowlist, with symbols whose
        # names were checked as plain identifiers: no user text reaches its code generator.
        symbols = [symbol(name) for name in self.variables]
        try:
            self._function = sympy.lambdify(symbols, expression, modules=["scipy", "numpy"])
        except Exception as error:
            raise ExpressionError(
                f"this cannot be evaluated numerically ({type(error).__name__})"
            ) from None

    def __call__(self, *args: Any) -> np.ndarray:
        if len(args) != len(self.variables):
            raise TypeError(f"expected {len(self.variables)} arguments, got {len(args)}")
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                result = np.asarray(self._function(*arrays))
            except (TypeError, ValueError, NameError, KeyError, ZeroDivisionError) as error:
                # e.g. a ufunc given complex objects, or a function NumPy has no name for
                raise ExpressionError(
                    f"this cannot be evaluated numerically ({type(error).__name__})"
                ) from None
            if np.iscomplexobj(result):
                result = np.where(np.abs(result.imag) > 0, np.nan, result.real)
            result = result.astype(float, copy=False)
        shape = arrays[0].shape if arrays else ()
        return np.broadcast_to(result, shape).copy() if result.shape != shape else result

    def evaluate(self, *args: Any) -> tuple[np.ndarray, str]:
        """Return ``(values, note)``; ``note`` is ``""`` when every value is finite."""
        values = self(*args)
        bad = ~np.isfinite(values)
        if not bad.any():
            return values, ""
        index = np.unravel_index(int(np.argmax(bad)), values.shape) if values.ndim else ()
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))
        where = ", ".join(
            f"{name} = {_format_point(float(a[index]))}"
            for name, a in zip(self.variables, arrays, strict=True)
        )
        return values, _NONFINITE_NOTE.format(where=where or "this value")


def _format_point(value: float) -> str:
    return f"{value:.6g}"


def compile_expression(
    expression: sympy.Expr, variables: Sequence[str] = ("x",)
) -> CompiledExpression:
    """Compile an expression into a vectorised NumPy function (see :class:`CompiledExpression`)."""
    return CompiledExpression(expression, variables)
