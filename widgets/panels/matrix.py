"""MatrixInspector: everything numpy.linalg can tell about a matrix, live."""

from __future__ import annotations

from typing import Any

import ipywidgets
import numpy as np
from traitlets import Any as AnyTrait
from traitlets import Bool, Unicode, observe

from widgets.core import linalg
from widgets.core.expressions import ExpressionError, expression_to_float, parse_expression
from widgets.core.format import fmt, fmt_vector, html_table, latex_matrix
from widgets.panels.base import Panel, matrix_html, note_html, section

__all__ = ["MatrixInspector"]

GRID_MAX = 8
_ANNOTATE_MAX = 8
_CELL_WIDTH = "80px"  # wide enough for the 6 significant digits a cell shows (−1.60957)
_DECOMPOSITIONS = ("none", "LU", "QR", "Cholesky", "SVD")


class MatrixInspector(Panel):
    """Everything ``numpy.linalg`` can tell about a matrix, and what it means.

    Parameters
    ----------
    matrix
        Any real 2-D array-like (default: the chapter's 3×3 ``[[1, 2, 3], [4, 5, 6], [7, 8, 9]]``).

    Attributes
    ----------
    matrix : numpy.ndarray
        The matrix inspected; set it to inspect another (up to 2000×2000; above 8×8 the grid
        is replaced by the heatmap).
    report : dict
        ``shape, rank, trace, det, cond, eigenvalues, eigenvectors, singular_values, norms,
        inverse, symmetric, orthogonal, positive_definite, diagonalizable`` (``None`` where not
        defined), plus ``readings``: one plain-language sentence per key.
    b : str
        The right-hand side of ``A x = b`` as text (empty = all ones).
    solution : dict
        ``x``, ``residual``, ``method``, ``warning`` of the last solve.
    decomposition : str
        One of ``"none", "LU", "QR", "Cholesky", "SVD"``; ``factors`` holds the result.
    exact : bool
        Also compute the exact determinant, inverse and eigenvalues with SymPy;
        ``exact_results`` holds them.
    error : str
        ``""`` when all is well, else the message shown in the banner.
    """

    matrix = AnyTrait(help="The matrix inspected (a real 2-D array).")
    b = Unicode("", help="Right-hand side of A x = b as text; empty means all ones.")
    decomposition = Unicode("none", help="Decomposition shown: none, LU, QR, Cholesky, SVD.")
    exact = Bool(False, help="Also compute exact results with SymPy.")

    def __init__(self, matrix: Any = None, **kwargs: Any):
        super().__init__("Matrix inspector")
        self.report: dict[str, Any] = {}
        self.solution: dict[str, Any] = {}
        self.factors: dict[str, np.ndarray] = {}
        self.exact_results: dict[str, Any] = {}
        self._exact_entries: Any = None  # SymPy entries as typed, for exact mode
        self._typing = False  # a matrix is being set from typed text: keep its exact entries
        self._cell_values = np.full((GRID_MAX, GRID_MAX), np.nan)  # what each cell reads as
        with self.hold():
            self._build_controls()
            self._build_figures()
            self._layout()
            matrix = linalg.presets("chapter 3×3") if matrix is None else matrix
            self._start(matrix=matrix, **kwargs)

    # -- building ------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        self.preset = ipywidgets.Dropdown(
            options=["(custom)", *linalg.PRESETS], value="(custom)", description="Preset",
            layout=ipywidgets.Layout(width="230px"),
        )
        self.parameter = ipywidgets.FloatSlider(
            description="", continuous_update=True, layout=ipywidgets.Layout(width="300px"),
            style={"description_width": "90px"},
        )
        self.parameter.layout.visibility = "hidden"
        self.preset.observe(self._on_preset, "value")
        self.parameter.observe(self._on_parameter, "value")
        self.text = ipywidgets.Textarea(
            placeholder="1 2; 3 4   or   [[1, 2], [3, 4]]   or one row per line",
            layout=ipywidgets.Layout(width="300px", height="58px"),
        )
        self.apply_text = ipywidgets.Button(
            description="Use typed matrix", icon="check", layout=ipywidgets.Layout(width="160px")
        )
        self.apply_text.on_click(lambda _: self.attempt(self._apply_text))
        self.cells = [
            [
                ipywidgets.Text(continuous_update=False,
                                layout=ipywidgets.Layout(width=_CELL_WIDTH))
                for _ in range(GRID_MAX)
            ]
            for _ in range(GRID_MAX)
        ]
        for i, row in enumerate(self.cells):
            for j, cell in enumerate(row):
                cell.add_class("wb-cell")
                cell.observe(lambda change, i=i, j=j: self._on_cell(i, j, change["new"]), "value")
        self.grid = ipywidgets.GridBox(layout=ipywidgets.Layout(grid_gap="2px"))
        self.resize_buttons = {
            name: ipywidgets.Button(description=name, layout=ipywidgets.Layout(width="70px"))
            for name in ("+ row", "− row", "+ col", "− col")
        }
        for name, button in self.resize_buttons.items():
            button.on_click(lambda _, name=name: self.attempt(self._resize, name))
        self.b_text = ipywidgets.Text(
            description="b =", placeholder="ones", continuous_update=False,
            layout=ipywidgets.Layout(width="300px"),
        )
        ipywidgets.link((self, "b"), (self.b_text, "value"))
        self.decomposition_picker = ipywidgets.ToggleButtons(
            options=list(_DECOMPOSITIONS), style={"button_width": "84px"}
        )
        ipywidgets.link((self, "decomposition"), (self.decomposition_picker, "value"))
        self.exact_box = ipywidgets.Checkbox(description="exact mode (SymPy)", indent=False)
        ipywidgets.link((self, "exact"), (self.exact_box, "value"))
        self.report_html = ipywidgets.HTML()
        self.report_html.add_class("wb-report")
        self.solve_html = ipywidgets.HTML()
        self.decomposition_html = ipywidgets.HTML()
        self.exact_html = ipywidgets.HTMLMath()

    def _build_figures(self) -> None:
        self.heatmap_figure = self.figure(3.6, 3.2)
        axes = self.heatmap_figure.add_subplot()
        self._heatmap_axes = axes
        self._image = axes.imshow(np.zeros((2, 2)), cmap="RdBu_r", vmin=-1, vmax=1)
        self.heatmap_figure.colorbar(self._image, ax=axes, shrink=0.85)
        axes.set_title("A (red > 0 > blue)", fontsize=10)
        self._annotations = [
            [axes.text(j, i, "", ha="center", va="center", fontsize=8, visible=False)
             for j in range(_ANNOTATE_MAX)]
            for i in range(_ANNOTATE_MAX)
        ]
        self.transform_figure = self.figure(3.6, 3.4)
        self._build_transform_axes(self.transform_figure.add_subplot())

    def _build_transform_axes(self, axes: Any) -> None:
        from matplotlib.patches import Polygon

        self._transform_axes = axes
        axes.set_aspect("equal")
        axes.axhline(0, color="#bbb", lw=0.6)
        axes.axvline(0, color="#bbb", lw=0.6)
        theta = np.linspace(0, 2 * np.pi, 121)
        self._circle = np.vstack([np.cos(theta), np.sin(theta)])
        self._square = np.array([[0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)
        axes.add_patch(Polygon(self._square.T, closed=True, fill=False, ls=":", ec="#888"))
        axes.plot(*self._circle, ls=":", color="#888", lw=0.8)
        self._image_square = Polygon(self._square.T, closed=True, alpha=0.35, fc="#4a90d9",
                                     ec="#1f4e8c", label="A·(unit square)")
        axes.add_patch(self._image_square)
        (self._image_circle,) = axes.plot([], [], color="#d9534f", lw=1.5, label="A·(unit circle)")
        self._eigen_lines = [
            axes.plot([], [], color="#2a9d4a", lw=2,
                      label="λ·v (eigenvectors)" if k == 0 else None)[0]
            for k in range(2)
        ]
        self._singular_lines = [
            axes.plot([], [], color="#8e44ad", lw=1.5, ls="--",
                      label="σ·u (ellipse axes)" if k == 0 else None)[0]
            for k in range(2)
        ]
        axes.legend(loc="upper left", fontsize=7, framealpha=0.85)

    def _layout(self) -> None:
        buttons = ipywidgets.HBox(list(self.resize_buttons.values()))
        self._grid_box = ipywidgets.VBox([self.grid, buttons])
        inputs = ipywidgets.VBox([
            ipywidgets.HBox([self.preset, self.parameter]),
            ipywidgets.HBox([self.text, self.apply_text]),
            self._grid_box,
        ])
        pictures = ipywidgets.HBox([self.heatmap_figure.canvas, self.transform_figure.canvas])
        left = ipywidgets.VBox([inputs, pictures], layout=ipywidgets.Layout(min_width="520px"))
        right = ipywidgets.VBox(
            [section("Report", self.report_html)], layout=ipywidgets.Layout(margin="0 0 0 16px")
        )
        self._set_body(
            ipywidgets.HBox([left, right], layout=ipywidgets.Layout(flex_flow="row wrap")),
            section("Solve A x = b", self.b_text, self.solve_html),
            section("Decomposition", self.decomposition_picker, self.decomposition_html),
            section("Exact arithmetic", self.exact_box, self.exact_html),
        )

    # -- inputs --------------------------------------------------------------------------------

    @observe("matrix", "b", "decomposition", "exact")
    def _on_input(self, change: dict) -> None:
        if change["name"] == "matrix" and not self._typing:
            self._exact_entries = None
        self.recompute()

    def _on_preset(self, change: dict) -> None:
        name = change["new"]
        if name == "(custom)":
            self.parameter.layout.visibility = "hidden"
            return
        label, low, high, step, default = linalg.PRESETS[name]
        self.parameter.layout.visibility = "visible" if label else "hidden"
        with self.hold(), self.parameter.hold_trait_notifications():
            self.parameter.min, self.parameter.max = low, high
            self.parameter.step, self.parameter.description = step, label
            self.parameter.value = default
        self.attempt(self._load_preset)

    def _on_parameter(self, _change: dict) -> None:
        if self.preset.value != "(custom)":
            self.attempt(self._load_preset)

    def _load_preset(self) -> None:
        name, value = self.preset.value, self.parameter.value
        seed = int(value) if name.startswith("random") else 0
        self.matrix = linalg.presets(name, value, seed=seed)

    def _apply_text(self) -> None:
        values, exact = linalg.parse_matrix(self.text.value)
        self._set_typed(values, exact)

    def _set_typed(self, values: np.ndarray, exact: Any) -> None:
        self._exact_entries = exact
        self._typing = True
        try:
            self.matrix = values
        finally:
            self._typing = False

    def _on_cell(self, i: int, j: int, text: str) -> None:
        if self.is_syncing:
            return
        self.attempt(self._edit_cell, i, j, text)

    def _edit_cell(self, i: int, j: int, text: str) -> None:
        try:
            entry = parse_expression(text, variables=())
            value = expression_to_float(entry, text)
        except ExpressionError as error:
            raise ExpressionError(f"entry ({i + 1}, {j + 1}): {error}") from None
        matrix = np.array(self.matrix, dtype=float)
        matrix[i, j] = value
        exact = self._exact_entries
        if exact is None and max(matrix.shape) <= linalg.EXACT_MAX:
            try:  # keep the typed entry exact, when the others are exact too
                exact = linalg.exact_matrix(self.matrix)
            except ExpressionError:
                exact = None  # exact mode will say which entry is not exact
        if exact is not None:
            exact = exact.copy()
            exact[i, j] = entry
        self._cell_values[i, j] = value
        self.preset.value = "(custom)"
        self._set_typed(matrix, exact)

    def _resize(self, action: str) -> None:
        matrix = np.array(self.matrix, dtype=float)
        rows, cols = matrix.shape
        if action == "+ row" and rows < GRID_MAX:
            matrix = np.vstack([matrix, np.zeros((1, cols))])
        elif action == "+ col" and cols < GRID_MAX:
            matrix = np.hstack([matrix, np.zeros((rows, 1))])
        elif action == "− row" and rows > 1:
            matrix = matrix[:-1]
        elif action == "− col" and cols > 1:
            matrix = matrix[:, :-1]
        else:
            limit = f"at most {GRID_MAX}" if action.startswith("+") else "at least 1"
            raise ExpressionError(f"the grid holds {limit} rows and columns")
        self.preset.value = "(custom)"
        self.matrix = matrix

    # -- recomputation -------------------------------------------------------------------------

    def _update(self) -> None:
        matrix = linalg.as_matrix(self.matrix)
        report = linalg.matrix_report(matrix)
        ones = np.ones(matrix.shape[0])
        rhs = linalg.parse_vector(self.b, matrix.shape[0]) if self.b.strip() else ones
        solution = linalg.solve(matrix, rhs, report["singular_values"])
        factors, factor_note = self._factors(matrix)
        exact, exact_note = self._exact(matrix)
        # Everything computed: now commit and refresh the views.
        self.report, self.solution = report, solution
        self.factors, self.exact_results = factors, exact
        self._show_grid(matrix)
        self._show_report(report)
        self._show_solution(solution, rhs)
        self._show_factors(factors, factor_note)
        self._show_exact(report, exact, exact_note)
        self._draw_heatmap(matrix)
        self._draw_transform(matrix, report)
        self.status = f"{matrix.shape[0]}×{matrix.shape[1]} matrix, rank {report['rank']}"

    def _factors(self, matrix: np.ndarray) -> tuple[dict[str, np.ndarray], str]:
        if self.decomposition == "none":
            return {}, ""
        try:
            return linalg.decomposition(matrix, self.decomposition), ""
        except ExpressionError as error:
            return {}, str(error)

    def _exact(self, matrix: np.ndarray) -> tuple[dict[str, Any], str]:
        if not self.exact:
            return {}, ""
        try:
            linalg.check_exact_size(*matrix.shape)
            entries = self._exact_entries
            if entries is None:
                entries = linalg.exact_matrix(matrix)
            return linalg.exact_report(entries), ""
        except ExpressionError as error:
            return {}, str(error)

    # -- views ---------------------------------------------------------------------------------

    def _show_grid(self, matrix: np.ndarray) -> None:
        rows, cols = matrix.shape
        fits = rows <= GRID_MAX and cols <= GRID_MAX
        self._grid_box.layout.display = "flex" if fits else "none"
        if not fits:
            return
        with self.syncing():
            for i in range(rows):
                for j in range(cols):
                    if self._cell_values[i, j] != matrix[i, j]:  # keep typed forms (sqrt(2))
                        self.cells[i][j].value = f"{matrix[i, j]:.6g}"
                        self._cell_values[i, j] = matrix[i, j]
        self.grid.layout.grid_template_columns = f"repeat({cols}, {_CELL_WIDTH})"
        self.grid.children = [self.cells[i][j] for i in range(rows) for j in range(cols)]

    def _show_report(self, report: dict[str, Any]) -> None:
        readings = report["readings"]
        norms = report["norms"]
        values = report["eigenvalues"]
        eigen = "—" if values is None else _short_vector(values)
        flags = ", ".join(
            f"{name}: {fmt(report[key])}"
            for name, key in (("symmetric", "symmetric"), ("orthogonal", "orthogonal"),
                              ("positive definite", "positive_definite"),
                              ("diagonalizable", "diagonalizable"))
        )
        rows = [
            ("shape", f"{report['shape'][0]}×{report['shape'][1]}", readings["shape"]),
            ("rank", report["rank"], readings["rank"]),
            ("trace", fmt(report["trace"]), "sum of the diagonal = sum of the eigenvalues"),
            ("det", fmt(report["det"]), readings.get("det", "")),
            ("cond", fmt(report["cond"], 3), readings["cond"]),
            ("eigenvalues", eigen, readings.get("eigenvalues", "")),
            ("singular values", _short_vector(report["singular_values"]),
             "lengths of the ellipse axes: A·(unit sphere)"),
            ("norms", f"1: {fmt(norms['1'])}, 2: {fmt(norms['2'])}, ∞: {fmt(norms['inf'])}, "
             f"F: {fmt(norms['fro'])}", "max column sum, largest σ, max row sum, √Σσ²"),
            ("flags", flags, readings.get("positive_definite", "")),
        ]
        table = html_table(rows, ["quantity", "value", "what it means"])
        extra = ""
        if report["inverse"] is not None:
            extra += f"<div style='margin-top:6px'>A⁻¹ = {matrix_html(report['inverse'])}</div>"
        elif report["det"] is not None:
            extra += f"<div style='margin-top:6px'>A⁻¹: {readings['inverse']}</div>"
        if report["eigenvectors"] is not None:
            method = f"numpy.linalg.{report['eigen_method']}"
            extra += (
                f"<div style='margin-top:6px'>eigenvectors (columns, from {method}) = "
                f"{matrix_html(report['eigenvectors'])}</div>"
            )
        self.report_html.value = table + extra

    def _show_solution(self, solution: dict[str, Any], rhs: np.ndarray) -> None:
        warning = solution["warning"]
        note = note_html(warning) if warning else ""
        self.solve_html.value = html_table([
            ("b", fmt_vector(rhs)),
            ("x", fmt_vector(solution["x"]) if solution["x"].size <= 12 else
             f"{solution['x'].size} entries"),
            ("‖Ax − b‖", fmt(solution["residual"], 3)),
            ("method", solution["method"]),
        ]) + note

    def _show_factors(self, factors: dict[str, np.ndarray], note: str) -> None:
        if note:
            self.decomposition_html.value = note_html(note)
            return
        if not factors:
            self.decomposition_html.value = ""
            return
        parts = [
            f"<span style='margin-right:12px'>{name} = {matrix_html(value)}</span>"
            for name, value in factors.items() if name != "residual"
        ]
        product = {"LU": "P·L·U", "QR": "Q·R", "Cholesky": "L·Lᵀ", "SVD": "U·Σ·Vᵀ"}[
            self.decomposition
        ]
        check = f"<div>max |{product} − A| = {fmt(float(factors['residual']), 3)}</div>"
        self.decomposition_html.value = "<div>" + "".join(parts) + "</div>" + check

    def _show_exact(self, report: dict[str, Any], exact: dict[str, Any], note: str) -> None:
        if note:
            self.exact_html.value = note_html(note)
            return
        if not exact:
            self.exact_html.value = ""
            return
        import sympy

        det_float = report["det"]
        det_exact = exact["det"]
        rows = [(
            "det", f"${sympy.latex(det_exact)}$", fmt(det_float, 10),
            fmt(abs(float(det_exact) - det_float), 2),
        )]
        floats = np.sort_complex(np.asarray(report["eigenvalues"], dtype=complex))
        exact_values = np.sort_complex(np.array(exact["eigenvalues_numeric"]))
        same_count = len(floats) == len(exact_values)
        difference = float(np.max(np.abs(exact_values - floats))) if same_count else None
        latex_values = [sympy.latex(v) for v in exact["eigenvalues"]]
        if sum(map(len, latex_values)) > 240:  # closed forms of cubic roots are unreadable
            shown = "roots of $" + sympy.latex(exact["charpoly"]) + " = 0$"
        else:
            shown = "$" + ",\\ ".join(latex_values) + "$"
        rows.append((
            "eigenvalues", shown, _short_vector(report["eigenvalues"], 10), fmt(difference, 2)
        ))
        if exact["inverse"] is not None and report["inverse"] is not None:
            inverse = np.array(exact["inverse"].evalf(), dtype=float)
            rows.append((
                "inverse", f"${latex_matrix(exact['inverse'])}$", "see report",
                fmt(float(np.max(np.abs(inverse - report["inverse"]))), 2),
            ))
        self.exact_html.value = html_table(
            rows, ["quantity", "exact (SymPy)", "floating point (NumPy)", "|difference|"],
            escape=False,
        )

    def _draw_heatmap(self, matrix: np.ndarray) -> None:
        rows, cols = matrix.shape
        limit = float(np.max(np.abs(matrix))) or 1.0
        self._image.set_data(matrix)
        self._image.set_clim(-limit, limit)
        self._image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        axes = self._heatmap_axes
        annotate = rows <= _ANNOTATE_MAX and cols <= _ANNOTATE_MAX
        for i in range(_ANNOTATE_MAX):
            for j in range(_ANNOTATE_MAX):
                text = self._annotations[i][j]
                show = annotate and i < rows and j < cols
                text.set_visible(show)
                if show:
                    value = matrix[i, j]
                    text.set_text(fmt(value, 3))
                    text.set_color("white" if abs(value) > 0.6 * limit else "black")
        small = max(rows, cols) <= 12
        axes.set_xticks(range(cols) if small else [])
        axes.set_yticks(range(rows) if small else [])
        axes.set_xticklabels([str(j + 1) for j in range(cols)] if small else [])
        axes.set_yticklabels([str(i + 1) for i in range(rows)] if small else [])
        self.heatmap_figure.canvas.draw_idle()

    def _draw_transform(self, matrix: np.ndarray, report: dict[str, Any]) -> None:
        is_2x2 = matrix.shape == (2, 2)
        self.transform_figure.canvas.layout.display = "block" if is_2x2 else "none"
        if not is_2x2:
            return
        square = matrix @ self._square
        circle = matrix @ self._circle
        self._image_square.set_xy(square.T)
        self._image_circle.set_data(*circle)
        values, vectors = report["eigenvalues"], report["eigenvectors"]
        real = not np.iscomplexobj(values)
        for k, line in enumerate(self._eigen_lines):
            line.set_visible(real)
            if real:
                tip = values[k] * vectors[:, k]
                line.set_data([0, tip[0]], [0, tip[1]])
        u, s, _ = np.linalg.svd(matrix)
        for k, line in enumerate(self._singular_lines):
            tip = s[k] * u[:, k]
            line.set_data([-tip[0], tip[0]], [-tip[1], tip[1]])
        reach = max(1.2, float(np.max(np.abs(np.hstack([square, circle])))) * 1.15)
        self._transform_axes.set_xlim(-reach, reach)
        self._transform_axes.set_ylim(-reach, reach)
        note = "" if real else " (complex eigenvalues: no real eigenvectors)"
        self._transform_axes.set_title(
            f"area of blue = |det| = {fmt(abs(report['det']), 3)}{note}", fontsize=9
        )
        self.transform_figure.canvas.draw_idle()


def _short_vector(values: Any, digits: int = 4, limit: int = 8) -> str:
    values = np.asarray(values)
    if values.size <= limit:
        return fmt_vector(values, digits)
    return fmt_vector(values[:limit], digits)[:-1] + f", … ({values.size} in all)]"
