"""Benchmarks, run by hand: ``make bench`` (or ``python benchmarks/run.py [--quick]``).

Prints a Markdown table: each row is a median over repeats, next to a naive baseline where one
makes sense, the ratio between them, and the goal from the issue that asked for it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@dataclass
class Row:
    name: str
    median: float
    baseline_name: str = ""
    baseline: float | None = None
    goal: str = ""

    def cells(self) -> list[str]:
        ratio = f"{self.median / self.baseline:.2f}x" if self.baseline else ""
        baseline = f"{self.baseline_name} {_ms(self.baseline)}" if self.baseline else ""
        return [self.name, _ms(self.median), baseline, ratio, self.goal]


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-4 else f"{seconds * 1e6:.3g} µs"


def median_time(action: Callable[[], object], repeats: int = 21, inner: int = 1) -> float:
    """Median seconds per call of ``action`` over ``repeats`` timings of ``inner`` calls."""
    action()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            action()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def cold_import(module: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(times)


def bench_imports(quick: bool) -> list[Row]:
    repeats = 5 if quick else 11
    baseline = cold_import("ipywidgets", repeats)
    ours = cold_import("widgets", repeats)
    return [Row("cold `import widgets`", ours, "`import ipywidgets`", baseline, "<= 1.5x")]


SECTIONS: list[Callable[[bool], list[Row]]] = [bench_imports]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    rows = [row for section in SECTIONS for row in section(args.quick)]
    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}.\n")
    print("| what | median | baseline | ratio | goal |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")


if __name__ == "__main__":
    main()
