"""Several populations at once, one per document (76号's parties and loans, 71号's enterprises …).

The documents share no line, no cap and no fund, so each population is evaluated in a process of
its own and a city's whole rulebook takes about as long as its largest document, not the sum of all.
The driver evaluates the first population itself while worker processes take the others; each
writes its candidates to an Arrow file and the driver joins them in the order the populations were
given. Workers are forked with the rulebook parsed where that is safe, else spawned, each parsing the
rulebook as it starts while the driver is already at work (``population.workers``).
"""

from __future__ import annotations

import concurrent.futures
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.errors import InputError
from duixian.population import batch
from duixian.population.load import open_population, read_meta
from duixian.population.workers import prepare_for_work, worker_pool


@dataclass(frozen=True)
class Evaluated:
    """What one population's run reports (its candidates are in ``file``)."""

    path: str
    document: str
    year: int
    synthetic: bool
    entities: int | None
    input_rows: int
    candidates: int
    seconds: dict[str, float]
    readings: dict[str, str]
    file: str


def rules_of(paths: Sequence[Path], rule_ids: Sequence[str] | None) -> list[list[str] | None]:
    """Per population, the rules of ``rule_ids`` that belong to its document (None: every rule);
    a rule of none of the populations' documents is refused, naming it."""
    documents = rulebook.documents()
    chosen = [read_meta(p).document for p in paths]
    if not rule_ids:
        return [None] * len(paths)
    unknown = [r for r in rule_ids if not any(r in documents[d].rules for d in chosen)]
    if unknown:
        raise InputError("rule", f"{'、'.join(dict.fromkeys(chosen))} 都没有这些规则：{'、'.join(unknown)}")
    return [[r for r in rule_ids if r in documents[d].rules] for d in chosen]


def evaluate_to_file(path: Path, target: Path, rule_ids: list[str] | None) -> Evaluated:
    """One population, evaluated as ``duixian batch`` does, its candidates written to ``target``."""
    start = time.perf_counter()
    pop = open_population(path)
    loaded = time.perf_counter() - start
    run = batch.run_batch(pop, rule_ids)
    with pa.OSFile(str(target), "wb") as sink, pa.ipc.new_file(sink, run.candidates.schema) as writer:
        writer.write_table(run.candidates)
    return Evaluated(
        path=str(path),
        document=pop.document.id,
        year=pop.year,
        synthetic=pop.meta.synthetic,
        entities=pop.meta.entities,
        input_rows=sum(len(t) for t in pop.tables.values()),
        candidates=run.candidates.num_rows,
        seconds={"load": loaded} | run.seconds,
        readings=dict(pop.readings.chosen),
        file=str(target),
    )


def run_several(
    paths: Sequence[Path],
    rule_ids: Sequence[str] | None = None,
    workers: int = 2,
    done: Callable[[Evaluated], None] | None = None,
) -> tuple[list[Evaluated], pa.Table]:
    """Every population evaluated, at most ``workers`` at a time; the reports in the order given and
    the candidates of all, joined in that order."""
    if workers < 1:
        raise InputError("workers", "至少 1 个进程")
    selected = rules_of(paths, rule_ids)
    with tempfile.TemporaryDirectory(prefix="duixian-several-") as scratch:
        jobs = [
            (path, Path(scratch) / f"{i}.arrow", rules)
            for i, (path, rules) in enumerate(zip(paths, selected, strict=True))
        ]
        reports = _evaluate_all(jobs, workers, done)
        tables = [pa.ipc.open_file(r.file).read_all() for r in reports]
        # Each population keeps its own dictionary of readings and reasons (a chunk each): the same
        # values as one, and the Parquet writer takes chunks with different dictionaries.
        joined = pa.concat_tables(tables) if tables else batch.CANDIDATE_SCHEMA.empty_table()
    return reports, joined


Job = tuple[Path, Path, list[str] | None]


def _evaluate_all(jobs: list[Job], workers: int, done: Callable[[Evaluated], None] | None) -> list[Evaluated]:
    """The driver takes the first job while ``workers - 1`` spawned processes start and take the rest."""
    report = done or (lambda _: None)
    if workers == 1 or len(jobs) < 2:
        reports = []
        for job in jobs:
            reports.append(evaluate_to_file(*job))
            report(reports[-1])
        return reports
    pool = worker_pool(min(workers - 1, len(jobs) - 1), initializer=prepare_for_work)
    out: list[Evaluated | None] = [None] * len(jobs)
    try:
        futures = {pool.submit(evaluate_to_file, *job): i for i, job in enumerate(jobs) if i > 0}
        first = evaluate_to_file(*jobs[0])
        out[0] = first
        report(first)
        for future in concurrent.futures.as_completed(futures):
            evaluated = future.result()
            out[futures[future]] = evaluated
            report(evaluated)
    finally:
        pool.shutdown(cancel_futures=True)
    return [r for r in out if r is not None]
