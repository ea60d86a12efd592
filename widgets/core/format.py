"""Number and table formatting shared by every panel (pure: no widgets)."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["fmt", "fmt_vector", "html_table", "latex_matrix"]


def fmt(value: Any, digits: int = 4) -> str:
    """Format a number with ``digits`` significant figures; complex, inf, nan and None too."""
    if value is None:
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (complex, np.complexfloating)):
        if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
            return fmt(value.real, digits)
        sign = "+" if value.imag >= 0 else "−"
        return f"{fmt(value.real, digits)} {sign} {fmt(abs(value.imag), digits)}i"
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if number == 0:
        return "0"
    text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def fmt_vector(values: Iterable[Any], digits: int = 4) -> str:
    """``[a, b, c]`` with each entry formatted by :func:`fmt`."""
    return "[" + ", ".join(fmt(v, digits) for v in values) + "]"


def latex_matrix(matrix: Any, digits: int = 4) -> str:
    """A LaTeX ``bmatrix`` of a small numeric or SymPy matrix."""
    rows = []
    for row in np.atleast_2d(np.asarray(matrix, dtype=object)):
        cells = []
        for entry in row:
            if hasattr(entry, "free_symbols"):  # a SymPy object: exact
                import sympy

                cells.append(sympy.latex(entry))
            else:
                cells.append(fmt(entry, digits).replace("−", "-").replace("∞", r"\infty"))
        rows.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def html_table(
    rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None, *, escape: bool = True
) -> str:
    """A compact HTML table; cells are escaped unless ``escape`` is False."""
    cell_style = "padding:2px 10px;text-align:left;border-bottom:1px solid #e3e3e3"

    def cell(value: Any, tag: str) -> str:
        text = html.escape(str(value)) if escape else str(value)
        return f"<{tag} style='{cell_style}'>{text}</{tag}>"

    parts = ["<table style='border-collapse:collapse;font-size:13px'>"]
    if header:
        parts.append("<tr>" + "".join(cell(h, "th") for h in header) + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>")
    parts.append("</table>")
    return "".join(parts)
