"""Single-case latency: `calculate_case` + full explanation, in-process, and `duixian calc` as a command.

Prints the median of repeated runs. Run: .venv/bin/python bench/calc_latency.py [CASE ...]
"""

from __future__ import annotations

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


def main() -> None:
    cases = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "examples" / "wzb-2019-76").glob("*.yaml"))
    print(f"{'case':48} {'calc ms':>9} {'calc+explain ms':>16} {'CLI wall ms':>12}")
    for case in cases:
        data = read_document(case)
        calculate_case(data)  # warm caches: parameters, register
        calc = median_ms(partial(calculate_case, data), 200)
        full = median_ms(partial(_explained, data), 200)
        command = [sys.executable, "-m", "duixian", "calc", str(case)]
        cli = median_ms(partial(subprocess.run, command, check=True, capture_output=True), 7)
        print(f"{case.name:48} {calc:9.3f} {full:16.3f} {cli:12.1f}")


if __name__ == "__main__":
    main()
