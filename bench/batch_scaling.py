"""Batch (免申即享) scaling: generate SYNTHETIC populations (76号 and 71号), load them, evaluate every rule.

Each size runs in its own process, so its peak memory (ru_maxrss of that process) is its own.
Prints, per size: input rows, generate / load / evaluate seconds, input rows per second of
evaluation, candidates and peak RSS. A size whose time budget runs out is reported as such.

Run: .venv/bin/python bench/batch_scaling.py [--sizes 10000 100000 1000000] [--budget 900]
     [--documents wzb-2019-76 wzjk-2019-71] [--chunk 250000 --workers 2] [--format arrow]

``--format``: the population's table files, Parquet (the default: compact) or uncompressed Arrow IPC
(5× the disk; the loader memory-maps it and decodes nothing). The time from files to evaluation is
part of every figure, so the format is printed with them.
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
from typing import TYPE_CHECKING, Any

from _machine import fresh_memory_line

if TYPE_CHECKING:
    from duixian.population.write import FileFormat


def one(
    document: str,
    size: int,
    seed: int,
    year: int,
    finalise: bool,
    chunk: int,
    workers: int,
    file_format: FileFormat,
) -> dict[str, Any]:
    import dataclasses

    from duixian import rulebook
    from duixian.population import open_population
    from duixian.population.batch import run_batch
    from duixian.population.synthetic import generate

    rulebook.parameters()  # parse the parameter YAML once, outside the timings
    rulebook.register()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        if chunk:
            # Generated in a process of its own: a process started by one that holds the generated
            # city begins with that memory in its peak (fork/exec), and so would every worker.
            path = Path(tmp) / "pop"
            command = [sys.executable, __file__, "--generate", str(path), "--document", document]
            command += ["--format", file_format]
            subprocess.run(
                [*command, "--one", str(size), "--seed", str(seed), "--year", str(year)], check=True
            )
        else:
            path = generate(document, size, seed, year, Path(tmp) / "pop", file_format)
        t1 = time.perf_counter()
        disk = sum(f.stat().st_size for f in path.iterdir())
        if chunk:
            return _chunked(document, size, path, t1 - t0, disk, chunk, workers)
        pop = open_population(path)
        t2 = time.perf_counter()
        if not finalise:  # the rules' formulas alone, without the document's final passes (76号 g3)
            pop.document = dataclasses.replace(pop.document, finalisers=[])
        marks: list[tuple[str, float]] = [("start", t2)]
        run = run_batch(pop, progress=lambda step: marks.append((step, time.perf_counter())))
        t3 = time.perf_counter()
    rows = sum(len(t) for t in pop.tables.values())
    formulas_end = max(t for step, t in marks if step != "finalise")
    return {
        "document": document,
        "entities": size,
        "input_rows": rows,
        "disk_mb": round(disk / 1e6, 1),
        "generate_s": round(t1 - t0, 2),
        "load_s": round(t2 - t1, 2),
        "evaluate_s": round(run.seconds["evaluate"], 2),
        "finalise_s": round(next((t for step, t in marks if step == "finalise"), t3) - formulas_end, 2)
        if finalise
        else "skipped",
        "candidates_s": round(run.seconds["candidates"], 2),
        "wall_s": round(t3 - t1, 2),
        "rows_per_s": round(rows / (t3 - t1)),
        "candidates": run.candidates.num_rows,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _chunked(
    document: str, size: int, path: Path, generate_s: float, disk: int, chunk: int, workers: int
) -> dict[str, Any]:
    # In a fresh process: this one generated the population, and its peak memory is the generator's.
    command = [sys.executable, __file__, "--run-chunked", str(path), "--chunk", str(chunk)]
    done = subprocess.run([*command, "--workers", str(workers)], capture_output=True, text=True, check=True)
    run = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "document": f"{document} (chunks of {chunk}, {workers} workers)",
        "entities": size,
        "input_rows": run["input_rows"],
        "disk_mb": round(disk / 1e6, 1),
        "generate_s": round(generate_s, 2),
        "load_s": round(run["seconds"]["plan"] + run["seconds"]["shuffle"], 2),
        "evaluate_s": round(run["seconds"]["evaluate"], 2),
        "finalise_s": "in evaluate",
        "candidates_s": "in evaluate",
        "wall_s": round(run["wall"], 2),
        "rows_per_s": round(run["input_rows"] / run["wall"]),
        "candidates": run["candidates"],
        "peak_rss_mb": run["peak_rss_mb"],  # the largest process of the run: the driver or one worker
    }


def _run_chunked(path: Path, chunk: int, workers: int) -> dict[str, Any]:
    from duixian.distributed.chunks import run_chunked

    t0 = time.perf_counter()
    run = run_chunked(path, path.parent / "candidates.parquet", chunk, workers)
    wall = time.perf_counter() - t0
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "input_rows": run.input_rows,
        "seconds": run.seconds,
        "wall": wall,
        "candidates": run.candidates,
        "peak_rss_mb": round(peak / 1024),
    }


def _together(
    documents: list[str], size: int, seed: int, year: int, workers: int, file_format: FileFormat
) -> dict[str, Any]:
    """Every document's population evaluated at once (``duixian batch DIR DIR …``: one process each)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / document for document in documents]
        for document, path in zip(documents, paths, strict=True):
            command = [sys.executable, __file__, "--generate", str(path), "--document", document]
            command += ["--format", file_format]
            subprocess.run(
                [*command, "--one", str(size), "--seed", str(seed), "--year", str(year)], check=True
            )
        command = [sys.executable, __file__, "--run-together", *map(str, paths), "--workers", str(workers)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _run_together(paths: list[Path], workers: int) -> dict[str, Any]:
    from duixian.population.several import run_several
    from duixian.population.workers import prepare_for_work

    # Outside the timing, as in `one` (whose population is generated, in its process, before it): the
    # rulebook parsed and pandas imported, which pyarrow loads on its first conversion to numpy. Timed
    # and printed apart; forked workers find both done.
    t = time.perf_counter()
    prepare_for_work()
    prepared = time.perf_counter() - t
    t0 = time.perf_counter()
    reports, candidates = run_several(paths, workers=workers)
    wall = time.perf_counter() - t0
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "wall": wall,
        "prepare_s": prepared,
        "candidates": candidates.num_rows,
        "input_rows": sum(r.input_rows for r in reports),
        "peak_rss_mb": round(peak / 1024),
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
    parser.add_argument("--documents", nargs="*", default=["wzb-2019-76", "wzjk-2019-71"])
    parser.add_argument(
        "--chunk", type=int, default=0, help="enterprises per chunk (documents with a partition plan)"
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes of a chunked run")
    parser.add_argument(
        "--together",
        action="store_true",
        help="also run every document's population at once (duixian batch DIR DIR, --workers processes)",
    )
    parser.add_argument("--format", choices=["parquet", "arrow"], default="parquet", help="table files")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run-together", type=Path, nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--run-chunked", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--document", help=argparse.SUPPRESS)
    parser.add_argument("--no-finalise", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        from duixian.population.synthetic import generate

        generate(args.document, args.one, args.seed, args.year, args.generate, args.format)
        return
    if args.run_together:
        sys.stdout.write(json.dumps(_run_together(args.run_together, args.workers)) + "\n")
        return
    if args.run_chunked:
        sys.stdout.write(json.dumps(_run_chunked(args.run_chunked, args.chunk, args.workers)) + "\n")
        return
    if args.one:
        from duixian.distributed.plan import PLANS

        chunk = args.chunk if args.document in PLANS else 0  # the others have no partition plan
        figures = one(
            args.document,
            args.one,
            args.seed,
            args.year,
            not args.no_finalise,
            chunk,
            args.workers,
            args.format,
        )
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    header = ("document", "entities", "input_rows", "disk_mb", "generate_s", "load_s", "evaluate_s",
              "finalise_s", "candidates_s", "wall_s", "rows_per_s", "candidates", "peak_rss_mb")  # fmt: skip
    print(
        f"SYNTHETIC populations (合成数据), seed {args.seed}, year {args.year}, {args.format} files;"
        " wall_s = load + evaluate"
    )
    print(fresh_memory_line())
    print(" | ".join(header))
    for size in args.sizes:
        wall = 0.0
        for document in args.documents:
            command = [sys.executable, __file__, "--one", str(size), "--document", document]
            command += ["--seed", str(args.seed), "--year", str(args.year)]
            command += ["--chunk", str(args.chunk), "--workers", str(args.workers), "--format", args.format]
            if size > args.no_finalise_above:
                command.append("--no-finalise")
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=args.budget, check=True
                )
            except subprocess.TimeoutExpired:
                print(f"{document} | {size} | not finished within {args.budget:.0f} s")
                continue
            except subprocess.CalledProcessError as exc:
                print(f"{document} | {size} | failed: {exc.stderr.strip().splitlines()[-1]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            wall += float(figures["wall_s"])
            print(" | ".join(str(figures[h]) for h in header), flush=True)
        print(f"all documents, one after another | {size} | wall_s {wall:.2f}", flush=True)
        if args.together and not args.chunk:
            run = _together(args.documents, size, args.seed, args.year, max(args.workers, 2), args.format)
            print(
                f"all documents at once ({max(args.workers, 2)} processes) | {size} | input_rows {run['input_rows']}"
                f" | wall_s {run['wall']:.2f} | candidates {run['candidates']} | peak_rss_mb {run['peak_rss_mb']}"
                f" | before it: rulebook parsed, pandas imported {run['prepare_s']:.2f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
