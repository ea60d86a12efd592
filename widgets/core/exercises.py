"""Self-check exercises: a statement, an answer checked with feedback, hints and a solution."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .calculus import compare_expressions, parse_with_variables
from .expressions import ExpressionError, expression_to_float, parse_expression

__all__ = ["EXERCISES", "Exercise", "Verdict", "check_answer"]


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``kind`` is ``"number"`` (within ``tolerance``, relative) or
    ``"expression"`` (equal as math, in ``variables``)."""

    key: str
    section: str
    title: str
    statement: str  # HTML with LaTeX
    kind: str
    answer: str  # a number or an expression, as text
    solution: str  # HTML with LaTeX: the reasoning, not just the value
    hints: tuple[str, ...] = ()
    tolerance: float = 1e-6
    variables: tuple[str, ...] = ("x",)
    mistakes: dict[str, str] = field(default_factory=dict)  # typical wrong answer -> feedback


@dataclass(frozen=True)
class Verdict:
    correct: bool
    feedback: str


def _number(text: str) -> float:
    return expression_to_float(parse_expression(text, ()), text)


def check_answer(exercise: Exercise, text: str) -> Verdict:
    """Check ``text`` against the exercise: correct or not, and what is wrong when it can say.

    Raises
    ------
    ExpressionError
        When the text cannot be read (the message says why).
    """
    if exercise.kind == "number":
        return _check_number(exercise, _number(text))
    candidate, _ = parse_with_variables(text)
    target, _ = parse_with_variables(exercise.answer)
    verdict = compare_expressions(candidate, target, exercise.variables)
    if verdict["equal"]:
        return Verdict(True, f"correct (checked {verdict['how']})")
    for wrong, feedback in exercise.mistakes.items():
        if compare_expressions(candidate, parse_with_variables(wrong)[0],
                               exercise.variables)["equal"]:
            return Verdict(False, feedback)
    where = ", ".join(f"{n} = {v:.3g}" for n, v in (verdict["point"] or {}).items())
    hint = f"; {verdict['hint']}" if verdict["hint"] else ""
    return Verdict(False, f"not equal: at {where} yours gives {verdict['yours']:.4g}, the answer "
                          f"{verdict['expected']:.4g}{hint}")


def _check_number(exercise: Exercise, value: float) -> Verdict:
    target = _number(exercise.answer)
    scale = max(abs(target), 1e-12)
    if abs(value - target) <= exercise.tolerance * scale:
        return Verdict(True, "correct")
    for wrong, feedback in exercise.mistakes.items():
        if math.isclose(value, _number(wrong), rel_tol=1e-6, abs_tol=1e-9):
            return Verdict(False, feedback)
    if target != 0 and value != 0:
        ratio = value / target
        for factor, words in ((2, "2"), (0.5, "1/2"), (-1, "−1 (a sign error?)"), (10, "10"),
                              (0.1, "1/10")):
            if math.isclose(ratio, factor, rel_tol=1e-3):
                return Verdict(False, f"your answer is off by a factor of {words}")
    if abs(value - target) <= 0.1 * scale:
        return Verdict(False, "close, but not within the tolerance: check your arithmetic")
    return Verdict(False, "not right yet: try a hint")


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        key="mc_normal", section="Monte Carlo", title="E[X²] for a standard normal",
        statement=(r"Let $X \sim \mathcal{N}(0, 1)$. What is $\mathbb{E}[X^2]$? (Estimate it "
                   r"with the Monte Carlo lab first, then give the exact value.)"),
        kind="number", answer="1", tolerance=1e-9,
        hints=(r"$\mathbb{E}[X^2] = \mathrm{Var}(X) + \mathbb{E}[X]^2$.",
               r"For $\mathcal{N}(0, 1)$ the mean is 0 and the variance is 1."),
        solution=(r"$\mathbb{E}[X^2] = \mathrm{Var}(X) + (\mathbb{E}X)^2 = 1 + 0^2 = 1$. A Monte "
                  r"Carlo mean of $x_i^2$ over $n$ samples lands within about "
                  r"$1.96\sqrt{2/n}$ of 1 (the variance of $X^2$ is 2)."),
        mistakes={"0": "0 is E[X], the mean; E[X²] also counts the spread"},
    ),
    Exercise(
        key="softmax_gradient", section="SymPy", title="Gradient of softmax cross-entropy",
        statement=(r"With $p_1 = \frac{e^{z_1}}{e^{z_1} + e^{z_2}}$ and "
                   r"$\mathcal{L} = -\log p_1$, type $\partial \mathcal{L} / \partial z_1$ in "
                   r"terms of $z_1$ and $z_2$."),
        kind="expression", answer="exp(z1)/(exp(z1) + exp(z2)) - 1", variables=("z1", "z2"),
        hints=(r"$-\log p_1 = -z_1 + \log(e^{z_1} + e^{z_2})$.",
               r"Differentiate each term: $\partial(-z_1)/\partial z_1 = -1$."),
        solution=(r"$\mathcal{L} = -z_1 + \log(e^{z_1} + e^{z_2})$, so "
                  r"$\frac{\partial \mathcal{L}}{\partial z_1} = -1 + "
                  r"\frac{e^{z_1}}{e^{z_1} + e^{z_2}} = p_1 - 1$: the predicted probability "
                  r"minus the one-hot target."),
        mistakes={"exp(z1)/(exp(z1) + exp(z2))": "that is p₁; the −log also contributes −1",
                  "1 - exp(z1)/(exp(z1) + exp(z2))": "the sign is flipped: it is p₁ − 1"},
    ),
    Exercise(
        key="dot", section="NumPy", title="A dot product",
        statement=r"Compute $a \cdot b$ for $a = (1, 2, 3, 4, 5)$ and $b = (5, 4, 3, 2, 1)$.",
        kind="number", answer="35",
        hints=(r"$a \cdot b = \sum_i a_i b_i$.", r"$1\cdot5 + 2\cdot4 + \dots$"),
        solution=r"$1\cdot5 + 2\cdot4 + 3\cdot3 + 4\cdot2 + 5\cdot1 = 5+8+9+8+5 = 35$.",
        mistakes={"15": "15 is the sum of a's entries: multiply entry by entry first"},
    ),
    Exercise(
        key="broadcast", section="Broadcasting", title="How big is the outer product?",
        statement=(r"How many elements does <code>u[:, None] * v[None, :]</code> have, for "
                   r"<code>u</code> of shape (3,) and <code>v</code> of shape (2,)?"),
        kind="number", answer="6",
        hints=("Shapes (3, 1) and (1, 2) align from the right.",
               "Each size-1 dimension stretches to the other's size."),
        solution=(r"(3, 1) and (1, 2): the last dimensions 1 and 2 give 2, the first 3 and 1 "
                  r"give 3, so the result is (3, 2), with $3 \times 2 = 6$ elements."),
        mistakes={"5": "5 = 3 + 2: broadcasting multiplies the sizes into a grid",
                  "3": "the result has both dimensions: (3, 2)"},
    ),
    Exercise(
        key="det", section="Linear algebra", title="Area scaling",
        statement=(r"By what factor does $A = \begin{bmatrix}2 & 1\\ 1 & 3\end{bmatrix}$ scale "
                   r"areas?"),
        kind="number", answer="5",
        hints=(r"Areas scale by $|\det A|$.", r"$\det \begin{bmatrix}a&b\\c&d\end{bmatrix} = "
                                               r"ad - bc$."),
        solution=r"$\det A = 2\cdot3 - 1\cdot1 = 5$, so the unit square maps to area 5.",
        mistakes={"7": "7 is the trace (2 + 3); areas scale by the determinant",
                  "6": "you forgot to subtract bc = 1·1"},
    ),
    Exercise(
        key="gd_step", section="Optimization", title="One gradient-descent step",
        statement=(r"Gradient descent on $f(x) = x^2$ starts at $x_0 = 3$ with learning rate "
                   r"$\eta = 0.1$. Where is $x_1$?"),
        kind="number", answer="2.4",
        hints=(r"$x_1 = x_0 - \eta f'(x_0)$.", r"$f'(x) = 2x$, so $f'(3) = 6$."),
        solution=r"$x_1 = 3 - 0.1 \cdot 2 \cdot 3 = 3 - 0.6 = 2.4$.",
        mistakes={"2.7": "you used f'(x) = x: the derivative of x² is 2x",
                  "3.6": "the step goes against the gradient: subtract it"},
    ),
    Exercise(
        key="trapezoid", section="Numerical integration", title="Trapezoid by hand",
        statement=(r"Apply the trapezoid rule with $n = 2$ subintervals to "
                   r"$\int_0^1 x^2\,dx$."),
        kind="number", answer="3/8",
        hints=(r"$h = 1/2$; $T = h\left(\tfrac{f(0)}{2} + f(\tfrac12) + \tfrac{f(1)}{2}\right)$.",),
        solution=(r"$T = \tfrac12\left(0 + \tfrac14 + \tfrac12\right) = \tfrac38 = 0.375$, above "
                  r"the exact $\tfrac13$: $x^2$ is convex, so chords lie above it."),
        mistakes={"1/3": "that is the exact integral; the rule gives a bit more",
                  "0.75": "you forgot the factor h = 1/2"},
    ),
    Exercise(
        key="sigmoid", section="SymPy", title="The sigmoid's derivative",
        statement=(r"Type $\sigma'(x)$ for $\sigma(x) = \frac{1}{1 + e^{-x}}$ (you may use "
                   r"<code>sigmoid(x)</code>)."),
        kind="expression", answer="sigmoid(x)*(1 - sigmoid(x))",
        hints=("Use the chain rule on (1 + e^{-x})^{-1}.",),
        solution=(r"$\sigma' = \frac{e^{-x}}{(1 + e^{-x})^2} = \sigma(x)\,(1 - \sigma(x))$, "
                  r"which is why the logistic gradient is so cheap to compute."),
        mistakes={"sigmoid(x)": "that is σ itself; its derivative is σ(1 − σ)"},
    ),
)
"""The chapter's two practice exercises and one more per section."""


def validate_exercises() -> None:
    """Every exercise's answer and mistakes parse (used by the tests)."""
    for exercise in EXERCISES:
        for text in (exercise.answer, *exercise.mistakes):
            if exercise.kind == "number":
                _number(text)
            else:
                parse_with_variables(text)
        if not check_answer(exercise, exercise.answer).correct:
            raise ExpressionError(f"{exercise.key}: its own answer is not accepted")
