"""Single-case latency: `calculate_case` + full explanation, in-process, and `duixian calc` as a command.

Prints the median of repeated runs. Run: .venv/bin/python bench/calc_latency.py [CASE ...]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from duixian.calculator import calculate_case
from duixian.engine.case import read_document
from duixian.engine.explain import explain, to_text

ROOT = Path(__file__).resolve().parent.parent


def median_ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    cases = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "examples" / "wzb-2019-76").glob("*.yaml"))
    print(f"{'case':48} {'calc ms':>9} {'calc+explain ms':>16} {'CLI wall ms':>12}")
    for case in cases:
        data = read_document(case)
        calculate_case(data)  # warm caches: parameters, register
        calc = median_ms(lambda: calculate_case(data), 200)
        full = median_ms(lambda: [to_text(i) for i in explain(calculate_case(data))], 200)
        cli = median_ms(
            lambda: subprocess.run([sys.executable, "-m", "duixian", "calc", str(case)], check=True, capture_output=True),
            7,
        )
        print(f"{case.name:48} {calc:9.3f} {full:16.3f} {cli:12.1f}")


if __name__ == "__main__":
    main()
