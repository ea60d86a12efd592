"""Monte Carlo estimates, the bootstrap, and two-sample t-tests with power by simulation.

Everything is vectorised and chunked: no array larger than :data:`CHUNK` floats (8 MB) is
built at once, so memory stays bounded whatever n (up to :data:`MAX_SAMPLES`) or B (up to
:data:`MAX_RESAMPLES`) is asked for. Every function takes a seed: same seed, same result.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.stats

from .expressions import ExpressionError

__all__ = [
    "CHUNK",
    "MAX_RESAMPLES",
    "MAX_SAMPLES",
    "STATISTICS",
    "bootstrap",
    "estimate_pi",
    "expectation",
    "integrate_uniform",
    "parse_numbers",
    "reference_value",
    "t_test",
    "t_test_power",
]

CHUNK = 1_000_000
"""Largest number of floats drawn at once (8 MB)."""
MAX_SAMPLES = 10_000_000
"""Largest n for the Monte Carlo estimates."""
MAX_RESAMPLES = 10_000
"""Largest B for the bootstrap."""
MAX_DATA = 100_000
"""Largest sample the bootstrap and the t-test take."""
Z95 = 1.959963984540054


def check_count(name: str, value: int, low: int, high: int) -> int:
    """Refuse counts outside [low, high] with a message naming them."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise ExpressionError(f"{name} must be a whole number")
    if value < low:
        raise ExpressionError(f"{name} must be at least {low:,}")
    if value > high:
        raise ExpressionError(f"{name} is capped at {high:,} to keep memory and time bounded")
    return int(value)


def _checkpoints(n: int, count: int = 120) -> np.ndarray:
    """Log-spaced sample counts from 10 to n, for running estimates."""
    return np.unique(np.geomspace(min(10, n), n, count).astype(np.int64))


# ----------------------------------------------------------------------------------------------
# Estimating pi


def estimate_pi(n: int, seed: int = 0, keep: int = 3000) -> dict[str, Any]:
    """4 × the fraction of uniform points of [-1, 1]² inside the unit circle.

    Returns ``estimate, standard_error, interval`` (95%), the first ``keep`` points with their
    inside flags for a scatter, and the running estimate at log-spaced ``checkpoints``.
    """
    n = check_count("n", n, 10, MAX_SAMPLES)
    rng = np.random.default_rng(seed)
    checkpoints = _checkpoints(n)
    running = np.empty(len(checkpoints))
    inside_total, done = 0, 0
    points = np.empty((0, 2))
    inside_kept = np.empty(0, dtype=bool)
    position = 0
    while done < n:
        size = min(CHUNK // 2, n - done)
        xy = rng.uniform(-1.0, 1.0, (size, 2))
        inside = (xy * xy).sum(axis=1) <= 1.0
        if len(points) < keep:
            take = keep - len(points)
            points = np.vstack([points, xy[:take]])
            inside_kept = np.concatenate([inside_kept, inside[:take]])
        cumulative = np.cumsum(inside, dtype=np.int64) + inside_total
        while position < len(checkpoints) and checkpoints[position] <= done + size:
            running[position] = cumulative[checkpoints[position] - done - 1]
            position += 1
        inside_total = int(cumulative[-1])
        done += size
    p_hat = inside_total / n
    standard_error = 4 * math.sqrt(p_hat * (1 - p_hat) / n)
    estimate = 4 * p_hat
    running_p = running / checkpoints
    return {
        "estimate": estimate, "standard_error": standard_error,
        "interval": (estimate - Z95 * standard_error, estimate + Z95 * standard_error),
        "points": points, "inside": inside_kept, "checkpoints": checkpoints,
        "running": 4 * running_p,
        "running_se": 4 * np.sqrt(running_p * (1 - running_p) / checkpoints),
        "n": n,
    }


# ----------------------------------------------------------------------------------------------
# Monte Carlo integration and expectations


def _mean_and_std(sample: Callable[[np.random.Generator, int], np.ndarray],
                  g: Callable[[np.ndarray], np.ndarray], n: int, seed: int
                  ) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Chunked running mean and variance of g(X), and the running mean at checkpoints."""
    rng = np.random.default_rng(seed)
    checkpoints = _checkpoints(n)
    running = np.empty(len(checkpoints))
    total, total_sq, done, position = 0.0, 0.0, 0, 0
    while done < n:
        size = min(CHUNK, n - done)
        values = g(sample(rng, size))
        if not np.all(np.isfinite(values)):
            bad = int(np.argmax(~np.isfinite(values)))
            raise ExpressionError(f"g is not finite at a sampled point (sample {done + bad + 1})")
        cumulative = np.cumsum(values) + total
        while position < len(checkpoints) and checkpoints[position] <= done + size:
            running[position] = cumulative[checkpoints[position] - done - 1]
            position += 1
        total = float(cumulative[-1])
        total_sq += float(np.dot(values, values))
        done += size
    mean = total / n
    variance = max(total_sq / n - mean * mean, 0.0) * n / max(n - 1, 1)
    return mean, math.sqrt(variance), checkpoints, running / checkpoints


def integrate_uniform(f: Callable[[np.ndarray], np.ndarray], a: float, b: float, n: int,
                      seed: int = 0) -> dict[str, Any]:
    """(b − a) × mean f(U), U ~ Uniform(a, b), with its standard error and 95% interval."""
    n = check_count("n", n, 10, MAX_SAMPLES)
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ExpressionError("Monte Carlo on [a, b] needs finite bounds")
    width = b - a
    mean, std, checkpoints, running = _mean_and_std(
        lambda rng, size: rng.uniform(a, b, size), f, n, seed)
    estimate, standard_error = width * mean, abs(width) * std / math.sqrt(n)
    return {"estimate": estimate, "standard_error": standard_error,
            "interval": (estimate - Z95 * standard_error, estimate + Z95 * standard_error),
            "checkpoints": checkpoints, "running": width * running, "n": n}


def expectation(g: Callable[[np.ndarray], np.ndarray], distribution: str, n: int,
                parameters: tuple[float, float] = (0.0, 1.0), seed: int = 0) -> dict[str, Any]:
    """E[g(X)] for X ~ normal(mean, sd) or uniform(low, high), by the sample mean of g(X)."""
    n = check_count("n", n, 10, MAX_SAMPLES)
    first, second = parameters
    if distribution == "normal":
        if second <= 0:
            raise ExpressionError("the normal's standard deviation must be positive")
        sample = lambda rng, size: rng.normal(first, second, size)  # noqa: E731
    elif distribution == "uniform":
        if second <= first:
            raise ExpressionError("the uniform needs low < high")
        sample = lambda rng, size: rng.uniform(first, second, size)  # noqa: E731
    else:
        raise ExpressionError(f"unknown distribution {distribution!r}")
    mean, std, checkpoints, running = _mean_and_std(sample, g, n, seed)
    standard_error = std / math.sqrt(n)
    return {"estimate": mean, "standard_error": standard_error,
            "interval": (mean - Z95 * standard_error, mean + Z95 * standard_error),
            "checkpoints": checkpoints, "running": running, "n": n}


# ----------------------------------------------------------------------------------------------
# The bootstrap


def _trimmed_mean(values: np.ndarray, axis: int = -1) -> np.ndarray:
    return scipy.stats.trim_mean(values, 0.1, axis=axis)


STATISTICS: dict[str, Callable[..., Any]] = {
    "median": np.median,
    "mean": np.mean,
    "std": lambda values, axis=-1: np.std(values, axis=axis, ddof=1),
    "trimmed mean (10%)": _trimmed_mean,
}
"""Statistics the bootstrap offers; each takes an array and an axis."""


def bootstrap(data: np.ndarray, statistic: str, resamples: int, seed: int = 0,
              level: float = 0.95) -> dict[str, Any]:
    """Percentile bootstrap: ``resamples`` resamples with replacement, vectorised in chunks.

    Returns ``estimate`` (the statistic of the sample), ``replicates`` (B values),
    ``standard_error`` (their std) and ``interval`` (their percentiles at (1 ± level)/2).
    """
    data = np.asarray(data, dtype=float)
    if data.size < 2:
        raise ExpressionError("the bootstrap needs a sample of at least 2 values")
    if data.size > MAX_DATA:
        raise ExpressionError(f"the sample is capped at {MAX_DATA:,} values")
    resamples = check_count("B", resamples, 10, MAX_RESAMPLES)
    function = STATISTICS.get(statistic)
    if function is None:
        raise ExpressionError(f"unknown statistic {statistic!r}")
    rng = np.random.default_rng(seed)
    n = data.size
    rows = max(1, CHUNK // n)
    replicates = np.empty(resamples)
    for start in range(0, resamples, rows):
        count = min(rows, resamples - start)
        indices = rng.integers(0, n, (count, n))
        replicates[start:start + count] = function(data[indices], axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return {"estimate": float(function(data, axis=0)), "replicates": replicates,
            "standard_error": float(np.std(replicates, ddof=1)),
            "interval": (float(low), float(high)), "resamples": resamples}


def bootstrap_loop(data: np.ndarray, resamples: int, seed: int = 0) -> np.ndarray:
    """The chapter's list-comprehension median bootstrap: the baseline the benchmark beats."""
    rng = np.random.default_rng(seed)
    return np.array([np.median(rng.choice(data, size=len(data), replace=True))
                     for _ in range(resamples)])


# ----------------------------------------------------------------------------------------------
# Pasted numbers


_SEPARATORS = re.compile(r"[\s,;]+")


def parse_numbers(text: str, name: str = "the data") -> np.ndarray:
    """Numbers pasted as text, separated by spaces, commas, semicolons or new lines.

    Each token goes through ``float()`` (which runs nothing); the message names the first
    token that is not a finite number.
    """
    if len(text) > 20 * MAX_DATA:
        raise ExpressionError(f"{name}: the text is too long")
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    if not tokens:
        raise ExpressionError(f"{name}: no numbers found")
    if len(tokens) > MAX_DATA:
        raise ExpressionError(f"{name}: at most {MAX_DATA:,} numbers")
    values = np.empty(len(tokens))
    for i, token in enumerate(tokens):
        try:
            value = float(token.replace("−", "-"))
        except ValueError:
            raise ExpressionError(f"{name}, entry {i + 1} ({token[:20]!r}) is not a number") \
                from None
        if not math.isfinite(value):
            raise ExpressionError(f"{name}, entry {i + 1} ({token[:20]!r}) is not finite")
        values[i] = value
    return values


# ----------------------------------------------------------------------------------------------
# Two-sample t-tests


def t_test(first: np.ndarray, second: np.ndarray, equal_variances: bool, alpha: float
           ) -> dict[str, Any]:
    """Student's (``equal_variances``) or Welch's two-sample t-test, with a decision in words.

    Returns ``statistic, pvalue, df, critical, reject, decision``.
    """
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if not 0 < alpha < 1:
        raise ExpressionError("alpha must be strictly between 0 and 1")
    for name, sample in (("sample A", first), ("sample B", second)):
        if sample.size < 2:
            raise ExpressionError(f"{name} needs at least 2 values")
    var1, var2 = first.var(ddof=1), second.var(ddof=1)
    if var1 == 0 and var2 == 0:
        raise ExpressionError("both samples have zero variance: the t statistic is undefined")
    result = scipy.stats.ttest_ind(first, second, equal_var=equal_variances)
    n1, n2 = first.size, second.size
    if equal_variances:
        df = float(n1 + n2 - 2)
    else:
        a, b = var1 / n1, var2 / n2
        df = float((a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1)))
    critical = float(scipy.stats.t.ppf(1 - alpha / 2, df))
    reject = bool(result.pvalue < alpha)
    decision = (
        f"reject H0: the means differ at alpha = {alpha:g} (p = {result.pvalue:.3g})"
        if reject else
        f"do not reject H0: no evidence the means differ at alpha = {alpha:g} "
        f"(p = {result.pvalue:.3g})"
    )
    return {"statistic": float(result.statistic), "pvalue": float(result.pvalue), "df": df,
            "critical": critical, "reject": reject, "decision": decision,
            "means": (float(first.mean()), float(second.mean()))}


def t_test_power(effect: float, sd: float, sizes: tuple[int, int], alpha: float,
                 equal_variances: bool, repeats: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Power at a true mean difference ``effect``: simulated (``repeats`` experiments,
    vectorised) and analytic (noncentral t, for Student's test).

    Returns ``simulated``, its ``standard_error``, and ``analytic``.
    """
    n1, n2 = sizes
    if min(n1, n2) < 2:
        raise ExpressionError("each sample needs at least 2 values")
    if sd <= 0:
        raise ExpressionError("the standard deviation must be positive")
    repeats = check_count("repeats", repeats, 10, 100_000)
    rows = max(1, CHUNK // (n1 + n2))
    rng = np.random.default_rng(seed)
    rejected = 0
    for start in range(0, repeats, rows):
        count = min(rows, repeats - start)
        a = rng.normal(0.0, sd, (count, n1))
        b = rng.normal(effect, sd, (count, n2))
        pvalues = scipy.stats.ttest_ind(a, b, axis=1, equal_var=equal_variances).pvalue
        rejected += int(np.sum(pvalues < alpha))
    simulated = rejected / repeats
    df = n1 + n2 - 2
    noncentrality = effect / (sd * math.sqrt(1 / n1 + 1 / n2))
    critical = scipy.stats.t.ppf(1 - alpha / 2, df)
    analytic = float(scipy.stats.nct.sf(critical, df, noncentrality)
                     + scipy.stats.nct.cdf(-critical, df, noncentrality))
    return {"simulated": simulated,
            "standard_error": math.sqrt(simulated * (1 - simulated) / repeats),
            "analytic": analytic, "repeats": repeats}


# ----------------------------------------------------------------------------------------------
# References for the estimates


def reference_value(expression: Any, distribution: str, a: float, b: float) -> float | None:
    """What a Monte Carlo estimate of ``expression`` is compared with: the exact value when
    SymPy finds it within the budget, else quad's; None when neither is finite.

    ``distribution`` as in :func:`expectation`, or ``"uniform on [a, b]"`` for the integral
    of f over [a, b].
    """
    import sympy

    from .expressions import compile_expression, expression_to_float, symbol
    from .quadrature import exact_integral, quad_reference

    x = symbol("x")
    if distribution == "uniform on [a, b]":
        integrand, low, high = expression, a, b
    elif distribution == "normal" and b > 0:
        integrand = expression * sympy.exp(-((x - a) ** 2) / (2 * b**2)) / (
            b * sympy.sqrt(2 * sympy.pi))
        low, high = -math.inf, math.inf
    elif distribution == "uniform" and b > a:
        integrand, low, high = expression / (b - a), a, b
    else:
        return None
    bounds = [sympy.oo if v == math.inf else -sympy.oo if v == -math.inf
              else sympy.nsimplify(v) for v in (low, high)]
    exact = exact_integral(integrand, *bounds)
    if exact is not None:
        try:
            return expression_to_float(exact)
        except ExpressionError:
            pass
    f = compile_expression(integrand, ("x",))
    with warnings.catch_warnings():  # a doubtful quad value is still a useful reference
        warnings.simplefilter("ignore")
        value = quad_reference(lambda t: float(f(t)), low, high)["value"]
    return value if math.isfinite(value) else None
