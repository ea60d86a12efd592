"""Package-level promises: a cheap import, and no door from text to code but the parser."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import widgets

PACKAGE = Path(widgets.__file__).parent


def test_import_loads_no_heavy_library():
    code = (
        "import sys, widgets\n"
        "heavy = [m for m in ('sympy', 'scipy', 'matplotlib', 'ipywidgets', 'numpy')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_public_names_resolve():
    for name in widgets.__all__:
        assert getattr(widgets, name) is not None
    assert set(widgets.__all__) <= set(dir(widgets))


def test_no_eval_exec_or_sympify_in_the_package():
    builtins = {"eval", "exec", "compile", "__import__"}
    sympy_doors = {"sympify", "parse_expr", "S"}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name):
                assert func.id not in builtins | sympy_doors, f"{path.name}:{node.lineno}"
            elif isinstance(func, ast.Attribute):
                assert func.attr not in sympy_doors, f"{path.name}:{node.lineno}"
