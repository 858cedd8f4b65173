"""Batch (免申即享) scaling: generate a SYNTHETIC 76号 population, load it, evaluate every rule.

Each size runs in its own process, so its peak memory (ru_maxrss of that process) is its own.
Prints, per size: input rows, generate / load / evaluate seconds, input rows per second of
evaluation, candidates and peak RSS. A size whose time budget runs out is reported as such.

Run: .venv/bin/python bench/batch_scaling.py [--sizes 10000 100000 1000000] [--budget 900]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def one(size: int, seed: int, year: int, finalise: bool) -> dict[str, Any]:
    import dataclasses

    from duixian import rulebook
    from duixian.population import open_population
    from duixian.population.batch import run_batch
    from duixian.population.synthetic import generate

    rulebook.parameters()  # parse the parameter YAML once, outside the timings
    rulebook.register()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = generate("wzb-2019-76", size, seed, year, Path(tmp) / "pop")
        t1 = time.perf_counter()
        pop = open_population(path)
        t2 = time.perf_counter()
        if not finalise:  # the rules' formulas alone, without the document's final passes (76号 g3)
            pop.document = dataclasses.replace(pop.document, finalisers=[])
        marks: list[tuple[str, float]] = []
        run = run_batch(pop, progress=lambda step: marks.append((step, time.perf_counter())))
        t3 = time.perf_counter()
        disk = sum(f.stat().st_size for f in path.iterdir())
    rows = sum(len(t) for t in pop.tables.values())
    return {
        "entities": size,
        "input_rows": rows,
        "loans": len(pop.tables["loans"]),
        "parquet_mb": round(disk / 1e6, 1),
        "generate_s": round(t1 - t0, 2),
        "load_s": round(t2 - t1, 2),
        "evaluate_s": round(run.seconds["evaluate"], 2),
        "formulas_s": round(max(t for step, t in marks if step != "finalise") - t2, 2),
        "finalise_s": round(
            next((t for step, t in marks if step == "finalise"), t3)
            - max(t for step, t in marks if step != "finalise"),
            2,
        )
        if finalise
        else "skipped",
        "candidates_s": round(run.seconds["candidates"], 2),
        "rows_per_s": round(rows / (t3 - t2)),
        "candidates": run.candidates.num_rows,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--budget", type=float, default=900, help="seconds allowed per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument(
        "--no-finalise-above",
        type=int,
        default=10**9,
        help="above this size, evaluate the formulas only (no g3 settle pass): label printed",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-finalise", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.stdout.write(json.dumps(one(args.one, args.seed, args.year, not args.no_finalise)) + "\n")
        return
    header = ("entities", "input_rows", "loans", "parquet_mb", "generate_s", "load_s", "evaluate_s",
              "formulas_s", "finalise_s", "candidates_s", "rows_per_s", "candidates", "peak_rss_mb")  # fmt: skip
    print("SYNTHETIC population (合成数据), wzb-2019-76, seed", args.seed, "year", args.year)
    print(" | ".join(header))
    for size in args.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--seed",
            str(args.seed),
            "--year",
            str(args.year),
        ]
        if size > args.no_finalise_above:
            command.append("--no-finalise")
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=args.budget, check=True)
        except subprocess.TimeoutExpired:
            print(f"{size} | not finished within {args.budget:.0f} s")
            continue
        except subprocess.CalledProcessError as exc:
            print(f"{size} | failed: {exc.stderr.strip().splitlines()[-1]}")
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(" | ".join(str(figures[h]) for h in header), flush=True)


if __name__ == "__main__":
    main()
