"""Single-case latency: `calculate_case` + full explanation, in-process, and `duixian calc` as a command.

Prints, per case, the median of repeated runs. Without arguments: one example of every document
under examples/ (the first, by file name, of each document folder), so every document's latency
is shown; ``--all`` takes every example. Run:

    .venv/bin/python bench/calc_latency.py [--all] [--repeat 200] [--cli-repeat 7] [CASE ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from duixian.calculator import calculate_case
from duixian.engine.case import read_document
from duixian.engine.explain import explain, to_text

ROOT = Path(__file__).resolve().parent.parent


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _explained(data: Mapping[str, Any]) -> list[str]:
    return [to_text(i) for i in explain(calculate_case(data))]


def example_cases(every: bool) -> list[Path]:
    """Examples that are cases (they name a ``document`` and a ``year``; a reform names a document
    but no year), one per document unless ``every``."""
    chosen = []
    for folder in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
        cases = [p for p in sorted(folder.glob("*.yaml")) if {"document", "year"} <= read_document(p).keys()]
        chosen.extend(cases if every else cases[:1])
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every example, not one per document")
    parser.add_argument("--repeat", type=int, default=200, help="in-process runs per case")
    parser.add_argument("--cli-repeat", type=int, default=7, help="`duixian calc` runs per case (0: skip)")
    args = parser.parse_args()
    cases = args.cases or example_cases(args.all)
    print(f"median of {args.repeat} in-process runs, {args.cli_repeat} CLI runs")
    print(f"{'document':16} {'case':40} {'calc ms':>9} {'calc+explain ms':>16} {'CLI wall ms':>12}")
    for case in cases:
        data = read_document(case)
        calculate_case(data)  # warm caches: parameters, register
        calc = median_ms(partial(calculate_case, data), args.repeat)
        full = median_ms(partial(_explained, data), args.repeat)
        cli = float("nan")
        if args.cli_repeat:
            command = [sys.executable, "-m", "duixian", "calc", str(case)]
            cli = median_ms(
                partial(subprocess.run, command, check=True, capture_output=True), args.cli_repeat
            )
        print(f"{data['document']:16} {case.name:40} {calc:9.3f} {full:16.3f} {cli:12.1f}", flush=True)


if __name__ == "__main__":
    main()
